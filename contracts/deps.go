package contracts

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/Masterminds/semver/v3"
	"github.com/dsctl/dsctl/contracts/registry"
	"github.com/dsctl/dsctl/internal/errkind"
)

// Dependency is one contract a project consumes (dsctl.yaml's dependencies:):
// its name and the versions it accepts.
type Dependency struct {
	Name       string
	Constraint string
	// Pos is where it is declared ("dsctl.yaml:7:5"), for messages.
	Pos string
}

// CaretOf returns the constraint that accepts the versions compatible with
// version by semver: ^MAJOR, or ^0.MINOR below 1.0.0 (where a minor release
// may break).
func CaretOf(version string) string {
	v, err := semver.NewVersion(version)
	if err != nil {
		return "*"
	}
	if v.Major() == 0 {
		return fmt.Sprintf("^0.%d", v.Minor())
	}
	return fmt.Sprintf("^%d", v.Major())
}

// RecordedConstraint is the constraint dsctl.lock records for a version
// resolved from constraint: the constraint itself, or for "*" (a bare name
// with nothing locked) the caret of the version chosen, so that the next bare
// pull or update stays within that major.
func RecordedConstraint(constraint, version string) string {
	if c := strings.TrimSpace(constraint); c != "" && c != "*" {
		return c
	}
	return CaretOf(version)
}

// BareConstraint returns the constraint a bare NAME (no @CONSTRAINT) resolves
// with: dsctl.yaml's dependency, else the constraint the lock recorded, else
// the caret of the locked version (a version 1 lock), else "*" (nothing
// locked). So a bare name never crosses a major already locked.
func BareConstraint(deps []Dependency, lock *Lock, name string) string {
	for _, d := range deps {
		if d.Name == name {
			return d.Constraint
		}
	}
	if e, ok := lock.Contracts[name]; ok {
		if e.Constraint != "" {
			return e.Constraint
		}
		return CaretOf(e.Version)
	}
	return "*"
}

// satisfies reports whether version matches constraint.
func satisfies(version, constraint string) bool {
	cs, err := registry.ParseConstraint(constraint)
	if err != nil {
		return false
	}
	v, err := semver.NewVersion(version)
	return err == nil && cs.Check(v)
}

// LockAgrees reports whether the lock entry e is what dependency d resolves
// to as it stands: recorded from the same constraint (a version 1 entry, with
// none recorded, is taken as agreeing) and a version that satisfies it. The
// reason says what disagrees.
func LockAgrees(d Dependency, e LockEntry) (ok bool, reason string) {
	if e.Constraint != "" && e.Constraint != d.Constraint {
		return false, fmt.Sprintf("%s: the constraint changed: dsctl.yaml says %s, dsctl.lock was resolved from %s", d.Name, d.Constraint, e.Constraint)
	}
	if !satisfies(e.Version, d.Constraint) {
		return false, fmt.Sprintf("%s: dsctl.lock pins %s, which does not satisfy %s in dsctl.yaml", d.Name, e.Version, d.Constraint)
	}
	return true, ""
}

// ErrLockDisagrees: install --locked found dsctl.yaml and dsctl.lock apart.
var ErrLockDisagrees = errors.New("dsctl.yaml and dsctl.lock disagree")

// CheckLocked compares dsctl.yaml's dependencies with the lock, as install
// --locked does before anything is fetched: a dependency missing from the
// lock, a lock entry that is no dependency, a changed constraint or a locked
// version outside its constraint is a finding (exit 1) naming each one.
func CheckLocked(deps []Dependency, lock *Lock, lockPath string) error {
	var problems []string
	declared := map[string]bool{}
	for _, d := range deps {
		declared[d.Name] = true
		e, ok := lock.Contracts[d.Name]
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: in dsctl.yaml (%s, %s) but not in dsctl.lock", d.Name, d.Constraint, d.Pos))
			continue
		}
		if ok, why := LockAgrees(d, e); !ok {
			problems = append(problems, why)
		}
	}
	for _, n := range lock.Names() {
		if !declared[n] {
			problems = append(problems, fmt.Sprintf("%s: in dsctl.lock (%s) but not in dsctl.yaml's dependencies", n, lock.Contracts[n].Version))
		}
	}
	if len(problems) == 0 {
		return nil
	}
	sort.Strings(problems)
	return &errkind.Error{Kind: errkind.Finding,
		Err:  fmt.Errorf("%w: %s", ErrLockDisagrees, strings.Join(problems, "; ")),
		Hint: "run 'dsctl contract install' (without --locked) and commit dsctl.lock"}
}

// fetchVerified fetches want (a version with its manifest digest) from
// store and checks it: the manifest digest must be want's, the archive its
// layer digest, and when pin is given (the lock entry being restored) the
// archive and every file must have the digests the lock pins. A mismatch is
// a finding (exit 1): the store serves other content than what was pinned.
// It returns the package's files and the archive digest.
func fetchVerified(ctx context.Context, store registry.Store, want registry.Version, pin *LockEntry) (map[string][]byte, string, error) {
	name := want.Name
	data, v, err := store.Fetch(ctx, name, want.Version)
	if err != nil {
		return nil, "", err
	}
	if v.Digest != want.Digest {
		return nil, "", errkind.Findingf("%s@%s changed digest while fetching (%s, then %s): %w", name, want.Version, want.Digest, v.Digest, ErrDigestChanged)
	}
	archive := Digest(data)
	if want.ArchiveDigest != "" && archive != want.ArchiveDigest {
		return nil, "", errkind.Findingf("%s@%s: archive digest %s, want %s: %w", name, want.Version, archive, want.ArchiveDigest, registry.ErrCorrupt)
	}
	if pin != nil && pin.Archive != "" && archive != pin.Archive {
		return nil, "", errkind.Findingf("%s@%s from %s: archive %s, dsctl.lock pins %s: %w", name, want.Version, store.Ref(), archive, pin.Archive, ErrDigestChanged)
	}
	files, err := ReadArchive(data)
	if err != nil {
		// An input error (exit 2) naming the entry, before anything is written.
		return nil, "", fmt.Errorf("%s@%s from %s: %w", name, want.Version, store.Ref(), err)
	}
	if pin != nil && len(pin.Files) > 0 {
		got := FileDigests(files)
		for _, f := range unionKeys(got, pin.Files) {
			if got[f] != pin.Files[f] {
				return nil, "", errkind.Findingf("%s@%s from %s: file %s does not have the digest dsctl.lock pins: %w", name, want.Version, store.Ref(), f, ErrDigestChanged)
			}
		}
	}
	return files, archive, nil
}

// unionKeys returns the keys of a and b, sorted, once each.
func unionKeys(a, b map[string]string) []string {
	seen := map[string]bool{}
	var ks []string
	for _, m := range []map[string]string{a, b} {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				ks = append(ks, k)
			}
		}
	}
	sort.Strings(ks)
	return ks
}
