package codegen

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/textdist"
	"github.com/getkin/kin-openapi/openapi3"
)

// Selection says which schemas a service needs. All empty selects every
// component schema.
type Selection struct {
	// Operations are operationIds (paths, webhooks and callbacks).
	Operations []string
	// Tags select every operation carrying one of them.
	Tags []string
	// Schemas are component schema names kept as roots.
	Schemas []string
	// ExcludeErrorResponses drops 4xx, 5xx and default responses of the
	// selected operations.
	ExcludeErrorResponses bool
}

// Empty reports whether nothing was selected (which means everything).
func (s Selection) Empty() bool {
	return len(s.Operations) == 0 && len(s.Tags) == 0 && len(s.Schemas) == 0
}

const schemaRefPrefix = "#/components/schemas/"

// Closure returns the sorted names of the component schemas reachable from
// the selection. Unknown operations, tags and schemas are input errors.
func Closure(spec *Spec, sel Selection) ([]string, error) {
	if spec.raw != nil {
		return rawClosure(spec.Path, spec.raw, sel)
	}
	doc := spec.Doc
	var comps openapi3.Schemas
	if doc.Components != nil {
		comps = doc.Components.Schemas
	}
	if sel.Empty() {
		names := make([]string, 0, len(comps))
		for n := range comps {
			names = append(names, n)
		}
		sort.Strings(names)
		return names, nil
	}
	w := &walker{comps: comps, kept: map[string]bool{}, seen: map[*openapi3.Schema]bool{},
		excludeErrors: sel.ExcludeErrorResponses, doc: doc}

	for _, name := range sel.Schemas {
		if comps[name] == nil {
			return nil, errkind.InputAt(spec.Path, 0, 0, fmt.Errorf("schema %q not found in components/schemas%s", name, suggest(name, keysOf(comps))))
		}
		w.component(name)
	}

	wantOps := map[string]bool{}
	for _, id := range sel.Operations {
		wantOps[id] = true
	}
	wantTags := map[string]bool{}
	for _, t := range sel.Tags {
		wantTags[t] = true
	}
	foundOps := map[string]bool{}
	foundTags := map[string]bool{}
	var allOps []string
	visitOp := func(op *openapi3.Operation, item *openapi3.PathItem) {
		if op == nil {
			return
		}

		allOps = append(allOps, op.OperationID)
		hit := wantOps[op.OperationID]
		if hit {
			foundOps[op.OperationID] = true
		}
		for _, t := range op.Tags {
			if wantTags[t] {
				foundTags[t] = true
				hit = true
			}
		}
		if hit {
			w.pathParams(item)
			w.operation(op)
			w.callbacks(op, 0)
		}
	}
	var visitItem func(item *openapi3.PathItem, depth int)
	visitItem = func(item *openapi3.PathItem, depth int) {
		if item == nil || depth > 8 {
			return
		}
		for _, m := range sortedKeys(item.Operations()) {
			op := item.Operations()[m]
			visitOp(op, item)
			// Callbacks are operations too: selectable by their own id, and
			// part of the operation that declares them.
			for _, cn := range sortedKeys(op.Callbacks) {
				cb := op.Callbacks[cn]
				if cb == nil || cb.Value == nil {
					continue
				}
				for _, p := range sortedKeys(cb.Value.Map()) {
					visitItem(cb.Value.Map()[p], depth+1)
				}
			}
		}
	}
	if doc.Paths != nil {
		m := doc.Paths.Map()
		for _, p := range sortedKeys(m) {
			visitItem(m[p], 0)
		}
	}
	for _, name := range sortedKeys(doc.Webhooks) {
		visitItem(doc.Webhooks[name], 0)
	}
	for _, id := range sel.Operations {
		if !foundOps[id] {
			return nil, errkind.InputAt(spec.Path, 0, 0, fmt.Errorf("operation %q not found%s", id, suggest(id, allOps)))
		}
	}
	for _, t := range sel.Tags {
		if !foundTags[t] {
			return nil, errkind.InputAt(spec.Path, 0, 0, fmt.Errorf("no operation has tag %q", t))
		}
	}
	names := make([]string, 0, len(w.kept))
	for n := range w.kept {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, nil
}

type walker struct {
	doc           *openapi3.T
	comps         openapi3.Schemas
	kept          map[string]bool
	seen          map[*openapi3.Schema]bool
	excludeErrors bool
}

// component keeps the named component schema and everything it reaches.
func (w *walker) component(name string) {
	if w.kept[name] {
		return
	}
	ref := w.comps[name]
	if ref == nil {
		return
	}
	w.kept[name] = true
	w.schemaRef(ref)
}

func (w *walker) refName(ref string) (string, bool) {
	if strings.HasPrefix(ref, schemaRefPrefix) {
		return schemaOfPointer(ref[len(schemaRefPrefix):]), true
	}
	return "", false
}

func (w *walker) schemaRef(ref *openapi3.SchemaRef) {
	if ref == nil {
		return
	}
	if name, ok := w.refName(ref.Ref); ok {
		if !w.kept[name] {
			w.component(name)
			return
		}
		return
	}
	w.schema(ref.Value)
}

func (w *walker) schema(s *openapi3.Schema) {
	if s == nil || w.seen[s] {
		return
	}
	w.seen[s] = true
	for _, list := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf, s.PrefixItems} {
		for _, r := range list {
			w.schemaRef(r)
		}
	}
	for _, r := range []*openapi3.SchemaRef{s.Not, s.Items, s.AdditionalProperties.Schema, s.Contains,
		s.PropertyNames, s.If, s.Then, s.Else, s.ContentSchema} {
		w.schemaRef(r)
	}
	for _, m := range []openapi3.Schemas{s.Properties, s.PatternProperties, s.DependentSchemas, s.Defs} {
		for _, k := range sortedKeys(m) {
			w.schemaRef(m[k])
		}
	}
	if d := s.Discriminator; d != nil {
		for _, k := range sortedKeys(d.Mapping) {
			mr := d.Mapping[k]
			if name, ok := w.refName(mr.Ref); ok {
				w.component(name)
			} else if w.comps[mr.Ref] != nil {
				// A bare schema name is allowed as a mapping value.
				w.component(mr.Ref)
			} else if mr.Value != nil {
				w.schema(mr.Value)
			}
		}
	}
}

// callbacks walks every operation of op's callbacks: they belong to the
// operation that declares them.
func (w *walker) callbacks(op *openapi3.Operation, depth int) {
	if depth > 8 {
		return
	}
	for _, cn := range sortedKeys(op.Callbacks) {
		cb := op.Callbacks[cn]
		if cb == nil || cb.Value == nil {
			continue
		}
		items := cb.Value.Map()
		for _, p := range sortedKeys(items) {
			item := items[p]
			if item == nil {
				continue
			}
			ops := item.Operations()
			for _, m := range sortedKeys(ops) {
				w.pathParams(item)
				w.operation(ops[m])
				w.callbacks(ops[m], depth+1)
			}
		}
	}
}

func (w *walker) pathParams(item *openapi3.PathItem) {
	for _, p := range item.Parameters {
		w.parameter(p)
	}
}

func (w *walker) parameter(p *openapi3.ParameterRef) {
	if p == nil || p.Value == nil {
		return
	}
	w.schemaRef(p.Value.Schema)
	w.content(p.Value.Content)
}

func (w *walker) content(c openapi3.Content) {
	for _, mt := range sortedKeys(c) {
		m := c[mt]
		if m == nil {
			continue
		}
		w.schemaRef(m.Schema)
		for _, en := range sortedKeys(m.Encoding) {
			if e := m.Encoding[en]; e != nil {
				w.headers(e.Headers)
			}
		}
	}
}

func (w *walker) headers(h openapi3.Headers) {
	for _, k := range sortedKeys(h) {
		if hr := h[k]; hr != nil && hr.Value != nil {
			w.schemaRef(hr.Value.Schema)
			w.content(hr.Value.Content)
		}
	}
}

func (w *walker) operation(op *openapi3.Operation) {
	for _, p := range op.Parameters {
		w.parameter(p)
	}
	if rb := op.RequestBody; rb != nil && rb.Value != nil {
		w.content(rb.Value.Content)
	}
	if op.Responses != nil {
		m := op.Responses.Map()
		for _, code := range sortedKeys(m) {
			if w.excludeErrors && isErrorStatus(code) {
				continue
			}
			if r := m[code]; r != nil && r.Value != nil {
				w.content(r.Value.Content)
				w.headers(r.Value.Headers)
			}
		}
	}
}

// isErrorStatus reports whether a response key is 4xx, 5xx or default.
func isErrorStatus(code string) bool {
	return code == "default" || strings.HasPrefix(code, "4") || strings.HasPrefix(code, "5")
}

// schemaOfPointer is the component schema a pointer below
// #/components/schemas/ lands in: "Pet" for "Pet" and for "Pet/properties/id".
func schemaOfPointer(p string) string {
	name, _, _ := strings.Cut(p, "/")
	return unescapePointer(name)
}

func unescapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func keysOf[V any](m map[string]V) []string { return sortedKeys(m) }

// suggest returns "; did you mean X?" for the closest candidate, if any is close.
func suggest(name string, candidates []string) string {
	best, bestD := "", 1<<30
	for _, c := range candidates {
		if d := textdist.Levenshtein(strings.ToLower(name), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	if best != "" && bestD <= max(2, utf8.RuneCountInString(name)/3) {
		return fmt.Sprintf("; did you mean %q?", best)
	}
	return ""
}
