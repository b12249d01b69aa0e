package hashasset

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestPrecompressBrotliZstd: --precompress gzip,br,zstd writes each copy
// where it is smaller, lists it in the manifest and the plan, makes the same
// bytes on every run, and verify checks that each decompresses to the file.
func TestPrecompressBrotliZstd(t *testing.T) {
	files := map[string]string{
		"index.html": `<link href="app.css">` + strings.Repeat("<p>hello, compressible world</p>\n", 40),
		"app.css":    strings.Repeat("a { color: red; background: url(img.png) }\n", 50),
		"tiny.js":    "x()",
		"img.png":    "not text",
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	writeTree(t, src, files)
	var outs []string
	for i := range 2 {
		out := filepath.Join(dir, "out"+string(rune('a'+i)))
		plan := filepath.Join(dir, "plan.json")
		build(t, Options{Src: src, Out: out, Precompress: "zstd,gzip,br", Plan: plan})
		outs = append(outs, out)
		m := readManifest(t, out)
		for _, rel := range []string{"index.html", "app.css"} {
			a := m.Assets[rel]
			if !slices.Equal(a.Encodings, []string{"br", "gzip", "zstd"}) {
				t.Fatalf("%s: encodings %v", rel, a.Encodings)
			}
			for _, suf := range []string{".br", ".gz", ".zst"} {
				z, err := os.ReadFile(filepath.Join(out, a.Path+suf))
				if err != nil || len(z) >= int(a.Size) {
					t.Fatalf("%s%s: %v (%d bytes of %d)", a.Path, suf, err, len(z), a.Size)
				}
			}
		}
		// Not smaller: no file, not listed; not text: not compressed.
		for _, rel := range []string{"tiny.js", "img.png"} {
			a := m.Assets[rel]
			if len(a.Encodings) != 0 {
				t.Errorf("%s: encodings %v", rel, a.Encodings)
			}
			for _, suf := range []string{".br", ".gz", ".zst"} {
				if _, err := os.Stat(filepath.Join(out, a.Path+suf)); err == nil {
					t.Errorf("%s%s written", a.Path, suf)
				}
			}
		}
		pb, _ := os.ReadFile(plan)
		var p Plan
		if err := json.Unmarshal(pb, &p); err != nil {
			t.Fatal(err)
		}
		enc := map[string]string{}
		for _, u := range p.Uploads {
			enc[u.Path] = u.ContentEncoding
		}
		css := m.Assets["app.css"].Path
		if enc[css+".br"] != "br" || enc[css+".gz"] != "gzip" || enc[css+".zst"] != "zstd" || enc["index.html.br"] != "br" {
			t.Errorf("plan encodings: %v", enc)
		}
		if rep, err := Verify(context.Background(), out, ""); err != nil || !rep.OK() {
			t.Fatalf("verify: %v %+v", err, rep)
		}
	}
	for _, f := range listFiles(t, outs[0]) {
		a, _ := os.ReadFile(filepath.Join(outs[0], f))
		b, _ := os.ReadFile(filepath.Join(outs[1], f))
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two runs", f)
		}
	}
	// A tampered brotli copy, and a listed copy that is gone.
	m := readManifest(t, outs[0])
	css := m.Assets["app.css"].Path
	br, _ := brotliBytes([]byte("other bytes"))
	os.WriteFile(filepath.Join(outs[0], css+".br"), br, 0o644)
	os.Remove(filepath.Join(outs[0], css+".zst"))
	rep, err := Verify(context.Background(), outs[0], "")
	if err != nil || len(rep.Mismatches) != 2 || rep.Mismatches[0].Path != css+".br" || rep.Mismatches[1].Path != css+".zst" {
		t.Fatalf("verify of a tampered copy: %v %+v", err, rep)
	}
	if _, err := Build(context.Background(), Options{Src: src, Out: outs[0], Precompress: "gzip,lzma"}); err == nil || !strings.Contains(err.Error(), "gzip, br and zstd") {
		t.Errorf("unknown encoding: %v", err)
	}
}
