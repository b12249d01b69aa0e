package jsonschema

import (
	"strings"
	"testing"
)

// symmetryWaivers are the deliberate asymmetries of the rule table, each with
// its reason (as oasdiff keeps them).
var symmetryWaivers = map[string]string{
	"required-with-default-added": "removing a requirement is required-removed whether or not the property has a default; " +
		"the default only matters when a requirement is added (Confluent's REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED has no removal twin either)",
}

// TestRuleSymmetry audits the rule table: every rule names a partner that
// names it back; a widen's partner narrows; an add's partner removes;
// "…-changed" rules are their own partner; only waived rules break this.
func TestRuleSymmetry(t *testing.T) {
	for _, r := range Rules() {
		if r.Description == "" {
			t.Errorf("%s: no description", r.ID)
		}
		p, ok := RuleByID(r.Partner)
		if !ok {
			t.Errorf("%s: partner %q is not a rule", r.ID, r.Partner)
			continue
		}
		if reason, waived := symmetryWaivers[r.ID]; waived {
			if reason == "" {
				t.Errorf("%s: waiver without a reason", r.ID)
			}
			if p.Partner == r.ID {
				t.Errorf("%s: waived but symmetric; drop the waiver", r.ID)
			}
			continue
		}
		if p.Partner != r.ID {
			t.Errorf("%s: partner %s names %s back", r.ID, p.ID, p.Partner)
		}
		if p.ID == r.ID {
			if !strings.HasSuffix(r.ID, "-changed") {
				t.Errorf("%s: a self-partnered rule must be a '-changed' rule", r.ID)
			}
			if r.Direction != Both && r.Direction != Annotation && r.Direction != Contextual {
				t.Errorf("%s: a self-partnered rule must be both, annotation or contextual, is %s", r.ID, r.Direction)
			}
			continue
		}
		switch r.Direction {
		case Widen:
			if p.Direction != Narrow && p.Direction != Contextual {
				t.Errorf("%s widens but its partner %s is %s", r.ID, p.ID, p.Direction)
			}
		case Narrow:
			if p.Direction != Widen && p.Direction != Contextual {
				t.Errorf("%s narrows but its partner %s is %s", r.ID, p.ID, p.Direction)
			}
		case Annotation:
			if p.Direction != Annotation {
				t.Errorf("%s is an annotation but its partner %s is %s", r.ID, p.ID, p.Direction)
			}
		}
		for _, w := range [][2]string{{"-added", "-removed"}, {"-increased", "-decreased"}, {"-extended", "-narrowed"},
			{"-expanded", "-reduced"}} {
			if strings.Contains(r.ID, w[0]) && strings.Replace(r.ID, w[0], w[1], 1) != p.ID &&
				!strings.Contains(p.ID, w[1]) {
				t.Errorf("%s: partner %s is not its %s twin", r.ID, p.ID, w[1])
			}
		}
		if r.OnOld == p.OnOld && strings.Contains(r.ID+p.ID, "-removed") {
			t.Errorf("%s and %s: exactly one of a remove/add pair points at OLD", r.ID, p.ID)
		}
	}
}

// TestCasesCoverEveryRule checks that the case table reports every rule at
// least once, so each id is exercised in both directions through its partner.
func TestCasesCoverEveryRule(t *testing.T) {
	seen := map[string]bool{}
	for _, tc := range loadCases(t) {
		for _, c := range tc.ExpectedChanges {
			if _, ok := RuleByID(c.ID); !ok {
				t.Errorf("case %q expects unknown rule %s", tc.Description, c.ID)
			}
			seen[c.ID] = true
		}
	}
	for _, r := range Rules() {
		if !seen[r.ID] {
			t.Errorf("no case reports %s", r.ID)
		}
	}
}
