package schemacost

import (
	"fmt"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// nested returns a schema of n levels of allOf: [$ref next, $ref next].
func nested(n int) string {
	var defs []string
	for i := 0; i < n; i++ {
		defs = append(defs, fmt.Sprintf(`"d%d":{"allOf":[{"$ref":"#/$defs/d%d"},{"$ref":"#/$defs/d%d"}]}`, i, i+1, i+1))
	}
	defs = append(defs, fmt.Sprintf(`"d%d":{"type":"string"}`, n))
	return `{"$ref":"#/$defs/d0","$defs":{` + strings.Join(defs, ",") + `}}`
}

func compile(t *testing.T, doc string) *jsonschema.Schema {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("mem:///s.json", v); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("mem:///s.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestOf(t *testing.T) {
	if c := Of(compile(t, nested(10))); c < 1<<10 || c > Max {
		t.Errorf("10 levels: cost %v, want between 2^10 and Max", c)
	}
	if c := Of(compile(t, nested(40))); c <= Max {
		t.Errorf("40 levels: cost %v, want over Max", c)
	}
	// Fan-out through properties is one path at a time: cheap.
	wide := `{"properties":{` + strings.Repeat(`"a":{"type":"string"},`, 1) + `"b":{"$ref":"#"}}}`
	if c := Of(compile(t, wide)); c > 10 {
		t.Errorf("recursive properties: cost %v, want small", c)
	}
}
