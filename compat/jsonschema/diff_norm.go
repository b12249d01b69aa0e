package jsonschema

import jsv "github.com/santhosh-tekuri/jsonschema/v6"

// Always-true and never-true schemas.
//
// Some schemas accept every instance or none without saying so plainly:
// anyOf [S, {not: S}], allOf [S, {not: S}], {not: {}}, an empty enum. A
// keyword-by-keyword comparison sees combinators come and go; the sets
// they accept did not change. extremes recognises the common forms, with
// S and the negated S compared by the engine itself (no change in either
// direction: equivalent), and the result bounds the comparison.

// maxNormDepth bounds the nesting always/never follow.
const maxNormDepth = 24

// extreme is what is known of a schema's accepted set.
type extreme uint8

const (
	extUnknown extreme = iota + 1
	extAlways
	extNever
)

// extremeOf tells whether s (of side sd) provably accepts everything or
// nothing; extUnknown otherwise.
func (d *differ) extremeOf(sd *side, s *jsv.Schema, depth int) extreme {
	if s == nil {
		return extAlways
	}
	if depth > maxNormDepth {
		return extUnknown
	}
	s = deref(s)
	if s.Bool != nil {
		if *s.Bool {
			return extAlways
		}
		return extNever
	}
	if s.Not == nil && s.Ref == nil && len(s.AllOf) == 0 && len(s.AnyOf) == 0 && len(s.OneOf) == 0 {
		// no subschema to look into: decided here, not worth a cache entry
		return d.extremeOf1(sd, s, depth)
	}
	key := extKey{sd, s}
	if e, ok := d.extremes[key]; ok {
		return e
	}
	e := d.extremeOf1(sd, s, depth)
	if d.extremes == nil {
		d.extremes = map[extKey]extreme{}
	}
	d.extremes[key] = e
	return e
}

type extKey struct {
	sd *side
	s  *jsv.Schema
}

func (d *differ) extremeOf1(sd *side, s *jsv.Schema, depth int) extreme {
	if s.Enum != nil && len(s.Enum.Values) == 0 {
		return extNever
	}
	if !hasAssertions(s, false) {
		if rawAsserts(sd, s) {
			return extUnknown
		}
		return extAlways
	}
	// never: one conjunct that accepts nothing
	if s.Not != nil && d.extremeOf(sd, s.Not, depth+1) == extAlways {
		return extNever
	}
	if s.Ref != nil && d.extremeOf(sd, s.Ref, depth+1) == extNever {
		return extNever
	}
	for _, m := range s.AllOf {
		if d.extremeOf(sd, m, depth+1) == extNever {
			return extNever
		}
	}
	if d.complementary(sd, s.AllOf) {
		return extNever
	}
	if len(s.AnyOf) > 0 && d.all(sd, s.AnyOf, extNever, depth) {
		return extNever
	}
	if len(s.OneOf) > 0 && d.all(sd, s.OneOf, extNever, depth) {
		return extNever
	}
	// always: only combinators, each accepting everything
	if !onlyCombinators(s) || rawAsserts(sd, s) {
		return extUnknown
	}
	if s.Not != nil && d.extremeOf(sd, s.Not, depth+1) != extNever {
		return extUnknown
	}
	if s.Ref != nil && d.extremeOf(sd, s.Ref, depth+1) != extAlways {
		return extUnknown
	}
	if !d.all(sd, s.AllOf, extAlways, depth) {
		return extUnknown
	}
	if len(s.AnyOf) > 0 && !d.complementary(sd, s.AnyOf) {
		found := false
		for _, m := range s.AnyOf {
			if d.extremeOf(sd, m, depth+1) == extAlways {
				found = true
				break
			}
		}
		if !found {
			return extUnknown
		}
	}
	if len(s.OneOf) > 0 {
		// exactly one member always holds: [S, {not: S}], or one member
		// that accepts everything beside members that accept nothing
		ok := len(s.OneOf) == 2 && d.complementary(sd, s.OneOf)
		if !ok {
			always, never := 0, 0
			for _, m := range s.OneOf {
				switch d.extremeOf(sd, m, depth+1) {
				case extAlways:
					always++
				case extNever:
					never++
				}
			}
			ok = always == 1 && always+never == len(s.OneOf)
		}
		if !ok {
			return extUnknown
		}
	}
	return extAlways
}

func (d *differ) all(sd *side, ms []*jsv.Schema, e extreme, depth int) bool {
	for _, m := range ms {
		if d.extremeOf(sd, m, depth+1) != e {
			return false
		}
	}
	return true
}

// onlyCombinators reports whether s asserts nothing but through $ref,
// not, allOf, anyOf and oneOf.
func onlyCombinators(s *jsv.Schema) bool {
	c := *s
	c.Ref, c.Not, c.AllOf, c.AnyOf, c.OneOf = nil, nil, nil, nil, nil
	return !hasAssertions(&c, false)
}

// rawAsserts reports whether the source of s has keywords the compiled
// schema may not carry but the engine judges as assertions (format and
// the content keywords, see the docs).
func rawAsserts(sd *side, s *jsv.Schema) bool {
	obj := sd.rawOf(s).obj
	for _, kw := range [...]string{"format", "contentEncoding", "contentMediaType", "contentSchema"} {
		if _, ok := obj[kw]; ok {
			return true
		}
	}
	return false
}

// complementary reports whether members hold a schema S and a {not: S'}
// with S' equivalent to S (allOf: nothing validates; anyOf: everything).
func (d *differ) complementary(sd *side, ms []*jsv.Schema) bool {
	if len(ms) < 2 {
		return false
	}
	for j, nm := range ms {
		neg := onlyNot(nm)
		if neg == nil {
			continue
		}
		for i, m := range ms {
			if i != j && d.equivalent(sd, m, neg) {
				return true
			}
		}
	}
	return false
}

// onlyNot returns X when s is {not: X} (annotations aside).
func onlyNot(s *jsv.Schema) *jsv.Schema {
	s = deref(s)
	if s.Bool != nil || s.Not == nil {
		return nil
	}
	c := *s
	c.Not = nil
	if hasAssertions(&c, false) {
		return nil
	}
	return s.Not
}

// equivalent reports whether a and b, both of side sd, accept the same
// instances as far as the engine can tell: comparing them finds no
// change that widens or narrows.
func (d *differ) equivalent(sd *side, a, b *jsv.Schema) bool {
	a, b = deref(a), deref(b)
	if a == b {
		return true
	}
	sub := d.sub()
	sub.old, sub.new = sd, sd
	sub.node(a, b, cctx{})
	return !sub.budget.exhausted && combine(sub.changes) == Neutral
}
