package openapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v4"
)

// sameNodes reports the first way a and b differ, "" when they do not.
func sameNodes(a, b *yaml.Node, at string) string {
	if a.Kind != b.Kind || a.Style != b.Style || a.Tag != b.Tag || a.Value != b.Value || a.Anchor != b.Anchor ||
		a.Line != b.Line || a.Column != b.Column || a.HeadComment != b.HeadComment || a.LineComment != b.LineComment ||
		a.FootComment != b.FootComment || (a.Alias == nil) != (b.Alias == nil) || len(a.Content) != len(b.Content) {
		return fmt.Sprintf("%s: yaml {kind %v style %v tag %q value %q at %d:%d, %d children} json {kind %v style %v tag %q value %q at %d:%d, %d children}",
			at, a.Kind, a.Style, a.Tag, a.Value, a.Line, a.Column, len(a.Content), b.Kind, b.Style, b.Tag, b.Value, b.Line, b.Column, len(b.Content))
	}
	for i := range a.Content {
		if d := sameNodes(a.Content[i], b.Content[i], fmt.Sprintf("%s/%d", at, i)); d != "" {
			return d
		}
	}
	return ""
}

// checkJSONNodes fails when jsonNodes reads data and the YAML parser does
// not, or reads it into another tree; it reports whether jsonNodes read it.
func checkJSONNodes(t *testing.T, name string, data []byte) bool {
	t.Helper()
	got, ok := jsonNodes(data)
	if !ok {
		return false
	}
	if !json.Valid(data) {
		t.Errorf("%s: jsonNodes read what is not JSON", name)
	}
	var want yaml.Node
	if err := yaml.Unmarshal(data, &want); err != nil {
		t.Errorf("%s: jsonNodes read what the YAML parser refuses: %v", name, err)
		return true
	}
	if d := sameNodes(&want, got, "doc"); d != "" {
		t.Errorf("%s: %s", name, d)
	}
	return true
}

// TestJSONNodesMatchYAML: on every JSON document in testdata, and on the
// corners of JSON that YAML reads differently, jsonNodes gives the YAML
// parser's tree or declines.
func TestJSONNodesMatchYAML(t *testing.T) {
	read := 0
	for name, data := range corpusDocs(t) {
		data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
		if trimmed := bytes.TrimLeft(data, " \t\r\n"); len(trimmed) == 0 || trimmed[0] != '{' {
			continue
		}
		if checkJSONNodes(t, name, data) {
			read++
		}
	}
	t.Logf("%d JSON documents of testdata read", read)
	if read < 5 {
		t.Errorf("only %d JSON documents of testdata were read; want over 5", read)
	}
	for _, c := range []struct {
		doc  string
		read bool
	}{
		{`{}`, true},
		{"\n\n  {\"a\": [], \"b\": {}}\n", true},
		{`{"a":1,"b":-1,"c":0,"d":-0,"e":1.5,"f":1e5,"g":1E+2,"h":-2.5e-3,"i":9223372036854775807,"j":18446744073709551615,"k":18446744073709551616,"l":-9223372036854775809}`, true},
		{`{"t":true,"f":false,"n":null,"s":"","u":"caf\u00e9","q":"a\"b\\c\/d\b\f\n\r\t"}`, true},
		{"{\"é\": \"日本語\", \"x\": {\"y\": [\"😀\", \"a\"]}, \"z\": 1}", true},
		{"{\r\n  \"a\": 1,\r\n  \"b\": [\r\n    2\r\n  ]\r\n}\r\n", true},
		{"{\r  \"a\": 1\r}", true},
		{"{\n\"a\":\n1,\n\"b\"  :  [ 1 ,\n 2 ]\n}", true},
		{`{"a":[[[[[]]]]],"b":[{},{"c":{}}]}`, true},
		{`{"a": "#not a comment", "b": "x: y", "c": "- z", "d": "---", "e": "*a", "f": "&b", "g": "!t"}`, true},
		{"{\"a\": \"x\"}   \n\n", true},
		// Declined: YAML reads these otherwise or not at all.
		{`[1, 2]`, false},
		{`"s"`, false},
		{"{\"a\":\t1}", false},
		{"{\"a\"\n: 1}", false},
		{`{"a": "\ud83d\ude00"}`, false},
		{"{\"a\": \"x\u2028y\"}", false},
		{"{\"a\": \"x\u0085y\"}", false},
		{"{\"a\": \"x\u0080y\"}", false},
		{"{\"a\": \"x\x7fy\"}", false},
		{"{\"a\": \"x\ufeffy\"}", false},
		{"{\"a\": \"\xff\"}", false},
		{`{"a": 1e400}`, false},
		{`{"a": 01}`, false},
		{`{"a": 1.}`, false},
		{`{"a": .5}`, false},
		{`{"a": +1}`, false},
		{`{"a": tru}`, false},
		{`{"a": 1,}`, false},
		{`{"a": 1} {}`, false},
		{`{"a": 1`, false},
		{`{a: 1}`, false},
		{strings.Repeat(`{"a":`, jsonMaxDepth+2) + "1" + strings.Repeat("}", jsonMaxDepth+2), false},
	} {
		if got := checkJSONNodes(t, c.doc, []byte(c.doc)); got != c.read {
			t.Errorf("jsonNodes(%q) read = %v, want %v", c.doc, got, c.read)
		}
	}
}

// FuzzJSONNodes: whatever jsonNodes reads is JSON, and the YAML parser reads
// it into the same tree.
func FuzzJSONNodes(f *testing.F) {
	for _, s := range []string{
		`{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}`,
		"{\r\n \"a\": [1, -0, 2.5e3, true, null, \"\\u00e9\\n\"],\r\n \"é\": {}\n}",
		`{"a":{"b":[{"c":"d"}]}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkJSONNodes(t, "input", data)
	})
}
