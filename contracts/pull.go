package contracts

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/Masterminds/semver/v3"
	"github.com/dsctl/dsctl/contracts/registry"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/fsx"
)

// ParseRef splits NAME@CONSTRAINT ("orders@^1.2"); a missing constraint is "*".
func ParseRef(ref string) (name, constraint string, err error) {
	name, constraint, _ = strings.Cut(ref, "@")
	if constraint == "" {
		constraint = "*"
	}
	if !registry.ValidName(name) {
		return "", "", errkind.Inputf("invalid contract reference %q: want NAME@CONSTRAINT, such as orders@^1.2", ref)
	}
	if _, err := registry.ParseConstraint(constraint); err != nil {
		return "", "", errkind.Inputf("invalid version constraint %q in %q: %v", constraint, ref, err)
	}
	return name, constraint, nil
}

var exactRE = regexp.MustCompile(`^=?\s*v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)

// Pinned reports whether a constraint names exactly one version ("1.2.0", "=1.2.0").
func Pinned(constraint string) bool { return exactRE.MatchString(strings.TrimSpace(constraint)) }

// Resolve picks the highest version matching constraint; yanked versions are
// skipped unless the constraint pins exactly that version. skipped lists the
// yanked versions that matched.
func Resolve(versions []registry.Version, name, constraint string) (chosen registry.Version, skipped []registry.Version, err error) {
	cs, err := semver.NewConstraint(constraint)
	if err != nil {
		return chosen, nil, errkind.Inputf("invalid version constraint %q: %v", constraint, err)
	}
	pinned := Pinned(constraint)
	var best *semver.Version
	for _, v := range versions {
		sv, err := semver.StrictNewVersion(v.Version)
		if err != nil || !cs.Check(sv) {
			continue
		}
		if v.Yanked && !pinned {
			skipped = append(skipped, v)
			continue
		}
		if best == nil || sv.GreaterThan(best) {
			best, chosen = sv, v
		}
	}
	if best == nil {
		msg := fmt.Sprintf("no version of %s matches %s", name, constraint)
		if len(skipped) > 0 {
			msg += fmt.Sprintf(" (yanked: %s; pin one exactly to use it anyway)", versionList(skipped))
		}
		return chosen, skipped, fmt.Errorf("%s: %w", msg, registry.ErrNotFound)
	}
	return chosen, skipped, nil
}

func versionList(vs []registry.Version) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = v.Version
	}
	return strings.Join(s, ", ")
}

// PullOptions configure Pull.
type PullOptions struct {
	Store registry.Store
	// LockPath is dsctl.lock; VendorDir the folder packages are unpacked into.
	LockPath  string
	VendorDir string
	// RegistryRef is recorded in the lock (defaults to Store.Ref()).
	RegistryRef string
}

// PullResult says what Pull did.
type PullResult struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Digest  string `json:"digest"`
	Archive string `json:"archive"`
	// Dir is the vendored folder.
	Dir string `json:"dir"`
	// Changed is false when the vendored folder and the lock already held this version.
	Changed bool `json:"changed"`
	// Yanked is true when an exactly pinned yanked version was pulled.
	Yanked     bool   `json:"yanked,omitempty"`
	YankReason string `json:"yankReason,omitempty"`
	// Skipped lists yanked versions that matched the constraint and were passed over.
	Skipped []string `json:"skipped,omitempty"`
}

// ErrDigestChanged: a locked version now has another digest in the registry.
var ErrDigestChanged = errors.New("published version changed digest")

// ResolveIn resolves name@constraint against the versions in store (see
// Resolve); a contract the store does not have, or no matching version, is an
// input error naming the store (the argument names nothing there: exit 2,
// as every "not found" is).
func ResolveIn(ctx context.Context, store registry.Store, name, constraint string) (registry.Version, []registry.Version, error) {
	versions, err := store.List(ctx, name)
	if err != nil {
		return registry.Version{}, nil, err
	}
	if len(versions) == 0 {
		return registry.Version{}, nil, &errkind.Error{Kind: errkind.Input, Err: notInStore{"contract " + name, store.Ref(), registry.ErrNotFound}}
	}
	chosen, skipped, err := Resolve(versions, name, constraint)
	if err != nil {
		return registry.Version{}, nil, errkind.Inputf("%s: %w", store.Ref(), err)
	}
	return chosen, skipped, nil
}

// Pull resolves name@constraint in the store, fetches and verifies the
// archive, unpacks it into VendorDir/name atomically and records it in the
// lock (written atomically). Concurrent pulls into one vendor folder are
// serialised by a lock file in it.
func Pull(ctx context.Context, name, constraint string, opts PullOptions) (*PullResult, error) {
	if !registry.ValidName(name) {
		return nil, errkind.Inputf("invalid contract name %q", name)
	}
	lock, err := LoadLock(opts.LockPath)
	if err != nil {
		return nil, err
	}
	chosen, skipped, err := ResolveIn(ctx, opts.Store, name, constraint)
	if err != nil {
		return nil, err
	}
	res := &PullResult{Name: name, Version: chosen.Version, Digest: chosen.Digest, Archive: chosen.ArchiveDigest,
		Dir: filepath.Join(opts.VendorDir, name), Yanked: chosen.Yanked, YankReason: chosen.YankReason}
	for _, s := range skipped {
		res.Skipped = append(res.Skipped, s.Version)
	}
	if e, ok := lock.Contracts[name]; ok && e.Version == chosen.Version && e.Digest != chosen.Digest {
		return res, &errkind.Error{Kind: errkind.Finding,
			Err:  fmt.Errorf("%s@%s is locked at %s but %s now serves %s: %w", name, chosen.Version, e.Digest, opts.Store.Ref(), chosen.Digest, ErrDigestChanged),
			Hint: "a published version must never change; find out who re-tagged it before trusting either copy"}
	}
	files, archive, err := fetchVerified(ctx, opts.Store, chosen, nil)
	if err != nil {
		return res, err
	}
	res.Archive = archive
	// The vendor folder and the package's folder in it are repository paths: a
	// symbolic link committed there would make pull write (and replace)
	// wherever it points.
	for _, p := range []string{opts.VendorDir, res.Dir} {
		if fi, err := os.Lstat(p); err == nil && fi.Mode()&os.ModeSymlink != 0 {
			return res, errkind.InputAt(p, 0, 0, errors.New("is a symbolic link; pull writes only into a real folder (remove the link)"))
		}
	}
	if err := os.MkdirAll(opts.VendorDir, 0o755); err != nil {
		return res, errkind.Envf("create %s: %w", opts.VendorDir, err)
	}
	fl, err := fsx.LockFile(filepath.Join(opts.VendorDir, ".dsctl-pull.lock"))
	if err != nil {
		return res, errkind.Envf("lock %s: %w", opts.VendorDir, err)
	}
	defer fl.Unlock()
	// Re-read the lock under the file lock: another pull may have written it.
	lock, err = LoadLock(opts.LockPath)
	if err != nil {
		return res, err
	}
	entry := LockEntry{Constraint: RecordedConstraint(constraint, chosen.Version), Version: chosen.Version, Digest: chosen.Digest, Archive: res.Archive, Registry: opts.RegistryRef, Files: FileDigests(files)}
	if entry.Registry == "" {
		entry.Registry = opts.Store.Ref()
	}
	if lock.Contracts[name].Equal(entry) && verifyDir(name, res.Dir, entry).Status == VerifyOK {
		return res, nil
	}
	res.Changed = true
	if err := WriteFiles(files, res.Dir); err != nil {
		return res, err
	}
	lock.Contracts[name] = entry
	if err := lock.Save(opts.LockPath); err != nil {
		return res, err
	}
	return res, nil
}

// Verify statuses.
const (
	VerifyOK       = "ok"
	VerifyModified = "modified"
	VerifyMissing  = "missing"
	VerifyUnlocked = "unlocked"
)

// VerifyEntry is the state of one vendored contract.
type VerifyEntry struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
	Status  string `json:"status"`
	Detail  string `json:"detail,omitempty"`
}

// VerifyReport is the result of Verify.
type VerifyReport struct {
	Contracts []VerifyEntry `json:"contracts"`
	OK        bool          `json:"ok"`
}

// Verify re-checks the vendored packages against the lock: every file of each
// locked contract's folder must have the digest the lock lists, with no file
// added or removed (hidden files aside, as in Pack). A lock entry without a
// file list is checked by packing the folder again and comparing the archive
// digest. A folder in the vendor folder that the lock does not list is
// reported too.
func Verify(lockPath, vendorDir string) (*VerifyReport, error) {
	lock, err := LoadLock(lockPath)
	if err != nil {
		return nil, err
	}
	r := &VerifyReport{OK: true, Contracts: []VerifyEntry{}}
	for _, name := range lock.Names() {
		e := lock.Contracts[name]
		ve := verifyDir(name, filepath.Join(vendorDir, name), e)
		ve.Name = name
		if ve.Status != VerifyOK {
			r.OK = false
		}
		r.Contracts = append(r.Contracts, ve)
	}
	ents, err := os.ReadDir(vendorDir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, errkind.Envf("read %s: %w", vendorDir, err)
	}
	var extra []VerifyEntry
	for _, d := range ents {
		if !d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			continue
		}
		if _, ok := lock.Contracts[d.Name()]; !ok {
			extra = append(extra, VerifyEntry{Name: d.Name(), Status: VerifyUnlocked,
				Detail: fmt.Sprintf("%s is vendored but not in %s; pull it or remove the folder", filepath.Join(vendorDir, d.Name()), filepath.Base(lockPath))})
		}
	}
	sort.Slice(extra, func(i, j int) bool { return extra[i].Name < extra[j].Name })
	if len(extra) > 0 {
		r.OK = false
		r.Contracts = append(r.Contracts, extra...)
	}
	return r, nil
}

// verifyDir checks one vendored folder against its lock entry.
func verifyDir(name, dir string, e LockEntry) VerifyEntry {
	ve := VerifyEntry{Version: e.Version, Status: VerifyOK}
	// The command that restores the locked version, ready to paste.
	again := "run 'dsctl contract install'"
	bad := func(format string, args ...any) VerifyEntry {
		ve.Status, ve.Detail = VerifyModified, fmt.Sprintf(format, args...)+"; "+again+" to restore it"
		return ve
	}
	if _, err := os.Stat(filepath.Join(dir, FileName)); err != nil {
		ve.Status, ve.Detail = VerifyMissing, fmt.Sprintf("%s is missing; %s", filepath.ToSlash(dir), again)
		return ve
	}
	fsys, err := fsx.RootFS(dir)
	if err != nil {
		return bad("%v", err)
	}
	if len(e.Files) == 0 {
		if e.Archive == "" {
			return bad("the lock has no digests to check against")
		}
		data, err := Pack(fsys, dir)
		if err != nil {
			return bad("%v", err)
		}
		if Digest(data) != e.Archive {
			return bad("%s packs to %s, the lock says %s: vendored files were edited, added or removed", filepath.ToSlash(dir), Digest(data), e.Archive)
		}
		return ve
	}
	files, err := Files(fsys, dir)
	if err != nil {
		return bad("%v", err)
	}
	var edited, added, removed []string
	seen := map[string]bool{}
	for _, f := range files {
		seen[f] = true
		want, ok := e.Files[f]
		if !ok {
			added = append(added, f)
			continue
		}
		b, err := fsx.ReadLimited(fsys, f, MaxFileSize)
		if err != nil || Digest(b) != want {
			edited = append(edited, f)
		}
	}
	for f := range e.Files {
		if !seen[f] {
			removed = append(removed, f)
		}
	}
	sort.Strings(removed)
	var parts []string
	for _, x := range []struct {
		what  string
		files []string
	}{{"edited", edited}, {"added", added}, {"removed", removed}} {
		if len(x.files) > 0 {
			parts = append(parts, x.what+": "+strings.Join(x.files, ", "))
		}
	}
	if len(parts) > 0 {
		return bad("%s", strings.Join(parts, "; "))
	}
	return ve
}
