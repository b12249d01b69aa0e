package openapi

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/dsctl/dsctl/compat"
)

// BenchmarkMediumPair runs the engine on a real pair of documents when
// DSCTL_BENCH_OLD and DSCTL_BENCH_NEW name them (skipped otherwise), with
// validation problems as warnings as compat check has them; for profiles
// (docs/bench-openapi.md): go test ./compat/openapi -run '^$' -bench
// MediumPair -cpuprofile cpu.out -memprofile mem.out.
func BenchmarkMediumPair(b *testing.B) {
	oldPath, newPath := os.Getenv("DSCTL_BENCH_OLD"), os.Getenv("DSCTL_BENCH_NEW")
	if oldPath == "" || newPath == "" {
		b.Skip("set DSCTL_BENCH_OLD and DSCTL_BENCH_NEW to run")
	}
	src := func(p string) compat.Source {
		return compat.Source{Name: p, FS: os.DirFS(filepath.Dir(p)), Path: filepath.Base(p)}
	}
	var res *result
	for b.Loop() {
		var err error
		res, err = Engine{}.run(context.Background(), src(oldPath), src(newPath), compat.Options{Mode: compat.Backward, SpecWarning: func(error) {}})
		if err != nil {
			b.Fatal(err)
		}
	}
	for _, s := range res.stages {
		b.Logf("last run: stage %-14s %v", s.name, s.dur)
	}
}
