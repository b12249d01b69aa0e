package jsonschema

import (
	"fmt"

	"context"
	jsv "github.com/santhosh-tekuri/jsonschema/v6"
	"sort"
	"strings"
	"testing"

	"github.com/dsctl/dsctl/compat"
)

// TestFastCompileMatchesV6 runs the case table through both compilers (the
// fast one is normally used only for documents over fastCompileSize) and
// wants the same changes from both.
func TestFastCompileMatchesV6(t *testing.T) {
	cases := loadCases(t)
	run := func(tc testCase, mode compat.Mode) (string, bool) {
		oldFS, newFS := caseFS(t, tc.Old, tc.OldFiles), caseFS(t, tc.New, tc.NewFiles)
		opts := compat.Options{Mode: mode, Policy: compat.Policy(tc.Policy)}
		changes, err := DiffFS(context.Background(), oldFS, "schema.json", newFS, "schema.json", opts)
		if err != nil {
			return "error", false
		}
		var lines []string
		for _, c := range changes {
			lines = append(lines, c.ID+" "+c.Path+" "+c.Impact.String()+" "+c.Location.String())
		}
		sort.Strings(lines)
		return strings.Join(lines, "\n"), true
	}
	saved := fastCompileSize
	defer func() { fastCompileSize = saved }()
	fastUsed := 0
	for name, tc := range cases {
		for _, mode := range []compat.Mode{compat.Backward, compat.Forward} {
			fastCompileSize = saved
			want, _ := run(tc, mode)
			fastCompileSize = 0
			got, _ := run(tc, mode)
			if got != want {
				t.Errorf("%s (%s):\n fast: %s\n   v6: %s", name, mode, got, want)
			}
		}
		if _, ok := fastEligible(jsonValue(t, tc.Old)); ok {
			fastUsed++
		}
	}
	if fastUsed < len(cases)/2 {
		t.Errorf("only %d of %d cases exercise the fast compiler", fastUsed, len(cases))
	}
}

// TestFastCompileOracle runs the fuzz oracle with the fast compiler.
func TestFastCompileOracle(t *testing.T) {
	saved := fastCompileSize
	defer func() { fastCompileSize = saved }()
	fastCompileSize = 0
	for i := 0; i < 200; i++ {
		checkOracle(t, uint64(i)*7919+3, uint8(i))
	}
}

// TestFastCompileRaw: the source objects fastCompile records are the ones
// side.rawOf finds from each schema's location.
func TestFastCompileRaw(t *testing.T) {
	docs := []any{}
	for _, tc := range loadCases(t) {
		if _, ok := tc.Old.(string); !ok {
			docs = append(docs, jsonValue(t, tc.Old))
		}
	}
	docs = append(docs, mustParse(t, bigSchema(64<<10, 1)))
	checked := 0
	for i, doc := range docs {
		draft, ok := fastEligible(doc)
		if !ok {
			continue
		}
		url := fsURLPrefix + "schema.json"
		d := &loadedDoc{url: url, display: "schema.json", isRoot: true, parsed: &parsed{value: doc}}
		raw := map[*jsv.Schema]rawNode{}
		if _, err := fastCompileRaw(url, doc, draft, raw, d, 0); err != nil {
			continue
		}
		s := &side{docs: map[string]*loadedDoc{url: d}, raw: map[*jsv.Schema]rawNode{}}
		for sch, got := range raw {
			want := s.rawOf(sch)
			if got.doc != want.doc || got.ptr != want.ptr || fmt.Sprintf("%p", got.obj) != fmt.Sprintf("%p", want.obj) {
				t.Errorf("doc %d, %s: recorded %q %p, rawOf finds %q %p", i, sch.Location, got.ptr, got.obj, want.ptr, want.obj)
			}
			checked++
		}
	}
	if checked < 1000 {
		t.Errorf("only %d schemas checked", checked)
	}
}

func mustParse(t *testing.T, data []byte) any {
	t.Helper()
	pd, err := parseDocument(data)
	if err != nil {
		t.Fatal(err)
	}
	return pd.value
}
