package jsonschema

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/dsctl/dsctl/compat"
	jsv "github.com/santhosh-tekuri/jsonschema/v6"
)

// jsonValueCases are pairs of JSON texts and whether they are the same JSON
// value in JSON Schema's sense (numbers by mathematical value).
//
// Before jsonEqual the package had two equalities: admit.go's sameValue
// (exact rationals) and annot.go's equalJSON with canonical (normalised
// text). They disagreed on every row with -0 below: "-0" kept its sign in
// normNumber, so equalJSON and canonical said -0 ≠ 0 while sameValue (and
// jsonschema v6) said equal; equalJSON also said json.Number("1") ≠
// float64(1) but float64(1) = json.Number("1").
var jsonValueCases = []struct {
	a, b string
	want bool
}{
	{"1", "1", true},
	{"1", "1.0", true},
	{"1", "1e0", true},
	{"1", "10e-1", true},
	{"1", "1E+0", true},
	{"1", "0.1e1", true},
	{"100", "1e2", true},
	{"1", "2", false},
	{"1", "1.0000000000000000000001", false}, // float64 would say equal
	{"-0", "0", true},
	{"-0", "0.0", true},
	{"-0", "-0.0", true},
	{"-0", "0e0", true},
	{"-0", "-0e-5", true},
	{"0", "0e5", true},
	{"-1", "1", false},
	{"0.1", "1e-1", true},
	{"0.1", "0.10", true},
	{"0.1", "0.1000000000000000055511151231257827", false}, // float64(0.1)'s exact value
	{"0.3", "0.30000000000000004", false},
	{"9007199254740993", "9007199254740992", false}, // 2^53+1, 2^53: one float64
	{"9007199254740993", "9007199254740993.0", true},
	{"12345678901234567890123", "1.2345678901234567890123e22", true},
	{"12345678901234567890123", "12345678901234567890124", false},
	{"1e400", "10e399", true},
	{"1e-400", "0", false},
	{"1e-400", "0.1e-399", true},
	{"1", `"1"`, false},
	{"0", "false", false},
	{"0", "null", false},
	{`""`, "null", false},
	{"[]", "{}", false},
	{"[1, -0]", "[1.0, 0]", true},
	{"[1, 2]", "[2, 1]", false},
	{"[1]", "[1, 1]", false},
	{`{"a": -0}`, `{"a": 0}`, true},
	{`{"a": [1e2], "b": 0.5}`, `{"b": 5e-1, "a": [100]}`, true},
	{`{"a": 1}`, `{"a": 1, "b": 1}`, false},
	{`{"a": 1}`, `{"b": 1}`, false},
	{`{"a": {"b": [0.1, {"c": -0.0}]}}`, `{"a": {"b": [1e-1, {"c": 0}]}}`, true},
	{`{"a": {"b": [0.1, {"c": 1}]}}`, `{"a": {"b": [1e-1, {"c": 2}]}}`, false},
}

// parseValue parses one JSON text the way the package parses documents.
func parseValue(t testing.TB, s string) any {
	t.Helper()
	pd, err := parseDocument([]byte("[" + s + "]")) // a bracket: JSON, not YAML
	if err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return pd.value.([]any)[0]
}

// v6Equal asks jsonschema v6 whether b is a's value: b validates against
// {"const": a}.
func v6Equal(t testing.TB, a, b any) bool {
	t.Helper()
	c := jsv.NewCompiler()
	if err := c.AddResource("file:///const.json", map[string]any{"const": a}); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("file:///const.json")
	if err != nil {
		t.Fatal(err)
	}
	return sch.Validate(b) == nil
}

func TestJSONEqual(t *testing.T) {
	mc := &metaChecker{}
	for _, tc := range jsonValueCases {
		a, b := parseValue(t, tc.a), parseValue(t, tc.b)
		for _, p := range [][2]any{{a, b}, {b, a}} {
			if got := jsonEqual(p[0], p[1]); got != tc.want {
				t.Errorf("jsonEqual(%s, %s) = %v, want %v", canonical(p[0]), canonical(p[1]), got, tc.want)
			}
			if got := canonical(p[0]) == canonical(p[1]); got != tc.want {
				t.Errorf("canonical(%s) == canonical(%s) is %v, want %v", tc.a, tc.b, got, tc.want)
			}
			if got := mc.equal(p[0], p[1]); got != tc.want || mc.unsure {
				t.Errorf("metaChecker.equal(%s, %s) = %v (unsure %v), want %v", tc.a, tc.b, got, mc.unsure, tc.want)
			}
			if got := v6Equal(t, p[0], p[1]); got != tc.want {
				t.Errorf("v6: %s validates against {const: %s}: %v, want %v", tc.b, tc.a, got, tc.want)
			}
		}
		if !jsonEqual(a, a) || !jsonEqual(b, b) {
			t.Errorf("%s or %s is not equal to itself", tc.a, tc.b)
		}
	}
}

// TestJSONEqualGoNumbers: a number of a Go type is compared by value, as v6
// compares it, whichever side it is on; a Go value that is not JSON equals
// nothing and is reported as unknown.
func TestJSONEqualGoNumbers(t *testing.T) {
	for _, tc := range []struct {
		a, b any
		want bool
	}{
		{json.Number("1"), float64(1), true},
		{json.Number("-0"), float64(0), true},
		{json.Number("0.1"), 0.1, true}, // 0.1's shortest text, as v6 reads it
		{json.Number("1.5"), int64(1), false},
		{json.Number("1e21"), 1e21, true},
		{uint8(7), json.Number("7.0"), true},
		{[]any{json.Number("2")}, []any{int(2)}, true},
	} {
		for _, p := range [][2]any{{tc.a, tc.b}, {tc.b, tc.a}} {
			eq, known := jsonEqualKnown(p[0], p[1])
			if eq != tc.want || !known {
				t.Errorf("jsonEqualKnown(%#v, %#v) = %v, %v; want %v, true", p[0], p[1], eq, known, tc.want)
			}
			if got := canonical(p[0]) == canonical(p[1]); got != tc.want {
				t.Errorf("canonical(%#v) == canonical(%#v) is %v, want %v", p[0], p[1], got, tc.want)
			}
		}
	}
	type odd struct{}
	for _, p := range [][2]any{{odd{}, odd{}}, {json.Number("1"), odd{}}, {[]any{odd{}}, []any{odd{}}}} {
		if eq, known := jsonEqualKnown(p[0], p[1]); eq || known {
			t.Errorf("jsonEqualKnown(%#v, %#v) = %v, %v; want false, false", p[0], p[1], eq, known)
		}
	}
}

// FuzzJSONEqual holds jsonEqual, canonical and jsonschema v6's const to one
// answer on any two JSON texts the parser accepts.
func FuzzJSONEqual(f *testing.F) {
	for _, tc := range jsonValueCases {
		f.Add(tc.a, tc.b)
	}
	f.Fuzz(func(t *testing.T, sa, sb string) {
		pa, err := parseDocument([]byte("[" + sa + "]"))
		if err != nil {
			return
		}
		pb, err := parseDocument([]byte("[" + sb + "]"))
		if err != nil {
			return
		}
		a, b := pa.value, pb.value
		eq := jsonEqual(a, b)
		if eq != jsonEqual(b, a) {
			t.Fatalf("jsonEqual not symmetric on %q, %q", sa, sb)
		}
		if ck := canonical(a) == canonical(b); ck != eq {
			t.Fatalf("jsonEqual(%q, %q) = %v but canonical keys equal: %v", sa, sb, eq, ck)
		}
		if v6 := v6Equal(t, a, b); v6 != eq {
			t.Fatalf("jsonEqual(%q, %q) = %v, jsonschema v6's const says %v", sa, sb, eq, v6)
		}
	})
}

// TestValuesInMessages: messages show values as the schema wrote them
// (showValue), not as canonical keys them (0.1 was "1/10").
func TestValuesInMessages(t *testing.T) {
	for _, tc := range []struct{ old, new, want string }{
		{`{"enum": [0.1, 2.50, "a"]}`, `{"enum": [1e-1, "a"]}`, "value 2.50 removed from enum"},
		{`{"enum": [0.1]}`, `{"enum": [0.1, 3.5e-1]}`, "value 3.5e-1 added to enum"},
		{`{"const": {"b": 0.5, "a": 1e400}}`, `{"const": 2}`, `const changed from {"a":1e400,"b":0.5} to 2`},
		{`{"type": "number"}`, `{"enum": [0.25, 1.0]}`, "enum added: only 0.25, 1.0 allowed"},
		{`{"default": 0.1}`, `{"default": 0.25}`, "default changed from 0.1 to 0.25"},
	} {
		changes, err := DiffFS(context.Background(), fstest.MapFS{"s.json": {Data: []byte(tc.old)}}, "s.json",
			fstest.MapFS{"s.json": {Data: []byte(tc.new)}}, "s.json", compat.Options{Mode: compat.Backward, Policy: compat.Strict})
		if err != nil {
			t.Fatal(err)
		}
		var msgs []string
		for _, c := range changes {
			msgs = append(msgs, c.Message)
		}
		if !slices.Contains(msgs, tc.want) {
			t.Errorf("%s -> %s: messages %q, want %q among them", tc.old, tc.new, msgs, tc.want)
		}
	}
}

func TestCanonicalAndShowValue(t *testing.T) {
	v := parseValue(t, `{"z": [1.0, -0, 0.1, 1e400, "é"], "a": null}`)
	if got, want := showValue(v), `{"a":null,"z":[1.0,-0,0.1,1e400,"é"]}`; got != want {
		t.Errorf("showValue = %s, want %s", got, want)
	}
	if got, want := canonical(v), `{"a":null,"z":[1,0,1/10,1`+strings.Repeat("0", 400)+`,"é"]}`; got != want {
		t.Errorf("canonical = %s, want %s", got, want)
	}
}
