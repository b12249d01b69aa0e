package hashasset

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The cases below were found by running hash-assets on real built sites (a
// MkDocs-material site, Font-Awesome, Semantic-UI) and by replaying
// Propshaft's test expectations; each is one build of a small tree.

func buildCase(t *testing.T, files map[string]string, opts Options) (string, *Result, *Manifest) {
	t.Helper()
	dir := t.TempDir()
	src, out := filepath.Join(dir, "src"), filepath.Join(dir, "out")
	writeTree(t, src, files)
	opts.Src, opts.Out = src, out
	res, err := Build(context.Background(), opts)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	m := readManifest(t, out)
	if rep, err := Verify(context.Background(), out, ""); err != nil || !rep.OK() {
		t.Fatalf("verify: %v %+v", err, rep)
	}
	return out, res, m
}

func hasWarning(res *Result, sub string) bool {
	for _, w := range res.Warnings {
		if strings.Contains(w, sub) {
			return true
		}
	}
	return false
}

// A sourceMappingURL whose map is not there is removed (in JS and CSS), with
// a warning, and never fails --strict: browsers would ask for a missing file.
func TestMissingSourceMapRemoved(t *testing.T) {
	out, res, m := buildCase(t, map[string]string{
		"app.js":    "console.log(1);\n//# sourceMappingURL=app.js.map\n",
		"site.css":  "a{}\n/*# sourceMappingURL=site.css.map */\n",
		"inline.js": "x()\n//# sourceMappingURL=data:application/json;base64,e30=\n",
		"cdn.js":    "x()\n//# sourceMappingURL=https://cdn.example.com/cdn.js.map\n",
	}, Options{Strict: true})
	if got := readOut(t, out, m.Assets["app.js"].Path); got != "console.log(1);\n\n" {
		t.Errorf("app.js = %q", got)
	}
	if got := readOut(t, out, m.Assets["site.css"].Path); got != "a{}\n\n" {
		t.Errorf("site.css = %q", got)
	}
	for _, keep := range []string{"inline.js", "cdn.js"} {
		if got := readOut(t, out, m.Assets[keep].Path); !strings.Contains(got, "sourceMappingURL=") {
			t.Errorf("%s: an external map reference was removed: %q", keep, got)
		}
	}
	if !hasWarning(res, `app.js:2:22: sourceMappingURL "app.js.map": no such file in the source folder; the comment is removed`) ||
		!hasWarning(res, `site.css:2:22: sourceMappingURL "site.css.map"`) || len(res.Warnings) != 2 {
		t.Errorf("warnings = %q", res.Warnings)
	}
}

// Only a trailing sourceMappingURL comment counts; one in the middle of a
// file is content (a bundle that inlines another file's text).
func TestOnlyTrailingSourceMapCounts(t *testing.T) {
	out, res, m := buildCase(t, map[string]string{
		"a.js":     "//# sourceMappingURL=gone.js.map\nx()\n//# sourceMappingURL=a.js.map\n  \n",
		"a.js.map": `{"version":3,"mappings":""}`,
		"b.css":    "/*# sourceMappingURL=gone.css.map */\na{}\n",
	}, Options{})
	got := readOut(t, out, m.Assets["a.js"].Path)
	if !strings.HasPrefix(got, "//# sourceMappingURL=gone.js.map\n") || !strings.Contains(got, "x()\n//# sourceMappingURL="+m.Assets["a.js.map"].Path) {
		t.Errorf("a.js = %q", got)
	}
	if got := readOut(t, out, m.Assets["b.css"].Path); got != "/*# sourceMappingURL=gone.css.map */\na{}\n" {
		t.Errorf("b.css = %q", got)
	}
	if len(res.Warnings) != 0 {
		t.Errorf("warnings = %q", res.Warnings)
	}
}

// A map URL already written with the prefix is the file below the prefix.
func TestPrefixedReferenceResolves(t *testing.T) {
	out, res, m := buildCase(t, map[string]string{
		"x.js":      "x()\n//# sourceMappingURL=/assets/x.js.map\n",
		"x.js.map":  `{"version":3,"mappings":""}`,
		"y.css":     "a{background:url(/assets/img/p.png)}",
		"img/p.png": "png",
	}, Options{Prefix: "/assets", Strict: true})
	if got := readOut(t, out, m.Assets["x.js"].Path); got != "x()\n//# sourceMappingURL=/assets/"+m.Assets["x.js.map"].Path+"\n" {
		t.Errorf("x.js = %q", got)
	}
	if got := readOut(t, out, m.Assets["y.css"].Path); got != "a{background:url(/assets/"+m.Assets["img/p.png"].Path+")}" {
		t.Errorf("y.css = %q", got)
	}
	if len(res.Warnings) != 0 {
		t.Errorf("warnings = %q", res.Warnings)
	}
}

// Files already digested keep their names, and so do their source maps:
// Propshaft's -[digest].digested (any extensions after it) and a bundler's
// pattern given with --digested-pattern.
func TestDigestedFilesAndTheirMapsKeepNames(t *testing.T) {
	out, _, m := buildCase(t, map[string]string{
		"app-4f8a2b9c1d.digested.js":     "x()\n//# sourceMappingURL=app-4f8a2b9c1d.digested.js.map\n",
		"app-4f8a2b9c1d.digested.js.map": `{"version":3,"file":"app-4f8a2b9c1d.digested.js","mappings":""}`,
		"x-1234567.digested.debug.css":   "a{}",
		"chunk-ABCD1234.js":              "y()\n//# sourceMappingURL=chunk-ABCD1234.js.map\n",
		"chunk-ABCD1234.js.map":          `{"version":3,"file":"chunk-ABCD1234.js","mappings":""}`,
		"page.html":                      `<script src="app-4f8a2b9c1d.digested.js"></script><script src="chunk-ABCD1234.js"></script>`,
	}, Options{DigestedPattern: `-[A-Z0-9]{8}\.js$`})
	for _, rel := range []string{"app-4f8a2b9c1d.digested.js", "app-4f8a2b9c1d.digested.js.map", "x-1234567.digested.debug.css", "chunk-ABCD1234.js", "chunk-ABCD1234.js.map"} {
		if m.Assets[rel].Path != rel {
			t.Errorf("%s renamed to %s", rel, m.Assets[rel].Path)
		}
		if _, err := os.Stat(filepath.Join(out, rel)); err != nil {
			t.Error(err)
		}
	}
}

// Folder links, as MkDocs writes them (href=".", "..", "/."), are not
// missing files.
func TestFolderLinksAreNotMissing(t *testing.T) {
	_, res, _ := buildCase(t, map[string]string{
		"index.html":     `<a href=".">home</a><a href="/.">root</a><a href="./">here</a>`,
		"sub/index.html": `<a href="..">up</a><a href="../..">out</a><a href="./.">here</a>`,
	}, Options{Strict: true})
	if len(res.Warnings) != 0 {
		t.Errorf("warnings = %q", res.Warnings)
	}
}

// Renamed files still named by their old names where no rewriter looks (a
// JSON config in a page, new URL(x, base), importScripts templates) are
// warnings with file:line; --keep-original writes them under their old
// names too, and then says nothing.
func TestOldNamesWarnedAndKeptOriginal(t *testing.T) {
	files := map[string]string{
		"index.html": "<html>\n<script id=\"__config\" type=\"application/json\">{\"base\": \".\", \"search\": \"assets/workers/search.js\"}</script>\n" +
			"<img src=\"img/logo.png\">\n<p>logo.png in prose and console.log are not file names here</p>\n",
		"sub/page.html":            "<script>\nconst u = new URL(\"search/search_index.json\", base)\n</script>\n",
		"assets/workers/search.js": "importScripts(`${base}/../lunr.js`)\n",
		"lunr.js":                  "x()\n",
		"search/search_index.json": "{}",
		"img/logo.png":             "png",
	}
	_, res, _ := buildCase(t, files, Options{})
	want := []string{
		`index.html:2: "assets/workers/search.js" names assets/workers/search.js by its old name`,
		`sub/page.html:2: "search/search_index.json" names search/search_index.json by its old name`,
	}
	for _, w := range want {
		if !hasWarning(res, w) {
			t.Errorf("no warning %q in %q", w, res.Warnings)
		}
	}
	if len(res.Warnings) != len(want) {
		t.Errorf("warnings = %q", res.Warnings)
	}

	out, res, m := buildCase(t, files, Options{KeepOriginal: []string{"search/**", "assets/workers/*.js"}})
	if len(res.Warnings) != 0 {
		t.Errorf("warnings with --keep-original = %q", res.Warnings)
	}
	for _, rel := range []string{"search/search_index.json", "assets/workers/search.js"} {
		if m.Assets[rel].Path == rel {
			t.Fatalf("%s not renamed", rel)
		}
		if readOut(t, out, rel) != readOut(t, out, m.Assets[rel].Path) {
			t.Errorf("%s: the copy under the original name differs", rel)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "img/logo.png")); err == nil {
		t.Error("img/logo.png written under its original name without --keep-original")
	}
}
