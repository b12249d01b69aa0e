package contracts

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dsctl/dsctl/contracts/registry"
	"github.com/dsctl/dsctl/internal/errkind"
)

// scaffold writes a fresh package name@version into a temp folder and loads it.
func scaffold(t *testing.T, root, name, version string) *Contract {
	t.Helper()
	dir := filepath.Join(root, name+"-"+version)
	if _, err := Init(dir, name); err != nil {
		t.Fatal(err)
	}
	if version != "0.1.0" {
		p := filepath.Join(dir, FileName)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(strings.Replace(string(b), "version: 0.1.0", "version: "+version, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// breakLint removes the event schema of c: a file-missing lint error.
func breakLint(t *testing.T, c *Contract) {
	t.Helper()
	if err := os.Remove(filepath.Join(c.Dir, filepath.FromSlash(c.Events[0].Schema))); err != nil {
		t.Fatal(err)
	}
}

func collect(t *testing.T, cs []*Contract, opts PublishAllOptions) []PublishItem {
	t.Helper()
	var items []PublishItem
	err := PublishAll(context.Background(), cs, opts, func(it PublishItem) error {
		items = append(items, it)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != len(cs) {
		t.Fatalf("emitted %d items for %d packages", len(items), len(cs))
	}
	for i, it := range items {
		if it.Index != i {
			t.Fatalf("item %d emitted at position %d: not in argument order", it.Index, i)
		}
	}
	return items
}

func statuses(items []PublishItem) string {
	var s []string
	for _, it := range items {
		s = append(s, it.Result.Name+"@"+it.Result.Version+"="+it.Result.Status)
	}
	return strings.Join(s, " ")
}

// TestPublishAllOrderAndVersions: many names at once, reported in argument
// order; two versions of one name published in order, the second gated
// against the first.
func TestPublishAllOrderAndVersions(t *testing.T) {
	root := t.TempDir()
	store := registry.OpenLayout("reg", filepath.Join(root, "reg"))
	var cs []*Contract
	for i := range 12 {
		cs = append(cs, scaffold(t, root, fmt.Sprintf("p%02d", i), "0.1.0"))
	}
	cs = append(cs, scaffold(t, root, "p03", "0.1.1"), scaffold(t, root, "p03", "0.1.2"))
	items := collect(t, cs, PublishAllOptions{PublishOptions: PublishOptions{Store: store, Engines: engines}, Jobs: 4})
	for _, it := range items {
		if it.Err != nil || it.Result.Status != StatusPublished {
			t.Fatalf("%s: %v", statuses(items), it.Err)
		}
	}
	if got := strings.Join(items[12].Result.Against, ","); got != "0.1.0" {
		t.Errorf("p03@0.1.1 compared with %q, want 0.1.0", got)
	}
	if got := strings.Join(items[13].Result.Against, ","); got != "0.1.1" {
		t.Errorf("p03@0.1.2 compared with %q, want 0.1.1", got)
	}
	// Idempotent: again, everything is already published.
	items = collect(t, cs, PublishAllOptions{PublishOptions: PublishOptions{Store: store, Engines: engines}, Jobs: 4})
	for _, it := range items {
		if it.Err != nil || it.Result.Status != StatusAlreadyPublished {
			t.Fatalf("republish: %s: %v", statuses(items), it.Err)
		}
	}
}

// TestPublishAllFailureContinues: a refused package does not stop the other
// names, and the later versions of its own name are skipped, whatever the
// timing: the outcome is the same with 1 and with 4 jobs.
func TestPublishAllFailureContinues(t *testing.T) {
	for _, jobs := range []int{1, 4} {
		t.Run(fmt.Sprint("jobs=", jobs), func(t *testing.T) {
			root := t.TempDir()
			store := registry.OpenLayout("reg", filepath.Join(root, "reg"))
			bad := scaffold(t, root, "bad", "0.1.0")
			breakLint(t, bad)
			cs := []*Contract{
				scaffold(t, root, "a", "0.1.0"), bad, scaffold(t, root, "b", "0.1.0"),
				scaffold(t, root, "bad", "0.1.1"), scaffold(t, root, "c", "0.1.0"),
			}
			items := collect(t, cs, PublishAllOptions{PublishOptions: PublishOptions{Store: store, Engines: engines}, Jobs: jobs})
			want := "a@0.1.0=published bad@0.1.0=lint-failed b@0.1.0=published bad@0.1.1=skipped c@0.1.0=published"
			if got := statuses(items); got != want {
				t.Fatalf("got  %s\nwant %s", got, want)
			}
			if !errors.Is(items[1].Err, ErrLintFailed) || !errors.Is(items[3].Err, ErrSkipped) {
				t.Errorf("errors: %v / %v", items[1].Err, items[3].Err)
			}
			if items[3].Result.Error == "" || !strings.Contains(items[3].Result.Error, "bad@0.1.0") {
				t.Errorf("skipped package's error %q does not name the one before it", items[3].Result.Error)
			}
			if vs, _ := store.List(context.Background(), "bad"); len(vs) != 0 {
				t.Errorf("bad has versions %v after its first version failed", vs)
			}
		})
	}
}

// envStore fails every Push of one name with an environment error.
type envStore struct {
	registry.Store
	failName string
}

func (s envStore) Push(ctx context.Context, p registry.Package) (registry.PushResult, error) {
	if p.Name == s.failName {
		return registry.PushResult{}, errkind.Envf("registry reg: connection refused")
	}
	return s.Store.Push(ctx, p)
}

// TestPublishAllEnvErrorStops: an environment error starts nothing more.
func TestPublishAllEnvErrorStops(t *testing.T) {
	root := t.TempDir()
	store := envStore{registry.OpenLayout("reg", filepath.Join(root, "reg")), "b"}
	cs := []*Contract{scaffold(t, root, "a", "0.1.0"), scaffold(t, root, "b", "0.1.0"), scaffold(t, root, "c", "0.1.0"), scaffold(t, root, "d", "0.1.0")}
	items := collect(t, cs, PublishAllOptions{PublishOptions: PublishOptions{Store: store, Engines: engines}, Jobs: 1})
	want := "a@0.1.0=published b@0.1.0=failed c@0.1.0=skipped d@0.1.0=skipped"
	if got := statuses(items); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if errkind.Of(items[1].Err) != errkind.Env || !strings.Contains(items[1].Result.Error, "connection refused") {
		t.Errorf("b: %v (%q)", items[1].Err, items[1].Result.Error)
	}
}

// gateStore counts pushes in flight and holds each until `want` are in
// flight together (or one shared deadline passes, so a serial publish fails
// the test instead of hanging it).
type gateStore struct {
	registry.Store
	want     int
	deadline <-chan time.Time
	mu       sync.Mutex
	cur      int
	max      int
	all      chan struct{}
	once     sync.Once
}

func (s *gateStore) Push(ctx context.Context, p registry.Package) (registry.PushResult, error) {
	s.mu.Lock()
	s.cur++
	s.max = max(s.max, s.cur)
	if s.cur >= s.want {
		s.once.Do(func() { close(s.all) })
	}
	s.mu.Unlock()
	select {
	case <-s.all:
	case <-s.deadline:
	}
	defer func() { s.mu.Lock(); s.cur--; s.mu.Unlock() }()
	return s.Store.Push(ctx, p)
}

// TestPublishAllConcurrent: different names are in flight together, never
// more than Jobs; one name's versions never are.
func TestPublishAllConcurrent(t *testing.T) {
	root := t.TempDir()
	store := &gateStore{Store: registry.OpenLayout("reg", filepath.Join(root, "reg")), want: 3, all: make(chan struct{}), deadline: time.After(20 * time.Second)}
	var cs []*Contract
	for i := range 9 {
		cs = append(cs, scaffold(t, root, fmt.Sprintf("n%d", i), "0.1.0"))
	}
	items := collect(t, cs, PublishAllOptions{PublishOptions: PublishOptions{Store: store, Engines: engines}, Jobs: 3})
	for _, it := range items {
		if it.Err != nil {
			t.Fatal(it.Err)
		}
	}
	if store.max != 3 {
		t.Errorf("at most %d pushes were in flight together, want 3 (--jobs 3)", store.max)
	}

	// One name, three versions: one push at a time.
	one := &gateStore{Store: registry.OpenLayout("reg", filepath.Join(root, "reg2")), want: 99, all: make(chan struct{})}
	close(one.all)
	cs = []*Contract{scaffold(t, root, "s", "0.1.0"), scaffold(t, root, "s", "0.1.1"), scaffold(t, root, "s", "0.1.2")}
	collect(t, cs, PublishAllOptions{PublishOptions: PublishOptions{Store: one, Engines: engines}, Jobs: 8})
	if one.max != 1 {
		t.Errorf("%d versions of one name were pushed together", one.max)
	}
}

// TestPublishAllEmitError: an error from emit stops the run and is returned.
func TestPublishAllEmitError(t *testing.T) {
	root := t.TempDir()
	store := registry.OpenLayout("reg", filepath.Join(root, "reg"))
	cs := []*Contract{scaffold(t, root, "a", "0.1.0"), scaffold(t, root, "b", "0.1.0"), scaffold(t, root, "c", "0.1.0")}
	boom := errors.New("stdout closed")
	n := 0
	err := PublishAll(context.Background(), cs, PublishAllOptions{PublishOptions: PublishOptions{Store: store, Engines: engines}, Jobs: 1}, func(PublishItem) error {
		n++
		return boom
	})
	if !errors.Is(err, boom) || n != 1 {
		t.Fatalf("err %v after %d emits, want %v after 1", err, n, boom)
	}
}

// TestPublishAllEnginesConcurrent: lint and the compatibility gate (JSON
// Schema and OpenAPI) run in several goroutines at once (run with -race).
func TestPublishAllEnginesConcurrent(t *testing.T) {
	root := t.TempDir()
	v1 := filepath.Join(root, "v1")
	copyDir(t, "../examples/orders/contract", v1)
	v2 := filepath.Join(root, "v2")
	copyDir(t, "../examples/orders/contract", v2)
	p := filepath.Join(v2, FileName)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Parse(p, b)
	if err != nil {
		t.Fatal(err)
	}
	next := c.SemVer().IncPatch()
	y := strings.Replace(string(b), "version: "+c.Version, "version: "+next.String(), 1)
	if err := os.WriteFile(p, []byte(y), 0o644); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for k := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c1, err1 := Load(v1)
			c2, err2 := Load(v2)
			if err1 != nil || err2 != nil {
				t.Error(err1, err2)
				return
			}
			store := registry.OpenLayout("reg", filepath.Join(root, fmt.Sprint("reg", k)))
			err := PublishAll(context.Background(), []*Contract{c1, c2}, PublishAllOptions{PublishOptions: PublishOptions{Store: store, Engines: engines}}, func(it PublishItem) error {
				if it.Err != nil {
					t.Errorf("%s@%s: %v", it.Result.Name, it.Result.Version, it.Err)
				}
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}
