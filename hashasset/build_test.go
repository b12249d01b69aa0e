package hashasset

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dsctl/dsctl/internal/errkind"
)

func writeTree(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for rel, content := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func copyExample(t *testing.T) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "web")
	err := filepath.WalkDir("../examples/web", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("../examples/web", p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func build(t *testing.T, opts Options) *Result {
	t.Helper()
	res, err := Build(context.Background(), opts)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return res
}

func readManifest(t *testing.T, out string) *Manifest {
	t.Helper()
	m, err := ReadManifest(filepath.Join(out, DefaultManifestName))
	if err != nil || m == nil {
		t.Fatalf("read manifest: %v", err)
	}
	return m
}

func readOut(t *testing.T, out, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func mtimes(t *testing.T, dir string) map[string]time.Time {
	t.Helper()
	m := map[string]time.Time{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			fi, _ := d.Info()
			m[p] = fi.ModTime()
		}
		return nil
	})
	return m
}

func TestBuildExample(t *testing.T) {
	src := copyExample(t)
	out := filepath.Join(t.TempDir(), "dist")
	res := build(t, Options{Src: src, Out: out, DigestedPattern: `-[0-9a-f]{12}\.digested\.`})
	m := readManifest(t, out)
	if m.Build != 1 || res.Build != 1 {
		t.Errorf("build = %d", m.Build)
	}
	site := m.Assets["css/site.css"]
	css := readOut(t, out, site.Path)
	for _, want := range []string{
		`@import "` + filepath.Base(m.Assets["css/reset.css"].Path) + `"`,
		`url(../` + m.Assets["img/bg.png"].Path + `)`,
		`url("../` + m.Assets["fonts/inter.eot"].Path + `?#iefix")`,
		`url("../` + m.Assets["img/hero.svg"].Path + `#mark")`,
		`url("../img/old-bg.png")`, // in a comment: untouched
		`sourceMappingURL=` + filepath.Base(m.Assets["css/site.css.map"].Path),
		`url(https://cdn.example.com/partner.png)`,
	} {
		if !strings.Contains(css, want) {
			t.Errorf("site.css lacks %q", want)
		}
	}
	js := readOut(t, out, m.Assets["js/app.js"].Path)
	for _, want := range []string{
		`from "./` + filepath.Base(m.Assets["js/util.js"].Path) + `"`,
		`import("./` + filepath.Base(m.Assets["js/lazy.js"].Path) + `")`,
		`new URL("../` + m.Assets["img/logo.png"].Path + `", import.meta.url)`,
		`'call import("./not-a-ref.js") to load nothing'`,
	} {
		if !strings.Contains(js, want) {
			t.Errorf("app.js lacks %q", want)
		}
	}
	if a := m.Assets["js/vendor-3f2a9c1b7d8e.digested.js"]; a.Path != "js/vendor-3f2a9c1b7d8e.digested.js" {
		t.Errorf("digested file renamed to %s", a.Path)
	}
	if a := m.Assets["index.html"]; a.Path != "index.html" {
		t.Errorf("index.html renamed to %s", a.Path)
	}
	html := readOut(t, out, "index.html")
	for _, want := range []string{`content="/` + m.Assets["img/og.png"].Path + `"`, `srcset="` + m.Assets["img/logo.png"].Path + ` 1x, ` + m.Assets["img/logo@2x.png"].Path + ` 2x"`, `href="about.html#team"`, `href="mailto:support@example.com"`} {
		if !strings.Contains(html, want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	// Every name matches its content.
	rep, err := Verify(context.Background(), out, "")
	if err != nil || !rep.OK() {
		t.Fatalf("verify: %v %+v", err, rep)
	}
	// Location independence: another folder, the same manifest.
	out2 := filepath.Join(t.TempDir(), "elsewhere")
	build(t, Options{Src: src, Out: out2, DigestedPattern: `-[0-9a-f]{12}\.digested\.`})
	if readOut(t, out, DefaultManifestName) != readOut(t, out2, DefaultManifestName) {
		t.Error("manifests differ between output folders")
	}
}

func TestIdempotentRerun(t *testing.T) {
	src := copyExample(t)
	out := filepath.Join(t.TempDir(), "dist")
	opts := Options{Src: src, Out: out, Precompress: "gzip", Plan: filepath.Join(out, "plan.json")}
	build(t, opts)
	before := mtimes(t, out)
	res := build(t, opts)
	if res.Written != 0 || res.ManifestWritten {
		t.Errorf("second run wrote %d files (manifest %v)", res.Written, res.ManifestWritten)
	}
	after := mtimes(t, out)
	if len(before) != len(after) {
		t.Fatalf("file count changed: %d -> %d", len(before), len(after))
	}
	for p, tm := range before {
		if !after[p].Equal(tm) {
			t.Errorf("%s was rewritten", p)
		}
	}
}

func TestChangedLeafRenamesReferrersAndKeepsOldBuild(t *testing.T) {
	src := copyExample(t)
	out := filepath.Join(t.TempDir(), "dist")
	build(t, Options{Src: src, Out: out})
	m1 := readManifest(t, out)
	if err := os.WriteFile(filepath.Join(src, "img", "bg.png"), []byte("a new background"), 0o644); err != nil {
		t.Fatal(err)
	}
	build(t, Options{Src: src, Out: out})
	m2 := readManifest(t, out)
	if m2.Build != 2 {
		t.Errorf("build = %d, want 2", m2.Build)
	}
	for _, k := range []string{"img/bg.png", "css/site.css"} {
		if m1.Assets[k].Path == m2.Assets[k].Path {
			t.Errorf("%s kept its name %s after bg.png changed", k, m1.Assets[k].Path)
		}
		prev := m2.Previous[k]
		if len(prev) != 1 || prev[0].Path != m1.Assets[k].Path || prev[0].Build != 1 {
			t.Errorf("previous[%s] = %+v", k, prev)
		}
		if _, err := os.Stat(filepath.Join(out, m1.Assets[k].Path)); err != nil {
			t.Errorf("first build's %s is gone: %v", k, err)
		}
	}
	if !sameAsset(m1.Assets["css/reset.css"], m2.Assets["css/reset.css"]) {
		t.Error("reset.css changed though nothing it references did")
	}
	if !sameAsset(m1.Assets["js/app.js"], m2.Assets["js/app.js"]) {
		t.Error("app.js changed though bg.png is not among its references")
	}
	rep, err := Verify(context.Background(), out, "")
	if err != nil || !rep.OK() {
		t.Fatalf("verify: %v %+v", err, rep)
	}
}

func TestCycleIsAnError(t *testing.T) {
	src := t.TempDir()
	writeTree(t, src, map[string]string{
		"a.css": `@import "b.css";`,
		"b.css": `@import "c.css";`,
		"c.css": `a { background: url(a.css) }`,
	})
	_, err := Build(context.Background(), Options{Src: src, Out: filepath.Join(t.TempDir(), "o")})
	if err == nil || !strings.Contains(err.Error(), "a.css -> b.css -> c.css -> a.css") || errkind.Of(err) != errkind.Input {
		t.Fatalf("err = %v", err)
	}
}

func TestMissingTargets(t *testing.T) {
	src := t.TempDir()
	writeTree(t, src, map[string]string{
		"index.html": `<a href="/about">route</a><img src="missing.png"><script type=module>import x from "lodash"</script>`,
		"a.css":      `a { background: url(nope.png) }`,
	})
	res := build(t, Options{Src: src, Out: filepath.Join(t.TempDir(), "o")})
	if len(res.Warnings) != 2 || !strings.Contains(res.Warnings[0], `a.css:1:21: "nope.png"`) || !strings.Contains(res.Warnings[1], `index.html:1:37: "missing.png"`) {
		t.Errorf("warnings = %q", res.Warnings)
	}
	out := filepath.Join(t.TempDir(), "o")
	_, err := Build(context.Background(), Options{Src: src, Out: out, Strict: true})
	if err == nil || errkind.Of(err) != errkind.Input || !strings.Contains(err.Error(), "--strict") {
		t.Fatalf("strict: err = %v", err)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("strict failure left an output folder")
	}
}

func TestBadInput(t *testing.T) {
	t.Run("symlink out of source", func(t *testing.T) {
		src := t.TempDir()
		outside := filepath.Join(t.TempDir(), "secret.txt")
		writeTree(t, src, map[string]string{"a.css": "a{}"})
		os.WriteFile(outside, []byte("secret"), 0o644)
		if err := os.Symlink(outside, filepath.Join(src, "secret.txt")); err != nil {
			t.Skip(err)
		}
		_, err := Build(context.Background(), Options{Src: src, Out: filepath.Join(t.TempDir(), "o")})
		if err == nil || !strings.Contains(err.Error(), "symlink points outside") || errkind.Of(err) != errkind.Input {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("symlink inside source is followed", func(t *testing.T) {
		src := t.TempDir()
		writeTree(t, src, map[string]string{"img/a.png": "png"})
		if err := os.Symlink("img/a.png", filepath.Join(src, "alias.png")); err != nil {
			t.Skip(err)
		}
		out := filepath.Join(t.TempDir(), "o")
		build(t, Options{Src: src, Out: out})
		if readOut(t, out, readManifest(t, out).Assets["alias.png"].Path) != "png" {
			t.Error("symlinked content not copied")
		}
	})
	t.Run("output inside source", func(t *testing.T) {
		src := t.TempDir()
		writeTree(t, src, map[string]string{"a.css": "a{}"})
		_, err := Build(context.Background(), Options{Src: src, Out: filepath.Join(src, "public")})
		if err == nil || !strings.Contains(err.Error(), "inside the source folder") {
			t.Fatalf("err = %v", err)
		}
		// Excluded, it is fine, and never read back as a source.
		build(t, Options{Src: src, Out: filepath.Join(src, "public"), Exclude: []string{"public/**"}})
		res := build(t, Options{Src: src, Out: filepath.Join(src, "public"), Exclude: []string{"public/**"}})
		if res.Files != 1 || res.Written != 0 {
			t.Errorf("files = %d, written = %d", res.Files, res.Written)
		}
	})
	t.Run("odd names", func(t *testing.T) {
		src := t.TempDir()
		writeTree(t, src, map[string]string{"img/my logo é.png": "png", "a.css": `a{b:url("img/my%20logo%20%C3%A9.png")} c{d:url('img/my logo é.png')}`})
		out := filepath.Join(t.TempDir(), "o")
		build(t, Options{Src: src, Out: out})
		m := readManifest(t, out)
		hashed := m.Assets["img/my logo é.png"].Path
		css := readOut(t, out, m.Assets["a.css"].Path)
		h := hashInName("img/my logo é.png", hashed)
		if !strings.Contains(css, "img/my%20logo%20%C3%A9-"+h+".png") || !strings.Contains(css, "img/my logo é-"+h+".png") {
			t.Errorf("css = %s", css)
		}
		bad := t.TempDir()
		writeTree(t, bad, map[string]string{"new\nline.png": "x"})
		_, err := Build(context.Background(), Options{Src: bad, Out: filepath.Join(t.TempDir(), "o")})
		if err == nil || errkind.Of(err) != errkind.Input || !strings.Contains(err.Error(), "control character") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("not a regular file", func(t *testing.T) {
		src := t.TempDir()
		if err := syscall.Mkfifo(filepath.Join(src, "pipe.js"), 0o644); err != nil {
			t.Skip(err)
		}
		_, err := Build(context.Background(), Options{Src: src, Out: filepath.Join(t.TempDir(), "o")})
		if err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("unreadable file", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root reads anything")
		}
		src := t.TempDir()
		writeTree(t, src, map[string]string{"a.css": "a{}"})
		os.Chmod(filepath.Join(src, "a.css"), 0)
		_, err := Build(context.Background(), Options{Src: src, Out: filepath.Join(t.TempDir(), "o")})
		if err == nil || !strings.Contains(err.Error(), "unreadable") || errkind.Of(err) != errkind.Input {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("file vanishes during the run", func(t *testing.T) {
		for _, name := range []string{"img/a.png", "a.css"} {
			src := t.TempDir()
			writeTree(t, src, map[string]string{"img/a.png": "png", "a.css": "a{}"})
			out := filepath.Join(t.TempDir(), "o")
			_, err := Build(context.Background(), Options{Src: src, Out: out, afterWalk: func() {
				os.Remove(filepath.Join(src, filepath.FromSlash(name)))
			}})
			if err == nil || !strings.Contains(err.Error(), "disappeared during the run") || errkind.Of(err) != errkind.Input {
				t.Fatalf("%s: err = %v", name, err)
			}
			if _, err := os.Stat(filepath.Join(out, DefaultManifestName)); err == nil {
				t.Errorf("%s: a manifest was written", name)
			}
		}
	})
	t.Run("malformed previous manifest", func(t *testing.T) {
		src := t.TempDir()
		writeTree(t, src, map[string]string{"a.css": "a{}"})
		out := t.TempDir()
		bad := "{\n  \"version\": 1,\n  \"assets\": [\n"
		writeTree(t, out, map[string]string{DefaultManifestName: bad})
		_, err := Build(context.Background(), Options{Src: src, Out: out})
		if err == nil || errkind.Of(err) != errkind.Input || !strings.Contains(err.Error(), DefaultManifestName+":4:1: malformed manifest") {
			t.Fatalf("err = %v", err)
		}
		if readOut(t, out, DefaultManifestName) != bad {
			t.Error("manifest overwritten")
		}
		entries, _ := os.ReadDir(out)
		if len(entries) != 1 {
			t.Errorf("output has %d entries, want only the old manifest", len(entries))
		}
		writeTree(t, out, map[string]string{DefaultManifestName: `{"version":1,"algorithm":"sha256","build":1,"assets":{},"previous":{"x":[{"path":"../../etc/passwd","build":1}]}}`})
		if _, err := Build(context.Background(), Options{Src: src, Out: out}); err == nil || !strings.Contains(err.Error(), "unsafe path") {
			t.Fatalf("unsafe path: err = %v", err)
		}
	})
}

func TestRetention(t *testing.T) {
	src := t.TempDir()
	out := filepath.Join(t.TempDir(), "dist")
	var paths []string
	for i := 0; i < 4; i++ {
		writeTree(t, src, map[string]string{"img/a.png": strings.Repeat("v", i+1), "b.txt": "stable"})
		build(t, Options{Src: src, Out: out})
		paths = append(paths, readManifest(t, out).Assets["img/a.png"].Path)
	}
	m := readManifest(t, out)
	if m.Build != 4 || len(m.Previous["img/a.png"]) != 3 {
		t.Fatalf("build %d, previous %+v", m.Build, m.Previous)
	}
	// Ages: every file is fresh; with --keep-age 1h nothing goes.
	removed, err := Clean(CleanOptions{Dir: out, Keep: 1, KeepAge: time.Hour})
	if err != nil || len(removed) != 0 {
		t.Fatalf("clean with age: %v %v", removed, err)
	}
	// In two hours, only the newest previous version stays.
	removed, err = Clean(CleanOptions{Dir: out, Keep: 1, KeepAge: time.Hour, Now: func() time.Time { return time.Now().Add(2 * time.Hour) }})
	if err != nil || strings.Join(removed, ",") != paths[0]+","+paths[1] && strings.Join(removed, ",") != paths[1]+","+paths[0] {
		t.Fatalf("removed %v, want %s and %s (%v)", removed, paths[0], paths[1], err)
	}
	for i, p := range paths {
		_, err := os.Stat(filepath.Join(out, p))
		if gone := err != nil; gone != (i < 2) {
			t.Errorf("%s: gone = %v", p, gone)
		}
	}
	m = readManifest(t, out)
	if len(m.Previous["img/a.png"]) != 1 || m.Previous["img/a.png"][0].Path != paths[2] {
		t.Errorf("previous = %+v", m.Previous)
	}
	// --keep 0 on a build removes every older version but never the current one.
	res, err := Build(context.Background(), Options{Src: src, Out: out, Retain: &Retention{Keep: 0}, Now: func() time.Time { return time.Now().Add(2 * time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Pruned) != 1 || res.Pruned[0] != paths[2] {
		t.Errorf("pruned %v", res.Pruned)
	}
	if _, err := os.Stat(filepath.Join(out, paths[3])); err != nil {
		t.Error("current file removed")
	}
	if rep, err := Verify(context.Background(), out, ""); err != nil || !rep.OK() {
		t.Errorf("verify after prune: %v %+v", err, rep)
	}
}

func TestPrecompressAndPlan(t *testing.T) {
	src := copyExample(t)
	out := filepath.Join(t.TempDir(), "dist")
	plan := filepath.Join(t.TempDir(), "plan.json")
	build(t, Options{Src: src, Out: out, Precompress: "gzip", Plan: plan})
	m := readManifest(t, out)
	css := m.Assets["css/site.css"].Path
	gz, err := os.ReadFile(filepath.Join(out, css+".gz"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(gz[4:8], []byte{0, 0, 0, 0}) {
		t.Error("gzip header carries a modification time")
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if string(plain) != readOut(t, out, css) {
		t.Error(".gz does not decompress to the asset")
	}
	if _, err := os.Stat(filepath.Join(out, m.Assets["img/logo.png"].Path+".gz")); err == nil {
		t.Error("a binary was precompressed")
	}
	if rep, err := Verify(context.Background(), out, ""); err != nil || !rep.OK() {
		t.Fatalf("verify: %v %+v", err, rep)
	}
	// A .gz that does not match its asset is a mismatch.
	if err := os.WriteFile(filepath.Join(out, css+".gz"), gzipOf(t, "tampered"), 0o644); err != nil {
		t.Fatal(err)
	}
	if rep, err := Verify(context.Background(), out, ""); err != nil || len(rep.Mismatches) != 1 || rep.Mismatches[0].Path != css+".gz" {
		t.Fatalf("verify after tampering the .gz: %v %+v", err, rep)
	}
	var p Plan
	data, _ := os.ReadFile(plan)
	if err := json.Unmarshal(data, &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Delete) != 0 {
		t.Error("plan deletes")
	}
	phase := 0 // 0 hashed, 1 pages, 2 manifest
	for _, u := range p.Uploads {
		var ph int
		switch u.CacheControl {
		case CacheImmutable:
			ph = 0
		case CacheShort:
			ph = 1
			if !strings.HasSuffix(strings.TrimSuffix(u.Path, ".gz"), ".html") {
				t.Errorf("%s uploaded with a short max-age", u.Path)
			}
		case CacheManifest:
			ph = 2
			if u.Path != DefaultManifestName {
				t.Errorf("manifest upload %s", u.Path)
			}
		}
		if ph < phase {
			t.Errorf("%s out of order", u.Path)
		}
		phase = ph
	}
	if phase != 2 || p.Uploads[len(p.Uploads)-1].Path != DefaultManifestName {
		t.Error("manifest is not uploaded last")
	}
}

func TestVerifyCatchesTampering(t *testing.T) {
	src := copyExample(t)
	out := filepath.Join(t.TempDir(), "dist")
	build(t, Options{Src: src, Out: out})
	m := readManifest(t, out)
	js := m.Assets["js/util.js"].Path
	f, _ := os.OpenFile(filepath.Join(out, js), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("\nalert(1)")
	f.Close()
	os.Remove(filepath.Join(out, m.Assets["img/og.png"].Path))
	rep, err := Verify(context.Background(), out, "")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, mm := range rep.Mismatches {
		got = append(got, mm.Path+": "+mm.Problem)
	}
	if len(got) != 3 || !strings.Contains(strings.Join(got, "\n"), js+": size") || !strings.Contains(strings.Join(got, "\n"), "does not match the name") || !strings.Contains(strings.Join(got, "\n"), "missing") {
		t.Errorf("mismatches = %q", got)
	}
}

func TestPrefixAndDryRun(t *testing.T) {
	src := copyExample(t)
	out := filepath.Join(t.TempDir(), "dist")
	res := build(t, Options{Src: src, Out: out, Prefix: "https://cdn.example.com/assets/", DryRun: true})
	if _, err := os.Stat(out); err == nil {
		t.Fatal("dry run wrote files")
	}
	if res.Written != 0 || res.ManifestWritten || len(res.Pruned) != 0 {
		t.Errorf("dry run reports written %d, manifest %v, pruned %v: nothing was", res.Written, res.ManifestWritten, res.Pruned)
	}
	if res.WouldDo == nil || res.WouldWrite != res.Files || !res.ManifestWouldChange {
		t.Errorf("dry run: would do %+v, want %d files and the manifest", res.WouldDo, res.Files)
	}
	build(t, Options{Src: src, Out: out, Prefix: "https://cdn.example.com/assets/"})
	m := readManifest(t, out)
	html := readOut(t, out, "index.html")
	if !strings.Contains(html, `href="https://cdn.example.com/assets/`+m.Assets["css/site.css"].Path+`"`) {
		t.Errorf("index.html: %s", html)
	}
	if !strings.Contains(html, `href="about.html#team"`) {
		t.Error("a link to a page got the CDN prefix")
	}
	if !strings.Contains(html, `src="https://cdn.example.com/assets/js/vendor-3f2a9c1b7d8e.digested.js"`) {
		t.Error("a digested file did not get the CDN prefix")
	}
}

func TestSourceMapFileField(t *testing.T) {
	src := t.TempDir()
	writeTree(t, src, map[string]string{
		// A hidden map (no file names it) whose name sorts before its file.
		"a.map": `{"version":3,"file":"z.js","mappings":""}`,
		"z.js":  "export const z = 1;\n",
		// A map named by its file: "file" stays (else a cycle).
		"m.js":     "export {};\n//# sourceMappingURL=m.js.map\n",
		"m.js.map": `{"version":3,"file":"m.js","mappings":""}`,
	})
	out := filepath.Join(t.TempDir(), "o")
	build(t, Options{Src: src, Out: out})
	m := readManifest(t, out)
	if got := readOut(t, out, m.Assets["a.map"].Path); !strings.Contains(got, `"file":"`+m.Assets["z.js"].Path+`"`) {
		t.Errorf("a.map = %s", got)
	}
	if got := readOut(t, out, m.Assets["m.js.map"].Path); !strings.Contains(got, `"file":"m.js"`) {
		t.Errorf("m.js.map = %s", got)
	}
	if got := readOut(t, out, m.Assets["m.js"].Path); !strings.Contains(got, "sourceMappingURL="+m.Assets["m.js.map"].Path) {
		t.Errorf("m.js = %s", got)
	}
}

// TestGolden builds testdata/site and compares every output file, the
// manifest included, with testdata/golden. DSCTL_UPDATE=1 rewrites the goldens.
func TestGolden(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	build(t, Options{Src: "testdata/site", Out: out, Plan: filepath.Join(out, "plan.json")})
	golden := "testdata/golden"
	if os.Getenv("DSCTL_UPDATE") == "1" {
		os.RemoveAll(golden)
		if err := os.CopyFS(golden, os.DirFS(out)); err != nil {
			t.Fatal(err)
		}
	}
	list := func(root string) []string {
		var files []string
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				rel, _ := filepath.Rel(root, p)
				files = append(files, filepath.ToSlash(rel))
			}
			return nil
		})
		return files
	}
	got, want := list(out), list(golden)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("output files:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, rel := range got {
		if readOut(t, out, rel) != readOut(t, golden, rel) {
			t.Errorf("%s differs from the golden file (DSCTL_UPDATE=1 to refresh)", rel)
		}
	}
}

func gzipOf(t *testing.T, s string) []byte {
	t.Helper()
	b, err := gzipBytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
