package jsonschema

import (
	"sync"

	jsv "github.com/santhosh-tekuri/jsonschema/v6"
)

// flatSchema is a schema of draft 2019-09 or later whose in-place closure
// (itself, its $ref and allOf members, theirs, ...) asserts nothing but
// types and properties: the draft metaschemas are such a closure of a root
// and its vocabulary metaschemas. Checking a value against the flat form
// looks each member up once instead of once per vocabulary.
type flatSchema struct {
	types []jsv.Types
	props map[string][]*jsv.Schema
}

// flatSchemas caches flatten's answers (a *flatSchema, nil when s does not
// flatten) for the process: metaschemas are compiled once.
var flatSchemas sync.Map

// flatOf returns the flat form of s, or nil.
func flatOf(s *jsv.Schema) *flatSchema {
	if f, ok := flatSchemas.Load(s); ok {
		return f.(*flatSchema)
	}
	f := flatten(s)
	flatSchemas.Store(s, f)
	return f
}

func flatten(s *jsv.Schema) *flatSchema {
	f := &flatSchema{props: map[string][]*jsv.Schema{}}
	seen := map[*jsv.Schema]bool{}
	var add func(s *jsv.Schema) bool
	add = func(s *jsv.Schema) bool {
		if seen[s] || !onlyTypesAndProperties(s) {
			return false // a cycle (v6 would report it), or more than types and properties
		}
		seen[s] = true
		if s.Types != nil && !s.Types.IsEmpty() {
			f.types = append(f.types, *s.Types)
		}
		for name, ps := range s.Properties {
			f.props[name] = append(f.props[name], ps)
		}
		if s.Ref != nil && !add(s.Ref) {
			return false
		}
		for _, a := range s.AllOf {
			if !add(a) {
				return false
			}
		}
		return true
	}
	if !add(s) || len(seen) < 2 {
		return nil
	}
	return f
}

// onlyTypesAndProperties reports whether s (of draft 2019-09 or later, where
// $ref does not hide its siblings) asserts nothing but type, properties,
// and through $ref and allOf.
func onlyTypesAndProperties(s *jsv.Schema) bool {
	return s.DraftVersion >= 2019 && s.Bool == nil &&
		s.RecursiveRef == nil && s.DynamicRef == nil && s.Enum == nil && s.Const == nil && s.Not == nil &&
		len(s.AnyOf) == 0 && len(s.OneOf) == 0 && s.If == nil && s.Then == nil && s.Else == nil && s.Format == nil &&
		s.MaxProperties == nil && s.MinProperties == nil && len(s.Required) == 0 && s.PropertyNames == nil &&
		len(s.PatternProperties) == 0 && s.AdditionalProperties == nil && len(s.Dependencies) == 0 &&
		len(s.DependentRequired) == 0 && len(s.DependentSchemas) == 0 && s.UnevaluatedProperties == nil &&
		s.MinItems == nil && s.MaxItems == nil && !s.UniqueItems && s.Contains == nil && s.MinContains == nil &&
		s.MaxContains == nil && s.Items == nil && s.AdditionalItems == nil && len(s.PrefixItems) == 0 &&
		s.Items2020 == nil && s.UnevaluatedItems == nil && s.MinLength == nil && s.MaxLength == nil &&
		s.Pattern == nil && s.ContentEncoding == nil && s.ContentMediaType == nil && s.ContentSchema == nil &&
		s.Maximum == nil && s.Minimum == nil && s.ExclusiveMaximum == nil && s.ExclusiveMinimum == nil &&
		s.MultipleOf == nil && len(s.Extensions) == 0
}

// checkFlat is check for a flat schema.
func (mc *metaChecker) checkFlat(f *flatSchema, v any, fi int) bool {
	t, ok := metaTypeOf(v)
	if !ok {
		mc.unsure = true
		return false
	}
	for _, tt := range f.types {
		if !typeMatches(tt, t, v) {
			return false
		}
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return true
	}
	for _, m := range mc.membersOf(fi, obj) {
		for _, ps := range f.props[m.name] {
			if !mc.child(ps, m.v, fi) {
				return false
			}
		}
	}
	return !mc.unsure
}
