package openapi

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/dsctl/dsctl/compat"
	"github.com/oasdiff/oasdiff/checker"
	"github.com/oasdiff/oasdiff/diff"
	"github.com/oasdiff/oasdiff/load"
)

// triples lists every (rule id, location, operation) a change list stands for.
func triples(changes []compat.Change) []string {
	var out []string
	for _, c := range changes {
		ops := c.Operations
		if len(ops) == 0 {
			ops = []string{c.Path}
		}
		for _, op := range ops {
			out = append(out, fmt.Sprintf("%s %s %s %s", c.ID, c.Location, op, c.Impact))
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// checkLosesNothing runs oasdiff's checker on the whole diff (as its CLI does)
// and the engine on the same pair, and requires every (rule id, location,
// operation) oasdiff reports to be in the engine's grouped changes, and the
// deduplicated check to give the same grouped changes as the plain one.
func checkLosesNothing(t *testing.T, old, new compat.Source) {
	t.Helper()
	ctx := context.Background()
	s1, _, err := loadSpec(ctx, old, compat.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s2, _, err := loadSpec(ctx, new, compat.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d, sources, err := diff.GetWithOperationsSourcesMap(diff.NewConfig(),
		&load.SpecInfo{Url: old.Path, Spec: s1}, &load.SpecInfo{Url: new.Path, Spec: s2})
	if err != nil {
		t.Fatal(err)
	}
	raw := checker.CheckBackwardCompatibilityUntilLevel(checkConfig(), d, sources, checker.INFO)

	deduped, err := compare(ctx, old, new, s1, s2)
	if err != nil {
		t.Fatal(err)
	}
	plainCheck = true
	plain, err := compare(ctx, old, new, s1, s2)
	plainCheck = false
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, c := range deduped.changes {
		ops := c.Operations
		if len(ops) == 0 {
			ops = []string{c.Path}
		}
		for _, op := range ops {
			got[fmt.Sprintf("%s %s %s", c.ID, c.Location, op)] = true
			got[fmt.Sprintf("%s ? %s", c.ID, op)] = true
		}
	}
	for _, f := range raw {
		if slices.Contains(switchedOff, f.GetId()) {
			continue
		}
		loc, _ := locationOf(f, old, new)
		op := operationOf(f)
		var l *compat.Location = loc
		key := fmt.Sprintf("%s %s %s", f.GetId(), l, op)
		if loc == nil {
			// oasdiff gave no location; the engine places it at the operation
			key = fmt.Sprintf("%s ? %s", f.GetId(), op)
		}
		if op == "" {
			// findings with no operation are matched on id and location only
			found := false
			for _, c := range deduped.changes {
				if c.ID == f.GetId() && c.Location.String() == l.String() {
					found = true
				}
			}
			if !found {
				t.Errorf("lost %s", key)
			}
			continue
		}
		if !got[key] {
			t.Errorf("lost %s", key)
		}
	}
	if p, q := triples(plain.changes), triples(deduped.changes); !slices.Equal(p, q) {
		t.Errorf("deduplicated check differs from the plain one:\nplain:   %q\ndeduped: %q", p, q)
	}
	msgs := func(cs []compat.Change) []string {
		var out []string
		for _, c := range cs {
			out = append(out, fmt.Sprintf("%s %s %s: %s", c.ID, c.Location, c.Path, c.Message))
		}
		sort.Strings(out)
		return out
	}
	if p, q := msgs(plain.changes), msgs(deduped.changes); !slices.Equal(p, q) {
		t.Errorf("messages differ:\nplain:   %q\ndeduped: %q", p, q)
	}
	if plain.findings != deduped.findings {
		t.Errorf("findings before grouping: plain %d, deduplicated %d", plain.findings, deduped.findings)
	}
}

func TestGroupingLosesNothing(t *testing.T) {
	files, err := filepath.Glob("testdata/scenarios/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, "testdata/grouping/shared.txtar")
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			sc, fsys := loadScenario(t, file)
			checkLosesNothing(t,
				compat.Source{Name: sc.Old, FS: fsys, Path: sc.Old},
				compat.Source{Name: sc.New, FS: fsys, Path: sc.New})
		})
	}
}

func TestGroupingSharedSchema(t *testing.T) {
	sc, fsys := loadScenario(t, "testdata/grouping/shared.txtar")
	res, err := Engine{}.run(context.Background(),
		compat.Source{Name: sc.Old, FS: fsys, Path: sc.Old},
		compat.Source{Name: sc.New, FS: fsys, Path: sc.New}, compat.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.findings <= len(res.changes) {
		t.Errorf("want fewer changes (%d) than findings (%d)", len(res.changes), res.findings)
	}
	var found bool
	for _, c := range res.changes {
		t.Logf("%s %s %s %s %v", c.Impact, c.ID, c.Path, c.Location, c.Operations)
		if c.ID == "response-required-property-removed" && c.Path == "#/components/schemas/Money/properties/currency" {
			found = true
			if len(c.Operations) != 6 {
				t.Errorf("want the six operations that return Money, got %q", c.Operations)
			}
			if c.Location == nil || c.Location.File != "old.yaml" || c.Location.Line == 0 {
				t.Errorf("want the location in old.yaml, got %s", c.Location)
			}
		}
	}
	if !found {
		t.Error("no grouped change for the removed Money.currency")
	}
	if compat.RequiredBump(res.changes) != compat.Major {
		t.Error("want major")
	}
}
