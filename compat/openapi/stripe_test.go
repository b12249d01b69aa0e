package openapi

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/dsctl/dsctl/compat"
)

// TestStripe runs the engine on a real pair of large specs when
// DSCTL_STRIPE_OLD and DSCTL_STRIPE_NEW name them (bench/openapi-stripe.sh
// sets them); it is skipped otherwise, so `make test` never runs it.
func TestStripe(t *testing.T) {
	oldPath, newPath := os.Getenv("DSCTL_STRIPE_OLD"), os.Getenv("DSCTL_STRIPE_NEW")
	if oldPath == "" || newPath == "" {
		t.Skip("set DSCTL_STRIPE_OLD and DSCTL_STRIPE_NEW to run")
	}
	src := func(p string) compat.Source {
		return compat.Source{Name: p, FS: os.DirFS(filepath.Dir(p)), Path: filepath.Base(p)}
	}
	res, err := Engine{}.run(context.Background(), src(oldPath), src(newPath), compat.Options{Mode: compat.Backward})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range res.stages {
		t.Logf("stage %-14s %v", s.name, s.dur)
	}
	byImpact := map[compat.Impact]int{}
	ops := 0
	for _, c := range res.changes {
		byImpact[c.Impact]++
		ops += len(c.Operations)
	}
	t.Logf("check parts (A, rounds): %v", res.dedupe.parts)
	t.Logf("dedupe: %d rounds, %d of %d response slots checked, %d findings checked", res.dedupe.rounds, res.dedupe.reps, res.dedupe.total, res.checked)
	if os.Getenv("DSCTL_STRIPE_COMPARE") != "" {
		// The plain check (each shared response schema walked per operation,
		// as oasdiff's CLI does) must give the same grouped changes.
		plainCheck = true
		plain, err := Engine{}.run(context.Background(), src(oldPath), src(newPath), compat.Options{Mode: compat.Backward})
		plainCheck = false
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range plain.stages {
			t.Logf("plain stage %-14s %v", s.name, s.dur)
		}
		p, q := triples(plain.changes), triples(res.changes)
		if len(p) != len(q) {
			t.Errorf("plain check: %d (id, location, operation) triples, deduplicated: %d", len(p), len(q))
		}
		for i := range min(len(p), len(q)) {
			if p[i] != q[i] {
				t.Errorf("first difference: plain %q, deduplicated %q", p[i], q[i])
				break
			}
		}
		if plain.findings != res.findings {
			t.Errorf("findings: plain %d, deduplicated %d", plain.findings, res.findings)
		}
		t.Logf("plain and deduplicated agree on %d triples", len(q))
	}
	t.Logf("findings %d, changes %d (major %d, minor %d, patch %d), operation references %d, bump %s",
		res.findings, len(res.changes), byImpact[compat.Major], byImpact[compat.Minor], byImpact[compat.Patch], ops, compat.RequiredBump(res.changes))
}
