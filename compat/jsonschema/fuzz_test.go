package jsonschema

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/dsctl/dsctl/compat"
	jsv "github.com/santhosh-tekuri/jsonschema/v6"
)

// --- random schemas ---

type gen struct {
	r    *rand.Rand
	defs []string
}

var (
	propNames = []string{"a", "b", "c", "x_1", "x_2"}
	patterns  = []string{"^a", "^[a-c]+$", "b", "^x_"}
	strVals   = []any{"", "a", "b", "ab", "abc", "x_1", "zzzz"}
	numVals   = []any{-2, -1, 0, 1, 2, 2.5, 3, 10}
)

func (g *gen) pick(n int) int        { return g.r.IntN(n) }
func (g *gen) chance(p float64) bool { return g.r.Float64() < p }
func (g *gen) num() json.Number {
	n := json.Number(fmt.Sprint(numVals[g.pick(len(numVals))]))
	if g.chance(0.25) {
		n = g.respell(n)
	}
	return n
}

// respell writes a number another way with the same value (1 as 1.0, 1e0,
// 10e-1; 0 as -0; 2.5 as 25e-1): JSON Schema compares numbers by value, so
// the engine must too.
func (g *gen) respell(n json.Number) json.Number {
	r, ok := new(big.Rat).SetString(string(n))
	if !ok {
		return n
	}
	f, _ := r.Float64() // the generator's numbers are exact in float64
	sign, s := "", strconv.FormatFloat(math.Abs(f), 'f', -1, 64)
	if r.Sign() < 0 {
		sign = "-"
	}
	forms := []string{s + "e0", s + "E+0"}
	if i := strings.IndexByte(s, '.'); i >= 0 {
		forms = append(forms, s+"0", strings.TrimLeft(s[:i], "0")+s[i+1:]+"e-"+strconv.Itoa(len(s)-i-1))
	} else {
		forms = append(forms, s+".0")
		if s == "0" {
			forms = append(forms, "-0", "-0.0", "0")
		} else {
			forms = append(forms, s+"0e-1")
		}
	}
	return json.Number(sign + forms[g.pick(len(forms))])
}

// respellAll returns v with every number written another way (respell).
func (g *gen) respellAll(v any) any {
	switch x := v.(type) {
	case json.Number:
		return g.respell(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = g.respellAll(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = g.respellAll(e)
		}
		return out
	}
	return v
}

func (g *gen) small() int { return g.pick(4) }

func (g *gen) schema(depth int) any {
	if depth <= 0 || g.chance(0.08) {
		switch g.pick(4) {
		case 0:
			return true
		case 1:
			if g.chance(0.3) {
				return false
			}
			return map[string]any{}
		}
		return map[string]any{"type": []string{"string", "integer", "number", "boolean", "null"}[g.pick(5)]}
	}
	if len(g.defs) > 0 && g.chance(0.1) {
		return map[string]any{"$ref": "#/$defs/" + g.defs[g.pick(len(g.defs))]}
	}
	s := map[string]any{}
	switch g.pick(9) {
	case 0, 1:
		s["type"] = "string"
		g.strKw(s)
	case 2:
		s["type"] = []string{"integer", "number"}[g.pick(2)]
		g.numKw(s)
	case 3, 4:
		s["type"] = "object"
		g.objKw(s, depth)
	case 5:
		s["type"] = "array"
		g.arrKw(s, depth)
	case 6:
		kw := []string{"anyOf", "oneOf", "allOf"}[g.pick(3)]
		n := 1 + g.pick(3)
		var ms []any
		for i := 0; i < n; i++ {
			ms = append(ms, g.schema(depth-1))
		}
		s[kw] = ms
	case 7:
		if g.chance(0.5) {
			s["enum"] = g.values(1 + g.pick(3))
		} else {
			s["const"] = g.values(1)[0]
		}
	case 8:
		s["type"] = []any{"string", "null"}
		if g.chance(0.5) {
			s["not"] = g.schema(depth - 1)
		}
		g.strKw(s)
	}
	if g.chance(0.1) {
		s["title"] = "t" + strconv.Itoa(g.pick(3))
	}
	if g.chance(0.1) {
		s["default"] = g.anyValue(0)
	}
	if g.chance(0.05) {
		s["examples"] = []any{g.anyValue(0)}
	}
	if g.chance(0.05) {
		s["if"] = map[string]any{"const": g.values(1)[0]}
		s["then"] = g.schema(depth - 1)
	}
	return s
}

func (g *gen) values(n int) []any {
	var out []any
	seen := map[string]bool{}
	for len(out) < n {
		var v any
		if g.chance(0.5) {
			v = strVals[g.pick(len(strVals))]
		} else {
			v = g.num()
		}
		k := canonical(v)
		if !seen[k] {
			seen[k] = true
			out = append(out, v)
		}
	}
	return out
}

func (g *gen) strKw(s map[string]any) {
	if g.chance(0.4) {
		s["minLength"] = g.small()
	}
	if g.chance(0.4) {
		s["maxLength"] = 1 + g.small()
	}
	if g.chance(0.2) {
		s["pattern"] = patterns[g.pick(len(patterns))]
	}
	if g.chance(0.2) {
		s["enum"] = g.values(1 + g.pick(3))
	}
}

func (g *gen) numKw(s map[string]any) {
	for _, kw := range []string{"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"} {
		if g.chance(0.25) {
			s[kw] = g.num()
		}
	}
	if g.chance(0.2) {
		s["multipleOf"] = []json.Number{"0.5", "1", "2", "3", "6"}[g.pick(5)]
	}
}

func (g *gen) objKw(s map[string]any, depth int) {
	props := map[string]any{}
	var req []any
	for _, p := range propNames {
		if g.chance(0.4) {
			props[p] = g.schema(depth - 1)
			if g.chance(0.4) {
				req = append(req, p)
			}
		}
	}
	if len(props) > 0 {
		s["properties"] = props
	}
	if len(req) > 0 {
		s["required"] = req
	}
	switch g.pick(4) {
	case 0:
		s["additionalProperties"] = false
	case 1:
		s["additionalProperties"] = g.schema(depth - 1)
	}
	if g.chance(0.15) {
		s["patternProperties"] = map[string]any{patterns[g.pick(len(patterns))]: g.schema(depth - 1)}
	}
	if g.chance(0.1) {
		s["minProperties"] = g.small()
	}
	if g.chance(0.1) {
		s["maxProperties"] = 1 + g.small()
	}
	if g.chance(0.1) {
		s["propertyNames"] = map[string]any{"maxLength": 1 + g.small()}
	}
	if g.chance(0.1) {
		s["dependentRequired"] = map[string]any{propNames[g.pick(3)]: []any{propNames[3+g.pick(2)]}}
	}
	if g.chance(0.08) {
		s["unevaluatedProperties"] = []any{false, map[string]any{"type": "string"}}[g.pick(2)]
		if g.chance(0.6) {
			sub := map[string]any{}
			g.objKw(sub, depth-1)
			delete(sub, "unevaluatedProperties")
			s["allOf"] = []any{sub}
		}
	}
}

func (g *gen) arrKw(s map[string]any, depth int) {
	if g.chance(0.3) {
		var ps []any
		for i := 0; i < 1+g.pick(2); i++ {
			ps = append(ps, g.schema(depth-1))
		}
		s["prefixItems"] = ps
	}
	if g.chance(0.6) {
		s["items"] = g.schema(depth - 1)
	}
	if g.chance(0.2) {
		s["minItems"] = g.small()
	}
	if g.chance(0.2) {
		s["maxItems"] = 1 + g.small()
	}
	if g.chance(0.1) {
		s["uniqueItems"] = true
	}
	if g.chance(0.15) {
		s["contains"] = g.schema(depth - 1)
		if g.chance(0.3) {
			s["minContains"] = g.small()
		}
		if g.chance(0.3) {
			s["maxContains"] = 1 + g.small()
		}
	}
}

func (g *gen) root() map[string]any {
	root := map[string]any{}
	if g.chance(0.3) {
		defs := map[string]any{}
		for i := 0; i < 1+g.pick(2); i++ {
			name := "d" + strconv.Itoa(i)
			defs[name] = g.schema(2)
			g.defs = append(g.defs, name)
		}
		root["$defs"] = defs
	}
	s := g.schema(4)
	if m, ok := s.(map[string]any); ok {
		for k, v := range m {
			root[k] = v
		}
	} else if s == false {
		root["not"] = map[string]any{}
	}
	return root
}

// mutate changes a deep copy of s in a few random places.
func (g *gen) mutate(v any, depth int) any {
	m, ok := v.(map[string]any)
	if !ok {
		if g.chance(0.2) {
			return g.schema(2)
		}
		return v
	}
	out := map[string]any{}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		val := m[k]
		switch {
		case g.chance(0.06):
			continue // keyword removed
		case k == "properties" || k == "$defs" || k == "patternProperties" || k == "dependentSchemas":
			sub := map[string]any{}
			for _, pk := range sortedKeys(val.(map[string]any)) {
				if k == "properties" && g.chance(0.05) {
					continue
				}
				sub[pk] = g.mutate(val.(map[string]any)[pk], depth+1)
			}
			if k == "properties" && g.chance(0.08) {
				sub[propNames[g.pick(len(propNames))]] = g.schema(2)
			}
			val = sub
		case k == "anyOf" || k == "oneOf" || k == "allOf" || k == "prefixItems":
			var arr []any
			for _, e := range val.([]any) {
				if len(val.([]any)) > 1 && g.chance(0.08) {
					continue
				}
				arr = append(arr, g.mutate(e, depth+1))
			}
			if g.chance(0.08) {
				arr = append(arr, g.schema(2))
			}
			val = arr
		case k == "items" || k == "additionalProperties" || k == "not" || k == "contains" || k == "propertyNames":
			val = g.mutate(val, depth+1)
		case k == "required":
			var arr []any
			for _, e := range val.([]any) {
				if !g.chance(0.15) {
					arr = append(arr, e)
				}
			}
			if len(arr) > 0 {
				val = arr
			} else {
				continue
			}
		case k == "enum":
			arr := append([]any{}, val.([]any)...)
			if g.chance(0.3) {
				arr = g.values(1 + g.pick(3))
			}
			val = arr
		case k == "type":
			if g.chance(0.1) {
				val = []string{"string", "integer", "number", "object", "array"}[g.pick(5)]
			}
		default:
			if n, ok := val.(int); ok && g.chance(0.2) {
				val = n + g.pick(3) - 1
				if val.(int) < 0 {
					val = 0
				}
			}
			if _, ok := val.(json.Number); ok && g.chance(0.2) {
				val = g.num()
			}
		}
		out[k] = val
	}
	if g.chance(0.05) {
		extra := g.schema(1)
		if em, ok := extra.(map[string]any); ok {
			for k, v := range em {
				if _, exists := out[k]; !exists && k != "type" {
					out[k] = v
				}
			}
		}
	}
	if g.chance(0.03) {
		out["additionalProperties"] = false
	}
	if depth > 0 && g.chance(0.04) {
		// wrap the schema in a combinator (with a repeated member or a new
		// alternative): the engine compares such schemas as wholes
		kw := []string{"allOf", "anyOf", "oneOf"}[g.pick(3)]
		ms := []any{out}
		switch g.pick(3) {
		case 0:
			ms = append(ms, out)
		case 1:
			ms = append(ms, g.schema(1))
		}
		return map[string]any{kw: ms}
	}
	return out
}

// --- random instances ---

// instance makes a value that tries to satisfy s (it may not; the caller
// validates).
func (g *gen) instance(root map[string]any, s any, depth int) any {
	m, ok := s.(map[string]any)
	if !ok || depth > 6 {
		return g.anyValue(depth)
	}
	if ref, ok := m["$ref"].(string); ok {
		defs, _ := root["$defs"].(map[string]any)
		return g.instance(root, defs[strings.TrimPrefix(ref, "#/$defs/")], depth+1)
	}
	if c, ok := m["const"]; ok && g.chance(0.8) {
		return c
	}
	if e, ok := m["enum"].([]any); ok && len(e) > 0 && g.chance(0.8) {
		return e[g.pick(len(e))]
	}
	for _, kw := range []string{"anyOf", "oneOf", "allOf"} {
		if ms, ok := m[kw].([]any); ok && len(ms) > 0 && g.chance(0.7) {
			return g.instance(root, ms[g.pick(len(ms))], depth+1)
		}
	}
	t := m["type"]
	if ts, ok := t.([]any); ok && len(ts) > 0 {
		t = ts[g.pick(len(ts))]
	}
	if g.chance(0.1) {
		t = nil
	}
	switch t {
	case "string":
		n := g.pick(6)
		if v, ok := m["minLength"].(int); ok && g.chance(0.7) {
			n = v + g.pick(2)
		}
		return strings.Repeat([]string{"a", "b", "x_1"}[g.pick(3)], n)[:min(n, 3*n)]
	case "integer":
		return json.Number(strconv.Itoa(g.pick(12) - 3))
	case "number":
		return g.num()
	case "boolean":
		return g.chance(0.5)
	case "null":
		return nil
	case "object":
		obj := map[string]any{}
		props, _ := m["properties"].(map[string]any)
		req := map[string]bool{}
		if rs, ok := m["required"].([]any); ok {
			for _, r := range rs {
				req[r.(string)] = true
			}
		}
		for _, p := range sortedKeys(props) {
			if req[p] || g.chance(0.6) {
				obj[p] = g.instance(root, props[p], depth+1)
			}
		}
		if g.chance(0.3) {
			name := propNames[g.pick(len(propNames))]
			obj[name] = g.anyValue(depth + 1)
		}
		return obj
	case "array":
		var arr []any
		if ps, ok := m["prefixItems"].([]any); ok {
			for _, p := range ps {
				if g.chance(0.8) {
					arr = append(arr, g.instance(root, p, depth+1))
				}
			}
		}
		for i := 0; i < g.pick(4); i++ {
			arr = append(arr, g.instance(root, m["items"], depth+1))
		}
		if arr == nil {
			arr = []any{}
		}
		return arr
	}
	return g.anyValue(depth)
}

func (g *gen) anyValue(depth int) any {
	switch g.pick(8) {
	case 0:
		return nil
	case 1:
		return g.chance(0.5)
	case 2, 3:
		return g.num()
	case 4, 5:
		return strVals[g.pick(len(strVals))]
	case 6:
		if depth > 4 {
			return []any{}
		}
		return []any{g.anyValue(depth + 1)}
	default:
		if depth > 4 {
			return map[string]any{}
		}
		return map[string]any{propNames[g.pick(len(propNames))]: g.anyValue(depth + 1)}
	}
}

// --- the fuzz target ---

func compileForOracle(t testing.TB, doc map[string]any) *jsv.Schema {
	data, _ := json.Marshal(doc)
	v, err := jsv.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	c := jsv.NewCompiler()
	if err := c.AddResource("file:///s.json", v); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("file:///s.json")
	if err != nil {
		return nil
	}
	return s
}

// compileDoc compiles a generated schema with jsonschema v6 (never the
// fast compiler, whose schemas the validator cannot run) for the witness search.
func compileDoc(t testing.TB, doc map[string]any) *Compiled {
	saved := fastCompileSize
	fastCompileSize = 1 << 62
	defer func() { fastCompileSize = saved }()
	data, _ := json.MarshalIndent(doc, "", " ")
	c, err := Compile(context.Background(), compat.Source{Name: "s.json", FS: fstest.MapFS{"s.json": {Data: data}}, Path: "s.json"}, compat.Options{Mode: compat.Backward, Policy: compat.Strict})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func toJSONValue(t testing.TB, v any) any {
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jsv.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func diffDocs(t testing.TB, a, b map[string]any, mode compat.Mode) ([]compat.Change, error) {
	da, _ := json.MarshalIndent(a, "", " ")
	db, _ := json.MarshalIndent(b, "", " ")
	return DiffFS(context.Background(), fstest.MapFS{"s.json": {Data: da}}, "s.json",
		fstest.MapFS{"s.json": {Data: db}}, "s.json", compat.Options{Mode: mode, Policy: compat.Strict})
}

// checkOracle runs one generated pair: no panic, diff(A, A) empty, and
// compatibility verdicts that validation does not contradict.
func checkOracle(t testing.TB, seed uint64, rounds uint8) {
	if seed%2 == 1 {
		// odd seeds take the fast compiler large documents use
		saved := fastCompileSize
		fastCompileSize = 0
		defer func() { fastCompileSize = saved }()
	}
	g := &gen{r: rand.New(rand.NewPCG(seed, uint64(rounds)))}
	a := g.root()
	b := a
	for i := 0; i <= int(rounds%4); i++ {
		b = g.mutate(b, 0).(map[string]any)
	}
	sa, sb := compileForOracle(t, a), compileForOracle(t, b)
	if sa == nil || sb == nil {
		// the engine must refuse what does not compile, with an input error
		if _, err := diffDocs(t, a, b, compat.Backward); err == nil {
			t.Fatalf("seed %d: schemas that do not compile were diffed", seed)
		}
		return
	}
	self, err := diffDocs(t, a, a, compat.Full)
	if err != nil {
		t.Fatalf("seed %d: diff(A, A): %v", seed, err)
	}
	if len(self) != 0 {
		t.Fatalf("seed %d: diff(A, A) = %v", seed, self)
	}
	// the same schema with its numbers written otherwise (1.0 for 1, -0
	// for 0): numbers are equal by value, so nothing changed
	same := g.respellAll(a).(map[string]any)
	if self, err = diffDocs(t, a, same, compat.Full); err != nil || len(self) != 0 {
		ja, _ := json.Marshal(a)
		js, _ := json.Marshal(same)
		t.Fatalf("seed %d rounds %d: diff(A, A respelled) = %v, %v\nA  %s\nA' %s", seed, rounds, summarize(self), err, ja, js)
	}
	back, err := diffDocs(t, a, b, compat.Backward)
	if err != nil {
		t.Fatalf("seed %d: %v", seed, err)
	}
	fwd, err := diffDocs(t, a, b, compat.Forward)
	if err != nil {
		t.Fatalf("seed %d: %v", seed, err)
	}
	backOK := compat.RequiredBump(back) < compat.Major
	fwdOK := compat.RequiredBump(fwd) < compat.Major
	if !backOK && !fwdOK {
		return
	}
	// the standing soundness check: the witness search, which builds its
	// candidates from both schemas, must find nothing against a verdict
	// below major
	ca, cb := compileDoc(t, a), compileDoc(t, b)
	for _, m := range []struct {
		ok   bool
		mode compat.Mode
		v    []compat.Change
	}{{backOK, compat.Backward, back}, {fwdOK, compat.Forward, fwd}} {
		if !m.ok {
			continue
		}
		if w, found := FindWitness(ca, cb, m.mode, Budget{Candidates: 400}); found {
			ja, _ := json.Marshal(a)
			jb, _ := json.Marshal(b)
			t.Fatalf("seed %d rounds %d: engine says %s compatible (%v) but the witness search found a break:\nOLD %s\nNEW %s\nwitness %s",
				seed, rounds, m.mode, summarize(m.v), ja, jb, w)
		}
	}
	for i := 0; i < 60; i++ {
		src, other, from, to, ok := a, sb, sa, "OLD", backOK
		if i%2 == 1 {
			src, other, from, to, ok = b, sa, sb, "NEW", fwdOK
		}
		if !ok {
			continue
		}
		inst := toJSONValue(t, g.instance(src, src, 0))
		if from.Validate(inst) != nil {
			continue
		}
		if err := other.Validate(inst); err != nil {
			ja, _ := json.Marshal(a)
			jb, _ := json.Marshal(b)
			ji, _ := json.Marshal(inst)
			verdict := back
			if to == "NEW" {
				verdict = fwd
			}
			t.Fatalf("seed %d rounds %d: engine says compatible (%v) but an instance valid under %s is rejected:\nOLD %s\nNEW %s\ninstance %s\n%v",
				seed, rounds, summarize(verdict), to, ja, jb, ji, err)
		}
	}
}

func summarize(cs []compat.Change) string {
	var parts []string
	for _, c := range cs {
		parts = append(parts, c.ID+"@"+c.Path+"="+c.Impact.String())
	}
	return strings.Join(parts, " ")
}

func FuzzDiff(f *testing.F) {
	for i := uint64(0); i < 16; i++ {
		f.Add(i*7919+1, uint8(i))
	}
	f.Fuzz(func(t *testing.T, seed uint64, rounds uint8) {
		checkOracle(t, seed, rounds)
	})
}

// TestOracleSweep runs the fuzz oracle over a fixed range of seeds so that
// every `go test` exercises it; DSCTL_FUZZ_SEEDS raises the count.
func TestOracleSweep(t *testing.T) {
	n := 400
	if s := os.Getenv("DSCTL_FUZZ_SEEDS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	for i := 0; i < n; i++ {
		checkOracle(t, uint64(i)*2654435761+7, uint8(i))
	}
}

// FuzzParse feeds arbitrary bytes to the parser and the engine: no panic,
// errors are input errors, and a document diffed with itself has no changes.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"type": "object", "properties": {"a": {"type": "string"}}}`))
	f.Add([]byte("type: array\nitems: {$ref: '#'}\n"))
	f.Add([]byte(`{"a": "\u00e9\ud83d\ude00", "b": [1, 2.5e3, -0.0, true, null]}`))
	f.Add([]byte("a: &x [1, *x]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := parseDocument(data); err != nil {
			return
		}
		fsys := fstest.MapFS{"s.json": {Data: data}}
		changes, err := DiffFS(context.Background(), fsys, "s.json", fsys, "s.json", compat.Options{Mode: compat.Full})
		if err == nil && len(changes) != 0 {
			t.Fatalf("diff(A, A) = %v", changes)
		}
		_ = (Engine{}).Detect(data)
	})
}
