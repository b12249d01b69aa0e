package source

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

var testLimits = YAMLLimits{Depth: 64, Values: 10_000, Aliased: 1_000}

func readYAML(t *testing.T, src string, lim YAMLLimits) (any, map[string][2]int, error) {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(src), &n); err != nil {
		t.Fatalf("yaml: %v", err)
	}
	pos := map[string][2]int{}
	v, err := YAMLValue(&n, lim, func(ptr string, line, col int) { pos[ptr] = [2]int{line, col} })
	return v, pos, err
}

func TestYAMLValue(t *testing.T) {
	src := "type: object\r\nproperties:\r\n  a/b: {const: 1.50}\r\n  n: [0x1F, 1_000, .5, -0, 12345678901234567890, ~, true]\r\n  é: &x {t: 1}\r\n  y: *x\r\n"
	v, pos, err := readYAML(t, src, testLimits)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"type": "object",
		"properties": map[string]any{
			"a/b": map[string]any{"const": json.Number("1.50")}, // the text of a JSON number is kept
			"n":   []any{json.Number("31"), json.Number("1000"), json.Number("0.5"), json.Number("-0"), json.Number("12345678901234567890"), nil, true},
			"é":   map[string]any{"t": json.Number("1")},
			"y":   map[string]any{"t": json.Number("1")},
		},
	}
	if !reflect.DeepEqual(v, want) {
		t.Errorf("value\n got %#v\nwant %#v", v, want)
	}
	for ptr, at := range map[string][2]int{
		"":                       {1, 1},
		"/properties":            {2, 1},  // a member is at its key (CRLF lines count once)
		"/properties/a~1b":       {3, 3},  // pointer tokens escaped
		"/properties/n/1":        {4, 13}, // an item is at the item
		"/properties/é/t":        {5, 10}, // columns are yaml.v3's (characters)
		"/properties/y":          {6, 3},
		"/properties/y/t":        {5, 10}, // an alias's values are where they are written
		"/properties/a~1b/const": {3, 9},
	} {
		if pos[ptr] != at {
			t.Errorf("position of %q = %v, want %v", ptr, pos[ptr], at)
		}
	}
}

func TestYAMLValueRefuses(t *testing.T) {
	bomb := "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
	for _, tc := range []struct {
		name, src string
		lim       YAMLLimits
		want      string
		line, col int
	}{
		{"duplicate key", "a: 1\nb: 2\na: 3\n", testLimits, `duplicate key "a"`, 3, 1},
		{"merge key", "base: &b {x: 1}\nc:\n  <<: *b\n", testLimits, "merge keys (<<) are not supported", 3, 3},
		{"key not a scalar", "? [a]\n: 1\n", testLimits, "a mapping key must be a scalar", 1, 3},
		{"recursive alias", "a: &a [1, *a]\n", testLimits, "recursive YAML alias", 1, 11},
		{"alias bomb", bomb, testLimits, "alias expansion: the document expands to more than 1000 values through YAML aliases", 0, 0},
		{"too many values", "[1, 2, 3, 4, 5]\n", YAMLLimits{Depth: 8, Values: 4, Aliased: 8}, "document holds more than 4 values", 1, 11},
		{"too deep", "a: {b: {c: {d: 1}}}\n", YAMLLimits{Depth: 3, Values: 100, Aliased: 8}, "nesting too deep (more than 3 levels)", 1, 16},
		{"infinity", "a: .inf\n", testLimits, "not a JSON number", 1, 4},
		{"NaN", "a: [.nan]\n", testLimits, "not a JSON number", 1, 5},
		{"huge exponent", "a: 1e-99999999\n", testLimits, "out of range", 1, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := readYAML(t, tc.src, tc.lim)
			var pe *PosError
			if !errors.As(err, &pe) {
				t.Fatalf("want a *PosError, got %v", err)
			}
			if !strings.Contains(pe.Msg, tc.want) {
				t.Errorf("message %q, want %q", pe.Msg, tc.want)
			}
			if tc.line > 0 && (pe.Line != tc.line || pe.Col != tc.col) {
				t.Errorf("at %d:%d, want %d:%d (%s)", pe.Line, pe.Col, tc.line, tc.col, pe.Msg)
			}
		})
	}
}

func TestPointerTokens(t *testing.T) {
	for raw, esc := range map[string]string{"a": "a", "a/b": "a~1b", "~": "~0", "~1/": "~01~1"} {
		if got := EscapeToken(raw); got != esc {
			t.Errorf("EscapeToken(%q) = %q, want %q", raw, got, esc)
		}
		if got := UnescapeToken(esc); got != raw {
			t.Errorf("UnescapeToken(%q) = %q, want %q", esc, got, raw)
		}
	}
}
