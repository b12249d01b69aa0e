package jsonschema

import "sort"

// Direction says how a change moves the set of instances a schema accepts.
type Direction int

// Directions.
const (
	// Widen: NEW accepts everything OLD did and more (breaks forward).
	Widen Direction = iota + 1
	// Narrow: NEW accepts a subset of what OLD did (breaks backward).
	Narrow
	// Both: NEW accepts some instances OLD rejected and rejects some OLD accepted,
	// or the engine cannot tell (breaks both).
	Both
	// Neutral: the contract changed but the accepted set did not (minor in every mode).
	Neutral
	// Annotation: documentation only (patch).
	Annotation
	// Contextual marks rules whose direction the engine works out for each change
	// (the rule table documents how); changes never carry it.
	Contextual
)

var directionNames = [...]string{"", "widen", "narrow", "both", "neutral", "annotation", "contextual"}

// String names the direction.
func (d Direction) String() string {
	if d < 0 || int(d) >= len(directionNames) {
		return "unknown"
	}
	return directionNames[d]
}

func (d Direction) flip() Direction {
	switch d {
	case Widen:
		return Narrow
	case Narrow:
		return Widen
	}
	return d
}

// Rule describes one kind of change the engine reports.
type Rule struct {
	// ID is the stable kebab-case id printed in reports.
	ID string
	// Description says what the change is.
	Description string
	// Direction is the rule's effect on accepted instances; Contextual rules
	// compute it per change (see Description).
	Direction Direction
	// Partner is the id of the opposite rule (add ↔ remove, widen ↔ narrow);
	// equal to ID for rules that are their own opposite ("…-changed").
	Partner string
	// Lenient rules count as compatible (minor) under the lenient policy.
	Lenient bool
	// LenientDepends: under the lenient policy the rule is judged by what
	// its comparison found besides lenient rules (Lenient is set too).
	LenientDepends bool
	// OnOld rules point their location at OLD (the thing is gone from NEW).
	OnOld bool
	// Confluent names the closest Confluent Schema Registry difference types.
	Confluent string
}

var rules = map[string]*Rule{}

func addRule(r Rule) {
	if _, dup := rules[r.ID]; dup {
		panic("duplicate rule " + r.ID)
	}
	rules[r.ID] = &r
}

// pair adds an add/remove or widen/narrow pair of rules.
func pair(a, b Rule) {
	a.Partner, b.Partner = b.ID, a.ID
	addRule(a)
	addRule(b)
}

// self adds a rule that is its own opposite.
func self(r Rule) {
	r.Partner = r.ID
	addRule(r)
}

// bounds adds the eight rules of an upper or lower bound keyword.
func bounds(id, kw string, upper bool, confluent string) {
	add, rem := Narrow, Widen
	inc, dec := Widen, Narrow
	if !upper {
		inc, dec = Narrow, Widen
	}
	pair(Rule{ID: id + "-added", Description: kw + " added", Direction: add, Confluent: confluent + "_ADDED"},
		Rule{ID: id + "-removed", Description: kw + " removed", Direction: rem, OnOld: true, Confluent: confluent + "_REMOVED"})
	pair(Rule{ID: id + "-increased", Description: kw + " increased", Direction: inc, Confluent: confluent + "_INCREASED"},
		Rule{ID: id + "-decreased", Description: kw + " decreased", Direction: dec, Confluent: confluent + "_DECREASED"})
}

func init() {
	pair(Rule{ID: "false-schema-added", Description: "a schema became false: nothing validates", Direction: Narrow, Confluent: "SCHEMA_REMOVED"},
		Rule{ID: "false-schema-removed", Description: "a false schema became a schema that accepts instances", Direction: Widen, OnOld: true, Confluent: "SCHEMA_ADDED"})
	pair(Rule{ID: "type-extended", Description: "type accepts more JSON types (integer ⊂ number)", Direction: Widen, Confluent: "TYPE_EXTENDED"},
		Rule{ID: "type-narrowed", Description: "type accepts fewer JSON types (integer ⊂ number)", Direction: Narrow, Confluent: "TYPE_NARROWED"})
	self(Rule{ID: "type-changed", Description: "type changed to JSON types that neither contain nor are contained by the old ones", Direction: Both, Confluent: "TYPE_CHANGED"})

	pair(Rule{ID: "enum-added", Description: "enum added: only the listed values validate", Direction: Narrow, Confluent: "ENUM_ARRAY_NARROWED"},
		Rule{ID: "enum-removed", Description: "enum removed: any value validates", Direction: Widen, OnOld: true, Confluent: "ENUM_ARRAY_EXTENDED"})
	pair(Rule{ID: "enum-value-added", Description: "a value was added to enum/const", Direction: Widen, Confluent: "ENUM_ARRAY_EXTENDED"},
		Rule{ID: "enum-value-removed", Description: "a value was removed from enum/const", Direction: Narrow, OnOld: true, Confluent: "ENUM_ARRAY_NARROWED"})
	pair(Rule{ID: "const-added", Description: "const added: only one value validates", Direction: Narrow, Confluent: "ENUM_ARRAY_NARROWED"},
		Rule{ID: "const-removed", Description: "const removed", Direction: Widen, OnOld: true, Confluent: "ENUM_ARRAY_EXTENDED"})
	self(Rule{ID: "const-changed", Description: "const changed to another value", Direction: Both, Confluent: "ENUM_ARRAY_CHANGED"})

	pair(Rule{ID: "format-added", Description: "format added (judged as an assertion)", Direction: Narrow},
		Rule{ID: "format-removed", Description: "format removed", Direction: Widen, OnOld: true})
	self(Rule{ID: "format-changed", Description: "format changed", Direction: Both})
	pair(Rule{ID: "pattern-added", Description: "pattern added", Direction: Narrow, Confluent: "PATTERN_ADDED"},
		Rule{ID: "pattern-removed", Description: "pattern removed", Direction: Widen, OnOld: true, Confluent: "PATTERN_REMOVED"})
	self(Rule{ID: "pattern-changed", Description: "pattern changed (regular expressions are not compared for inclusion)", Direction: Both, Confluent: "PATTERN_CHANGED"})
	bounds("max-length", "maxLength", true, "MAX_LENGTH")
	bounds("min-length", "minLength", false, "MIN_LENGTH")

	bounds("maximum", "maximum", true, "MAXIMUM")
	bounds("minimum", "minimum", false, "MINIMUM")
	bounds("exclusive-maximum", "exclusiveMaximum", true, "EXCLUSIVE_MAXIMUM")
	bounds("exclusive-minimum", "exclusiveMinimum", false, "EXCLUSIVE_MINIMUM")
	pair(Rule{ID: "multiple-of-added", Description: "multipleOf added", Direction: Narrow, Confluent: "MULTIPLE_OF_ADDED"},
		Rule{ID: "multiple-of-removed", Description: "multipleOf removed", Direction: Widen, OnOld: true, Confluent: "MULTIPLE_OF_REMOVED"})
	pair(Rule{ID: "multiple-of-expanded", Description: "multipleOf became a multiple of the old one (fewer numbers)", Direction: Narrow, Confluent: "MULTIPLE_OF_EXPANDED"},
		Rule{ID: "multiple-of-reduced", Description: "multipleOf became a divisor of the old one (more numbers)", Direction: Widen, Confluent: "MULTIPLE_OF_REDUCED"})
	self(Rule{ID: "multiple-of-changed", Description: "multipleOf changed to a value that neither divides nor is a multiple of the old one", Direction: Both, Confluent: "MULTIPLE_OF_CHANGED"})

	// objects
	pair(Rule{ID: "property-added-to-open-model", Description: "a property was declared where any value was allowed (narrow; neutral when its schema is {} or true)", Direction: Contextual, Lenient: true, Confluent: "PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"},
		Rule{ID: "property-removed-from-open-model", Description: "a property declaration was removed; the open model now allows any value", Direction: Widen, Lenient: true, OnOld: true, Confluent: "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL"})
	pair(Rule{ID: "property-added-to-closed-model", Description: "a property was added where additional properties are not allowed", Direction: Widen, Confluent: "PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL"},
		Rule{ID: "property-removed-from-closed-model", Description: "a property was removed and additional properties are not allowed (neutral when its schema was false)", Direction: Contextual, OnOld: true, Confluent: "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL"})
	pair(Rule{ID: "property-added-to-partially-open-model", Description: "a property was added where additionalProperties/patternProperties/unevaluatedProperties gave a schema; direction from comparing that schema with the property's (under lenient: from what that comparison found besides lenient rules)", Direction: Contextual, Lenient: true, LenientDepends: true, Confluent: "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL / _NOT_COVERED_"},
		Rule{ID: "property-removed-from-partially-open-model", Description: "a property was removed and the partially open model now governs it; direction from comparing the property's schema with the model's (under lenient: from what that comparison found besides lenient rules)", Direction: Contextual, Lenient: true, LenientDepends: true, OnOld: true, Confluent: "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL / _NOT_COVERED_"})
	pair(Rule{ID: "required-added", Description: "a property became required", Direction: Narrow, Confluent: "REQUIRED_ATTRIBUTE_ADDED / REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL"},
		Rule{ID: "required-removed", Description: "a property is no longer required", Direction: Widen, OnOld: true, Confluent: "REQUIRED_ATTRIBUTE_REMOVED"})
	addRule(Rule{ID: "required-with-default-added", Description: "a property with a default became required (validators do not fill defaults: narrow; compatible under lenient)", Direction: Narrow, Lenient: true, Partner: "required-removed", Confluent: "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED"})
	pair(Rule{ID: "additional-properties-narrowed", Description: "additionalProperties narrowed (open → schema → false)", Direction: Narrow, Lenient: true, Confluent: "ADDITIONAL_PROPERTIES_NARROWED / ADDITIONAL_PROPERTIES_REMOVED"},
		Rule{ID: "additional-properties-extended", Description: "additionalProperties extended (false → schema → open)", Direction: Widen, Confluent: "ADDITIONAL_PROPERTIES_EXTENDED / ADDITIONAL_PROPERTIES_ADDED"})
	pair(Rule{ID: "unevaluated-properties-narrowed", Description: "unevaluatedProperties narrowed (open → schema → false)", Direction: Narrow, Lenient: true},
		Rule{ID: "unevaluated-properties-extended", Description: "unevaluatedProperties extended (false → schema → open)", Direction: Widen})
	pair(Rule{ID: "pattern-property-added", Description: "a patternProperties entry was added; direction from the model it replaces for matching names and from properties both sides declare that it now also constrains (a property only one side declares is judged once, as added or removed)", Direction: Contextual},
		Rule{ID: "pattern-property-removed", Description: "a patternProperties entry was removed; direction from the model that now governs matching names and from properties both sides declare that it no longer constrains", Direction: Contextual, OnOld: true})
	pair(Rule{ID: "dependent-required-added", Description: "a dependentRequired (draft-07 dependencies array) entry was added", Direction: Narrow, Confluent: "DEPENDENCY_ARRAY_ADDED / DEPENDENCY_ARRAY_EXTENDED"},
		Rule{ID: "dependent-required-removed", Description: "a dependentRequired (draft-07 dependencies array) entry was removed", Direction: Widen, OnOld: true, Confluent: "DEPENDENCY_ARRAY_REMOVED / DEPENDENCY_ARRAY_NARROWED"})
	pair(Rule{ID: "dependent-schema-added", Description: "a dependentSchemas (draft-07 dependencies schema) entry was added", Direction: Narrow, Confluent: "DEPENDENCY_SCHEMA_ADDED"},
		Rule{ID: "dependent-schema-removed", Description: "a dependentSchemas (draft-07 dependencies schema) entry was removed", Direction: Widen, OnOld: true, Confluent: "DEPENDENCY_SCHEMA_REMOVED"})
	pair(Rule{ID: "property-names-added", Description: "propertyNames added", Direction: Narrow},
		Rule{ID: "property-names-removed", Description: "propertyNames removed", Direction: Widen, OnOld: true})
	bounds("max-properties", "maxProperties", true, "MAX_PROPERTIES")
	bounds("min-properties", "minProperties", false, "MIN_PROPERTIES")

	// arrays
	pair(Rule{ID: "tuple-item-added-to-open-model", Description: "a tuple position (prefixItems / items array) was declared where any item was allowed (neutral when {} or true)", Direction: Contextual, Confluent: "ITEM_ADDED_TO_OPEN_CONTENT_MODEL"},
		Rule{ID: "tuple-item-removed-from-open-model", Description: "a tuple position was removed; any item is allowed there now", Direction: Widen, OnOld: true, Confluent: "ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL"})
	pair(Rule{ID: "tuple-item-added-to-closed-model", Description: "a tuple position was added where no further items were allowed (items, additionalItems or, without them, unevaluatedItems false)", Direction: Widen, Confluent: "ITEM_ADDED_TO_CLOSED_CONTENT_MODEL"},
		Rule{ID: "tuple-item-removed-from-closed-model", Description: "a tuple position was removed and no further items are allowed (neutral when it was false)", Direction: Contextual, OnOld: true, Confluent: "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL"})
	pair(Rule{ID: "tuple-item-added-to-partially-open-model", Description: "a tuple position was added where items/additionalItems (or, without them, unevaluatedItems) gave a schema; direction from comparing them", Direction: Contextual, Confluent: "ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL / _NOT_COVERED_"},
		Rule{ID: "tuple-item-removed-from-partially-open-model", Description: "a tuple position was removed and items/additionalItems (or, without them, unevaluatedItems) now govern it; direction from comparing them", Direction: Contextual, OnOld: true, Confluent: "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL / _NOT_COVERED_"})
	pair(Rule{ID: "items-narrowed", Description: "items (after any tuple: additionalItems / items) narrowed (open → schema → false)", Direction: Narrow, Confluent: "ADDITIONAL_ITEMS_NARROWED / ADDITIONAL_ITEMS_REMOVED"},
		Rule{ID: "items-extended", Description: "items (after any tuple) extended (false → schema → open)", Direction: Widen, Confluent: "ADDITIONAL_ITEMS_EXTENDED / ADDITIONAL_ITEMS_ADDED"})
	pair(Rule{ID: "unevaluated-items-narrowed", Description: "unevaluatedItems narrowed (open → schema → false); without items/additionalItems it is the model for positions after the tuple", Direction: Narrow},
		Rule{ID: "unevaluated-items-extended", Description: "unevaluatedItems extended (false → schema → open)", Direction: Widen})
	bounds("max-items", "maxItems", true, "MAX_ITEMS")
	bounds("min-items", "minItems", false, "MIN_ITEMS")
	pair(Rule{ID: "unique-items-added", Description: "uniqueItems became true", Direction: Narrow, Confluent: "UNIQUE_ITEMS_ADDED"},
		Rule{ID: "unique-items-removed", Description: "uniqueItems is no longer true", Direction: Widen, OnOld: true, Confluent: "UNIQUE_ITEMS_REMOVED"})
	pair(Rule{ID: "contains-added", Description: "contains added", Direction: Narrow},
		Rule{ID: "contains-removed", Description: "contains removed", Direction: Widen, OnOld: true})
	bounds("max-contains", "maxContains", true, "")
	bounds("min-contains", "minContains", false, "")
	// minContains defaults to 1: adding 0 widens, removing 0 narrows.
	rules["min-contains-added"].Direction = Contextual
	rules["min-contains-added"].Description = "minContains added (narrow above 1, widen at 0: the default is 1)"
	rules["min-contains-removed"].Direction = Contextual
	rules["min-contains-removed"].Description = "minContains removed (widen above 1, narrow at 0: the default is 1)"

	// composition
	pair(Rule{ID: "all-of-member-added", Description: "an allOf member was added (neutral when the old schema as a whole implies it, narrow otherwise)", Direction: Contextual, Confluent: "PRODUCT_TYPE_EXTENDED"},
		Rule{ID: "all-of-member-removed", Description: "an allOf member was removed (neutral when the new schema as a whole implies it, widen otherwise)", Direction: Contextual, OnOld: true, Confluent: "PRODUCT_TYPE_NARROWED"})
	pair(Rule{ID: "any-of-added", Description: "anyOf added beside other keywords (neutral when the old schema as a whole fits one member, narrow otherwise)", Direction: Contextual, Confluent: "COMBINED_TYPE_CHANGED"},
		Rule{ID: "any-of-removed", Description: "anyOf removed from beside other keywords (neutral when the new schema as a whole fits one old member, widen otherwise)", Direction: Contextual, OnOld: true, Confluent: "COMBINED_TYPE_CHANGED"})
	pair(Rule{ID: "any-of-member-added", Description: "an anyOf member was added", Direction: Widen, Confluent: "SUM_TYPE_EXTENDED"},
		Rule{ID: "any-of-member-removed", Description: "an anyOf member was removed (neutral when a remaining new member covers it, narrow otherwise)", Direction: Contextual, OnOld: true, Confluent: "SUM_TYPE_NARROWED"})
	pair(Rule{ID: "one-of-added", Description: "oneOf added beside other keywords (neutral when its members are provably disjoint, or one, and the old schema fits one, narrow otherwise)", Direction: Contextual, Confluent: "COMBINED_TYPE_CHANGED"},
		Rule{ID: "one-of-removed", Description: "oneOf removed from beside other keywords (neutral when its members were provably disjoint, or one, and the new schema fits one, widen otherwise)", Direction: Contextual, OnOld: true, Confluent: "COMBINED_TYPE_CHANGED"})
	pair(Rule{ID: "one-of-member-added", Description: "a oneOf member was added (widen when members are provably disjoint, both otherwise)", Direction: Contextual, Confluent: "SUM_TYPE_EXTENDED"},
		Rule{ID: "one-of-member-removed", Description: "a oneOf member was removed (narrow when members are provably disjoint, both otherwise)", Direction: Contextual, OnOld: true, Confluent: "SUM_TYPE_NARROWED"})
	pair(Rule{ID: "schema-wrapped-in-combinator", Description: "a schema became an allOf/anyOf/oneOf (with nothing beside it); judged by inclusion, comparing the old schema with the members as wholes", Direction: Contextual},
		Rule{ID: "schema-unwrapped-from-combinator", Description: "an allOf/anyOf/oneOf (with nothing beside it) became a schema; judged by inclusion, comparing the old members with the new schema as wholes", Direction: Contextual, OnOld: true})
	self(Rule{ID: "composition-method-changed", Description: "allOf/anyOf/oneOf became another of them; judged by inclusion of the combinators as wholes (member against member), neutral when included both ways", Direction: Contextual, Confluent: "COMPOSITION_METHOD_CHANGED"})
	pair(Rule{ID: "not-added", Description: "not added", Direction: Narrow, Confluent: "NOT_TYPE_EXTENDED"},
		Rule{ID: "not-removed", Description: "not removed", Direction: Widen, OnOld: true, Confluent: "NOT_TYPE_NARROWED"})
	pair(Rule{ID: "ref-added", Description: "a $ref was added beside other keywords", Direction: Narrow},
		Rule{ID: "ref-removed", Description: "a $ref beside other keywords was removed", Direction: Widen, OnOld: true})
	self(Rule{ID: "conditional-changed", Description: "if/then/else changed: the engine cannot judge conditionals (fail closed)", Direction: Both})
	self(Rule{ID: "dynamic-ref-changed", Description: "$dynamicRef/$recursiveRef changed: the engine cannot judge dynamic references (fail closed)", Direction: Both})
	self(Rule{ID: "unknown-keyword-changed", Description: "a keyword the engine does not know changed: it cannot judge it (fail closed)", Direction: Both})

	// annotations
	for _, a := range []struct{ id, kw, confluent string }{
		{"title-changed", "title", "TITLE_CHANGED"},
		{"description-changed", "description", "DESCRIPTION_CHANGED"},
		{"default-changed", "default", "DEFAULT_CHANGED"},
		{"examples-changed", "examples", ""},
		{"comment-changed", "$comment", ""},
		{"deprecated-changed", "deprecated", ""},
		{"read-only-changed", "readOnly", ""},
		{"write-only-changed", "writeOnly", ""},
		{"extension-changed", "an x-* extension (x-version included)", ""},
		{"id-changed", "$id", "ID_CHANGED"},
		{"dialect-changed", "$schema (the compiled schemas are still compared keyword by keyword)", ""},
	} {
		self(Rule{ID: a.id, Description: a.kw + " added, removed or changed (annotation)", Direction: Annotation, Confluent: a.confluent})
	}
	pair(Rule{ID: "definition-added", Description: "a $defs/definitions entry was added (changes are reported where definitions are used)", Direction: Annotation},
		Rule{ID: "definition-removed", Description: "a $defs/definitions entry was removed", Direction: Annotation, OnOld: true})
}

// Rules returns the rule table sorted by id.
func Rules() []Rule {
	out := make([]Rule, 0, len(rules))
	for _, r := range rules {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// RuleByID returns the rule with the given id.
func RuleByID(id string) (Rule, bool) {
	r, ok := rules[id]
	if !ok {
		return Rule{}, false
	}
	return *r, true
}
