package hashasset

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dsctl/dsctl/internal/errkind"
)

// listFiles returns the files under dir (relative, sorted by WalkDir).
func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	return files
}

// TestSymlinkedFolderInOutput: a symlink to a folder already in the output
// (a committed dist/ with css -> ~/somewhere) is refused before anything is
// written there or deleted from it (security issue, item 9).
func TestSymlinkedFolderInOutput(t *testing.T) {
	dir := t.TempDir()
	src, out, elsewhere := filepath.Join(dir, "src"), filepath.Join(dir, "out"), filepath.Join(dir, "elsewhere")
	writeTree(t, src, map[string]string{"css/a.css": "a{}", "img/x.png": "png"})
	writeTree(t, elsewhere, map[string]string{"keep.txt": "mine"})
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../elsewhere", filepath.Join(out, "css")); err != nil {
		t.Fatal(err)
	}
	_, err := Build(context.Background(), Options{Src: src, Out: out})
	if errkind.Of(err) != errkind.Input || !strings.Contains(err.Error(), "a symlink to a folder in the output folder") || !strings.Contains(err.Error(), filepath.Join(out, "css")) {
		t.Fatalf("want an input error naming out/css, got %v", err)
	}
	if got := listFiles(t, elsewhere); strings.Join(got, ",") != "keep.txt" {
		t.Fatalf("written into the symlinked folder: %v", got)
	}

	// Deletions: a build whose older versions sit behind a symlinked folder
	// by the time retention prunes them deletes nothing there.
	os.Remove(filepath.Join(out, "css"))
	build(t, Options{Src: src, Out: out})
	writeTree(t, src, map[string]string{"css/a.css": "a{color:red}"})
	build(t, Options{Src: src, Out: out})
	if err := os.Rename(filepath.Join(out, "css"), filepath.Join(elsewhere, "css")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../elsewhere/css", filepath.Join(out, "css")); err != nil {
		t.Fatal(err)
	}
	before := listFiles(t, elsewhere)
	_, err = Build(context.Background(), Options{Src: src, Out: out, Retain: &Retention{Keep: 0}})
	if errkind.Of(err) != errkind.Input {
		t.Fatalf("want an input error, got %v", err)
	}
	// clean resolves every deletion inside the output folder.
	if _, err := Clean(CleanOptions{Dir: out, Keep: 0}); err == nil {
		t.Fatal("clean deleted through a symlink out of the output folder")
	}
	if after := listFiles(t, elsewhere); strings.Join(after, ",") != strings.Join(before, ",") {
		t.Fatalf("deleted from the symlinked folder: %v -> %v", before, after)
	}
}

// TestSourceSymlinkSwappedAfterListing: a file replaced by a symlink out of
// the source folder after it was listed is not read (the check is on the
// real path at the time of the read, through os.Root; security issue, item 7).
func TestSourceSymlinkSwappedAfterListing(t *testing.T) {
	dir := t.TempDir()
	src, out := filepath.Join(dir, "src"), filepath.Join(dir, "out")
	writeTree(t, src, map[string]string{"a.css": "a{background:url(x.png)}", "x.png": "png"})
	writeTree(t, dir, map[string]string{"secret.txt": "TOP SECRET"})
	for _, victim := range []string{"x.png", "a.css"} {
		t.Run(victim, func(t *testing.T) {
			p := filepath.Join(src, victim)
			orig, _ := os.ReadFile(p)
			t.Cleanup(func() { os.Remove(p); os.WriteFile(p, orig, 0o644) })
			_, err := Build(context.Background(), Options{Src: src, Out: out, afterWalk: func() {
				os.Remove(p)
				if err := os.Symlink("../secret.txt", p); err != nil {
					t.Fatal(err)
				}
			}})
			if errkind.Of(err) != errkind.Input || !strings.Contains(err.Error(), "outside the source folder") {
				t.Fatalf("want a refusal, got %v", err)
			}
			for _, f := range listFiles(t, out) {
				if b, _ := os.ReadFile(filepath.Join(out, f)); strings.Contains(string(b), "TOP SECRET") {
					t.Fatalf("%s holds the secret", f)
				}
			}
		})
	}
}

// TestKilledRunLeavesOldOrNew: the states a kill can leave, made by hand,
// verify and are finished by the next run (security issue, item 10):
// a pending page next to the manifest that names it, a pending page the
// manifest does not name, and temp files of every kind.
func TestKilledRunLeavesOldOrNew(t *testing.T) {
	dir := t.TempDir()
	src, out := filepath.Join(dir, "src"), filepath.Join(dir, "out")
	filler := strings.Repeat("<p>compressible</p>\n", 50) // so that its .gz is smaller
	writeTree(t, src, map[string]string{"index.html": `<link href="a.css">v1` + filler, "a.css": "a{}"})
	build(t, Options{Src: src, Out: out, Precompress: "gzip"})
	oldPage := readOut(t, out, "index.html")
	writeTree(t, src, map[string]string{"index.html": `<link href="a.css">v2` + filler, "a.css": "a{color:red}"})

	// A kill after the commit point, before the pages were renamed.
	_, err := Build(context.Background(), Options{Src: src, Out: out, Precompress: "gzip", beforeCommit: func() {}})
	if err != nil {
		t.Fatal(err)
	}
	newPage := readOut(t, out, "index.html")
	newGz := readOut(t, out, "index.html.gz")
	if oldPage == newPage {
		t.Fatal("the page did not change")
	}
	// Undo the renames of step 5, as a kill between 4 and 5 leaves it.
	os.WriteFile(filepath.Join(out, ".index.html.pending"), []byte(newPage), 0o644)
	os.WriteFile(filepath.Join(out, "index.html"), []byte(oldPage), 0o644)
	os.WriteFile(filepath.Join(out, ".index.html.gz.pending"), []byte(newGz), 0o644)
	os.WriteFile(filepath.Join(out, "index.html.gz"), gzipOf(t, oldPage), 0o644)
	if rep, err := Verify(context.Background(), out, ""); err != nil || !rep.OK() {
		t.Fatalf("verify between commit and rename: %v %+v", err, rep)
	}
	// Without its pending copy, the old page is a mismatch.
	os.Rename(filepath.Join(out, ".index.html.pending"), filepath.Join(dir, "p"))
	if rep, err := Verify(context.Background(), out, ""); err != nil || rep.OK() {
		t.Fatalf("verify without the pending page: %v %+v", err, rep)
	}
	os.Rename(filepath.Join(dir, "p"), filepath.Join(out, ".index.html.pending"))

	// Stale temp files of killed runs, and a pending page of a run killed
	// before its commit (content no manifest names).
	stale := []string{".a-0123456789.css.tmp-123-4", ".assets-manifest.json.tmp-98765", "sub/.x.png.tmp-1-2"}
	writeTree(t, out, map[string]string{stale[0]: "x", stale[1]: "{", stale[2]: "y", "sub/.other.html.pending": "never committed", "sub/.user-file": "kept", "sub/notes.tmp-1": "kept"})
	res := build(t, Options{Src: src, Out: out, Precompress: "gzip", Now: func() time.Time { return time.Now() }})
	if res.Written != 0 {
		t.Errorf("the finishing run wrote %d files", res.Written)
	}
	if got := readOut(t, out, "index.html"); got != newPage {
		t.Fatalf("the pending page was not put in place: %q", got)
	}
	for _, f := range listFiles(t, out) {
		if base := filepath.Base(f); strings.HasPrefix(base, ".") && (strings.Contains(base, ".tmp-") || strings.HasSuffix(base, ".pending")) {
			t.Errorf("left behind: %s", f)
		}
	}
	for _, f := range []string{"sub/.user-file", "sub/notes.tmp-1"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("%s: a file the run did not write was removed", f)
		}
	}
	if rep, err := Verify(context.Background(), out, ""); err != nil || !rep.OK() {
		t.Fatalf("verify: %v %+v", err, rep)
	}
}
