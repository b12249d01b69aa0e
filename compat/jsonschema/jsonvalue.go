package jsonschema

import (
	"encoding/json"
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"
)

// JSON values as the package sees them: map[string]any, []any, string, bool,
// nil and json.Number (what parse.go produces and jsonschema v6 compiles).
// jsonEqual is the one equality of such values, and canonical the key that
// agrees with it; everything that asks whether two values (const, enum,
// default, examples, a keyword's raw value) are the same asks one of them.

// jsonEqual reports whether a and b are the same JSON value in JSON Schema's
// sense (the core specification's "instance equality"): the same type, and
// numbers equal when their mathematical values are (1, 1.0, 1e0 and 10e-1
// are one number; -0 is 0), compared exactly, never through float64;
// strings by code points, arrays item by item, objects by their members
// regardless of order. It is jsonschema v6's equality (the validator's
// const, enum and uniqueItems), Go number types included. A value of any
// other Go type equals nothing.
func jsonEqual(a, b any) bool {
	eq, _ := jsonEqualKnown(a, b)
	return eq
}

// jsonEqualKnown is jsonEqual, and known is false when it met a Go value
// that is not JSON (the answer then is false, where v6 would report an
// invalid JSON value).
func jsonEqualKnown(a, b any) (equal, known bool) {
	switch x := a.(type) {
	case nil:
		return b == nil, true
	case bool:
		y, ok := b.(bool)
		return ok && x == y, true
	case string:
		y, ok := b.(string)
		return ok && x == y, true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false, true
		}
		for i := range x {
			if eq, known := jsonEqualKnown(x[i], y[i]); !eq {
				return false, known
			}
		}
		return true, true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false, true
		}
		for k, xv := range x {
			yv, ok := y[k]
			if !ok {
				return false, true
			}
			if eq, known := jsonEqualKnown(xv, yv); !eq {
				return false, known
			}
		}
		return true, true
	case json.Number:
		if y, ok := b.(json.Number); ok && x == y {
			return true, true // the same text: the same number
		}
	}
	ra, ok := ratOf(a)
	if !ok {
		return false, false // a is no JSON value
	}
	rb, ok := ratOf(b)
	if !ok {
		return false, valueClass(b) != 0
	}
	return ra.Cmp(rb) == 0, true
}

// ratOf returns a number value as an exact rational, read as jsonschema v6
// reads it (from its text; a Go number from its shortest decimal text).
func ratOf(v any) (*big.Rat, bool) {
	switch x := v.(type) {
	case json.Number:
		return new(big.Rat).SetString(string(x))
	case float64, float32, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return new(big.Rat).SetString(fmt.Sprint(x))
	}
	return nil, false
}

// canonical renders a JSON value as a key that agrees with jsonEqual: two
// JSON values have the same key exactly when they are equal (object members
// sorted, numbers by value: 1.0 and 1e0 render 1, 0.1 renders 1/10, -0
// renders 0). It keys sets of values (enum, candidates, subschemas); it is
// not for messages: showValue is.
func canonical(v any) string {
	var b strings.Builder
	writeValue(&b, v, true)
	return b.String()
}

// CanonicalValue is canonical for the other engines: the same text for two
// JSON values exactly when they are equal (members in any order, numbers by
// value), for comparing content that is not judged.
func CanonicalValue(v any) string { return canonical(v) }

// showValue renders a JSON value for a message: numbers as the schema wrote
// them (0.1, not canonical's 1/10; 1e400, not 401 digits), object members
// sorted. Equal values may render differently (1 and 1.0): compare with
// jsonEqual or canonical, never with this text.
func showValue(v any) string {
	var b strings.Builder
	writeValue(&b, v, false)
	return b.String()
}

// writeValue writes v as canonical (canon) or showValue does.
func writeValue(b *strings.Builder, v any, canon bool) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case string:
		b.WriteString(strconv.Quote(x))
	case json.Number:
		if canon {
			b.WriteString(normNumber(string(x)))
		} else {
			b.WriteString(string(x))
		}
	case float64, float32, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		if canon {
			b.WriteString(normNumber(fmt.Sprint(x))) // ratOf's text
		} else {
			fmt.Fprint(b, x)
		}
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			writeValue(b, e, canon)
		}
		b.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Quote(k))
			b.WriteByte(':')
			writeValue(b, x[k], canon)
		}
		b.WriteByte('}')
	default:
		fmt.Fprintf(b, "?%T", x) // no JSON value; jsonEqual equals it to nothing
	}
}

// normNumber is the canonical text of a number's value: the integer's
// decimal digits, else the reduced fraction (RatString). Text that is no
// number is returned as is.
func normNumber(s string) string {
	if !strings.ContainsAny(s, ".eE") && s != "-0" {
		return s // a JSON integer literal has no leading zeros: already canonical
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return s
	}
	if r.IsInt() {
		return r.Num().String()
	}
	return r.RatString()
}
