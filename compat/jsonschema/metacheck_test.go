package jsonschema

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// metaDrafts are the drafts the fast path validates with metaCheck.
var metaDrafts = []int{7, 2019, 2020}

// agreeWithV6 fails when metaCheck is sure of an answer jsonschema v6's
// validation does not give. It returns whether metaCheck was sure.
func agreeWithV6(t *testing.T, what string, doc any) bool {
	t.Helper()
	allSure := true
	for _, draft := range metaDrafts {
		meta, err := metaschema(metaURLs[draft])
		if err != nil {
			t.Fatal(err)
		}
		ok, sure := metaCheck(meta, doc)
		// fastCompile runs beside metaCheck, so on invalid schemas too: it
		// may fail, not panic.
		if _, eligible := fastEligible(doc); eligible {
			_, _ = fastCompile(fsURLPrefix+"s.json", doc, draft)
		}
		want := meta.Validate(doc) == nil
		if sure && ok != want {
			data, _ := json.Marshal(doc)
			t.Fatalf("%s, draft %d: metaCheck says valid=%v, jsonschema v6 says valid=%v:\n%s", what, draft, ok, want, data)
		}
		allSure = allSure && sure
	}
	return allSure
}

// wrongValues are values put in place of keyword values to make schemas
// invalid (or not) in every way the metaschemas check.
var wrongValues = []any{
	"x", "", "#/a", "%zz", "a b", "^[a-", "(?<n>a)", "https://example.com/s#frag", "urn:x", "\\", json.Number("-1"), json.Number("0"), json.Number("1.5"),
	json.Number("2.0"), json.Number("1e2"), json.Number("1e400"), json.Number("-0"), json.Number("99999999999999999999"), true, false, nil,
	[]any{}, []any{"a", "a"}, []any{"a", "b"}, []any{"string", "string"}, []any{"object", "null"}, []any{json.Number("1"), json.Number("1.0")},
	[]any{"nope"}, map[string]any{}, map[string]any{"a": json.Number("1")}, map[string]any{"type": "nope"}, map[string]any{"a": []any{"b", "b"}},
	map[string]any{"$ref": json.Number("3")}, []any{map[string]any{"type": "string"}, true}, []any{[]any{}},
}

// keywords are the keywords mutations add, of every draft.
var keywords = []string{
	"$id", "$schema", "$ref", "$comment", "$defs", "definitions", "$anchor", "$dynamicAnchor", "$dynamicRef",
	"$recursiveAnchor", "$recursiveRef", "$vocabulary", "title", "description", "default", "examples",
	"deprecated", "readOnly", "writeOnly", "type", "enum", "const", "not", "allOf", "anyOf", "oneOf", "if", "then",
	"else", "format", "maxProperties", "minProperties", "required", "propertyNames", "properties",
	"patternProperties", "additionalProperties", "dependencies", "dependentRequired", "dependentSchemas",
	"unevaluatedProperties", "minItems", "maxItems", "uniqueItems", "contains", "minContains", "maxContains",
	"items", "additionalItems", "prefixItems", "unevaluatedItems", "minLength", "maxLength", "pattern", "maximum",
	"minimum", "exclusiveMaximum", "exclusiveMinimum", "multipleOf", "contentEncoding", "contentMediaType",
	"contentSchema", "x-extension",
}

// mutate returns a copy of v with one random change: a value replaced by a
// wrong one, or a keyword added to an object with a wrong value.
func mutate(r *rand.Rand, v any) any {
	cp := deepCopy(v)
	target := r.IntN(countNodes(cp))
	i := 0
	var apply func(v any) any
	apply = func(v any) any {
		me := i
		i++
		if me == target {
			if m, ok := v.(map[string]any); ok && r.IntN(2) == 0 {
				m[keywords[r.IntN(len(keywords))]] = deepCopy(wrongValues[r.IntN(len(wrongValues))])
				return m
			}
			return deepCopy(wrongValues[r.IntN(len(wrongValues))])
		}
		switch x := v.(type) {
		case map[string]any:
			for _, k := range sortedKeys(x) {
				x[k] = apply(x[k])
			}
		case []any:
			for j := range x {
				x[j] = apply(x[j])
			}
		}
		return v
	}
	return apply(cp)
}

// countNodes counts the values in v, v included.
func countNodes(v any) int {
	n := 1
	switch x := v.(type) {
	case map[string]any:
		for _, e := range x {
			n += countNodes(e)
		}
	case []any:
		for _, e := range x {
			n += countNodes(e)
		}
	}
	return n
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		a := make([]any, len(x))
		for i, e := range x {
			a[i] = deepCopy(e)
		}
		return a
	}
	return v
}

// metaCorpus returns the schemas of the case table, the benchmark pairs and
// the hostile inputs that parse, as parsed values.
func metaCorpus(t *testing.T) []any {
	var docs []any
	for _, tc := range loadCases(t) {
		for _, v := range []any{tc.Old, tc.New} {
			if s, ok := v.(string); ok {
				if pd, err := parseDocument([]byte(s)); err == nil {
					docs = append(docs, pd.value)
				}
				continue
			}
			docs = append(docs, jsonValue(t, v))
		}
	}
	for _, p := range benchPairs(20) {
		for _, data := range p {
			pd, err := parseDocument(data)
			if err != nil {
				t.Fatal(err)
			}
			docs = append(docs, pd.value)
		}
	}
	files, _ := filepath.Glob("../../testdata/hostile/schema/*")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if pd, err := parseDocument(data); err == nil {
			docs = append(docs, pd.value)
		}
	}
	return docs
}

// TestMetaCheckAgreesWithV6 checks metaCheck against jsonschema v6's
// metaschema validation on the corpus, on random schemas, and on thousands
// of mutations of them (wrong values, stray keywords); metaCheck must agree
// whenever it is sure, and be sure on the valid, ordinary schemas.
func TestMetaCheckAgreesWithV6(t *testing.T) {
	if !metaTypesAgree {
		t.Fatal("metaType's bits no longer match jsv.Types: metaCheck is never sure")
	}
	docs := metaCorpus(t)
	g := &gen{r: rand.New(rand.NewPCG(7, 7))}
	for i := 0; i < 100; i++ {
		docs = append(docs, toJSONValue(t, g.schema(4)))
	}
	sure := 0
	for i, d := range docs {
		if agreeWithV6(t, "corpus "+strconv.Itoa(i), d) {
			sure++
		}
	}
	if sure < len(docs)*9/10 {
		t.Errorf("metaCheck sure of only %d of %d corpus documents", sure, len(docs))
	}
	n := 2000
	if s := os.Getenv("DSCTL_FUZZ_SEEDS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	r := rand.New(rand.NewPCG(1, 2))
	sure, invalid := 0, 0
	for i := 0; i < n; i++ {
		d := docs[r.IntN(len(docs))]
		for k := 0; k <= r.IntN(3); k++ {
			d = mutate(r, d)
		}
		if agreeWithV6(t, "mutation "+strconv.Itoa(i), d) {
			sure++
		}
		meta, _ := metaschema(metaURLs[2020])
		if meta.Validate(d) != nil {
			invalid++
		}
	}
	t.Logf("%d mutations: metaCheck sure of %d; %d invalid for draft 2020-12", n, sure, invalid)
	if invalid < n/10 {
		t.Errorf("only %d of %d mutations are invalid: the test does not exercise invalid schemas", invalid, n)
	}
}

// FuzzMetaCheck wants metaCheck to agree with jsonschema v6 on any document
// it is sure of.
func FuzzMetaCheck(f *testing.F) {
	f.Add([]byte(`{"type": "object", "properties": {"a": {"type": "string", "maxLength": 3}}, "required": ["a"]}`))
	f.Add([]byte(`{"type": ["string", "string"]}`))
	f.Add([]byte(`{"required": ["a", "a"], "minLength": -1, "pattern": "^[a-"}`))
	f.Add([]byte(`{"$defs": {"a": {"$ref": "#/$defs/a"}}, "items": [true, {"type": "nope"}]}`))
	f.Add([]byte(`{"dependencies": {"a": ["b", "b"], "c": {"minimum": "x"}}, "multipleOf": 0}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		pd, err := parseDocument(data)
		if err != nil {
			return
		}
		agreeWithV6(t, "fuzz input", pd.value)
	})
}
