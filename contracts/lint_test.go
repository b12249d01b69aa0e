package contracts

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
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
