package compat

import (
	"strings"
	"testing"

	"github.com/dsctl/dsctl/internal/errkind"
)

func waiverChanges() []Change {
	return []Change{
		{ID: "api-removed-without-deprecation", Path: "GET /orders/{id}", Impact: Major},
		{ID: "response-required-property-removed", Path: "#/components/schemas/Order/properties/total", Impact: Major,
			Operations: []string{"GET /orders", "GET /orders/{id}"}},
		{ID: "endpoint-added", Path: "GET /customers", Impact: Minor},
	}
}

func TestApplyWaivers(t *testing.T) {
	tests := []struct {
		name        string
		waivers     []Waiver
		today       string
		wantWaived  []string // Waived per change
		wantExpired int
		wantBump    Impact
	}{
		{"none", nil, "2026-06-01", []string{"", "", ""}, 0, Major},
		{"id and path", []Waiver{{ID: "api-removed-without-deprecation", Path: "GET /orders/{id}", Reason: "sunset agreed"}}, "2026-06-01",
			[]string{"sunset agreed", "", ""}, 0, Major},
		{"both majors, no reason", []Waiver{
			{ID: "api-removed-without-deprecation", Path: "GET /orders/{id}"},
			{ID: "response-required-property-removed", Path: "#/components/schemas/Order/*", Expires: "2026-06-01"},
		}, "2026-06-01", []string{"waived", "waived", ""}, 0, Minor},
		{"same id other path does not match", []Waiver{{ID: "api-removed-without-deprecation", Path: "GET /orders"}}, "2026-06-01",
			[]string{"", "", ""}, 0, Major},
		{"same path other id does not match", []Waiver{{ID: "endpoint-added", Path: "GET /orders/{id}"}}, "2026-06-01",
			[]string{"", "", ""}, 0, Major},
		{"message text is not a key", []Waiver{{ID: "api-removed-without-deprecation", Path: "API removed without deprecation"}}, "2026-06-01",
			[]string{"", "", ""}, 0, Major},
		{"expired and still matching", []Waiver{{ID: "api-removed-without-deprecation", Path: "GET /orders/{id}", Expires: "2026-05-31", Line: 7}}, "2026-06-01",
			[]string{"", "", ""}, 1, Major},
		{"expired but matching nothing", []Waiver{{ID: "api-removed-without-deprecation", Path: "GET /gone", Expires: "2020-01-01"}}, "2026-06-01",
			[]string{"", "", ""}, 0, Major},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := waiverChanges()
			expired, err := ApplyWaivers(cs, tt.waivers, tt.today)
			if err != nil {
				t.Fatal(err)
			}
			for i, c := range cs {
				if c.Waived != tt.wantWaived[i] {
					t.Errorf("change %d (%s): waived %q, want %q", i, c.ID, c.Waived, tt.wantWaived[i])
				}
			}
			if len(expired) != tt.wantExpired {
				t.Errorf("expired %v, want %d", expired, tt.wantExpired)
			}
			if got := RequiredBump(cs); got != tt.wantBump {
				t.Errorf("bump %s, want %s", got, tt.wantBump)
			}
		})
	}
}

func TestApplyWaiversBadDates(t *testing.T) {
	if _, err := ApplyWaivers(waiverChanges(), nil, "June 1st"); err == nil {
		t.Error("bad today accepted")
	}
	if _, err := ApplyWaivers(waiverChanges(), []Waiver{{ID: "x", Path: "y", Expires: "2026-13-45"}}, "2026-06-01"); err == nil {
		t.Error("bad expiry accepted")
	}
}

func TestExpiredWaiversError(t *testing.T) {
	if ExpiredWaiversError("dsctl.yaml", nil) != nil {
		t.Error("no expired waivers must be no error")
	}
	err := ExpiredWaiversError("dsctl.yaml", []Waiver{{ID: "api-removed-without-deprecation", Path: "GET /orders/{id}", Expires: "2026-05-31", Line: 7}})
	if errkind.Of(err) != errkind.Finding {
		t.Errorf("kind %v, want finding", errkind.Of(err))
	}
	if !strings.Contains(err.Error(), "dsctl.yaml:7:") || !strings.Contains(err.Error(), "2026-05-31") {
		t.Errorf("message %q must name dsctl.yaml:7 and the date", err)
	}
}
