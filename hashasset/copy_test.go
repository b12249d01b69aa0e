package hashasset

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sizes around the boundaries of the copy: one buffer (copyBufSize) or
// several, blocks of the digests.
var copySizes = []int{
	0, 1, 63, 64, 65, 127, 128, 129, 4096,
	copyBufSize - 1, copyBufSize, copyBufSize + 1,
	copyBufSize*3 + 123, copyBufSize * 4,
}

func writeSized(t *testing.T, src string, seed uint64) map[string][]byte {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 7))
	files := map[string][]byte{}
	for i, n := range copySizes {
		b := make([]byte, n)
		for j := range b {
			b[j] = byte(r.UintN(256))
		}
		rel := filepath.ToSlash(filepath.Join("d"+string(rune('a'+i%3)), "f"+strings.Repeat("x", i)+".bin"))
		files[rel] = b
	}
	files["bundle-0123456789abcdef.digested.js.map"] = bytes.Repeat([]byte("{}"), copyBufSize)
	for rel, b := range files {
		p := filepath.Join(src, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return files
}

func sriOf(alg string, b []byte) string {
	switch alg {
	case "sha256":
		s := sha256.Sum256(b)
		return "sha256-" + base64.StdEncoding.EncodeToString(s[:])
	case "sha512":
		s := sha512.Sum512(b)
		return "sha512-" + base64.StdEncoding.EncodeToString(s[:])
	}
	s := sha512.Sum384(b)
	return "sha384-" + base64.StdEncoding.EncodeToString(s[:])
}

// checkOut checks every copy byte for byte, its manifest entry, and that no
// temp file is left.
func checkOut(t *testing.T, out string, files map[string][]byte, alg string) {
	t.Helper()
	m := readManifest(t, out)
	for rel, want := range files {
		a, ok := m.Assets[rel]
		if !ok {
			t.Fatalf("%s: not in the manifest", rel)
		}
		got, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(a.Path)))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("%s (%d bytes): copy differs (%d bytes)", rel, len(want), len(got))
		}
		s := sha256.Sum256(want)
		if a.SHA256 != hex.EncodeToString(s[:]) || a.Size != int64(len(want)) {
			t.Fatalf("%s: manifest sha256/size wrong: %+v", rel, a)
		}
		if w := sriOf(alg, want); a.Integrity != w {
			t.Fatalf("%s: integrity %s, want %s", rel, a.Integrity, w)
		}
	}
	filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.Contains(d.Name(), ".tmp-") {
			t.Errorf("temp file left: %s", p)
		}
		return nil
	})
	rep, err := Verify(context.Background(), out, "")
	if err != nil || len(rep.Mismatches) != 0 {
		t.Fatalf("verify: %v %+v", err, rep)
	}
}

// TestCopyPaths runs the copy with each integrity algorithm and one or
// several workers over files of every boundary size, then a rerun (nothing
// written) and a same-size change (the second pass).
func TestCopyPaths(t *testing.T) {
	type mode struct {
		name    string
		workers int
		alg     string
	}
	modes := []mode{
		{name: "default", workers: 2},
		{name: "one-worker", workers: 1},
		{name: "sha256", workers: 2, alg: "sha256"},
		{name: "sha512", workers: 3, alg: "sha512"},
	}
	for _, md := range modes {
		t.Run(md.name, func(t *testing.T) {
			dir := t.TempDir()
			src, out := filepath.Join(dir, "src"), filepath.Join(dir, "out")
			files := writeSized(t, src, 1)
			opts := Options{Src: src, Out: out, Integrity: md.alg, Workers: md.workers}
			alg := md.alg
			if alg == "" {
				alg = "sha384"
			}
			res := build(t, opts)
			if res.Written != len(files) {
				t.Fatalf("wrote %d files, want %d", res.Written, len(files))
			}
			checkOut(t, out, files, alg)

			before := mtimes(t, out)
			if res := build(t, opts); res.Written != 0 || res.ManifestWritten {
				t.Fatalf("rerun wrote %d files (manifest %v)", res.Written, res.ManifestWritten)
			}
			after := mtimes(t, out)
			for p, mt := range before {
				if !after[p].Equal(mt) {
					t.Fatalf("rerun touched %s", p)
				}
			}

			// Same sizes, new bytes: the large files take the second pass.
			old := files
			files = writeSized(t, src, 2)
			changed := 0
			for rel, b := range files {
				if !bytes.Equal(b, old[rel]) {
					changed++ // all but the empty file and the digested one
				}
			}
			res = build(t, opts)
			if res.Written != changed || changed != len(files)-2 {
				t.Fatalf("changed build wrote %d files, want %d", res.Written, changed)
			}
			checkOut(t, out, files, alg)
		})
	}
}

// TestCopyToTmpfs writes to another file system (tmpfs), when there is one.
func TestCopyToTmpfs(t *testing.T) {
	if fi, err := os.Stat("/dev/shm"); err != nil || !fi.IsDir() {
		t.Skip("no /dev/shm")
	}
	dir, err := os.MkdirTemp("/dev/shm", "dsctl-test-")
	if err != nil {
		t.Skip(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	src := filepath.Join(t.TempDir(), "src")
	files := writeSized(t, src, 3)
	out := filepath.Join(dir, "out")
	build(t, Options{Src: src, Out: out})
	checkOut(t, out, files, "sha384")
}

func TestIntegrityFlag(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, filepath.Join(dir, "src"), map[string]string{"a.css": "body{}"})
	_, err := Build(context.Background(), Options{Src: filepath.Join(dir, "src"), Out: filepath.Join(dir, "out"), Integrity: "md5"})
	if err == nil || !strings.Contains(err.Error(), `--integrity "md5"`) {
		t.Fatalf("want an --integrity error, got %v", err)
	}
}
