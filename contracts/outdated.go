package contracts

import (
	"context"
	"sort"

	"github.com/dsctl/dsctl/contracts/registry"
)

// OutdatedEntry compares one dependency's locked version with the store.
type OutdatedEntry struct {
	Name       string `json:"name"`
	Constraint string `json:"constraint"`
	// Locked is the version dsctl.lock pins ("" when not locked yet).
	Locked string `json:"locked,omitempty"`
	// Wanted is the newest non-yanked version the constraint allows ("" when none).
	Wanted string `json:"wanted,omitempty"`
	// Latest is the newest non-yanked version overall.
	Latest string `json:"latest,omitempty"`
	// Major is true when Latest is a breaking release from Locked (outside
	// its caret: another major, or another minor below 1.0.0): update will
	// not reach it, the constraint must change.
	Major bool `json:"major"`
	// Outdated is true when Locked is not Latest.
	Outdated bool `json:"outdated"`
}

// Outdated lists, for every dependency and locked contract (sorted by
// name), the locked version, the newest its constraint allows and the
// newest overall. It writes nothing. A contract the store does not have is
// a finding, as for pull.
func Outdated(ctx context.Context, store registry.Store, deps []Dependency, lock *Lock) ([]OutdatedEntry, error) {
	names := map[string]bool{}
	for _, d := range deps {
		names[d.Name] = true
	}
	for n := range lock.Contracts {
		names[n] = true
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	out := make([]OutdatedEntry, 0, len(sorted))
	for _, n := range sorted {
		e := OutdatedEntry{Name: n, Constraint: BareConstraint(deps, lock, n), Locked: lock.Contracts[n].Version}
		versions, err := store.List(ctx, n)
		if err != nil {
			return nil, err
		}
		latest, _, err := Resolve(versions, n, "*")
		if err != nil {
			// No version (or every one yanked): the finding ResolveIn names the store in.
			_, _, err = ResolveIn(ctx, store, n, "*")
			return nil, err
		}
		e.Latest = latest.Version
		if wanted, _, err := Resolve(versions, n, e.Constraint); err == nil {
			e.Wanted = wanted.Version
		}
		base := e.Locked
		if base == "" {
			base = e.Wanted
		}
		e.Major = base != "" && !satisfies(e.Latest, CaretOf(base))
		e.Outdated = e.Locked != e.Latest
		out = append(out, e)
	}
	return out, nil
}
