package jsonschema

import (
	"context"
	"testing/fstest"

	"github.com/dsctl/dsctl/compat"
	"testing"
)

// The phase benchmarks split the load of one side of BenchmarkDiff1MB
// (the old 1.5 MB schema, draft 2020-12) into its steps.

func BenchmarkPhase1MBParse(b *testing.B) {
	data := bigSchema(1<<20, 0)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := parseUncached(true, data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPhase1MBMetaV6(b *testing.B) {
	pd, err := parseNamed("big.json", bigSchema(1<<20, 0))
	if err != nil {
		b.Fatal(err)
	}
	meta, err := metaschema(metaURLs[2020])
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := meta.Validate(pd.value); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPhase1MBFastCompile(b *testing.B) {
	pd, err := parseNamed("big.json", bigSchema(1<<20, 0))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := fastCompile(fsURLPrefix+"big.json", pd.value, 2020); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPhase1MBCompare(b *testing.B) {
	ctx := context.Background()
	opts := compat.Options{Mode: compat.Backward}
	o, err := Compile(ctx, compat.Source{Name: "big.json", FS: fstest.MapFS{"big.json": {Data: bigSchema(1<<20, 0)}}, Path: "big.json"}, opts)
	if err != nil {
		b.Fatal(err)
	}
	n, err := Compile(ctx, compat.Source{Name: "big.json", FS: fstest.MapFS{"big.json": {Data: bigSchema(1<<20, 1)}}, Path: "big.json"}, opts)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if len(DiffCompiled(o, n, opts)) == 0 {
			b.Fatal("no changes")
		}
	}
}

func BenchmarkPhase1MBMetaCheck(b *testing.B) {
	pd, err := parseNamed("big.json", bigSchema(1<<20, 0))
	if err != nil {
		b.Fatal(err)
	}
	meta, err := metaschema(metaURLs[2020])
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if ok, sure := metaCheck(meta, pd.value); !ok || !sure {
			b.Fatalf("metaCheck = %v, %v", ok, sure)
		}
	}
}
