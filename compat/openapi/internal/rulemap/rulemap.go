// Package rulemap derives the semver impact of an oasdiff rule from the rule's
// own metadata (level, effect, direction, area, kind, guards). The generator in
// ../gen writes its result for every rule oasdiff knows into a table
// (compat/openapi/rules_gen.go), and the completeness test in compat/openapi
// checks that the table is neither stale nor incomplete.
package rulemap

import (
	"slices"

	"github.com/dsctl/dsctl/compat"
	"github.com/oasdiff/oasdiff/checker/rules"
)

// Derive returns the impact of a rule and a short reason for it:
//
//   - ERR and WARN rules are major: they break clients, or oasdiff cannot
//     tell (fail closed).
//   - An INFO rule that is INFO only because the element was deprecated and
//     its sunset passed (the "sanctioned" guard) is still a removal: major.
//   - Other INFO rules that widen what a request accepts or narrow what a
//     response returns, or that add, remove or change something a client
//     can see (existence, mutability, structure, type), are minor.
//   - INFO rules with no effect on accepted values that are annotations
//     (tags, default values, deprecation and lifecycle notices) are patch.
func Derive(r rules.Rule) (compat.Impact, string) {
	if r.Level >= rules.WARN {
		return compat.Major, "oasdiff level " + r.Level.String()
	}
	if slices.Contains(r.Guards, rules.GuardSanctioned) {
		var others []rules.Guard
		for _, g := range r.Guards {
			if g != rules.GuardSanctioned {
				others = append(others, g)
			}
		}
		if rules.DeriveLevel(r.Effect, r.Direction, others...) >= rules.WARN {
			return compat.Major, "removal after deprecation is still a removal"
		}
	}
	switch r.Effect {
	case rules.EffectWidens, rules.EffectNarrows, rules.EffectUnknown, rules.EffectIncomparable:
		return compat.Minor, "compatible " + r.Effect.String() + " (" + r.Direction.String() + ")"
	}
	switch {
	case r.Area == rules.AreaTags:
		return compat.Patch, "tags are documentation"
	case r.Kind == rules.KindValues:
		return compat.Patch, "default values are annotations"
	case r.Kind == rules.KindLifecycle:
		return compat.Patch, "lifecycle notice (deprecation, stability)"
	}
	return compat.Minor, "compatible " + r.Kind.String() + " change"
}
