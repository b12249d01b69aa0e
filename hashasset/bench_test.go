package hashasset

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkHashFile measures pass 1 of an opaque file (sha256 + sha384 of
// 8 MiB) through the same code path Build uses.
func BenchmarkHashFile(b *testing.B) {
	dir := b.TempDir()
	src := filepath.Join(dir, "src")
	if err := os.MkdirAll(src, 0o755); err != nil {
		b.Fatal(err)
	}
	data := bytes.Repeat([]byte("dsctl benchmark data "), 8<<20/21)
	if err := os.WriteFile(filepath.Join(src, "big.bin"), data, 0o644); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Build(context.Background(), Options{Src: src, Out: filepath.Join(dir, "out"), DryRun: true}); err != nil {
			b.Fatal(err)
		}
	}
}

func benchScan(b *testing.B, kind Kind, src []byte) {
	b.SetBytes(int64(len(src)))
	for i := 0; i < b.N; i++ {
		refs := Scan(kind, src)
		Apply(src, refs, func(r Ref) (string, bool) { return r.Raw(src) + "x", true })
	}
}

func BenchmarkRewriteCSS(b *testing.B) {
	var s strings.Builder
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(&s, "/* rule %d */ .a%d { background: url(\"../img/a%d.png\") no-repeat; color: #fff }\n", i, i, i)
	}
	benchScan(b, KindCSS, []byte(s.String()))
}

func BenchmarkRewriteJS(b *testing.B) {
	var s strings.Builder
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(&s, "import { f%d } from \"./m%d.js\"; // comment %d\nconst r%d = /ab+c/g, t%d = `x ${f%d(1 / 2)} y`;\n", i, i, i, i, i, i)
	}
	benchScan(b, KindJS, []byte(s.String()))
}

func BenchmarkRewriteHTML(b *testing.B) {
	var s strings.Builder
	s.WriteString("<!doctype html><html><head><link rel=stylesheet href=\"css/a.css\"></head><body>\n")
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(&s, "<p class=x>text %d <img src=\"img/a%d.png\" srcset=\"img/a%d.png 1x, img/b%d.png 2x\" alt=\"\"></p>\n", i, i, i, i)
	}
	benchScan(b, KindHTML, []byte(s.String()))
}

func BenchmarkRewriteSourceMap(b *testing.B) {
	src := []byte(`{"version":3,"file":"app.js","sources":["a.ts"],"names":[],"mappings":"` + strings.Repeat("AAAA;", 100000) + `"}`)
	benchScan(b, KindSourceMap, src)
}

// BenchmarkRewriteSite rewrites a 70-file HTML/CSS site that references
// 2,020 assets against their hashed names, as Build does.
func BenchmarkRewriteSite(b *testing.B) {
	dir := b.TempDir()
	src := filepath.Join(dir, "src")
	write := func(rel, s string) {
		p := filepath.Join(src, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	pages := make([]strings.Builder, 35)
	sheets := make([]strings.Builder, 35)
	for k := 0; k < 2020; k++ {
		rel := fmt.Sprintf("assets/d%02d/f%04d.png", k%20, k)
		write(rel, rel)
		if s := k % 70; s < 35 {
			fmt.Fprintf(&pages[s], "<img src=\"%s\" alt=\"\">\n", rel)
		} else {
			fmt.Fprintf(&sheets[s-35], ".a%d { background: url(\"../%s\") }\n", k, rel)
		}
	}
	for i := 0; i < 35; i++ {
		write(fmt.Sprintf("page%d.html", i), fmt.Sprintf("<!doctype html><link rel=stylesheet href=\"css/s%d.css\">\n%s", i, pages[i].String()))
		write(fmt.Sprintf("css/s%d.css", i), sheets[i].String())
	}
	bl, err := newBuilder(Options{Src: src, Out: filepath.Join(dir, "out"), DryRun: true})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := bl.run(context.Background()); err != nil {
		b.Fatal(err)
	}
	var site []*file
	for _, f := range bl.files {
		if f.kind != KindOpaque {
			site = append(site, f)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, f := range site {
			if err := bl.rewriteOne(f); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(site)), "files")
}

// BenchmarkCopyLarge measures a first build of one 32 MiB file: both digests
// and the copy in one pass, through direct I/O or the page cache, with each
// integrity algorithm. Every iteration writes into a fresh output folder.
func BenchmarkCopyLarge(b *testing.B) {
	dir := b.TempDir()
	src := filepath.Join(dir, "src")
	if err := os.MkdirAll(src, 0o755); err != nil {
		b.Fatal(err)
	}
	data := bytes.Repeat([]byte("dsctl benchmark data "), 32<<20/21)
	if err := os.WriteFile(filepath.Join(src, "big.mp4"), data, 0o644); err != nil {
		b.Fatal(err)
	}
	for _, integrity := range []string{"sha384", "sha256"} {
		b.Run(integrity, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for i := 0; i < b.N; i++ {
				out := filepath.Join(dir, fmt.Sprintf("out-%s-%d", integrity, i))
				if _, err := Build(context.Background(), Options{Src: src, Out: out, Integrity: integrity, NoSync: true}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkHashManyLarge measures a dry run over sixteen 8 MiB files.
func BenchmarkHashManyLarge(b *testing.B) {
	dir := b.TempDir()
	src := filepath.Join(dir, "src")
	if err := os.MkdirAll(src, 0o755); err != nil {
		b.Fatal(err)
	}
	const n, size = 16, 8 << 20
	for i := range n {
		data := bytes.Repeat([]byte(fmt.Sprintf("dsctl benchmark file %02d ", i)), size/24)
		if err := os.WriteFile(filepath.Join(src, fmt.Sprintf("f%02d.bin", i)), data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(n * (size / 24) * 24)
	for b.Loop() {
		if _, err := Build(context.Background(), Options{Src: src, Out: filepath.Join(dir, "out"), DryRun: true}); err != nil {
			b.Fatal(err)
		}
	}
}
