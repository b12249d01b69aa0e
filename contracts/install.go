package contracts

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/dsctl/dsctl/contracts/registry"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/fsx"
)

// Install statuses: what install and update did with each contract.
const (
	// InstallUpToDate: the lock and the vendored folder already agreed; nothing was fetched.
	InstallUpToDate = "up-to-date"
	// InstallRestored: the locked version was fetched and vendored, digest-verified against the lock.
	InstallRestored = "installed"
	// InstallAdded: not in the lock: resolved from its constraint and locked.
	InstallAdded = "added"
	// InstallUpdated: the locked version moved (From → Version).
	InstallUpdated = "updated"
	// InstallRemoved: dropped from the lock and the vendor folder (no longer a dependency).
	InstallRemoved = "removed"
)

// InstallOptions configure Install and Update.
type InstallOptions struct {
	PullOptions
	// Deps are dsctl.yaml's dependencies; Declared is true when dsctl.yaml
	// has a dependencies: key (then the lock is made to agree with it).
	Deps     []Dependency
	Declared bool
	// Locked refuses to change the lock (install --locked): dsctl.yaml and
	// dsctl.lock must agree (CheckLocked), and only what the lock pins is fetched.
	Locked bool
}

// InstallResult is what happened to one contract.
type InstallResult struct {
	Name       string `json:"name"`
	Constraint string `json:"constraint,omitempty"`
	Version    string `json:"version"`
	// From is the version locked before, when it changed.
	From   string `json:"from,omitempty"`
	Digest string `json:"digest"`
	Status string `json:"status"`
	Dir    string `json:"dir"`
}

// plan is one contract as install or update will leave it.
type plan struct {
	res  *InstallResult
	want registry.Version
	// pin is the lock entry being restored (its digests must match); nil for
	// a version newly resolved.
	pin   *LockEntry
	files map[string][]byte
	entry LockEntry
}

// Install makes the vendor folder hold exactly what dsctl.lock pins, first
// bringing the lock in line with dsctl.yaml's dependencies (unless Locked):
// a dependency not locked, or whose constraint changed, is resolved to the
// newest matching version; one whose locked version still fits is fetched as
// pinned, digest-verified; a lock entry that is no longer a dependency is
// removed (only when dsctl.yaml declares dependencies:; without the key the
// lock is restored as it is). Every version is resolved and fetched before
// anything is written; then the vendored folders and the lock are replaced
// atomically.
func Install(ctx context.Context, opts InstallOptions) ([]*InstallResult, error) {
	lock, err := LoadLock(opts.LockPath)
	if err != nil {
		return nil, err
	}
	if opts.Locked {
		if err := CheckLocked(opts.Deps, lock, filepath.Base(opts.LockPath)); err != nil {
			return nil, err
		}
	}
	var plans []*plan
	declared := map[string]bool{}
	for _, d := range opts.Deps {
		declared[d.Name] = true
		e, ok := lock.Contracts[d.Name]
		if ok {
			if agree, _ := LockAgrees(d, e); agree {
				p, err := planPinned(ctx, opts.PullOptions, d.Name, e)
				if err != nil {
					return nil, err
				}
				if p.entry.Constraint == "" {
					// A version 1 entry gains its constraint.
					p.entry.Constraint, p.res.Constraint = d.Constraint, d.Constraint
				}
				plans = append(plans, p)
				continue
			}
		}
		p, err := planResolve(ctx, opts.PullOptions, d.Name, d.Constraint, lock)
		if err != nil {
			return nil, err
		}
		plans = append(plans, p)
	}
	for _, n := range lock.Names() {
		if declared[n] {
			continue
		}
		if opts.Declared {
			e := lock.Contracts[n]
			plans = append(plans, &plan{res: &InstallResult{Name: n, Constraint: e.Constraint, Version: e.Version, Digest: e.Digest,
				Status: InstallRemoved, Dir: filepath.Join(opts.VendorDir, n)}})
			continue
		}
		p, err := planPinned(ctx, opts.PullOptions, n, lock.Contracts[n])
		if err != nil {
			return nil, err
		}
		plans = append(plans, p)
	}
	// --locked never writes dsctl.lock (a version 1 lock stays as it is).
	return apply(ctx, opts.PullOptions, plans, !opts.Locked)
}

// Update moves each named contract (every dependency and locked contract
// without names) to the newest version its constraint allows (dsctl.yaml's,
// else the one the lock recorded, else the caret of the locked version) and
// rewrites the lock atomically. A name that is neither a dependency nor
// locked is an input error.
func Update(ctx context.Context, names []string, opts InstallOptions) ([]*InstallResult, error) {
	lock, err := LoadLock(opts.LockPath)
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, d := range opts.Deps {
		known[d.Name] = true
	}
	for n := range lock.Contracts {
		known[n] = true
	}
	if len(names) == 0 {
		for n := range known {
			names = append(names, n)
		}
	}
	seen := map[string]bool{}
	var uniq []string
	for _, n := range names {
		if !known[n] {
			return nil, errkind.Inputf("contract %s is neither a dependency in dsctl.yaml nor in %s", n, filepath.Base(opts.LockPath))
		}
		if !seen[n] {
			seen[n] = true
			uniq = append(uniq, n)
		}
	}
	sort.Strings(uniq)
	var plans []*plan
	for _, n := range uniq {
		p, err := planResolve(ctx, opts.PullOptions, n, BareConstraint(opts.Deps, lock, n), lock)
		if err != nil {
			return nil, err
		}
		plans = append(plans, p)
	}
	return apply(ctx, opts.PullOptions, plans, true)
}

// planPinned plans restoring the lock entry e of name: nothing to fetch when
// the vendored folder matches it, else the pinned version, whose manifest
// digest in the store must be the one the lock pins.
func planPinned(ctx context.Context, opts PullOptions, name string, e LockEntry) (*plan, error) {
	dir := filepath.Join(opts.VendorDir, name)
	p := &plan{res: &InstallResult{Name: name, Constraint: e.Constraint, Version: e.Version, Digest: e.Digest, Dir: dir}, entry: e, pin: &e}
	if verifyDir(name, dir, e).Status == VerifyOK {
		p.res.Status = InstallUpToDate
		return p, nil
	}
	v, err := opts.Store.Lookup(ctx, name, e.Version)
	if err != nil {
		if errors.Is(err, registry.ErrNotFound) {
			return nil, errkind.Inputf("%s@%s, pinned in %s, is not in %s", name, e.Version, filepath.Base(opts.LockPath), opts.Store.Ref())
		}
		return nil, err
	}
	if v.Digest != e.Digest {
		return nil, &errkind.Error{Kind: errkind.Finding,
			Err:  fmt.Errorf("%s@%s is locked at %s but %s serves %s: %w", name, e.Version, e.Digest, opts.Store.Ref(), v.Digest, ErrDigestChanged),
			Hint: "a published version must never change; find out who re-tagged it before trusting either copy"}
	}
	p.want = v
	p.res.Status = InstallRestored
	return p, nil
}

// planResolve plans resolving name@constraint to the newest matching
// version in the store; the lock entry before (if any) gives From, and a
// version it already pins is restored as pinned.
func planResolve(ctx context.Context, opts PullOptions, name, constraint string, lock *Lock) (*plan, error) {
	chosen, _, err := ResolveIn(ctx, opts.Store, name, constraint)
	if err != nil {
		return nil, err
	}
	record := RecordedConstraint(constraint, chosen.Version)
	old, locked := lock.Contracts[name]
	if locked && old.Version == chosen.Version {
		p, err := planPinned(ctx, opts, name, old)
		if err != nil {
			return nil, err
		}
		p.entry.Constraint, p.res.Constraint = record, record
		return p, nil
	}
	p := &plan{want: chosen, res: &InstallResult{Name: name, Constraint: record, Version: chosen.Version, Digest: chosen.Digest,
		Status: InstallAdded, Dir: filepath.Join(opts.VendorDir, name)}}
	if locked {
		p.res.Status, p.res.From = InstallUpdated, old.Version
	}
	p.entry = LockEntry{Constraint: record, Version: chosen.Version, Digest: chosen.Digest}
	return p, nil
}

// apply fetches and verifies every planned package, then (all fetched)
// writes the vendored folders, removes the dropped ones and saves the lock,
// under the vendor folder's lock file (saveLock false leaves the lock as it is).
func apply(ctx context.Context, opts PullOptions, plans []*plan, saveLock bool) ([]*InstallResult, error) {
	if len(plans) == 0 {
		return []*InstallResult{}, nil // nothing declared or locked: nothing written
	}
	ref := opts.RegistryRef
	if ref == "" {
		ref = opts.Store.Ref()
	}
	for _, p := range plans {
		if p.res.Status == InstallUpToDate || p.res.Status == InstallRemoved {
			continue
		}
		files, archive, err := fetchVerified(ctx, opts.Store, p.want, p.pin)
		if err != nil {
			return nil, err
		}
		p.files = files
		if p.pin == nil {
			p.entry.Archive, p.entry.Files, p.entry.Registry = archive, FileDigests(files), ref
		}
	}
	// The vendor folder and the package folders in it are repository paths: a
	// symbolic link committed there would make install write wherever it points.
	if err := refuseLink(opts.VendorDir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(opts.VendorDir, 0o755); err != nil {
		return nil, errkind.Envf("create %s: %w", opts.VendorDir, err)
	}
	fl, err := fsx.LockFile(filepath.Join(opts.VendorDir, ".dsctl-pull.lock"))
	if err != nil {
		return nil, errkind.Envf("lock %s: %w", opts.VendorDir, err)
	}
	defer fl.Unlock()
	// Re-read the lock under the file lock: a pull may have written it.
	lock, err := LoadLock(opts.LockPath)
	if err != nil {
		return nil, err
	}
	results := make([]*InstallResult, 0, len(plans))
	for _, p := range plans {
		dir := p.res.Dir
		if err := refuseLink(dir); err != nil {
			return nil, err
		}
		switch p.res.Status {
		case InstallRemoved:
			if err := os.RemoveAll(dir); err != nil {
				return nil, errkind.Envf("remove %s: %w", dir, err)
			}
			delete(lock.Contracts, p.res.Name)
		case InstallUpToDate:
			lock.Contracts[p.res.Name] = p.entry
		default:
			if err := WriteFiles(p.files, dir); err != nil {
				return nil, err
			}
			lock.Contracts[p.res.Name] = p.entry
		}
		results = append(results, p.res)
	}
	if saveLock {
		if err := lock.Save(opts.LockPath); err != nil {
			return nil, err
		}
	}
	sort.Slice(results, func(i, j int) bool { return results[i].Name < results[j].Name })
	return results, nil
}

// refuseLink returns an input error when path is a symbolic link.
func refuseLink(path string) error {
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&os.ModeSymlink != 0 {
		return errkind.InputAt(path, 0, 0, errors.New("is a symbolic link; install writes only into a real folder (remove the link)"))
	}
	return nil
}
