package rulemap

import (
	"testing"

	"github.com/dsctl/dsctl/compat"
	"github.com/oasdiff/oasdiff/checker/rules"
)

func TestDerive(t *testing.T) {
	tests := []struct {
		name string
		rule rules.Rule
		want compat.Impact
	}{
		{"error", rules.Rule{Level: rules.ERR, Effect: rules.EffectNarrows, Direction: rules.DirectionRequest}, compat.Major},
		{"warning", rules.Rule{Level: rules.WARN, Effect: rules.EffectUnknown}, compat.Major},
		{"sanctioned removal", rules.Rule{Level: rules.INFO, Effect: rules.EffectNarrows, Direction: rules.DirectionNone,
			Guards: []rules.Guard{rules.GuardSanctioned}}, compat.Major},
		{"sanctioned request parameter removal widens", rules.Rule{Level: rules.INFO, Effect: rules.EffectWidens, Direction: rules.DirectionRequest,
			Guards: []rules.Guard{rules.GuardSanctioned}}, compat.Minor},
		{"request widens", rules.Rule{Level: rules.INFO, Effect: rules.EffectWidens, Direction: rules.DirectionRequest}, compat.Minor},
		{"response narrows", rules.Rule{Level: rules.INFO, Effect: rules.EffectNarrows, Direction: rules.DirectionResponse}, compat.Minor},
		{"endpoint added", rules.Rule{Level: rules.INFO, Effect: rules.EffectNone, Area: rules.AreaPaths, Kind: rules.KindExistence}, compat.Minor},
		{"tag", rules.Rule{Level: rules.INFO, Effect: rules.EffectNone, Area: rules.AreaTags, Kind: rules.KindExistence}, compat.Patch},
		{"default value", rules.Rule{Level: rules.INFO, Effect: rules.EffectNone, Area: rules.AreaSchema, Kind: rules.KindValues}, compat.Patch},
		{"deprecation", rules.Rule{Level: rules.INFO, Effect: rules.EffectNone, Area: rules.AreaPaths, Kind: rules.KindLifecycle}, compat.Patch},
	}
	for _, tt := range tests {
		if got, reason := Derive(tt.rule); got != tt.want || reason == "" {
			t.Errorf("%s: got %s (%q), want %s", tt.name, got, reason, tt.want)
		}
	}
}
