package jsonschema

import (
	"bytes"
	"context"
	"encoding/json"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/dsctl/dsctl/compat"
	jsv "github.com/santhosh-tekuri/jsonschema/v6"
)

// caseOptions returns the options a case runs with.
func caseOptions(t testing.TB, tc testCase) compat.Options {
	opts := compat.Options{Mode: compat.Backward, Policy: compat.Strict}
	if tc.Mode != "" {
		m, err := compat.ParseMode(tc.Mode)
		if err != nil {
			t.Fatal(err)
		}
		opts.Mode = m
	}
	if tc.Policy != "" {
		opts.Policy = compat.Policy(tc.Policy)
	}
	return opts
}

func compileCase(t testing.TB, main any, extra map[string]any, opts compat.Options) *Compiled {
	t.Helper()
	c, err := Compile(context.Background(), compat.Source{Name: "schema.json", FS: caseFS(t, main, extra), Path: "schema.json"}, opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func validJSON(t testing.TB, s *jsv.Schema, w json.RawMessage) bool {
	t.Helper()
	v, err := jsv.UnmarshalJSON(bytes.NewReader(w))
	if err != nil {
		t.Fatalf("witness %s is not JSON: %v", w, err)
	}
	return s.Validate(v) == nil
}

// TestWitnessesOnCases: on every case of the table, each major change has
// a witness or says why not, every witness is one (the validator accepts it
// on one side and rejects it on the other, as the mode asks), and the same
// diff gives the same bytes twice.
func TestWitnessesOnCases(t *testing.T) {
	cases := loadCases(t)
	names := sortedKeys(cases)
	majors, found := 0, 0
	reasons := map[string]int{}
	for _, name := range names {
		tc := cases[name]
		if tc.Error != "" {
			continue
		}
		opts := caseOptions(t, tc)
		oc := compileCase(t, tc.Old, tc.OldFiles, opts)
		nc := compileCase(t, tc.New, tc.NewFiles, opts)
		first := DiffCompiled(oc, nc, opts)
		again := DiffCompiled(oc, nc, opts)
		a, _ := json.Marshal(first)
		b, _ := json.Marshal(again)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two runs differ:\n%s\n%s", name, a, b)
		}
		for _, c := range first {
			if c.Impact != compat.Major {
				if c.Witness != nil || c.NoWitness != "" {
					t.Errorf("%s: %s is %s but has witness fields", name, c.ID, c.Impact)
				}
				continue
			}
			majors++
			if c.Witness == nil {
				if c.NoWitness == "" {
					t.Errorf("%s: major %s %s has neither a witness nor a reason", name, c.ID, c.Path)
				}
				reasons[c.ID+": "+c.NoWitness]++
				continue
			}
			found++
			if len(c.Witness) > 512 {
				t.Errorf("%s: %s witness is large (%d bytes): %s", name, c.ID, len(c.Witness), c.Witness)
			}
			oOK, nOK := validJSON(t, oc.s.root, c.Witness), validJSON(t, nc.s.root, c.Witness)
			ok := oOK != nOK
			switch opts.Mode.Base() {
			case compat.Backward, compat.NoneMode:
				ok = oOK && !nOK
			case compat.Forward:
				ok = nOK && !oOK
			}
			if !ok {
				t.Errorf("%s: %s %s: witness %s is not one (OLD accepts: %v, NEW accepts: %v, mode %s)", name, c.ID, c.Path, c.Witness, oOK, nOK, opts.Mode)
			}
		}
	}
	var rs []string
	for r, n := range reasons {
		rs = append(rs, r+" ×"+string(rune('0'+min(n, 9))))
	}
	sort.Strings(rs)
	t.Logf("%d major changes, %d with a witness; without:\n%s", majors, found, strings.Join(rs, "\n"))
	if majors == 0 || found*10 < majors*8 {
		t.Errorf("witnesses for %d of %d major changes, want at least 80%%", found, majors)
	}
}

// TestNoWitnessBelowMajor is the soundness check on the case table: where
// the engine calls NEW compatible (strict policy), no witness may exist.
func TestNoWitnessBelowMajor(t *testing.T) {
	cases := loadCases(t)
	for _, name := range sortedKeys(cases) {
		tc := cases[name]
		opts := caseOptions(t, tc)
		if tc.Error != "" || opts.Policy == compat.Lenient || opts.Mode.Base() == compat.NoneMode {
			continue
		}
		oc := compileCase(t, tc.Old, tc.OldFiles, opts)
		nc := compileCase(t, tc.New, tc.NewFiles, opts)
		changes := DiffCompiled(oc, nc, opts)
		if compat.RequiredBump(changes) == compat.Major {
			continue
		}
		if w, ok := FindWitness(oc, nc, opts.Mode, Budget{Candidates: 2000}); ok {
			t.Errorf("%s: the engine says %s in %s mode, but this instance shows a break: %s", name, compat.RequiredBump(changes), opts.Mode, w)
		}
	}
}

func TestWitnessExamples(t *testing.T) {
	for _, tc := range []struct {
		name     string
		old, new string
		mode     compat.Mode
		id       string
		want     string
	}{
		{"type narrowed", `{"type":"object","properties":{"a":{"type":"number"}}}`, `{"type":"object","properties":{"a":{"type":"integer"}}}`,
			compat.Backward, "type-narrowed", `{"a":0.5}`},
		{"required added keeps the old requirements", `{"type":"object","properties":{"a":{"type":"string","minLength":2}},"required":["a"]}`,
			`{"type":"object","properties":{"a":{"type":"string","minLength":2},"b":{"type":"integer"}},"required":["a","b"]}`,
			compat.Backward, "required-added", `{"a":"aa"}`},
		{"pattern of a required property", `{"type":"object","properties":{"id":{"type":"string","pattern":"^ord_[a-z0-9]{4}$"},"n":{"type":"integer","maximum":10}},"required":["id"]}`,
			`{"type":"object","properties":{"id":{"type":"string","pattern":"^ord_[a-z0-9]{4}$"},"n":{"type":"integer","maximum":5}},"required":["id"]}`,
			compat.Backward, "maximum-decreased", `{"id":"ord_aaaa","n":10}`},
		{"enum value added, forward", `{"enum":["a","b"]}`, `{"enum":["a","b","c"]}`, compat.Forward, "enum-value-added", `"c"`},
		{"array item narrowed", `{"type":"array","items":{"type":"string"}}`, `{"type":"array","items":{"type":"string","maxLength":1}}`,
			compat.Backward, "max-length-added", `["aa"]`},
		{"closed model loses a property", `{"type":"object","properties":{"a":{"type":"boolean"}},"additionalProperties":false}`,
			`{"type":"object","additionalProperties":false}`, compat.Backward, "property-removed-from-closed-model", `{"a":true}`},
		{"required removed, forward", `{"type":"object","required":["a"]}`, `{"type":"object"}`, compat.Forward, "required-removed", `{}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			changes, err := DiffFS(context.Background(), fstest.MapFS{"s.json": {Data: []byte(tc.old)}}, "s.json",
				fstest.MapFS{"s.json": {Data: []byte(tc.new)}}, "s.json", compat.Options{Mode: tc.mode, Policy: compat.Strict})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range changes {
				if c.ID == tc.id {
					if string(c.Witness) != tc.want {
						t.Errorf("witness = %s (%s), want %s", c.Witness, c.NoWitness, tc.want)
					}
					return
				}
			}
			t.Fatalf("no %s change in %s", tc.id, summarize(changes))
		})
	}
}

// TestWitnessesOnEventSchemas: on realistic event schemas (the benchmark
// pairs: a required envelope with formats, a pattern, $refs to objects
// nested four deep) every major change gets a witness, and each is one.
func TestWitnessesOnEventSchemas(t *testing.T) {
	opts := compat.Options{Mode: compat.Backward, Policy: compat.Strict}
	majors := 0
	for i, p := range benchPairs(80) {
		oc := compileCase(t, json.RawMessage(p[0]), nil, opts)
		nc := compileCase(t, json.RawMessage(p[1]), nil, opts)
		for _, c := range DiffCompiled(oc, nc, opts) {
			if c.Impact != compat.Major {
				continue
			}
			majors++
			if c.Witness == nil {
				t.Fatalf("pair %d: %s %s has no witness: %s", i, c.ID, c.Path, c.NoWitness)
			}
			if !validJSON(t, oc.s.root, c.Witness) || validJSON(t, nc.s.root, c.Witness) {
				t.Fatalf("pair %d: %s: %s is not a witness", i, c.ID, c.Witness)
			}
		}
	}
	if majors < 25 {
		t.Fatalf("only %d major changes", majors)
	}
}
