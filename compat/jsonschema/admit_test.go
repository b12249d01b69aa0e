package jsonschema

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"testing"
	"testing/fstest"

	"github.com/dsctl/dsctl/compat"
)

// compileWith compiles doc with the fast compiler (fast) or jsonschema v6's.
func compileWith(t testing.TB, doc map[string]any, fast bool) *Compiled {
	saved := fastCompileSize
	fastCompileSize = 1 << 62
	if fast {
		fastCompileSize = 0
	}
	defer func() { fastCompileSize = saved }()
	data, _ := json.MarshalIndent(doc, "", " ")
	c, err := Compile(context.Background(), compat.Source{Name: "s.json", FS: fstest.MapFS{"s.json": {Data: data}}, Path: "s.json"}, compat.Options{Mode: compat.Backward, Policy: compat.Strict})
	if err != nil {
		return nil
	}
	return c
}

// TestAdmitMatchesValidator: where admits decides, it agrees with jsonschema
// v6's validator, and it decides the same on both compilers' schemas of a
// document (the fast compiler's cannot be validated with v6).
func TestAdmitMatchesValidator(t *testing.T) {
	decided, checked := 0, 0
	for seed := uint64(0); seed < 600; seed++ {
		g := &gen{r: rand.New(rand.NewPCG(seed, 17))}
		doc := g.root()
		if seed%3 == 0 {
			doc = g.mutate(doc, 0).(map[string]any)
		}
		v6, fast := compileWith(t, doc, false), compileWith(t, doc, true)
		if v6 == nil || fast == nil {
			continue
		}
		av, af := admitter{side: v6.s}, admitter{side: fast.s}
		for i := 0; i < 40; i++ {
			var inst any
			if i%2 == 0 {
				inst = toJSONValue(t, g.instance(doc, doc, 0))
			} else {
				inst = toJSONValue(t, g.anyValue(0))
			}
			got, gotFast := av.admits(v6.s.root, inst), af.admits(fast.s.root, inst)
			checked++
			if got != gotFast {
				ji, _ := json.Marshal(inst)
				jd, _ := json.Marshal(doc)
				t.Fatalf("seed %d: admits %s: v6-compiled %d, fast-compiled %d\n%s", seed, ji, got, gotFast, jd)
			}
			if got == triUnknown {
				continue
			}
			decided++
			if want := triOf(valid(v6.s.root, inst) == nil); got != want {
				ji, _ := json.Marshal(inst)
				jd, _ := json.Marshal(doc)
				t.Fatalf("seed %d: admits %s = %d, validator %d\n%s", seed, ji, got, want, jd)
			}
		}
	}
	t.Logf("decided %d of %d", decided, checked)
	if decided < checked/2 {
		t.Errorf("admits decided only %d of %d", decided, checked)
	}
}
