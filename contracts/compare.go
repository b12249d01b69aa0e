package contracts

import (
	"context"
	"fmt"

	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/compat/verdict"
)

// Packages compares contract packages for compat/verdict: one report per
// event schema and API, and one for the events and APIs added or removed
// (left out when there are none). compat check on packages and contract
// publish both decide through it.
type Packages struct {
	// Engines judge the documents (see DiffOptions).
	Engines []compat.Engine
}

var _ verdict.Comparer[*Contract] = Packages{}

// Name is the package's version: what a change is found against.
func (Packages) Name(c *Contract) string { return c.Version }

// Version is the package's version.
func (Packages) Version(c *Contract) (string, error) { return c.Version, nil }

// Defaults are the package's own compatibility mode and policy
// (contract.yaml). A package with an AsyncAPI document and no compatibility
// of its own is judged per message in its flow direction (compat.Flow; its
// event schemas and APIs in backward).
func (Packages) Defaults(c *Contract) (compat.Mode, compat.Policy) {
	if c.Compatibility == "" && c.AsyncAPI != "" {
		return compat.Flow, c.PolicyOrDefault()
	}
	return c.Mode(), c.PolicyOrDefault()
}

// Compare diffs the two packages.
func (p Packages) Compare(ctx context.Context, oldC, newC *Contract, mode compat.Mode, policy compat.Policy) (verdict.Comparison, error) {
	var out verdict.Comparison
	if oldC.Name != newC.Name {
		out.Warnings = append(out.Warnings, fmt.Sprintf("comparing different packages: %s and %s", oldC.Name, newC.Name))
	}
	reports, err := DiffPackages(ctx, oldC, newC, DiffOptions{Engines: p.Engines, Mode: mode, Policy: policy})
	if err != nil {
		return out, err
	}
	for _, r := range reports {
		if r.Kind == "contract" && len(r.Changes) == 0 {
			continue // no event or API added or removed
		}
		out.Reports = append(out.Reports, r)
	}
	return out, nil
}
