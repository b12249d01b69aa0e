package jsonschema

import (
	"cmp"
	"encoding/json"
	"math/big"
	"slices"
	"strconv"
	"unicode/utf8"

	jsv "github.com/santhosh-tekuri/jsonschema/v6"
)

// metaCheck reports whether doc is valid against the compiled metaschema
// meta, with the answer (*jsv.Schema).Validate would give, without building
// the error tree Validate builds on the way (on a megabyte schema, v6's
// validation allocates about 80 MB and takes over 100 ms).
//
// It interprets the compiled schema's keywords the way jsonschema v6's
// validator does, for the keywords the draft metaschemas use. sure is false
// when it meets anything it does not implement (unevaluated*, content
// keywords, extensions, a dynamic reference it cannot resolve, a value of an
// unexpected Go type, a $ref cycle, very deep nesting): the caller then asks
// v6. The caller also asks v6 whenever metaCheck says invalid, for v6's error
// message, so only "valid and sure" is ever acted on.
func metaCheck(meta *jsv.Schema, doc any) (valid, sure bool) {
	if !metaTypesAgree {
		return false, false
	}
	mc := &metaChecker{top: meta, topIsRoot: true, frames: []frame{{}}}
	valid = mc.check(meta, doc, 0)
	return valid, !mc.unsure
}

// maxMetaDepth bounds the recursion of metaCheck; deeper documents go to v6.
const maxMetaDepth = 2000

// metaChecker is the state of one metaCheck.
type metaChecker struct {
	// top is the schema validation started from: jsonschema v6 resolves a
	// dynamic reference to the outermost schema of the dynamic scope that
	// declares the anchor, which for a metaschema is its root.
	top *jsv.Schema
	// topIsRoot: top is a resource's root (a metaschema, not the
	// propertyNames subschema a name is checked against).
	topIsRoot bool
	// inPlace holds the schemas applied to the current instance value
	// ($ref, allOf, ...): v6 reports a schema applied twice as a $ref cycle.
	inPlace []*jsv.Schema
	// frames has one frame per instance value on the path from the root
	// to the value being checked, reused from one value to the next.
	frames []frame
	depth  int
	unsure bool
}

// frame is one instance value on the path being checked.
type frame struct {
	base    int      // where its schemas start in inPlace
	members []member // its members (objects), filled on first use
	filled  bool
}

// member is an object member: iterating a slice is cheaper than iterating
// the map again for each of the metaschema's vocabularies.
type member struct {
	name string
	v    any
}

// membersOf returns the members of obj, the value of frame fi.
func (mc *metaChecker) membersOf(fi int, obj map[string]any) []member {
	f := &mc.frames[fi]
	if !f.filled {
		f.members = f.members[:0]
		for k, v := range obj {
			f.members = append(f.members, member{k, v})
		}
		f.filled = true
	}
	return f.members
}

// check reports whether v, the value of frame fi, is valid against s.
func (mc *metaChecker) check(s *jsv.Schema, v any, fi int) bool {
	if mc.unsure {
		return false
	}
	if s.Bool != nil {
		return *s.Bool
	}
	if slices.Contains(mc.inPlace[mc.frames[fi].base:], s) || mc.depth >= maxMetaDepth {
		mc.unsure = true
		return false
	}
	if f := flatOf(s); f != nil {
		mc.depth++
		ok := mc.checkFlat(f, v, fi)
		mc.depth--
		return ok && !mc.unsure
	}
	mc.depth++
	mc.inPlace = append(mc.inPlace, s)
	ok := mc.apply(s, v, fi)
	mc.inPlace = mc.inPlace[:len(mc.inPlace)-1]
	mc.depth--
	return ok && !mc.unsure
}

// apply is check once s is on the in-place stack.
func (mc *metaChecker) apply(s *jsv.Schema, v any, fi int) bool {
	if len(s.Extensions) > 0 || s.UnevaluatedProperties != nil || s.UnevaluatedItems != nil ||
		s.ContentEncoding != nil || s.ContentMediaType != nil || s.ContentSchema != nil {
		mc.unsure = true
		return false
	}

	t, ok := metaTypeOf(v)
	if !ok {
		mc.unsure = true
		return false
	}
	if s.Types != nil && !s.Types.IsEmpty() && !typeMatches(*s.Types, t, v) {
		return false
	}
	if s.Const != nil && !mc.equal(v, *s.Const) {
		return false
	}
	if s.Enum != nil {
		found := false
		for _, e := range s.Enum.Values {
			if mc.equal(v, e) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	if s.Format != nil && s.Format.Validate != nil && s.Format.Validate(v) != nil {
		return false
	}
	if s.Ref != nil {
		ok := mc.inplace(s.Ref, v, fi)
		if s.DraftVersion < 2019 || !ok {
			return ok
		}
	}

	switch x := v.(type) {
	case map[string]any:
		if !mc.object(s, x, fi) {
			return false
		}
	case []any:
		if !mc.array(s, x, fi) {
			return false
		}
	case string:
		if !stringValid(s, x) {
			return false
		}
	case json.Number:
		if !mc.number(s, x) {
			return false
		}
	}

	if s.DraftVersion >= 2019 {
		if r := s.RecursiveRef; r != nil {
			if r.RecursiveAnchor {
				// v6 resolves to the outermost scope whose resource has
				// $recursiveAnchor: true, which is the top when it has one.
				if !mc.topIsRoot || !mc.top.RecursiveAnchor {
					mc.unsure = true
					return false
				}
				r = mc.top
			}
			if !mc.inplace(r, v, fi) {
				return false
			}
		}
		if dr := s.DynamicRef; dr != nil {
			r := dr.Ref
			if dr.Anchor != "" && r.DynamicAnchor == dr.Anchor {
				// The outermost scope whose resource declares the anchor:
				// the top, when it is the one declaring it at its root.
				if !mc.topIsRoot || mc.top.DynamicAnchor != dr.Anchor {
					mc.unsure = true
					return false
				}
				r = mc.top
			}
			if !mc.inplace(r, v, fi) {
				return false
			}
		}
	}

	if s.Not != nil && mc.inplace(s.Not, v, fi) {
		return false
	}
	for _, a := range s.AllOf {
		if !mc.inplace(a, v, fi) {
			return false
		}
	}
	if len(s.AnyOf) > 0 {
		matched := false
		for _, a := range s.AnyOf {
			if mc.inplace(a, v, fi) {
				matched = true
				break
			}
		}
		if !matched {
			return false
		}
	}
	if len(s.OneOf) > 0 {
		n := 0
		for _, a := range s.OneOf {
			if mc.inplace(a, v, fi) {
				n++
				if n > 1 {
					break
				}
			}
		}
		if n != 1 {
			return false
		}
	}
	if s.If != nil {
		if mc.inplace(s.If, v, fi) {
			if s.Then != nil && !mc.inplace(s.Then, v, fi) {
				return false
			}
		} else if s.Else != nil && !mc.inplace(s.Else, v, fi) {
			return false
		}
	}
	return !mc.unsure
}

// inplace checks a subschema applied to the same instance value.
func (mc *metaChecker) inplace(s *jsv.Schema, v any, fi int) bool {
	return mc.check(s, v, fi)
}

// child checks a subschema applied to a child value of frame fi's value.
func (mc *metaChecker) child(s *jsv.Schema, v any, fi int) bool {
	if s.Bool != nil {
		return *s.Bool
	}
	ci := fi + 1
	if ci == len(mc.frames) {
		mc.frames = append(mc.frames, frame{})
	}
	f := &mc.frames[ci]
	f.base, f.filled = len(mc.inPlace), false
	return mc.check(s, v, ci)
}

func (mc *metaChecker) object(s *jsv.Schema, obj map[string]any, fi int) bool {
	if s.MinProperties != nil && len(obj) < *s.MinProperties {
		return false
	}
	if s.MaxProperties != nil && len(obj) > *s.MaxProperties {
		return false
	}
	for _, r := range s.Required {
		if _, ok := obj[r]; !ok {
			return false
		}
	}
	for name, dep := range nonEmpty(s.Dependencies) {
		if _, ok := obj[name]; !ok {
			continue
		}
		switch dep := dep.(type) {
		case []string:
			for _, r := range dep {
				if _, ok := obj[r]; !ok {
					return false
				}
			}
		case *jsv.Schema:
			if !mc.inplace(dep, obj, fi) {
				return false
			}
		default:
			mc.unsure = true
			return false
		}
	}
	if len(s.PatternProperties) == 0 && s.AdditionalProperties == nil && len(s.Properties) < len(obj) {
		// Only the declared properties are checked: look them up rather
		// than every member.
		for name, ps := range s.Properties {
			if pv, ok := obj[name]; ok && !mc.child(ps, pv, fi) {
				return false
			}
		}
	} else if len(s.Properties) > 0 || len(s.PatternProperties) > 0 || s.AdditionalProperties != nil {
		for _, m := range mc.membersOf(fi, obj) {
			evaluated := false
			if ps, ok := s.Properties[m.name]; ok {
				evaluated = true
				if !mc.child(ps, m.v, fi) {
					return false
				}
			}
			for re, ps := range nonEmpty(s.PatternProperties) {
				if re.MatchString(m.name) {
					evaluated = true
					if !mc.child(ps, m.v, fi) {
						return false
					}
				}
			}
			if !evaluated {
				switch ap := s.AdditionalProperties.(type) {
				case nil:
				case bool:
					if !ap {
						return false
					}
				case *jsv.Schema:
					if !mc.child(ap, m.v, fi) {
						return false
					}
				default:
					mc.unsure = true
					return false
				}
			}
		}
	}
	if s.DraftVersion == 4 {
		return true
	}
	if s.PropertyNames != nil {
		// v6 validates each name as a new instance from the propertyNames
		// schema: a fresh dynamic scope.
		sub := &metaChecker{top: s.PropertyNames, frames: []frame{{}}}
		for name := range obj {
			if !sub.check(s.PropertyNames, name, 0) {
				mc.unsure = mc.unsure || sub.unsure
				return false
			}
		}
		if sub.unsure {
			mc.unsure = true
			return false
		}
	}
	if s.DraftVersion == 6 {
		return true
	}
	for name, ds := range nonEmpty(s.DependentSchemas) {
		if _, ok := obj[name]; ok && !mc.inplace(ds, obj, fi) {
			return false
		}
	}
	for name, reqd := range nonEmpty(s.DependentRequired) {
		if _, ok := obj[name]; !ok {
			continue
		}
		for _, r := range reqd {
			if _, ok := obj[r]; !ok {
				return false
			}
		}
	}
	return true
}

func (mc *metaChecker) array(s *jsv.Schema, arr []any, fi int) bool {
	if s.MinItems != nil && len(arr) < *s.MinItems {
		return false
	}
	if s.MaxItems != nil && len(arr) > *s.MaxItems {
		return false
	}
	if s.UniqueItems && len(arr) > 1 && mc.hasDuplicates(arr) {
		return false
	}
	if s.DraftVersion < 2020 {
		evaluated := 0
		switch items := s.Items.(type) {
		case nil:
		case *jsv.Schema:
			for _, e := range arr {
				if !mc.child(items, e, fi) {
					return false
				}
			}
			evaluated = len(arr)
		case []*jsv.Schema:
			evaluated = min(len(arr), len(items))
			for i, e := range arr[:evaluated] {
				if !mc.child(items[i], e, fi) {
					return false
				}
			}
		default:
			mc.unsure = true
			return false
		}
		switch ai := s.AdditionalItems.(type) {
		case nil:
		case bool:
			if !ai && evaluated != len(arr) {
				return false
			}
		case *jsv.Schema:
			for _, e := range arr[evaluated:] {
				if !mc.child(ai, e, fi) {
					return false
				}
			}
		default:
			mc.unsure = true
			return false
		}
	} else {
		evaluated := min(len(s.PrefixItems), len(arr))
		for i, e := range arr[:evaluated] {
			if !mc.child(s.PrefixItems[i], e, fi) {
				return false
			}
		}
		if s.Items2020 != nil {
			for _, e := range arr[evaluated:] {
				if !mc.child(s.Items2020, e, fi) {
					return false
				}
			}
		}
	}
	if s.Contains != nil {
		matched := 0
		for _, e := range arr {
			if mc.child(s.Contains, e, fi) {
				matched++
			}
			if mc.unsure {
				return false
			}
		}
		if s.MinContains != nil {
			if matched < *s.MinContains {
				return false
			}
		} else if matched == 0 {
			return false
		}
		if s.MaxContains != nil && matched > *s.MaxContains {
			return false
		}
	}
	return true
}

func stringValid(s *jsv.Schema, str string) bool {
	if s.MinLength != nil || s.MaxLength != nil {
		n := utf8.RuneCountInString(str)
		if s.MinLength != nil && n < *s.MinLength {
			return false
		}
		if s.MaxLength != nil && n > *s.MaxLength {
			return false
		}
	}
	if s.Pattern != nil && !s.Pattern.MatchString(str) {
		return false
	}
	return true
}

func (mc *metaChecker) number(s *jsv.Schema, n json.Number) bool {
	if s.Minimum == nil && s.Maximum == nil && s.ExclusiveMinimum == nil && s.ExclusiveMaximum == nil && s.MultipleOf == nil {
		return true
	}
	if ok, done := intBounds(s, n); done {
		return ok
	}
	r, ok := new(big.Rat).SetString(string(n))
	if !ok {
		mc.unsure = true
		return false
	}
	if s.Minimum != nil && r.Cmp(s.Minimum) < 0 {
		return false
	}
	if s.Maximum != nil && r.Cmp(s.Maximum) > 0 {
		return false
	}
	if s.ExclusiveMinimum != nil && r.Cmp(s.ExclusiveMinimum) <= 0 {
		return false
	}
	if s.ExclusiveMaximum != nil && r.Cmp(s.ExclusiveMaximum) >= 0 {
		return false
	}
	if s.MultipleOf != nil {
		if s.MultipleOf.Sign() == 0 {
			mc.unsure = true
			return false
		}
		if !new(big.Rat).Quo(r, s.MultipleOf).IsInt() {
			return false
		}
	}
	return true
}

// intBounds checks a plain integer against integer minimum and maximum
// bounds without big.Rat; done is false when n or the bounds are not that
// simple.
func intBounds(s *jsv.Schema, n json.Number) (ok, done bool) {
	if s.ExclusiveMinimum != nil || s.ExclusiveMaximum != nil || s.MultipleOf != nil {
		return false, false
	}
	i, err := strconv.ParseInt(string(n), 10, 64)
	if err != nil {
		return false, false
	}
	for _, b := range []struct {
		r    *big.Rat
		sign int
	}{{s.Minimum, -1}, {s.Maximum, 1}} {
		if b.r == nil {
			continue
		}
		if !b.r.IsInt() || !b.r.Num().IsInt64() {
			return false, false
		}
		if cmp.Compare(i, b.r.Num().Int64()) == b.sign {
			return false, true
		}
	}
	return true, true
}

// metaType is a JSON type as a bit of jsv.Types (the same order: null,
// boolean, number, integer, string, array, object).
type metaType int

const (
	mtNull metaType = 1 << (iota + 1)
	mtBoolean
	mtNumber
	mtInteger
	mtString
	mtArray
	mtObject
)

// nonEmpty returns m, or nil when it is empty: ranging over an empty map
// still starts an iterator (a random number and a setup), and the compiled
// metaschemas have many empty maps that metaCheck would range over for
// every value.
func nonEmpty[K comparable, V any](m map[K]V) map[K]V {
	if len(m) == 0 {
		return nil
	}
	return m
}

// metaTypesAgree reports whether metaType's bits are jsv.Types's; if a new
// version of jsonschema v6 changes them, metaCheck is never sure.
var metaTypesAgree = func() bool {
	for name, t := range map[string]metaType{"null": mtNull, "boolean": mtBoolean, "number": mtNumber,
		"integer": mtInteger, "string": mtString, "array": mtArray, "object": mtObject} {
		var tt jsv.Types
		tt.Add(name)
		if int(tt) != int(t) {
			return false
		}
	}
	return true
}()

// metaTypeOf is the JSON type of a parsed value; false for a Go type the
// parser does not produce.
func metaTypeOf(v any) (metaType, bool) {
	switch v.(type) {
	case nil:
		return mtNull, true
	case bool:
		return mtBoolean, true
	case json.Number:
		return mtNumber, true
	case string:
		return mtString, true
	case []any:
		return mtArray, true
	case map[string]any:
		return mtObject, true
	}
	return 0, false
}

// typeMatches is v6's type check: "integer" also accepts a number whose
// value is whole (1.0, 1e2).
func typeMatches(tt jsv.Types, t metaType, v any) bool {
	if int(tt)&int(t) != 0 {
		return true
	}
	if t == mtNumber && int(tt)&int(mtInteger) != 0 {
		return isWhole(v.(json.Number))
	}
	return false
}

// isWhole reports whether a JSON number is an integer in value.
func isWhole(n json.Number) bool {
	s := string(n)
	plain := len(s) > 0
	for i := 0; i < len(s) && plain; i++ {
		plain = s[i] >= '0' && s[i] <= '9' || i == 0 && s[i] == '-' && len(s) > 1
	}
	if plain {
		return true
	}
	r, ok := new(big.Rat).SetString(s)
	return ok && r.IsInt()
}

// equal is v6's equality of JSON values (jsonEqual); a Go value that is not
// JSON, where v6 would report an error, leaves the check to v6.
func (mc *metaChecker) equal(a, b any) bool {
	eq, known := jsonEqualKnown(a, b)
	if !known {
		mc.unsure = true
	}
	return eq
}

// hasDuplicates reports whether two items of arr are equal.
func (mc *metaChecker) hasDuplicates(arr []any) bool {
	allStrings := true
	for _, e := range arr {
		if _, ok := e.(string); !ok {
			allStrings = false
			break
		}
	}
	if allStrings && len(arr) > 16 {
		seen := make(map[string]struct{}, len(arr))
		for _, e := range arr {
			s := e.(string)
			if _, ok := seen[s]; ok {
				return true
			}
			seen[s] = struct{}{}
		}
		return false
	}
	if !allStrings && len(arr) > 256 {
		mc.unsure = true
		return true
	}
	for i := 1; i < len(arr); i++ {
		for j := 0; j < i; j++ {
			if mc.equal(arr[i], arr[j]) {
				return true
			}
		}
	}
	return false
}
