package contracts

import (
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

const consumesHead = "apiVersion: dsctl.dev/v1\nname: billing\nversion: 1.0.0\n"

func TestParseConsumes(t *testing.T) {
	c, err := Parse("contract.yaml", []byte(consumesHead+"consumes:\n  - package: orders\n    event: OrderPlaced\n    version: ^1\n    schema: consumes/op.json\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Events) != 0 || len(c.Consumes) != 1 {
		t.Fatalf("events %d consumes %d", len(c.Events), len(c.Consumes))
	}
	d := c.Consumes[0]
	if d.Package != "orders" || d.Event != "OrderPlaced" || d.Version != "^1" || d.Schema != "consumes/op.json" || d.Line != 5 || d.Column != 5 {
		t.Fatalf("%+v", d)
	}
	if got := c.Consumed("orders"); len(got) != 1 {
		t.Fatalf("Consumed: %v", got)
	}
	cfg, err := c.ConfigJSON()
	if err != nil || !strings.Contains(string(cfg), `"consumes":[{"package":"orders","event":"OrderPlaced","version":"^1","schema":"consumes/op.json"}]`) {
		t.Fatalf("config %s %v", cfg, err)
	}
}

func TestParseConsumesErrors(t *testing.T) {
	entry := func(body string) string { return consumesHead + "consumes:\n  - " + body + "\n" }
	tests := []struct{ yaml, want string }{
		{entry("package: orders\n    event: OrderPlaced\n    version: ^1\n    schema: a.json\n    fields: [x]"), `9:5: unknown key "fields"`},
		{entry("event: OrderPlaced\n    version: ^1\n    schema: a.json"), "5:5: consumes entry needs package"},
		{entry("package: Orders\n    event: OrderPlaced\n    version: ^1\n    schema: a.json"), `invalid package name "Orders"`},
		{entry("package: orders\n    event: order_placed\n    version: ^1\n    schema: a.json"), `event name "order_placed"`},
		{entry("package: orders\n    event: OrderPlaced\n    schema: a.json"), "needs version"},
		{entry("package: orders\n    event: OrderPlaced\n    version: ^1"), "needs schema"},
		{entry("package: orders\n    event: OrderPlaced\n    version: 'one'\n    schema: a.json"), `invalid version range "one"`},
		{entry("package: orders\n    event: OrderPlaced\n    version: ^1\n    schema: ../a.json"), "must stay inside the package"},
		{entry("package: billing\n    event: OrderPlaced\n    version: ^1\n    schema: a.json"), "does not consume its own events"},
		{entry("package: orders\n    event: OrderPlaced\n    version: ^1\n    schema: a.json\n  - package: orders\n    event: OrderPlaced\n    version: ^2\n    schema: b.json"), "already declared at line 5"},
	}
	for _, tt := range tests {
		_, err := Parse("contract.yaml", []byte(tt.yaml))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: got %v, want %q", tt.yaml, err, tt.want)
		}
	}
}

func compileJSON(t *testing.T, src string) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource("file:///s.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("file:///s.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSatisfiable(t *testing.T) {
	tests := []struct {
		schema string
		want   bool
	}{
		{`true`, true},
		{`false`, false},
		{`{}`, true},
		{`{"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}}`, true},
		{`{"type": "object", "required": ["a"], "properties": {"a": false}}`, false},
		{`{"type": "object", "required": ["a"], "additionalProperties": false}`, false},
		{`{"type": "object", "properties": {"a": false}}`, true},
		{`{"type": "string", "allOf": [{"type": "integer"}]}`, false},
		{`{"type": ["string", "integer"], "allOf": [{"type": "integer"}]}`, true},
		{`{"type": "string", "enum": [1, 2]}`, false},
		{`{"type": "string", "enum": [1, "x"]}`, true},
		{`{"type": "string", "const": "abc", "maxLength": 2}`, false},
		{`{"type": "integer", "minimum": 5, "maximum": 4}`, false},
		{`{"type": "integer", "minimum": 5, "exclusiveMaximum": 5}`, false},
		{`{"type": "number", "minimum": 5, "maximum": 5}`, true},
		{`{"type": ["integer", "null"], "minimum": 5, "maximum": 4}`, true},
		{`{"type": "string", "minLength": 3, "maxLength": 2}`, false},
		{`{"type": "array", "minItems": 1, "items": false}`, false},
		{`{"type": "array", "items": false}`, true},
		{`{"type": "array", "minItems": 3, "maxItems": 2}`, false},
		{`{"anyOf": [false, {"type": "string", "minLength": 2, "maxLength": 1}]}`, false},
		{`{"oneOf": [false, {"type": "string"}]}`, true},
		{`{"not": true}`, false},
		{`{"$defs": {"n": false}, "type": "object", "required": ["x"], "properties": {"x": {"$ref": "#/$defs/n"}}}`, false},
		{`{"$defs": {"t": {"type": "object", "properties": {"c": {"$ref": "#/$defs/t"}}}}, "$ref": "#/$defs/t"}`, true},
		{`{"type": "object", "required": ["a", "b"], "maxProperties": 1}`, false},
	}
	for _, tt := range tests {
		if got := Satisfiable(compileJSON(t, tt.schema)); got != tt.want {
			t.Errorf("Satisfiable(%s) = %v, want %v", tt.schema, got, tt.want)
		}
	}
}

func TestLintConsumes(t *testing.T) {
	yaml := consumesHead + "consumes:\n  - package: orders\n    event: OrderPlaced\n    version: ^1\n    schema: ok.json\n" +
		"  - package: orders\n    event: OrderCancelled\n    version: ^1\n    schema: never.json\n" +
		"  - package: payments\n    event: PaymentTaken\n    version: ^1\n    schema: missing.json\n" +
		"  - package: stock\n    event: StockMoved\n    version: ^1\n    schema: broken.json\n"
	c, err := Parse("contract.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	c.FS = pkgFS(yaml, map[string]string{
		"ok.json":     `{"type": "object", "required": ["orderId"], "properties": {"orderId": {"type": "string"}}}`,
		"never.json":  `{"type": "object", "required": ["orderId"], "properties": {"orderId": {"type": "string", "enum": [1]}}}`,
		"broken.json": `{"type": 12}`,
	})
	r, err := Lint(c)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range r.Findings {
		got = append(got, f.Rule+"@"+f.File)
	}
	want := []string{"schema-invalid@broken.json", "file-missing@contract.yaml", "consumes-unsatisfiable@never.json"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("findings %v, want %v", got, want)
	}
	if r.Errors != 3 {
		t.Fatalf("errors %d", r.Errors)
	}
}
