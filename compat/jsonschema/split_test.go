package jsonschema

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"
	"testing/fstest"

	"github.com/dsctl/dsctl/compat"
)

// wideSchema is a random schema whose root declares n properties: random
// schemas (as the fuzz oracle generates them) and $refs to shared
// definitions, some referenced from both halves of the property list.
func wideSchema(g *gen, n int) map[string]any {
	defs := map[string]any{}
	g.defs = nil
	for i := 0; i < 12; i++ {
		name := "d" + strconv.Itoa(i)
		g.defs = append(g.defs, name)
	}
	for _, name := range g.defs {
		defs[name] = g.schema(3)
	}
	props := map[string]any{}
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("p%04d", i)
		if g.chance(0.5) {
			props[name] = map[string]any{"$ref": "#/$defs/" + g.defs[g.pick(len(g.defs))]}
		} else {
			props[name] = g.schema(3)
		}
	}
	root := map[string]any{"type": "object", "properties": props, "$defs": defs}
	switch g.pick(3) {
	case 0:
		root["additionalProperties"] = false
	case 1:
		root["patternProperties"] = map[string]any{"^q": map[string]any{"type": "string"}}
	}
	return root
}

// TestSplitComparisonMatches compares wide schema pairs with the root's
// properties split between two goroutines and on one, and wants the same
// changes, in the same order, in every mode.
func TestSplitComparisonMatches(t *testing.T) {
	saved := fastCompileSize
	defer func() { fastCompileSize = saved }()
	fastCompileSize = 0
	ctx := context.Background()
	split := 0
	for seed := uint64(0); seed < 16; seed++ {
		g := &gen{r: rand.New(rand.NewPCG(seed, 99))}
		a := wideSchema(g, parallelProperties+64+int(seed)*37)
		b := map[string]any{}
		for k, v := range a {
			b[k] = v
		}
		props := map[string]any{}
		for k, v := range a["properties"].(map[string]any) {
			props[k] = v
			if g.chance(0.05) {
				props[k] = g.mutate(v, 2)
			}
			if g.chance(0.01) {
				delete(props, k)
			}
		}
		for i := 0; i < g.pick(5); i++ {
			props[fmt.Sprintf("q%03d", i)] = g.schema(2)
		}
		b["properties"] = props
		defs := map[string]any{}
		for k, v := range a["$defs"].(map[string]any) {
			defs[k] = v
			if g.chance(0.3) {
				defs[k] = g.mutate(v, 2)
			}
		}
		b["$defs"] = defs
		da, _ := json.Marshal(a)
		db, _ := json.Marshal(b)
		for _, mode := range []compat.Mode{compat.Backward, compat.Forward, compat.Full} {
			opts := compat.Options{Mode: mode}
			o, err := Compile(ctx, compat.Source{Name: "a.json", FS: fstest.MapFS{"a.json": {Data: da}}, Path: "a.json"}, opts)
			if err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
			n, err := Compile(ctx, compat.Source{Name: "b.json", FS: fstest.MapFS{"b.json": {Data: db}}, Path: "b.json"}, opts)
			if err != nil {
				break // a mutation made it invalid (multipleOf 0, say)
			}
			if !o.s.rawComplete || !n.s.rawComplete {
				t.Fatalf("seed %d: not fast-compiled", seed)
			}
			one := newDiffer(o.s, n.s)
			one.canSplit = false
			one.node(o.s.root, n.s.root, cctx{})
			one.definitions()
			want := one.result(opts)
			two := newDiffer(o.s, n.s)
			two.node(o.s.root, n.s.root, cctx{})
			if two.canSplit {
				t.Fatalf("seed %d: the comparison was not split", seed)
			}
			two.definitions()
			got := two.result(opts)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("seed %d, %s: split comparison differs:\n got %d changes: %s\nwant %d changes: %s",
					seed, mode, len(got), summarize(got), len(want), summarize(want))
			}
			if len(want) > 0 {
				split++
			}
		}
	}
	if split < 24 {
		t.Errorf("only %d of 48 comparisons ran and found changes", split)
	}
}
