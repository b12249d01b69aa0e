package jsonschema

import (
	"context"
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
