package openapi

import (
	"testing"

	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/compat/openapi/internal/rulemap"
	"github.com/oasdiff/oasdiff/checker"
)

// TestEveryRuleHasAnImpact fails when the linked oasdiff knows a rule the
// generated table does not (a new release added one: run go generate), when
// the table holds a rule oasdiff no longer has, or when a rule's level or
// derived impact changed since the table was generated.
func TestEveryRuleHasAnImpact(t *testing.T) {
	all := checker.GetAllRules()
	if len(all) < 500 {
		t.Fatalf("oasdiff reports only %d rules", len(all))
	}
	known := map[string]bool{}
	for _, r := range all {
		known[r.Id] = true
		g, ok := generatedRules[r.Id]
		if !ok {
			t.Errorf("rule %s (level %s) has no impact: run go generate ./compat/openapi", r.Id, r.Level)
			continue
		}
		if g.Level != r.Level.String() {
			t.Errorf("rule %s: table says level %s, oasdiff says %s: run go generate ./compat/openapi", r.Id, g.Level, r.Level)
		}
		if impact, _ := rulemap.Derive(r.Rule); impact != g.Impact {
			t.Errorf("rule %s: table impact %s, derived %s: run go generate ./compat/openapi", r.Id, g.Impact, impact)
		}
		impact, ok := RuleImpact(r.Id)
		if !ok || impact < compat.Patch {
			t.Errorf("rule %s: impact %s, known %v", r.Id, impact, ok)
		}
		if r.Level >= checker.WARN && impact != compat.Major {
			t.Errorf("rule %s is %s in oasdiff but %s here: ERR and WARN must be major", r.Id, r.Level, impact)
		}
	}
	for id := range generatedRules {
		if !known[id] {
			t.Errorf("table has rule %s that oasdiff no longer knows: run go generate ./compat/openapi", id)
		}
	}
	for id := range overrides {
		if !known[id] {
			t.Errorf("override for unknown rule %s", id)
		}
	}
}

func TestUnknownRuleFailsClosed(t *testing.T) {
	if impact, ok := RuleImpact("a-rule-from-the-future"); ok || impact != compat.Major {
		t.Errorf("unknown rule: got %s, %v; want major, false", impact, ok)
	}
}

func TestSwitchedOffRulesExist(t *testing.T) {
	levels := checker.GetCheckLevels()
	for _, id := range switchedOff {
		if _, ok := levels[id]; !ok {
			t.Errorf("switched-off rule %s is not an oasdiff rule", id)
		}
	}
}
