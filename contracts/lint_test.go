package contracts

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/dsctl/dsctl/internal/errkind"
)

func TestLintExampleOrdersIsClean(t *testing.T) {
	c, err := Load(filepath.Join("..", "examples", "orders", "contract"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := Lint(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range r.Findings {
		t.Errorf("%s: [%s] %s", f.Position(), f.Rule, f.Message)
	}
}

func pkgFS(yaml string, files map[string]string) fstest.MapFS {
	m := fstest.MapFS{"contract.yaml": {Data: []byte(yaml)}}
	for k, v := range files {
		m[k] = &fstest.MapFile{Data: []byte(v)}
	}
	return m
}

const badSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "required": ["orderId"],
  "properties": {
    "orderId": {"type": "integer"},
    "lines": {"type": "array", "items": {"type": "object", "properties": {"lineId": {"type": "integer"}}}}
  }
}`

func TestLintRules(t *testing.T) {
	tests := []struct {
		name    string
		yaml    string
		files   map[string]string
		want    []string // rule@line
		wantErr string
	}{
		{
			name:  "every rule",
			yaml:  "apiVersion: dsctl.dev/v1\nname: orders\nversion: 1.0.0\nevents:\n  - name: PlaceOrder\n    schema: s.json\n    examples: [e.json]\n",
			files: map[string]string{"s.json": badSchema, "e.json": `{"orderId": "x"}`},
			want: []string{"event-name-past-tense@5", "example-invalid@1", "schema-id@1", "entity-version-missing@5", "event-id-missing@5", "occurred-at-missing@5",
				"id-integer@6", "id-integer@7"},
		},
		{
			name:  "silenced per event",
			yaml:  "apiVersion: dsctl.dev/v1\nname: orders\nversion: 1.0.0\nevents:\n  - name: PlaceOrder\n    schema: s.json\n    lint: {ignore: [event-name-past-tense, event-id-missing, id-integer, occurred-at-missing, entity-version-missing, schema-id, example-missing]}\n",
			files: map[string]string{"s.json": badSchema},
			want:  nil,
		},
		{
			name:  "schema does not compile",
			yaml:  "apiVersion: dsctl.dev/v1\nname: orders\nversion: 1.0.0\nevents:\n  - name: OrderPlaced\n    schema: s.json\n    lint: {ignore: [example-missing]}\n",
			files: map[string]string{"s.json": `{"type": 12}`},
			want:  []string{"schema-invalid@0"},
		},
		{
			name: "missing schema file",
			yaml: "apiVersion: dsctl.dev/v1\nname: orders\nversion: 1.0.0\nevents:\n  - name: OrderPlaced\n    schema: nope.json\n",
			want: []string{"file-missing@5"},
		},
		{
			name:    "unknown rule in ignore",
			yaml:    "apiVersion: dsctl.dev/v1\nname: orders\nversion: 1.0.0\nevents:\n  - name: OrderPlaced\n    schema: s.json\n    lint: {ignore: [no-such-rule]}\n",
			files:   map[string]string{"s.json": "{}"},
			wantErr: `contract.yaml:5:5: event OrderPlaced: unknown lint rule "no-such-rule"`,
		},
		{
			name:  "remote ref refused",
			yaml:  "apiVersion: dsctl.dev/v1\nname: orders\nversion: 1.0.0\nevents:\n  - name: OrderPlaced\n    schema: s.json\n    lint: {ignore: [example-missing]}\n",
			files: map[string]string{"s.json": `{"$ref": "https://example.com/x.json"}`},
			want:  []string{"schema-invalid@0"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := LoadFS(pkgFS(tt.yaml, tt.files), "")
			if err != nil {
				t.Fatal(err)
			}
			r, err := Lint(c)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range r.Findings {
				got = append(got, f.Rule+"@"+strconv.Itoa(f.Line))
				if f.Message == "" {
					t.Errorf("%s: empty message", f.Rule)
				}
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("findings = %v\nwant %v", got, tt.want)
				for _, f := range r.Findings {
					t.Logf("%s [%s] %s", f.Position(), f.Rule, f.Message)
				}
			}
		})
	}
}

func TestIsPastTense(t *testing.T) {
	for name, want := range map[string]bool{
		"OrderPlaced": true, "PaymentPaid": true, "InvoiceSent": true, "PlaceOrder": false,
		"OrderCancel": false, "ShipmentDispatched": true, "Order": false,
	} {
		if got := IsPastTense(name); got != want {
			t.Errorf("IsPastTense(%s) = %v", name, got)
		}
	}
	if got := suggestPast("PlaceOrder"); got != "OrderPlaced" {
		t.Errorf("suggestPast = %s", got)
	}
}

func TestJSONLine(t *testing.T) {
	doc := []byte("{\n  \"a\": 1,\n  \"b\": {\n    \"c\": [\n      1,\n      {\"d\": 2}\n    ]\n  }\n}")
	for ptr, want := range map[string]int{"": 1, "/a": 2, "/b": 3, "/b/c": 4, "/b/c/0": 5, "/b/c/1/d": 6, "/nope": 0} {
		if got := jsonLine(doc, ptr); got != want {
			t.Errorf("jsonLine(%q) = %d, want %d", ptr, got, want)
		}
	}
}

// bombSchema is a schema of n levels of allOf: [$ref next, $ref next]: about
// 2 KB for n = 40, and 2^n evaluations of one value when validated as is.
func bombSchema(n int) string {
	var b strings.Builder
	b.WriteString(`{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "allOf": [{"$ref": "#/$defs/d0"}], "$defs": {`)
	for i := range n {
		fmt.Fprintf(&b, `"d%d": {"allOf": [{"$ref": "#/$defs/d%d"}, {"$ref": "#/$defs/d%d"}]}, `, i, i+1, i+1)
	}
	fmt.Fprintf(&b, `"d%d": {"type": "object"}}}`, n)
	return b.String()
}

// TestSchemaFanOutIsBounded: issue 13 item 6. Nested allOf: [$ref, $ref]
// (N = 40: more than 11 minutes before) is refused at once as an input
// error naming the file, by compile (lint, validate, publish all compile
// through Schemas).
func TestSchemaFanOutIsBounded(t *testing.T) {
	fsys := fstest.MapFS{
		"contract.yaml":    {Data: []byte("apiVersion: dsctl.dev/v1\nname: bomb\nversion: 1.0.0\nevents:\n  - name: BombDropped\n    schema: events/bomb.json\n    examples: [ex.json]\n")},
		"events/bomb.json": {Data: []byte(bombSchema(40))},
		"events/fine.json": {Data: []byte(bombSchema(12))},
		"events/wide.json": {Data: mustRead(t, "../testdata/hostile/schema/ref-fanout-24.json")},
		"ex.json":          {Data: []byte(`{}`)},
	}
	c, err := LoadFS(fsys, "pkg")
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.Schemas()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = s.Compile("events/bomb.json")
	if errkind.Of(err) != errkind.Input || !strings.Contains(err.Error(), "pkg/events/bomb.json") || !strings.Contains(err.Error(), "too costly") {
		t.Fatalf("err = %v, want an input error naming the file", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("took %s", d)
	}
	if _, err := s.Compile("events/fine.json"); err != nil {
		t.Fatalf("a 2^12 fan-out is refused: %v", err)
	}
	// 2^24 paths through properties cost what the instance has: accepted, fast.
	start = time.Now()
	if _, err := s.Compile("events/wide.json"); err != nil || time.Since(start) > 5*time.Second {
		t.Fatalf("a property fan-out of 24 levels: %v after %s", err, time.Since(start))
	}
	r, err := Lint(c)
	if err != nil || !r.Failed() {
		t.Fatalf("lint: %v, %+v", err, r)
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
