package contracts

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/dsctl/dsctl/internal/errkind"
)

// StatusSkipped is the status of a package PublishAll did not try: an
// earlier version of the same name was not published, or an environment
// error stopped the run. StatusFailed is that of a package whose publish
// failed without a more specific status (an unreachable registry, say).
const (
	StatusSkipped = "skipped"
	StatusFailed  = "failed"
)

// ErrSkipped is the error of a package PublishAll did not try.
var ErrSkipped = errors.New("not attempted")

// DefaultJobs is how many packages of different names PublishAll publishes
// at a time when PublishAllOptions.Jobs is 0. A registry spends most of a
// publish waiting on its own disk (distribution syncs each file it commits),
// so a few publishes in flight hide those waits; more than 4 gained little
// when measured (docs/bench-registries.md).
const DefaultJobs = 4

// PublishAllOptions configure PublishAll.
type PublishAllOptions struct {
	PublishOptions
	// Jobs bounds the packages in flight (0: DefaultJobs; 1: one at a time).
	Jobs int
}

// PublishItem is the outcome of one package of PublishAll.
type PublishItem struct {
	// Index is the package's position in PublishAll's argument.
	Index int
	// Result is what PublishContract returned; for a failure without a
	// result, and for a skipped package, it holds the name, version and
	// registry with StatusFailed or StatusSkipped and Error set.
	Result *PublishResult
	// Err is PublishContract's error, or wraps ErrSkipped.
	Err error
}

// PublishAll publishes cs, packages of different names concurrently (at most
// Jobs at a time) and the versions of one name one after the other, in the
// order given, since each is gated against the ones before it.
//
// emit is called once per package, in the order of cs, from the calling
// goroutine, as soon as that package and every one before it are done; an
// error from emit stops the run (packages in flight finish) and is returned.
//
// A package that fails does not stop the others, so the outcome does not
// depend on timing: the later versions of its name are skipped (ErrSkipped),
// other names go on. An environment error (a registry unreachable after its
// retries, a full disk; errkind.Env or unclassified) or a cancelled ctx
// stops the run instead: no package starts after it, the ones in flight
// finish, and the rest are skipped. PublishAll itself returns only emit's
// error; each package's error comes in its PublishItem.
func PublishAll(ctx context.Context, cs []*Contract, opts PublishAllOptions, emit func(PublishItem) error) error {
	jobs := opts.Jobs
	if jobs <= 0 {
		jobs = DefaultJobs
	}
	// Group by name, in order of first appearance.
	var groups [][]int
	byName := map[string]int{}
	for i, c := range cs {
		g, ok := byName[c.Name]
		if !ok {
			g = len(groups)
			byName[c.Name] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], i)
	}
	jobs = min(jobs, len(groups))

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu      sync.Mutex
		stopped bool // an environment error or emit's error: start nothing more
	)
	stop := func() { mu.Lock(); stopped = true; mu.Unlock() }
	isStopped := func() bool { mu.Lock(); defer mu.Unlock(); return stopped || ctx.Err() != nil }

	done := make([]chan PublishItem, len(cs))
	for i := range done {
		done[i] = make(chan PublishItem, 1)
	}
	next := make(chan []int)
	var wg sync.WaitGroup
	for range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for g := range next {
				var failed *PublishItem
				for _, i := range g {
					it := PublishItem{Index: i}
					switch {
					case failed != nil:
						it.Err = fmt.Errorf("%s@%s: %w: %s@%s before it was not published", cs[i].Name, cs[i].Version, ErrSkipped, cs[failed.Index].Name, cs[failed.Index].Version)
					case isStopped():
						it.Err = fmt.Errorf("%s@%s: %w: stopped by an earlier error", cs[i].Name, cs[i].Version, ErrSkipped)
					default:
						it.Result, it.Err = PublishContract(ctx, cs[i], opts.PublishOptions)
						if it.Err != nil && stopsRun(it.Err) {
							stop()
						}
					}
					if it.Err != nil && failed == nil {
						f := it
						failed = &f
					}
					fill(&it, cs[i], opts.Store.Ref())
					done[i] <- it
				}
			}
		}()
	}
	go func() {
		defer close(next)
		for _, g := range groups {
			select {
			case next <- g:
			case <-ctx.Done():
				// Nobody takes it: report its packages as skipped.
				for _, i := range g {
					it := PublishItem{Index: i, Err: fmt.Errorf("%s@%s: %w: stopped by an earlier error", cs[i].Name, cs[i].Version, ErrSkipped)}
					fill(&it, cs[i], opts.Store.Ref())
					done[i] <- it
				}
			}
		}
	}()

	var emitErr error
	for i := range cs {
		it := <-done[i]
		if emitErr != nil {
			continue
		}
		if err := emit(it); err != nil {
			emitErr = err
			stop()
			cancel()
		}
	}
	wg.Wait()
	return emitErr
}

// fill gives a failed or skipped package a result to report.
func fill(it *PublishItem, c *Contract, ref string) {
	if it.Err == nil {
		return
	}
	if it.Result == nil {
		it.Result = &PublishResult{Name: c.Name, Version: c.Version, Registry: ref, Against: []string{}}
	}
	switch {
	case errors.Is(it.Err, ErrSkipped):
		it.Result.Status = StatusSkipped
	case it.Result.Status == "":
		it.Result.Status = StatusFailed
	}
	it.Result.Error = it.Err.Error()
}

// stopsRun reports whether err is one that would hit every other package
// too: the environment failed, or the run was cancelled.
func stopsRun(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	if errors.Is(err, ErrLintFailed) || errors.Is(err, ErrVersionTooSmall) {
		return false // findings about this package alone
	}
	k := errkind.Of(err)
	return k == errkind.Env || k == errkind.Unknown
}
