package oaspos

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestLoadError(t *testing.T) {
	doc := []byte("openapi: 3.0.3\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: '#/components/schemas/Missing'}\n")
	var se *json.SyntaxError
	jsonErr := json.Unmarshal([]byte("{\n  \"a\": ,\n}"), &struct{}{})
	errors.As(jsonErr, &se)
	for _, c := range []struct {
		name      string
		data      []byte
		err       error
		line, col int
	}{
		{"unresolved ref", doc, errors.New(`failed to resolve "Missing" in fragment in URI: "#/components/schemas/Missing": map key "Missing" not found`), 5, 16},
		{"yaml line", doc, errors.New("failed to unmarshal data: yaml error: yaml: line 4: did not find expected node content"), 4, 0},
		{"json syntax", []byte("{\n  \"a\": ,\n}"), jsonErr, 2, 8},
		{"nothing to go by", doc, errors.New("something else"), 0, 0},
		{"ref not in the text", doc, errors.New(`"#/components/schemas/Other"`), 0, 0},
	} {
		line, col := LoadError(c.data, c.err)
		if line != c.line || col != c.col {
			t.Errorf("%s: got %d:%d, want %d:%d", c.name, line, col, c.line, c.col)
		}
	}
}
