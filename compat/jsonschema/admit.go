package jsonschema

import (
	"math/big"
	"sync"
	"unicode/utf8"

	jsv "github.com/santhosh-tekuri/jsonschema/v6"
)

// tri is the answer of admits: yes, no, or unknown (the schema uses
// something admits does not decide, such as format or unevaluated*).
type tri uint8

const (
	triUnknown tri = iota
	triYes
	triNo
)

func triOf(b bool) tri {
	if b {
		return triYes
	}
	return triNo
}

// maxAdmitDepth bounds the nesting admits follows (a $ref cycle that does
// not descend into the instance ends here, as unknown).
const maxAdmitDepth = 128

// admitter decides whether a schema accepts one JSON value, with the
// semantics of jsonschema v6's validator for the fields both compilers
// (v6's and fastCompile) fill the same way. It reads only exported
// fields, so it gives the same answer for a document whichever compiler
// built it (v6 cannot validate with fast-compiled schemas). Where the
// answer would need a keyword it does not evaluate (format and content
// keywords on strings, unevaluated* on objects and arrays, dynamic
// references, extensions) it says unknown: callers then fall back to the
// keyword comparison.
type admitter struct {
	side *side // for the source object: format and content keywords
	// left counts down the evaluation steps one admits may take: in-place
	// subschemas that branch (oneOf of $refs back to themselves, or to
	// each other) multiply the work by the nesting; past the budget the
	// answer is unknown, as it is past maxAdmitDepth.
	left *int
}

// admitBudget is the evaluation steps of one admits: ample for any
// schema a person writes (each step is one subschema at one instance).
const admitBudget = 1 << 14

func notTri(t tri) tri {
	switch t {
	case triYes:
		return triNo
	case triNo:
		return triYes
	}
	return triUnknown
}

// valueClass is the type bit (typeMask's) of a JSON value; 0 for a value
// that is not JSON.
func valueClass(v any) int {
	switch v.(type) {
	case nil:
		return tNull
	case bool:
		return tBool
	case string:
		return tString
	case map[string]any:
		return tObject
	case []any:
		return tArray
	}
	r, ok := ratOf(v)
	if !ok {
		return 0
	}
	if r.IsInt() {
		return tInt
	}
	return tNonInt
}

func (a admitter) str(s *jsv.Schema, x string) tri {
	if a.side == nil {
		return triUnknown // no source: format and content keywords unknown
	}
	if s.MinLength != nil || s.MaxLength != nil {
		n := utf8.RuneCountInString(x)
		if s.MinLength != nil && n < *s.MinLength || s.MaxLength != nil && n > *s.MaxLength {
			return triNo
		}
	}
	if s.Pattern != nil {
		if !regexPortable(x) {
			return triUnknown
		}
		if !s.Pattern.MatchString(x) {
			return triNo
		}
	}
	obj := a.raw(s)
	if s.Format != nil || obj["format"] != nil {
		name, _ := obj["format"].(string)
		if s.Format != nil {
			name = s.Format.Name
		}
		f := formatChecker(name)
		if f == nil {
			return triUnknown // a format jsonschema v6 does not know: not decided here
		}
		if f.Validate(x) != nil {
			return triUnknown // rejected if asserted, accepted if an annotation
		}
	}
	if obj["contentSchema"] != nil || s.ContentSchema != nil {
		return triUnknown
	}
	_, hasEnc := obj["contentEncoding"]
	_, hasMedia := obj["contentMediaType"]
	if !hasEnc && !hasMedia {
		return triYes
	}
	decoded := []byte(x)
	if e, ok := obj["contentEncoding"]; ok {
		name, _ := e.(string)
		dec := contentChecker(name, "")
		if dec == nil || dec.ContentEncoding == nil {
			return triUnknown
		}
		var err error
		if decoded, err = dec.ContentEncoding.Decode(x); err != nil {
			return triUnknown // as for format
		}
	}
	if m, ok := obj["contentMediaType"]; ok {
		name, _ := m.(string)
		mt := contentChecker("", name)
		if mt == nil || mt.ContentMediaType == nil {
			return triUnknown
		}
		if mt.ContentMediaType.Validate(decoded) != nil {
			return triUnknown
		}
	}
	return triYes
}

// raw returns the source object of s (nil when there is no source).
func (a admitter) raw(s *jsv.Schema) map[string]any {
	if a.side == nil {
		return nil
	}
	return a.side.rawOf(s).obj
}

// checkers caches the format and content checkers of jsonschema v6, by
// keyword and name. A string the checker accepts is accepted whether the
// keyword is read as an assertion (the engine's policy, see the docs) or
// as an annotation (what a 2020-12 validator does by default); one it
// rejects is accepted under one reading and rejected under the other, so
// admits leaves it undecided: under a "not" the readings swap, and only an
// answer both share is sound.
var checkers sync.Map // string -> func() *jsv.Schema

// formatChecker returns jsonschema v6's checker of format name, nil when
// v6 does not know it (or for "regex", whose dialect Go's and ECMA-262's
// regexps disagree on).
func formatChecker(name string) *jsv.Format {
	if name == "regex" {
		return nil
	}
	s := checkerSchema("format\x00"+name, map[string]any{"format": name})
	if s == nil {
		return nil
	}
	return s.Format
}

// stringFormat reports whether format name is one the validator knows:
// those constrain strings only.
func stringFormat(name string) bool { return name == "regex" || formatChecker(name) != nil }

// contentChecker returns a schema whose ContentEncoding (encoding) or
// ContentMediaType (media type) is jsonschema v6's decoder or checker of
// that name; either is nil when v6 does not know it.
func contentChecker(encoding, mediaType string) *jsv.Schema {
	if encoding != "" {
		return checkerSchema("enc\x00"+encoding, map[string]any{"$schema": metaURLs[7], "contentEncoding": encoding})
	}
	return checkerSchema("media\x00"+mediaType, map[string]any{"$schema": metaURLs[7], "contentMediaType": mediaType})
}

func checkerSchema(key string, doc map[string]any) *jsv.Schema {
	f, ok := checkers.Load(key)
	if !ok {
		f, _ = checkers.LoadOrStore(key, sync.OnceValue(func() *jsv.Schema {
			c := jsv.NewCompiler()
			c.AssertFormat()
			c.AssertContent()
			if err := c.AddResource("urn:dsctl:checker", doc); err != nil {
				return nil
			}
			s, err := c.Compile("urn:dsctl:checker")
			if err != nil {
				return nil
			}
			return s
		}))
	}
	return f.(func() *jsv.Schema)()
}

// regexPortable reports whether Go's regexp (what the validator runs)
// and ECMA-262 (what JSON Schema specifies, and JavaScript validators run)
// agree on every pattern for string x: they differ on what \s, \w, \d,
// \b and "." match beyond ASCII, and on \v (\s in ECMA, not in Go) and \r
// (not "." in ECMA). Other strings are left undecided.
func regexPortable(x string) bool {
	for i := 0; i < len(x); i++ {
		if c := x[i]; c >= 0x80 || c == '\v' || c == '\r' {
			return false
		}
	}
	return true
}

func num(s *jsv.Schema, r *big.Rat) tri {
	switch {
	case s.Minimum != nil && r.Cmp(s.Minimum) < 0,
		s.Maximum != nil && r.Cmp(s.Maximum) > 0,
		s.ExclusiveMinimum != nil && r.Cmp(s.ExclusiveMinimum) <= 0,
		s.ExclusiveMaximum != nil && r.Cmp(s.ExclusiveMaximum) >= 0:
		return triNo
	}
	if s.MultipleOf != nil && s.MultipleOf.Sign() != 0 && !new(big.Rat).Quo(r, s.MultipleOf).IsInt() {
		return triNo
	}
	return triYes
}
