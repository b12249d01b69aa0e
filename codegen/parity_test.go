package codegen

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestJSONYAMLParity: every single-file spec of testdata, in JSON and in
// YAML, gives byte-identical output for every selection tried (everything,
// and each operation alone): same schemas kept, same code, same header digest
// (of the closure, so the syntax does not show). JSON specs with local $refs
// only take the raw path (rawspec.go), YAML ones kin-openapi's; the two
// walks must agree, extensions included.
func TestJSONYAMLParity(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.yaml")
	if len(files) == 0 {
		t.Fatal("no specs in testdata")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			y, err := LoadSpec(f, false)
			if err != nil {
				t.Skipf("does not load (a refusal test): %v", err)
			}
			if y.Doc == nil {
				t.Fatal("a YAML spec took the raw path")
			}
			j := asJSONSpec(t, f)
			sels := []Selection{{}}
			for _, op := range operationIDs(t, f) {
				sels = append(sels, Selection{Operations: []string{op}})
			}
			for _, sel := range sels {
				opts := Options{Package: "p", SpecName: "spec", Selection: sel}
				ry, errY := Generate(y, opts)
				rj, errJ := Generate(j, opts)
				if (errY == nil) != (errJ == nil) {
					t.Fatalf("%v: YAML error %v, JSON error %v", sel.Operations, errY, errJ)
				}
				if errY != nil {
					continue
				}
				if !bytes.Equal(ry.Code, rj.Code) {
					t.Errorf("%v: YAML and JSON outputs differ (kept %v vs %v)\n--- yaml\n%s\n--- json\n%s", sel.Operations, ry.Kept, rj.Kept, ry.Code, rj.Code)
				}
			}
		})
	}
}

func operationIDs(t *testing.T, path string) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, item := range doc.Paths {
		for _, op := range item {
			if m, ok := op.(map[string]any); ok {
				if id, ok := m["operationId"].(string); ok && !strings.ContainsAny(id, " ") {
					ids = append(ids, id)
				}
			}
		}
	}
	return ids
}

// TestExtensionRefsNotFollowed: a $ref inside an x- extension keeps nothing,
// in either syntax (Adyen Checkout kept 172 schemas from JSON, 147 from YAML).
func TestExtensionRefsNotFollowed(t *testing.T) {
	for _, s := range []*Spec{mustLoad(t, "testdata/x-ext-ref.yaml"), asJSONSpec(t, "testdata/x-ext-ref.yaml")} {
		names, err := Closure(s, Selection{Operations: []string{"makePayment"}})
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := json.Marshal(names); string(got) != `["Payment","Trace"]` {
			t.Errorf("raw=%t: kept %s, want [\"Payment\",\"Trace\"] (x-trace is a property)", s.raw != nil, got)
		}
	}
}
