package jsonschema

import (
	"encoding/json"
	"fmt"
	"math/big"
	neturl "net/url"
	"strconv"
	"strings"
	"sync"

	jsv "github.com/santhosh-tekuri/jsonschema/v6"
)

// fastCompileSize is the document size from which a self-contained schema is
// compiled by fastCompile instead of jsonschema v6's compiler. v6 finds
// schemas in its compile queue by a linear scan, so compiling one document
// with n subschemas costs O(n²): seconds for a megabyte. The document is still
// validated against its metaschema by jsonschema v6 (a linear pass).
var fastCompileSize = 256 << 10

// metaschemas holds the compiled draft metaschemas, each compiled once per
// process (the two sides of a diff load in parallel and would otherwise both
// compile it).
var metaschemas sync.Map // URL -> func() (*jsv.Schema, error)

func metaschema(url string) (*jsv.Schema, error) {
	f, ok := metaschemas.Load(url)
	if !ok {
		f, _ = metaschemas.LoadOrStore(url, sync.OnceValues(func() (*jsv.Schema, error) {
			c := jsv.NewCompiler()
			c.UseRegexpEngine(compileECMA) // format "regex" checks ECMA-262 patterns
			return c.Compile(url)
		}))
	}
	return f.(func() (*jsv.Schema, error))()
}

// fastDrafts maps the $schema values fastCompile handles to draft versions.
var fastDrafts = map[string]int{
	"": 2020,
	"https://json-schema.org/draft/2020-12/schema": 2020,
	"https://json-schema.org/draft/2019-09/schema": 2019,
	"http://json-schema.org/draft-07/schema#":      7,
	"http://json-schema.org/draft-07/schema":       7,
}

var metaURLs = map[int]string{
	2020: "https://json-schema.org/draft/2020-12/schema",
	2019: "https://json-schema.org/draft/2019-09/schema",
	7:    "http://json-schema.org/draft-07/schema#",
}

// fastEligible reports whether fastCompile can compile the document: one
// resource (no $id below the root), no anchors or dynamic references, and only
// local JSON-pointer $refs.
func fastEligible(v any) (int, bool) { return fastEligibleDefault(v, 2020) }

// fastEligibleDefault is fastEligible with the draft (7, 2019 or 2020; 0
// when the fast compiler does not handle the default draft) that a document
// without "$schema" is read as.
func fastEligibleDefault(v any, def int) (int, bool) {
	root, ok := v.(map[string]any)
	if !ok {
		return 0, false
	}
	ds, _ := root["$schema"].(string)
	if _, has := root["$schema"]; has && ds == "" {
		return 0, false
	}
	draft, ok := fastDrafts[ds]
	if !ok {
		return 0, false
	}
	if ds == "" {
		if def == 0 {
			return 0, false
		}
		draft = def
	}
	okAll := true
	var walk func(v any, depth int)
	walk = func(v any, depth int) {
		if !okAll {
			return
		}
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				switch k {
				case "$anchor", "$dynamicAnchor", "$recursiveAnchor", "$dynamicRef", "$recursiveRef", "$vocabulary":
					okAll = false
					return
				case "$id", "$schema":
					if depth > 0 {
						okAll = false
						return
					}
				case "$ref":
					if r, ok := e.(string); !ok || !strings.HasPrefix(r, "#") || (len(r) > 1 && r[1] != '/') {
						okAll = false
						return
					}
				}
				walk(e, depth+1)
			}
		case []any:
			for _, e := range x {
				walk(e, depth+1)
			}
		}
	}
	walk(root, 0)
	return draft, okAll
}

// fastCompiler builds jsv.Schema values the way jsonschema v6 does, for the
// keywords the differ reads.
type fastCompiler struct {
	url     string
	doc     any
	draft   int
	schemas map[string]*jsv.Schema
	errs    []error
	// raw, when not nil, receives the source object of every schema (what
	// side.rawOf would find), with src as its document.
	raw map[*jsv.Schema]rawNode
	src *loadedDoc
	// slab is where new schemas come from: one allocation per 128 (a
	// jsv.Schema is 760 bytes; a megabyte of schema has ~16,000).
	slab []jsv.Schema
}

func (fc *fastCompiler) newSchema() *jsv.Schema {
	if len(fc.slab) == 0 {
		fc.slab = make([]jsv.Schema, 128)
	}
	s := &fc.slab[0]
	fc.slab = fc.slab[1:]
	return s
}

func fastCompile(url string, doc any, draft int) (*jsv.Schema, error) {
	return fastCompileRaw(url, doc, draft, nil, nil, 0)
}

// fastCompileRaw is fastCompile recording the source object of each schema
// in raw (for the document src). sizeHint is roughly how many schemas to expect.
func fastCompileRaw(url string, doc any, draft int, raw map[*jsv.Schema]rawNode, src *loadedDoc, sizeHint int) (*jsv.Schema, error) {
	fc := &fastCompiler{url: url, doc: doc, draft: draft, schemas: make(map[string]*jsv.Schema, sizeHint), raw: raw, src: src}
	root := fc.at("")
	if len(fc.errs) > 0 {
		return nil, fc.errs[0]
	}
	return root, nil
}

func (fc *fastCompiler) fail(ptr, format string, args ...any) {
	fc.errs = append(fc.errs, fmt.Errorf("at %s: %s", "#"+ptr, fmt.Sprintf(format, args...)))
}

// at returns the schema at ptr, compiling it on first use.
func (fc *fastCompiler) at(ptr string) *jsv.Schema {
	if s, ok := fc.schemas[ptr]; ok {
		return s
	}
	return fc.atv(ptr, lookupPtr(fc.doc, ptr))
}

// atv is at for a value already in hand.
func (fc *fastCompiler) atv(ptr string, v any) *jsv.Schema {
	if s, ok := fc.schemas[ptr]; ok {
		return s
	}
	s := fc.newSchema()
	s.DraftVersion, s.Location = fc.draft, fc.url+"#"+encodeFragment(ptr)
	fc.schemas[ptr] = s
	if fc.raw != nil {
		obj, _ := v.(map[string]any)
		fc.raw[s] = rawNode{doc: fc.src, ptr: ptr, obj: obj}
	}
	switch x := v.(type) {
	case bool:
		s.Bool = &x
	case map[string]any:
		if len(x) == 0 {
			t := true
			s.Bool = &t
			return s
		}
		fc.object(s, ptr, x)
	default:
		fc.fail(ptr, "not a schema")
	}
	return s
}

func (fc *fastCompiler) sub(ptr string, obj kwObj, kw kwIndex) *jsv.Schema {
	v, ok := obj.lookup(kw)
	if !ok {
		return nil
	}
	return fc.atv(ptr+"/"+kwNames[kw], v)
}

func (fc *fastCompiler) subArr(ptr string, obj kwObj, kw kwIndex) []*jsv.Schema {
	arr, ok := obj.get(kw).([]any)
	if !ok {
		return nil
	}
	out := make([]*jsv.Schema, len(arr))
	for i, v := range arr {
		out[i] = fc.atv(ptr+"/"+kwNames[kw]+"/"+strconv.Itoa(i), v)
	}
	return out
}

func (fc *fastCompiler) subMap(ptr string, obj kwObj, kw kwIndex) map[string]*jsv.Schema {
	m, ok := obj.get(kw).(map[string]any)
	if !ok {
		return nil
	}
	out := make(map[string]*jsv.Schema, len(m))
	for k, v := range m {
		out[k] = fc.atv(ptr+"/"+kwNames[kw]+"/"+escapeToken(k), v)
	}
	return out
}

func (fc *fastCompiler) additional(ptr string, obj kwObj, kw kwIndex) any {
	switch x := obj.get(kw).(type) {
	case nil:
		return nil
	case bool:
		return x
	default:
		return fc.atv(ptr+"/"+kwNames[kw], x)
	}
}

func intVal(v any) *int {
	n, ok := v.(json.Number)
	if !ok {
		return nil
	}
	if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
		j := int(i) // a plain integer: what the big.Rat below would give
		return &j
	}
	r, ok := new(big.Rat).SetString(string(n))
	if !ok || !r.IsInt() || !r.Num().IsInt64() {
		return nil
	}
	i := int(r.Num().Int64())
	return &i
}

func ratVal(v any) *big.Rat {
	n, ok := v.(json.Number)
	if !ok {
		return nil
	}
	r, ok := new(big.Rat).SetString(string(n))
	if !ok {
		return nil
	}
	return r
}

func (fc *fastCompiler) object(s *jsv.Schema, ptr string, m map[string]any) {
	obj := newKwObj(m)
	if r, ok := obj.get(kwDref).(string); ok {
		target, err := neturl.PathUnescape(strings.TrimPrefix(r, "#"))
		if err != nil || (target != "" && lookupPtr(fc.doc, target) == nil) {
			fc.fail(ptr, "$ref %q: no such location", r)
			return
		}
		s.Ref = fc.at(target)
		if fc.draft < 2019 {
			return // siblings of $ref are ignored before 2019-09
		}
	}
	if t, ok := obj.lookup(kwType); ok {
		var tt jsv.Types
		switch x := t.(type) {
		case string:
			tt.Add(x)
		case []any:
			for _, e := range x {
				if s, ok := e.(string); ok {
					tt.Add(s)
				}
			}
		}
		if !tt.IsEmpty() {
			s.Types = &tt
		}
	}
	if e, ok := obj.get(kwEnum).([]any); ok {
		s.Enum = &jsv.Enum{Values: e}
	}
	if c, ok := obj.lookup(kwConst); ok {
		s.Const = &c
	}
	if d, ok := obj.lookup(kwDefault); ok {
		s.Default = &d
	}
	s.Not = fc.sub(ptr, obj, kwNot)
	s.AllOf = fc.subArr(ptr, obj, kwAllOf)
	s.AnyOf = fc.subArr(ptr, obj, kwAnyOf)
	s.OneOf = fc.subArr(ptr, obj, kwOneOf)
	s.If = fc.sub(ptr, obj, kwIf)
	if s.If != nil {
		s.Then = fc.sub(ptr, obj, kwThen)
		s.Else = fc.sub(ptr, obj, kwElse)
	}
	if f, ok := obj.get(kwFormat).(string); ok && fc.draft < 2019 {
		s.Format = &jsv.Format{Name: f}
	}
	// objects
	s.MaxProperties = intVal(obj.get(kwMaxProperties))
	s.MinProperties = intVal(obj.get(kwMinProperties))
	if req, ok := obj.get(kwRequired).([]any); ok {
		for _, r := range req {
			if rs, ok := r.(string); ok {
				s.Required = append(s.Required, rs)
			}
		}
	}
	s.PropertyNames = fc.sub(ptr, obj, kwPropertyNames)
	s.Properties = fc.subMap(ptr, obj, kwProperties)
	if pp, ok := obj.get(kwPatternProperties).(map[string]any); ok {
		s.PatternProperties = map[jsv.Regexp]*jsv.Schema{}
		for p := range pp {
			re, err := compileECMA(p)
			if err != nil {
				fc.fail(ptr+"/patternProperties", "invalid regular expression %q: %v", p, err)
				continue
			}
			s.PatternProperties[re] = fc.at(ptr + "/patternProperties/" + escapeToken(p))
		}
	}
	s.AdditionalProperties = fc.additional(ptr, obj, kwAdditionalProperties)
	// jsonschema v6 compiles draft-07 "dependencies" in every draft
	{
		if deps, ok := obj.get(kwDependencies).(map[string]any); ok {
			s.Dependencies = map[string]any{}
			for k, v := range deps {
				if arr, ok := v.([]any); ok {
					var names []string
					for _, n := range arr {
						if ns, ok := n.(string); ok {
							names = append(names, ns)
						}
					}
					s.Dependencies[k] = names
				} else {
					s.Dependencies[k] = fc.at(ptr + "/dependencies/" + escapeToken(k))
				}
			}
		}
	}
	if fc.draft >= 2019 {
		if dr, ok := obj.get(kwDependentRequired).(map[string]any); ok {
			s.DependentRequired = map[string][]string{}
			for k, v := range dr {
				var names []string
				if arr, ok := v.([]any); ok {
					for _, n := range arr {
						if ns, ok := n.(string); ok {
							names = append(names, ns)
						}
					}
				}
				s.DependentRequired[k] = names
			}
		}
		s.DependentSchemas = fc.subMap(ptr, obj, kwDependentSchemas)
		s.UnevaluatedProperties = fc.sub(ptr, obj, kwUnevaluatedProperties)
		s.UnevaluatedItems = fc.sub(ptr, obj, kwUnevaluatedItems)
		if _, ok := obj.lookup(kwContains); ok {
			s.MinContains = intVal(obj.get(kwMinContains))
			s.MaxContains = intVal(obj.get(kwMaxContains))
		}
	}
	// arrays
	s.MinItems = intVal(obj.get(kwMinItems))
	s.MaxItems = intVal(obj.get(kwMaxItems))
	s.UniqueItems, _ = obj.get(kwUniqueItems).(bool)
	s.Contains = fc.sub(ptr, obj, kwContains)
	if fc.draft < 2020 {
		if _, ok := obj.get(kwItems).([]any); ok {
			s.Items = fc.subArr(ptr, obj, kwItems)
			s.AdditionalItems = fc.additional(ptr, obj, kwAdditionalItems)
		} else if _, ok := obj.lookup(kwItems); ok {
			s.Items = fc.at(ptr + "/items")
		}
	} else {
		s.PrefixItems = fc.subArr(ptr, obj, kwPrefixItems)
		s.Items2020 = fc.sub(ptr, obj, kwItems)
	}
	// strings
	s.MinLength = intVal(obj.get(kwMinLength))
	s.MaxLength = intVal(obj.get(kwMaxLength))
	if p, ok := obj.get(kwPattern).(string); ok {
		re, err := compileECMA(p)
		if err != nil {
			fc.fail(ptr+"/pattern", "invalid regular expression %q: %v", p, err)
		} else {
			s.Pattern = re
		}
	}
	// numbers
	s.Maximum = ratVal(obj.get(kwMaximum))
	s.Minimum = ratVal(obj.get(kwMinimum))
	s.ExclusiveMaximum = ratVal(obj.get(kwExclusiveMaximum))
	s.ExclusiveMinimum = ratVal(obj.get(kwExclusiveMinimum))
	s.MultipleOf = ratVal(obj.get(kwMultipleOf))
}

// kwIndex numbers the keywords fastCompile reads.
type kwIndex uint8

const (
	kwDref kwIndex = iota
	kwAdditionalItems
	kwAdditionalProperties
	kwAllOf
	kwAnyOf
	kwConst
	kwContains
	kwDefault
	kwDependencies
	kwDependentRequired
	kwDependentSchemas
	kwElse
	kwEnum
	kwExclusiveMaximum
	kwExclusiveMinimum
	kwFormat
	kwIf
	kwItems
	kwMaxContains
	kwMaxItems
	kwMaxLength
	kwMaxProperties
	kwMaximum
	kwMinContains
	kwMinItems
	kwMinLength
	kwMinProperties
	kwMinimum
	kwMultipleOf
	kwNot
	kwOneOf
	kwPattern
	kwPatternProperties
	kwPrefixItems
	kwProperties
	kwPropertyNames
	kwRequired
	kwThen
	kwType
	kwUnevaluatedItems
	kwUnevaluatedProperties
	kwUniqueItems
	kwCount
)

// kwNames are the keywords by kwIndex.
var kwNames = [kwCount]string{
	kwDref:                  "$ref",
	kwAdditionalItems:       "additionalItems",
	kwAdditionalProperties:  "additionalProperties",
	kwAllOf:                 "allOf",
	kwAnyOf:                 "anyOf",
	kwConst:                 "const",
	kwContains:              "contains",
	kwDefault:               "default",
	kwDependencies:          "dependencies",
	kwDependentRequired:     "dependentRequired",
	kwDependentSchemas:      "dependentSchemas",
	kwElse:                  "else",
	kwEnum:                  "enum",
	kwExclusiveMaximum:      "exclusiveMaximum",
	kwExclusiveMinimum:      "exclusiveMinimum",
	kwFormat:                "format",
	kwIf:                    "if",
	kwItems:                 "items",
	kwMaxContains:           "maxContains",
	kwMaxItems:              "maxItems",
	kwMaxLength:             "maxLength",
	kwMaxProperties:         "maxProperties",
	kwMaximum:               "maximum",
	kwMinContains:           "minContains",
	kwMinItems:              "minItems",
	kwMinLength:             "minLength",
	kwMinProperties:         "minProperties",
	kwMinimum:               "minimum",
	kwMultipleOf:            "multipleOf",
	kwNot:                   "not",
	kwOneOf:                 "oneOf",
	kwPattern:               "pattern",
	kwPatternProperties:     "patternProperties",
	kwPrefixItems:           "prefixItems",
	kwProperties:            "properties",
	kwPropertyNames:         "propertyNames",
	kwRequired:              "required",
	kwThen:                  "then",
	kwType:                  "type",
	kwUnevaluatedItems:      "unevaluatedItems",
	kwUnevaluatedProperties: "unevaluatedProperties",
	kwUniqueItems:           "uniqueItems",
}

// kwByName is kwNames inverted.
var kwByName = func() map[string]kwIndex {
	m := make(map[string]kwIndex, kwCount)
	for i, n := range kwNames {
		m[n] = kwIndex(i)
	}
	return m
}()

// kwObj is a schema object with the set of keywords it has: one pass over
// its (few) members replaces a lookup of each of the ~45 keywords.
type kwObj struct {
	m   map[string]any
	has uint64
}

func newKwObj(m map[string]any) kwObj {
	o := kwObj{m: m}
	for k := range m {
		if i, ok := kwByName[k]; ok {
			o.has |= 1 << i
		}
	}
	return o
}

// lookup returns the value of keyword kw and whether the object has it.
func (o kwObj) lookup(kw kwIndex) (any, bool) {
	if o.has&(1<<kw) == 0 {
		return nil, false
	}
	v, ok := o.m[kwNames[kw]]
	return v, ok
}

// get returns the value of keyword kw, nil when absent.
func (o kwObj) get(kw kwIndex) any {
	v, _ := o.lookup(kw)
	return v
}

// encodeFragment escapes a JSON pointer for a URL fragment the way
// jsonschema v6 does in schema locations.
func encodeFragment(ptr string) string {
	plain := true
	for i := 0; i < len(ptr) && plain; i++ {
		c := ptr[i]
		plain = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~/$&+:=@", c) >= 0
	}
	if plain {
		return ptr
	}
	toks := strings.Split(ptr, "/")
	for i, t := range toks {
		toks[i] = neturl.PathEscape(t)
	}
	return strings.Join(toks, "/")
}
