package openapi

import (
	"sort"
	"strings"

	"github.com/dsctl/dsctl/compat"
	"github.com/getkin/kin-openapi/openapi3"
)

// pointerIndex maps the location of every element declared under
// components (schemas and their inline sub-schemas, parameters, headers,
// request bodies, responses, security schemes) to its JSON pointer, so a
// change found at a component's file:line gets a path that names where it is
// made ("#/components/schemas/Order/properties/total") rather than the first
// of the operations that reach it. Sub-schemas reached through $ref are
// indexed under their own component only.
//
// A location inside a component (an enum or type field of a property) gets
// the pointer of the innermost indexed element whose block holds it.
type pointerIndex struct {
	exact  map[compat.Location]string
	blocks map[string][]block
}

// block is the span of one indexed element in a file.
type block struct {
	line, col, endLine int
	ptr                string
}

// lookup returns the pointer for a location: the element at it, or the
// innermost element around it.
func (idx pointerIndex) lookup(loc compat.Location) (string, bool) {
	if p, ok := idx.exact[loc]; ok {
		return p, true
	}
	best := -1
	bs := idx.blocks[loc.File]
	for i, b := range bs {
		if b.endLine == 0 || loc.Line < b.line || loc.Line > b.endLine || (loc.Line == b.line && loc.Column < b.col) {
			continue
		}
		if best < 0 || b.line > bs[best].line || (b.line == bs[best].line && b.col > bs[best].col) {
			best = i
		}
	}
	if best < 0 {
		return "", false
	}
	return bs[best].ptr, true
}

func newPointerIndex(doc *openapi3.T, src compat.Source) pointerIndex {
	idx := pointerIndex{exact: map[compat.Location]string{}, blocks: map[string][]block{}}
	if doc == nil {
		return idx
	}
	c := doc.Components
	if c == nil {
		return idx
	}
	for _, name := range sortedKeys(c.Schemas) {
		idx.schema(c.Schemas[name], "#/components/schemas/"+escape(name), src, 0)
	}
	for _, name := range sortedKeys(c.Parameters) {
		if p := c.Parameters[name]; p != nil && p.Value != nil {
			idx.add(p.Value.Origin, "#/components/parameters/"+escape(name), src)
		}
	}
	for _, name := range sortedKeys(c.Headers) {
		if h := c.Headers[name]; h != nil && h.Value != nil {
			idx.add(h.Value.Origin, "#/components/headers/"+escape(name), src)
		}
	}
	for _, name := range sortedKeys(c.RequestBodies) {
		if b := c.RequestBodies[name]; b != nil && b.Value != nil {
			idx.add(b.Value.Origin, "#/components/requestBodies/"+escape(name), src)
		}
	}
	for _, name := range sortedKeys(c.Responses) {
		if r := c.Responses[name]; r != nil && r.Value != nil {
			idx.add(r.Value.Origin, "#/components/responses/"+escape(name), src)
		}
	}
	for _, name := range sortedKeys(c.SecuritySchemes) {
		if s := c.SecuritySchemes[name]; s != nil && s.Value != nil {
			idx.add(s.Value.Origin, "#/components/securitySchemes/"+escape(name), src)
		}
	}
	return idx
}

// maxSchemaDepth bounds the walk into inline sub-schemas.
const maxSchemaDepth = 64

func (idx pointerIndex) schema(ref *openapi3.SchemaRef, ptr string, src compat.Source, depth int) {
	if ref == nil || ref.Value == nil || depth > maxSchemaDepth {
		return
	}
	if ref.Ref != "" && depth > 0 {
		return
	}
	s := ref.Value
	idx.add(s.Origin, ptr, src)
	for _, name := range sortedKeys(s.Properties) {
		idx.schema(s.Properties[name], ptr+"/properties/"+escape(name), src, depth+1)
	}
	idx.schema(s.Items, ptr+"/items", src, depth+1)
	idx.schema(s.Not, ptr+"/not", src, depth+1)
	idx.schema(s.AdditionalProperties.Schema, ptr+"/additionalProperties", src, depth+1)
	for i, sub := range s.AllOf {
		idx.schema(sub, ptr+"/allOf/"+itoa(i), src, depth+1)
	}
	for i, sub := range s.AnyOf {
		idx.schema(sub, ptr+"/anyOf/"+itoa(i), src, depth+1)
	}
	for i, sub := range s.OneOf {
		idx.schema(sub, ptr+"/oneOf/"+itoa(i), src, depth+1)
	}
}

func (idx pointerIndex) add(o *openapi3.Origin, ptr string, src compat.Source) {
	if o == nil || o.Key == nil || o.Key.Line == 0 {
		return
	}
	loc := compat.Location{File: src.DisplayPath(o.Key.File), Line: o.Key.Line, Column: o.Key.Column}
	if _, ok := idx.exact[loc]; ok {
		return
	}
	idx.exact[loc] = ptr
	if o.Key.EndLine > 0 {
		idx.blocks[loc.File] = append(idx.blocks[loc.File], block{line: loc.Line, col: loc.Column, endLine: o.Key.EndLine, ptr: ptr})
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func escape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}
