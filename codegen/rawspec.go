package codegen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/getkin/kin-openapi/openapi3"
)

// The fast path for large self-contained JSON specs: kin-openapi reads JSON
// through its YAML parser, which dominates the time of a one-service run on
// a multi-megabyte spec. When a JSON spec has only local $refs, dsctl
// decodes it with encoding/json, computes the closure on the decoded tree,
// and gives kin-openapi (and oapi-codegen) only the kept component schemas.
// The typed walk in select.go is the reference: tests check that both agree.

// rawDoc is a spec decoded as plain JSON values (numbers kept exact).
type rawDoc map[string]any

// decodeRaw decodes a JSON spec; ok is false when the data is not a JSON
// object or any $ref leaves the document (those specs take kin-openapi's
// path, which internalises external refs).
func decodeRaw(data []byte) (rawDoc, bool) {
	if !looksJSON(data) {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil || dec.More() {
		return nil, false
	}
	if !localRefsOnly(doc) {
		return nil, false
	}
	return doc, true
}

func looksJSON(data []byte) bool {
	for _, c := range data {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return c == '{'
	}
	return false
}

// localRefsOnly reports whether every $ref is a pointer into
// #/components/ (the only kind the raw closure follows).
func localRefsOnly(v any) bool {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if k == "$ref" {
				if s, ok := x.(string); ok && !strings.HasPrefix(s, "#/components/") {
					return false
				}
			}
			if !localRefsOnly(x) {
				return false
			}
		}
	case []any:
		for _, x := range v {
			if !localRefsOnly(x) {
				return false
			}
		}
	}
	return true
}

func (d rawDoc) object(keys ...string) map[string]any {
	var cur any = map[string]any(d)
	for _, k := range keys {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[k]
	}
	m, _ := cur.(map[string]any)
	return m
}

func (d rawDoc) schemas() map[string]any { return d.object("components", "schemas") }

// rawWalker is the closure over the decoded tree.
type rawWalker struct {
	doc           rawDoc
	kept          map[string]bool
	seenRefs      map[string]bool
	excludeErrors bool
}

func (w *rawWalker) schema(name string) {
	if w.kept[name] {
		return
	}
	s, ok := w.doc.schemas()[name]
	if !ok {
		return
	}
	w.kept[name] = true
	w.walk(s)
}

// ref follows a local $ref: a schema is kept; any other component (a
// parameter, response, request body, header, callback, path item) is walked.
func (w *rawWalker) ref(ref string) {
	if strings.HasPrefix(ref, schemaRefPrefix) {
		w.schema(schemaOfPointer(ref[len(schemaRefPrefix):]))
		return
	}
	if w.seenRefs[ref] {
		return
	}
	w.seenRefs[ref] = true
	parts := strings.Split(strings.TrimPrefix(ref, "#/"), "/")
	var cur any = map[string]any(w.doc)
	for _, p := range parts {
		m, ok := cur.(map[string]any)
		if !ok {
			return
		}
		cur = m[unescapePointer(p)]
	}
	w.walk(cur)
}

// namedMaps are the keys whose value maps names (chosen by the spec's
// author, so possibly starting with "x-") to objects; everywhere else an
// "x-" key is a specification extension.
var namedMaps = map[string]bool{
	"properties": true, "patternProperties": true, "$defs": true, "definitions": true,
	"dependentSchemas": true, "content": true, "headers": true, "encoding": true,
	"responses": true, "callbacks": true, "links": true, "examples": true,
	"schemas": true, "parameters": true, "requestBodies": true, "pathItems": true,
	"securitySchemes": true, "paths": true, "webhooks": true,
}

// walk follows every $ref below v, and discriminator mappings. Extensions
// ("x-" keys) are not followed: kin-openapi's typed document, which YAML
// specs go through, does not follow them either, so JSON and YAML copies of
// a spec keep the same schemas.
func (w *rawWalker) walk(v any) {
	switch v := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(v) {
			x := v[k]
			if strings.HasPrefix(k, "x-") {
				continue
			}
			if namedMaps[k] {
				if m, ok := x.(map[string]any); ok {
					for _, name := range sortedKeys(m) {
						w.walk(m[name])
					}
					continue
				}
			}
			switch k {
			case "$ref":
				if s, ok := x.(string); ok {
					w.ref(s)
				}
				continue
			case "discriminator":
				if d, ok := x.(map[string]any); ok {
					if m, ok := d["mapping"].(map[string]any); ok {
						for _, mk := range sortedKeys(m) {
							s, _ := m[mk].(string)
							if strings.HasPrefix(s, "#/") {
								w.ref(s)
							} else {
								w.schema(s)
							}
						}
					}
				}
			}
			w.walk(x)
		}
	case []any:
		for _, x := range v {
			w.walk(x)
		}
	}
}

func (w *rawWalker) operation(op map[string]any) {
	for _, k := range sortedKeys(op) {
		if strings.HasPrefix(k, "x-") {
			continue
		}
		if k != "responses" {
			w.walk(op[k])
			continue
		}
		resp, _ := op[k].(map[string]any)
		for _, code := range sortedKeys(resp) {
			if w.excludeErrors && isErrorStatus(code) {
				continue
			}
			w.walk(resp[code])
		}
	}
}

var httpMethods = map[string]bool{"get": true, "put": true, "post": true, "delete": true,
	"options": true, "head": true, "patch": true, "trace": true}

// rawClosure is Closure on a decoded spec.
func rawClosure(path string, doc rawDoc, sel Selection) ([]string, error) {
	comps := doc.schemas()
	if sel.Empty() {
		return sortedKeys(comps), nil
	}
	w := &rawWalker{doc: doc, kept: map[string]bool{}, seenRefs: map[string]bool{}, excludeErrors: sel.ExcludeErrorResponses}
	for _, name := range sel.Schemas {
		if _, ok := comps[name]; !ok {
			return nil, errkind.InputAt(path, 0, 0, fmt.Errorf("schema %q not found in components/schemas%s", name, suggest(name, sortedKeys(comps))))
		}
		w.schema(name)
	}
	wantOps, wantTags := setOf(sel.Operations), setOf(sel.Tags)
	foundOps, foundTags := map[string]bool{}, map[string]bool{}
	var allOps []string
	var visitItem func(item map[string]any, depth int)
	visitItem = func(item map[string]any, depth int) {
		if item == nil || depth > 8 {
			return
		}
		if r, ok := item["$ref"].(string); ok {
			// A path item by reference (#/components/pathItems/X).
			var target any = map[string]any(doc)
			for _, p := range strings.Split(strings.TrimPrefix(r, "#/"), "/") {
				m, _ := target.(map[string]any)
				target = m[unescapePointer(p)]
			}
			t, _ := target.(map[string]any)
			visitItem(t, depth+1)
			return
		}
		for _, m := range sortedKeys(item) {
			op, ok := item[m].(map[string]any)
			if !ok || !httpMethods[m] {
				continue
			}
			id, _ := op["operationId"].(string)
			allOps = append(allOps, id)
			hit := id != "" && wantOps[id]
			if hit {
				foundOps[id] = true
			}
			if tags, ok := op["tags"].([]any); ok {
				for _, t := range tags {
					if s, _ := t.(string); wantTags[s] {
						foundTags[s] = true
						hit = true
					}
				}
			}
			if hit {
				w.walk(item["parameters"])
				w.operation(op)
			}
			// Callback operations can be selected by their own id.
			if cbs, ok := op["callbacks"].(map[string]any); ok {
				for _, cn := range sortedKeys(cbs) {
					cb, _ := cbs[cn].(map[string]any)
					if r, ok := cb["$ref"].(string); ok {
						cb = doc.object(strings.Split(strings.TrimPrefix(r, "#/"), "/")...)
					}
					for _, p := range sortedKeys(cb) {
						pi, _ := cb[p].(map[string]any)
						visitItem(pi, depth+1)
					}
				}
			}
		}
	}
	for _, section := range []string{"paths", "webhooks"} {
		items := doc.object(section)
		for _, p := range sortedKeys(items) {
			pi, _ := items[p].(map[string]any)
			visitItem(pi, 0)
		}
	}
	for _, id := range sel.Operations {
		if !foundOps[id] {
			return nil, errkind.InputAt(path, 0, 0, fmt.Errorf("operation %q not found%s", id, suggest(id, allOps)))
		}
	}
	for _, t := range sel.Tags {
		if !foundTags[t] {
			return nil, errkind.InputAt(path, 0, 0, fmt.Errorf("no operation has tag %q", t))
		}
	}
	names := make([]string, 0, len(w.kept))
	for n := range w.kept {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, nil
}

func setOf(xs []string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

// rawPrunedDoc loads, with kin-openapi, a spec holding only the named
// component schemas of doc and no paths. It is the caller's own document,
// so renames are applied in place.
func rawPrunedDoc(path string, doc rawDoc, names []string, rename map[string]string) (*openapi3.T, error) {
	comps := doc.schemas()
	kept := make(map[string]any, len(names))
	for _, n := range names {
		kept[n] = comps[n]
	}
	out := map[string]any{
		"openapi":    doc["openapi"],
		"info":       map[string]any{"title": "dsctl", "version": "0"},
		"paths":      map[string]any{},
		"components": map[string]any{"schemas": kept},
	}
	if info, ok := doc["info"].(map[string]any); ok {
		out["info"] = info
	}
	data, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("%s: re-encode kept schemas: %w", path, err)
	}
	loader := openapi3.NewLoader()
	t, err := loader.LoadFromData(data)
	if err != nil {
		return nil, errkind.InputAt(path, 0, 0, fmt.Errorf("load OpenAPI spec: %w", err))
	}
	for from, to := range rename {
		if ref := t.Components.Schemas[from]; ref != nil && ref.Value != nil {
			if ref.Value.Extensions == nil {
				ref.Value.Extensions = map[string]any{}
			}
			ref.Value.Extensions["x-go-name"] = to
		}
	}
	return t, nil
}
