package openapi

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dsctl/dsctl/compat"
)

// reverseWaivers are the scenarios whose forward verdict differs from the
// backward verdict of the swapped pair, each with the reason.
var reverseWaivers = map[string]string{
	// oasdiff has no rule for a response header becoming required, so the
	// swapped pair's backward check sees only a documentation change (patch);
	// the forward check pairs nothing with response-header-became-optional,
	// which then counts as minor forward.
	"response_header_became_optional": "no oasdiff rule for a response header becoming required",
}

func diffMode(t *testing.T, old, new compat.Source, mode compat.Mode) []compat.Change {
	t.Helper()
	cs, err := Engine{}.Diff(context.Background(), old, new, compat.Options{Mode: mode})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// TestModesScenarios checks every scenario in the three modes: forward is
// the backward check of the swapped pair, full is the larger of the two, and
// forward and full report the backward run's changes (same ids, paths,
// locations), each once, with the directions they break.
func TestModesScenarios(t *testing.T) {
	for _, file := range scenarioFiles(t) {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			sc, fsys := loadScenario(t, file)
			old, new := sc.sources(fsys)
			back := diffMode(t, old, new, compat.Backward)
			fwd := diffMode(t, old, new, compat.Forward)
			full := diffMode(t, old, new, compat.Full)
			swapped := diffMode(t, new, old, compat.Backward)
			bb, fb, ub, sb := compat.RequiredBump(back), compat.RequiredBump(fwd), compat.RequiredBump(full), compat.RequiredBump(swapped)
			if bb.String() != sc.Bump {
				t.Errorf("backward bump %s, want %s", bb, sc.Bump)
			}
			if fb != sb && reverseWaivers[name] == "" {
				t.Errorf("forward bump %s, but the swapped pair's backward bump is %s", fb, sb)
			}
			if ub != max(bb, fb) {
				t.Errorf("full bump %s, want max(backward %s, forward %s)", ub, bb, fb)
			}
			for _, c := range back {
				if c.Breaks != nil || strings.Contains(c.Message, "(breaks") {
					t.Errorf("backward change %s carries directions: %v %q", c.ID, c.Breaks, c.Message)
				}
			}
			for _, m := range []struct {
				mode    compat.Mode
				changes []compat.Change
			}{{compat.Forward, fwd}, {compat.Full, full}} {
				if len(m.changes) != len(back) {
					t.Errorf("%s: %d changes, backward has %d (an edit reported twice or lost)", m.mode, len(m.changes), len(back))
					for _, c := range m.changes {
						t.Logf("  %s %s %s %s: %s", c.Impact, c.ID, c.Path, c.Location, c.Message)
					}
					continue
				}
				for i, c := range m.changes {
					b := back[i]
					if c.ID != b.ID || c.Path != b.Path || c.Location.String() != b.Location.String() {
						t.Errorf("%s: change %d is %s %s at %s, backward has %s %s at %s", m.mode, i, c.ID, c.Path, c.Location, b.ID, b.Path, b.Location)
					}
					if !strings.HasPrefix(c.Message, b.Message) {
						t.Errorf("%s: message %q does not start with the backward one %q", m.mode, c.Message, b.Message)
					}
					if c.Breaking != (c.Impact == compat.Major) {
						t.Errorf("%s: %s breaking %v with impact %s", m.mode, c.ID, c.Breaking, c.Impact)
					}
					if m.mode == compat.Full {
						f := fwd[i]
						if c.Impact != max(b.Impact, f.Impact) {
							t.Errorf("full: %s impact %s, want max(backward %s, forward %s)", c.ID, c.Impact, b.Impact, f.Impact)
						}
						if got, want := slices.Contains(c.Breaks, compat.Backward), b.Impact == compat.Major; got != want {
							t.Errorf("full: %s breaks backward %v, backward impact %s", c.ID, got, b.Impact)
						}
						if got, want := slices.Contains(c.Breaks, compat.Forward), f.Impact == compat.Major; got != want {
							t.Errorf("full: %s breaks forward %v, forward impact %s", c.ID, got, f.Impact)
						}
					} else if !slices.Equal(c.Breaks, map[bool][]compat.Mode{true: {compat.Forward}}[c.Impact == compat.Major]) {
						t.Errorf("forward: %s impact %s breaks %v", c.ID, c.Impact, c.Breaks)
					}
				}
			}
		})
	}
}

// TestModesVerdicts pins the verdicts of edits that break one direction only.
func TestModesVerdicts(t *testing.T) {
	for _, tc := range []struct {
		scenario            string
		backward, fwd, full compat.Impact
		breaks              []compat.Mode
		fwdWords            string
	}{
		// A new endpoint: old clients never call it; a client built from NEW
		// calls it on the OLD server, which answers 404.
		{"endpoint_added", compat.Minor, compat.Major, compat.Major, []compat.Mode{compat.Forward}, "API path removed without deprecation [api-path-removed-without-deprecation]"},
		// A required response property removed: old clients miss it; a
		// client built from NEW just ignores it when the OLD server sends it.
		{"response_required_property_removed", compat.Major, compat.Minor, compat.Major, []compat.Mode{compat.Backward}, ""},
		// A new optional request property: old clients do not send it; a
		// client built from NEW sends it to the OLD server, which oasdiff
		// (request-property-removed, a warning) says may reject it.
		{"request_property_optional_added", compat.Minor, compat.Major, compat.Major, []compat.Mode{compat.Forward}, "removed the request property `coupon` [request-property-removed]"},
		// A new required request property breaks both ways.
		{"request_property_required_added", compat.Major, compat.Major, compat.Major, []compat.Mode{compat.Backward, compat.Forward}, ""},
		// A response enum value added: old clients meet an unknown value;
		// NEW clients know every value the OLD server sends.
		{"response_enum_value_added", compat.Major, compat.Minor, compat.Major, []compat.Mode{compat.Backward}, ""},
		// Documentation is patch in every mode.
		{"endpoint_description_added", compat.Patch, compat.Patch, compat.Patch, nil, ""},
	} {
		t.Run(tc.scenario, func(t *testing.T) {
			sc, fsys := loadScenario(t, filepath.Join("testdata/scenarios", tc.scenario+".txtar"))
			old, new := sc.sources(fsys)
			for _, m := range []struct {
				mode compat.Mode
				want compat.Impact
			}{{compat.Backward, tc.backward}, {compat.Forward, tc.fwd}, {compat.Full, tc.full}} {
				cs := diffMode(t, old, new, m.mode)
				if got := compat.RequiredBump(cs); got != m.want {
					t.Errorf("%s: bump %s, want %s", m.mode, got, m.want)
				}
				if len(cs) != 1 {
					t.Fatalf("%s: want 1 change, got %+v", m.mode, cs)
				}
				if m.mode == compat.Full && !slices.Equal(cs[0].Breaks, tc.breaks) {
					t.Errorf("full: breaks %v, want %v", cs[0].Breaks, tc.breaks)
				}
				if m.mode == compat.Forward && tc.fwdWords != "" && !strings.HasSuffix(cs[0].Message, "(breaks forward; from NEW to OLD: "+tc.fwdWords+")") {
					t.Errorf("forward: message %q does not end with the forward run's words %q", cs[0].Message, tc.fwdWords)
				}
			}
		})
	}
}

// TestCombine checks the pairing on hand-made changes: by place and quoted
// names first, then by place, then by path and names anywhere; what is left
// is reported once, the forward run's own in its own words.
func TestCombine(t *testing.T) {
	at := func(file string, line int) *compat.Location {
		return &compat.Location{File: file, Line: line, Column: 3}
	}
	back := []compat.Change{
		{ID: "b-a", Path: "GET /x", Impact: compat.Minor, Message: "added `a`", Location: at("new.yaml", 10)},
		{ID: "b-b", Path: "GET /x", Impact: compat.Minor, Message: "added `b`", Location: at("new.yaml", 10)},
		{ID: "b-c-changed", Path: "GET /y", Impact: compat.Major, Message: "changed `c` from `1` to `2`", Location: at("old.yaml", 5)},
		{ID: "b-d", Path: "GET /z", Impact: compat.Major, Message: "removed `d`", Location: at("old.yaml", 7)},
		{ID: "b-e", Path: "GET /w", Impact: compat.Patch, Message: "noted `e`", Location: at("new.yaml", 20)},
		{ID: "b-h", Path: "GET /u", Impact: compat.Minor, Message: "added `h` (shared schema: `S`, also at `x`, `y`)", Location: at("new.yaml", 40)},
	}
	backSides := []byte{'n', 'n', 'o', 'o', 'n', 'n'}
	fwd := []compat.Change{
		// b's counterpart listed first: paired by names, not order.
		{ID: "f-b", Path: "GET /x", Impact: compat.Major, Message: "removed `b`", Location: at("new.yaml", 10), Operations: []string{"GET /x", "GET /x2"}},
		{ID: "f-a", Path: "GET /x", Impact: compat.Minor, Message: "removed `a`", Location: at("new.yaml", 10)},
		// Same place, other names: paired by place, the rule most like b-c's
		// first.
		{ID: "f-unrelated", Path: "GET /y", Impact: compat.Minor, Message: "removed the schema `C`", Location: at("old.yaml", 5)},
		{ID: "f-c-changed", Path: "GET /y", Impact: compat.Minor, Message: "changed `c` to `1`", Location: at("old.yaml", 5)},
		// Same place, a shared-schema note listing other places in another
		// order and spelling: paired by names (the note is left out), not
		// by order with the change before it.
		{ID: "f-other", Path: "GET /u", Impact: compat.Minor, Message: "removed the schema `U`", Location: at("new.yaml", 40)},
		{ID: "f-h", Path: "GET /u", Impact: compat.Major, Message: "removed `h` (shared schema: `S`, also at `y -> Y`, `x`)", Location: at("new.yaml", 40)},
		// Other place, same path and names: paired in the third pass.
		{ID: "f-d", Path: "GET /z", Impact: compat.Minor, Message: "added `d`", Location: at("new.yaml", 7)},
		// Nothing backward: forward only.
		{ID: "f-g", Path: "GET /v", Impact: compat.Major, Message: "removed `g`", Location: at("new.yaml", 30)},
	}
	fwdSides := []byte{'n', 'n', 'o', 'o', 'n', 'n', 'n', 'n'}
	got := combine(compat.Full, back, backSides, fwd, fwdSides)
	want := []struct {
		id      string
		impact  compat.Impact
		breaks  []compat.Mode
		message string
	}{
		{"b-a", compat.Minor, nil, "added `a`"},
		{"b-b", compat.Major, []compat.Mode{compat.Forward}, "added `b` (breaks forward; from NEW to OLD: removed `b` [f-b])"},
		{"b-c-changed", compat.Major, []compat.Mode{compat.Backward}, "changed `c` from `1` to `2` (breaks backward)"},
		{"b-d", compat.Major, []compat.Mode{compat.Backward}, "removed `d` (breaks backward)"},
		{"b-e", compat.Patch, nil, "noted `e`"},
		{"b-h", compat.Major, []compat.Mode{compat.Forward}, "added `h` (shared schema: `S`, also at `x`, `y`) (breaks forward; from NEW to OLD: removed `h` (shared schema: `S`, also at `y -> Y`, `x`) [f-h])"},
		{"f-unrelated", compat.Minor, nil, "from NEW to OLD: removed the schema `C`"},
		{"f-other", compat.Minor, nil, "from NEW to OLD: removed the schema `U`"},
		{"f-g", compat.Major, []compat.Mode{compat.Forward}, "from NEW to OLD: removed `g` (breaks forward)"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d changes, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		c := got[i]
		if c.ID != w.id || c.Impact != w.impact || !slices.Equal(c.Breaks, w.breaks) || c.Message != w.message || c.Breaking != (w.impact == compat.Major) {
			t.Errorf("change %d: got %s %s %v %q, want %s %s %v %q", i, c.ID, c.Impact, c.Breaks, c.Message, w.id, w.impact, w.breaks, w.message)
		}
	}
	if !slices.Equal(got[1].Operations, []string{"GET /x2"}) {
		t.Errorf("operations of the forward counterpart: got %v, want [GET /x2]", got[1].Operations)
	}
	if back[1].Operations != nil {
		t.Errorf("combine changed its input: %v", back[1].Operations)
	}
	// Forward mode: the forward impact; a backward change with no counterpart
	// is at most minor.
	fwdOnly := combine(compat.Forward, back[3:4], backSides[3:4], nil, nil)
	if len(fwdOnly) != 1 || fwdOnly[0].Impact != compat.Minor || fwdOnly[0].Breaks != nil || fwdOnly[0].Message != "removed `d`" {
		t.Errorf("unpaired backward change in forward mode: %+v", fwdOnly)
	}
}

// TestUncoveredDocs: the backward run's documentation changes that a change
// of either run covers are dropped, and the whole-document one goes when
// anything else is reported.
func TestUncoveredDocs(t *testing.T) {
	docs := []compat.Change{
		{ID: DocumentationChangedID, Path: "GET /a"},
		{ID: DocumentationChangedID, Path: "GET /b"},
		{ID: DocumentationChangedID, Path: "/c"},
		{ID: DocumentChangedID, Path: "#"},
	}
	var ids []string
	for _, c := range uncoveredDocs(docs, []compat.Change{{ID: "x", Path: "#/components/schemas/S", Operations: []string{"GET /b", "POST /c"}}}) {
		ids = append(ids, c.ID+" "+c.Path)
	}
	if want := []string{DocumentationChangedID + " GET /a"}; !slices.Equal(ids, want) {
		t.Errorf("got %q, want %q", ids, want)
	}
	if got := uncoveredDocs(docs[3:], nil); len(got) != 1 {
		t.Errorf("nothing else reported: the document change must stay, got %v", got)
	}
}
