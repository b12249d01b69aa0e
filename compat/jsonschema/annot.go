package jsonschema

import (
	"encoding/json"
	"sort"
	"strings"

	jsv "github.com/santhosh-tekuri/jsonschema/v6"
)

// annotationKeywords map annotation keywords to their rule.
var annotationKeywords = map[string]string{
	"title":       "title-changed",
	"description": "description-changed",
	"default":     "default-changed",
	"examples":    "examples-changed",
	"example":     "examples-changed",
	"$comment":    "comment-changed",
	"deprecated":  "deprecated-changed",
	"readOnly":    "read-only-changed",
	"writeOnly":   "write-only-changed",
	"$id":         "id-changed",
	"$schema":     "dialect-changed",
}

// structuralKeywords are compared through the compiled schema (or are
// identifiers that only matter through what they resolve).
var structuralKeywords = map[string]bool{}

func init() {
	for _, k := range strings.Fields(`$ref $defs definitions $anchor $dynamicAnchor $recursiveAnchor $vocabulary id
		$dynamicRef $recursiveRef type enum const not allOf anyOf oneOf if then else format
		maxProperties minProperties required propertyNames properties patternProperties additionalProperties
		dependencies dependentRequired dependentSchemas unevaluatedProperties
		minItems maxItems uniqueItems contains minContains maxContains items additionalItems prefixItems unevaluatedItems
		minLength maxLength pattern maximum minimum exclusiveMaximum exclusiveMinimum multipleOf
		contentEncoding contentMediaType contentSchema`) {
		structuralKeywords[k] = true
	}
}

// annotations compares the annotation and unknown keywords of two schema objects.
func (d *differ) annotations(o, n *jsv.Schema) {
	or, nr := d.old.rawOf(o), d.new.rawOf(n)
	if or.obj == nil && nr.obj == nil || sameAnnotations(or.obj, nr.obj) {
		return
	}
	keys := map[string]bool{}
	for k := range or.obj {
		keys[k] = true
	}
	for k := range nr.obj {
		keys[k] = true
	}
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if structuralKeywords[k] {
			continue
		}
		ov, oh := or.obj[k]
		nv, nh := nr.obj[k]
		if oh && nh && jsonEqual(ov, nv) {
			continue
		}
		id, ok := annotationKeywords[k]
		what := "changed"
		switch {
		case !oh:
			what = "added"
		case !nh:
			what = "removed"
		}
		switch {
		case ok:
		case strings.HasPrefix(k, "x-"):
			id = "extension-changed"
		default:
			id = "unknown-keyword-changed"
		}
		on, nn := o, n
		if !nh {
			nn = nil
		}
		if id == "unknown-keyword-changed" {
			d.emitDir(cctx{}, id, Both, on, nn, "/"+escapeToken(k), "unknown keyword %q %s; the engine cannot judge it", k, what)
		} else {
			d.emitDir(cctx{}, id, Annotation, on, nn, "/"+escapeToken(k), "%s %s%s", k, what, fromTo(ov, oh, nv, nh))
		}
	}
}

// sameAnnotations reports whether two schema objects have the same
// non-structural keywords with equal values: nothing for annotations to
// report, found without collecting and sorting the keys.
func sameAnnotations(a, b map[string]any) bool {
	if len(a) == len(b) {
		// the usual case: the same keys; then b has nothing a lacks
		same := true
		for k, v := range a {
			w, ok := b[k]
			if !ok {
				same = false
				break
			}
			if !structuralKeywords[k] && !jsonEqual(v, w) {
				return false
			}
		}
		if same {
			return true
		}
	}
	na := 0
	for k, v := range a {
		if structuralKeywords[k] {
			continue
		}
		na++
		if w, ok := b[k]; !ok || !jsonEqual(v, w) {
			return false
		}
	}
	nb := 0
	for k := range b {
		if !structuralKeywords[k] {
			nb++
		}
	}
	return na == nb
}

// definitions reports $defs/definitions entries added or removed at the root.
func (d *differ) definitions() {
	for _, kw := range []string{"$defs", "definitions"} {
		or, nr := d.old.rawOf(d.old.root), d.new.rawOf(d.new.root)
		om, _ := rawKey(or, kw).(map[string]any)
		nm, _ := rawKey(nr, kw).(map[string]any)
		for _, k := range sortedKeys(nm) {
			if _, ok := om[k]; !ok {
				d.emitDir(cctx{}, "definition-added", Annotation, d.old.root, d.new.root, "/"+kw+"/"+escapeToken(k), "%s entry %q added", kw, k)
			}
		}
		for _, k := range sortedKeys(om) {
			if _, ok := nm[k]; !ok {
				d.emitDir(cctx{}, "definition-removed", Annotation, d.old.root, d.new.root, "/"+kw+"/"+escapeToken(k), "%s entry %q removed", kw, k)
			}
		}
	}
}

// rawValue returns the source JSON of a compiled schema.
func (s *side) rawValue(sch *jsv.Schema) any {
	if sch.Bool != nil {
		return *sch.Bool
	}
	r := s.rawOf(sch)
	if r.obj == nil {
		return nil
	}
	return r.obj
}

// fromTo renders short scalar values of a changed annotation: ` from "a" to "b"`.
func fromTo(ov any, oh bool, nv any, nh bool) string {
	short := func(v any) (string, bool) {
		switch v.(type) {
		case string, bool, json.Number, nil:
			s := showValue(v)
			if r := []rune(s); len(r) > 80 {
				s = string(r[:77]) + "…"
			}
			return s, true
		}
		return "", false
	}
	os, ook := short(ov)
	ns, nok := short(nv)
	switch {
	case oh && nh && ook && nok:
		return " from " + os + " to " + ns
	case !oh && nok:
		return ": " + ns
	case !nh && ook:
		return " (was " + os + ")"
	}
	return ""
}
