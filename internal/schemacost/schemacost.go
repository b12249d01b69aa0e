// Package schemacost bounds the work validating one value against a compiled
// JSON Schema may take. Validation evaluates every branch of allOf, anyOf,
// oneOf and every $ref again, so a few kilobytes of nested
// allOf: [$ref, $ref] would take hours (2^N evaluations); a schema over the
// bound is an input error wherever dsctl compiles one (contract lint,
// validate and publish; compat check).
package schemacost

import (
	"fmt"
	"sort"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Max bounds the subschemas a compiled event schema may have
// evaluated on one value of the instance: validation evaluates every branch
// of allOf, anyOf, oneOf and every $ref again, so a few kilobytes of nested
// allOf: [$ref, $ref] would otherwise take hours (2^N evaluations).
const Max = 1_000_000

// Of estimates the subschema evaluations that validating one instance
// path against sch may take: 1 for sch, plus the cost of each subschema it
// applies to the same value (allOf, anyOf, oneOf, $ref, not, if/then/else,
// ...; a shared subschema counted once per use), plus the largest cost among
// those it applies to a part of the value (properties, items, ...: one
// instance path goes through one of them at a time; their work is bounded by
// the instance's size). A recursive reference counts 1. The estimate stops
// growing past Max.
func Of(sch *jsonschema.Schema) float64 {
	memo := map[*jsonschema.Schema]float64{}
	onStack := map[*jsonschema.Schema]bool{}
	var cost func(s *jsonschema.Schema) float64
	cost = func(s *jsonschema.Schema) float64 {
		if s == nil {
			return 0
		}
		if c, ok := memo[s]; ok {
			return c
		}
		if onStack[s] {
			return 1
		}
		onStack[s] = true
		defer delete(onStack, s)
		same, part := 1.0, 0.0
		add := func(c *jsonschema.Schema) {
			if same <= Max {
				same += cost(c)
			}
		}
		sub := func(c *jsonschema.Schema) {
			if c != nil && same+part <= Max {
				part = max(part, cost(c))
			}
		}
		subAny := func(v any) {
			switch v := v.(type) {
			case *jsonschema.Schema:
				sub(v)
			case []*jsonschema.Schema:
				for _, c := range v {
					sub(c)
				}
			}
		}
		// Applied to the same value.
		add(s.Ref)
		add(s.RecursiveRef)
		if s.DynamicRef != nil {
			add(s.DynamicRef.Ref)
		}
		add(s.Not)
		for _, list := range [][]*jsonschema.Schema{s.AllOf, s.AnyOf, s.OneOf} {
			for _, c := range list {
				add(c)
			}
		}
		for _, c := range []*jsonschema.Schema{s.If, s.Then, s.Else} {
			add(c)
		}
		for _, c := range s.DependentSchemas {
			add(c)
		}
		for _, v := range s.Dependencies {
			if c, ok := v.(*jsonschema.Schema); ok {
				add(c)
			}
		}
		// Applied to a part of the value.
		for _, k := range sortedSchemaKeys(s.Properties) {
			sub(s.Properties[k])
		}
		for _, c := range s.PatternProperties {
			sub(c)
		}
		for _, c := range s.PrefixItems {
			sub(c)
		}
		for _, c := range []*jsonschema.Schema{s.PropertyNames, s.UnevaluatedProperties, s.Contains, s.Items2020, s.UnevaluatedItems, s.ContentSchema} {
			sub(c)
		}
		subAny(s.AdditionalProperties)
		subAny(s.Items)
		subAny(s.AdditionalItems)
		memo[s] = same + part
		return same + part
	}
	return cost(sch)
}

func sortedSchemaKeys(m map[string]*jsonschema.Schema) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Err is the error for a schema over Max.
func Err() error {
	return fmt.Errorf("schema is too costly to check: its allOf/anyOf/oneOf/$ref branches fan out to more than %d subschema evaluations of one value (each branch that refers to a shared definition evaluates it again); refer to shared definitions once, not in several branches of each level", Max)
}
