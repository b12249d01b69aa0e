package jsonschema

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/dsctl/dsctl/compat"
	"go.yaml.in/yaml/v3"
)

// testCase is one file of testdata/cases: two schemas, a mode and policy,
// and the changes and bump the engine must report.
type testCase struct {
	Description string `yaml:"description"`
	Old         any    `yaml:"old"`
	New         any    `yaml:"new"`
	// OldFiles and NewFiles add files beside schema.json (for $refs across files).
	OldFiles map[string]any `yaml:"oldFiles"`
	NewFiles map[string]any `yaml:"newFiles"`
	Mode     string         `yaml:"mode"`
	Policy   string         `yaml:"policy"`
	// ExpectedChanges lists id and path of every change (order free).
	ExpectedChanges []struct {
		ID   string `yaml:"id"`
		Path string `yaml:"path"`
	} `yaml:"expectedChanges"`
	RequiredBump string `yaml:"requiredBump"`
	// Error, when set, is a substring of the input error Diff must return.
	Error string `yaml:"error"`
}

func loadCases(t testing.TB) map[string]testCase {
	t.Helper()
	files, err := filepath.Glob("testdata/cases/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]testCase{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var docs []testCase
		dec := yaml.NewDecoder(strings.NewReader(string(data)))
		dec.KnownFields(true)
		for {
			var tc testCase
			if err := dec.Decode(&tc); err != nil {
				if err.Error() == "EOF" {
					break
				}
				t.Fatalf("%s: %v", f, err)
			}
			docs = append(docs, tc)
		}
		for i, tc := range docs {
			name := strings.TrimSuffix(filepath.Base(f), ".yaml")
			if len(docs) > 1 {
				name += "/" + strings.ReplaceAll(tc.Description, " ", "_")
			}
			if _, dup := out[name]; dup {
				t.Fatalf("%s: duplicate case %d %q", f, i, tc.Description)
			}
			out[name] = tc
		}
	}
	return out
}

func caseFS(t testing.TB, main any, extra map[string]any) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{}
	put := func(name string, v any) {
		var data []byte
		if s, ok := v.(string); ok {
			data = []byte(s)
		} else {
			var err error
			data, err = json.MarshalIndent(v, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
		}
		fsys[name] = &fstest.MapFile{Data: data}
	}
	put("schema.json", main)
	for k, v := range extra {
		put(k, v)
	}
	return fsys
}

func TestCases(t *testing.T) {
	cases := loadCases(t)
	if len(cases) == 0 {
		t.Fatal("no cases")
	}
	names := make([]string, 0, len(cases))
	for n := range cases {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		tc := cases[name]
		t.Run(name, func(t *testing.T) {
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
			oldFS := caseFS(t, tc.Old, tc.OldFiles)
			newFS := caseFS(t, tc.New, tc.NewFiles)
			changes, err := DiffFS(context.Background(), oldFS, "schema.json", newFS, "schema.json", opts)
			if tc.Error != "" {
				if err == nil || !strings.Contains(err.Error(), tc.Error) {
					t.Fatalf("want error containing %q, got %v", tc.Error, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got, want []string
			for _, c := range changes {
				got = append(got, c.ID+" "+c.Path)
				if c.Location == nil || c.Location.Line == 0 {
					t.Errorf("change %s %s has no line: %+v", c.ID, c.Path, c.Location)
				}
			}
			for _, c := range tc.ExpectedChanges {
				want = append(want, c.ID+" "+c.Path)
			}
			sort.Strings(got)
			sort.Strings(want)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("changes:\n got: %s\nwant: %s", strings.Join(got, "\n      "), strings.Join(want, "\n      "))
				for _, c := range changes {
					t.Logf("  %s %s %s: %s", c.ID, c.Path, c.Impact, c.Message)
				}
			}
			if bump := compat.RequiredBump(changes).String(); bump != tc.RequiredBump {
				t.Errorf("requiredBump = %s, want %s", bump, tc.RequiredBump)
				for _, c := range changes {
					t.Logf("  %s %s %s: %s", c.ID, c.Path, c.Impact, c.Message)
				}
			}
		})
	}
}

// jsonValue round-trips a case's schema through the parser.
func jsonValue(t testing.TB, v any) any {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	pd, err := parseDocument(data)
	if err != nil {
		t.Fatal(err)
	}
	return pd.value
}
