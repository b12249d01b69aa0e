package hashasset

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/dsctl/dsctl/internal/errkind"
)

// A run changes the output in an order that leaves, at every instant, either
// the old build or the new one for verify and for a web server:
//
//  1. hashed files (new names: nothing refers to them yet);
//  2. files that keep their names (pages, their compressed copies), complete,
//     under a pending name beside them (.NAME.pending);
//  3. one sync of the output file system (unless --no-sync);
//  4. the manifest, renamed into place: the commit point;
//  5. each pending file renamed over its name;
//  6. files of older builds that retention prunes.
//
// A run killed before step 4 leaves the old manifest, whose files are all in
// place; one killed during step 5 leaves the new manifest and pending files
// that hold exactly the content it names, which verify accepts and the next
// run renames into place (cleanOutput). Temp files of a killed run are
// deleted by the next one.

// writeKept writes a file that keeps its name (a page, a compressed copy of
// one) under its pending name; commitPending gives it its name once the
// manifest names its content.
func (b *builder) writeKept(rel string, fill func(w io.Writer) error) error {
	if err := b.writeOut(pendingName(rel), fill); err != nil {
		return err
	}
	b.mu.Lock()
	b.pending = append(b.pending, rel)
	b.mu.Unlock()
	b.noteWritten(pendingName(rel))
	return nil
}

// commitPending renames the pending files over their names (step 5).
func (b *builder) commitPending() error {
	for _, rel := range b.pending {
		if err := b.out.Rename(filepath.FromSlash(pendingName(rel)), filepath.FromSlash(rel)); err != nil {
			return b.outErr(rel, "rename into", err)
		}
	}
	return nil
}

// cleanOutput prepares an output folder that a previous run wrote: it
// refuses symlinks to folders in it (a write or a deletion there would land
// elsewhere), finishes the commit of a run killed in step 5 (or drops the
// pending files of one killed earlier), and deletes the temp files of killed
// runs, the manifest's included.
func (b *builder) cleanOutput() error {
	current := map[string]Asset{}
	if b.prev != nil {
		for rel, a := range b.prev.Assets {
			current[rel] = a // a copy under the original name (--keep-original)
		}
		for _, a := range b.prev.Assets {
			current[a.Path] = a
		}
	}
	var stale, pending []string
	err := filepath.WalkDir(b.opts.Out, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return envErr(fmt.Errorf("read output folder: %w", err))
		}
		rel, err := filepath.Rel(b.opts.Out, p)
		if err != nil || rel == "." {
			return err
		}
		rel = filepath.ToSlash(rel)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			if fi, err := os.Stat(p); err == nil && fi.IsDir() {
				return errkind.InputAt(p, 0, 0, errors.New("a symlink to a folder in the output folder; hash-assets writes and deletes only in real folders (remove it)"))
			}
		case !d.Type().IsRegular():
		case staleTemp.MatchString(d.Name()):
			stale = append(stale, rel)
		case strings.HasPrefix(d.Name(), ".") && strings.HasSuffix(d.Name(), ".pending"):
			pending = append(pending, rel)
		}
		return nil
	})
	if err != nil {
		return err
	}
	// The manifest may live outside the output folder.
	if dir := filepath.Dir(b.manifest); !sameDir(dir, b.opts.Out) {
		matches, _ := filepath.Glob(filepath.Join(dir, "."+filepath.Base(b.manifest)+".tmp-*"))
		for _, m := range matches {
			if fi, err := os.Lstat(m); err == nil && fi.Mode().IsRegular() && staleTemp.MatchString(fi.Name()) {
				if err := os.Remove(m); err != nil {
					return envErr(fmt.Errorf("remove stale temp file: %w", err))
				}
			}
		}
	}
	for _, rel := range stale {
		if err := b.out.Remove(filepath.FromSlash(rel)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return b.outErr(rel, "remove stale temp file", err)
		}
	}
	buf := make([]byte, 64<<10)
	for _, p := range pending {
		name := strings.TrimSuffix(strings.TrimPrefix(path.Base(p), "."), ".pending")
		final := path.Join(path.Dir(p), name)
		if keptMatches(b.out, p, final, current, buf) {
			if err := b.out.Rename(filepath.FromSlash(p), filepath.FromSlash(final)); err != nil {
				return b.outErr(final, "rename into", err)
			}
			continue
		}
		if err := b.out.Remove(filepath.FromSlash(p)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return b.outErr(p, "remove stale pending file", err)
		}
	}
	return nil
}

// keptMatches reports whether the file at rel holds the content the manifest
// (current: its current assets by output path) names for the output path
// final: the asset itself, or a compressed copy.
func keptMatches(root *os.Root, rel, final string, current map[string]Asset, buf []byte) bool {
	if a, ok := current[final]; ok {
		alg, ok := sriAlgOf(a.Integrity)
		if !ok {
			return false
		}
		n, s256, integrity, err := fileDigests(root, rel, buf, alg)
		return err == nil && n == a.Size && s256 == a.SHA256 && integrity == a.Integrity
	}
	for _, e := range encodings {
		if base, ok := strings.CutSuffix(final, e.suffix); ok {
			if a, ok := current[base]; ok {
				sum, err := decompressedSHA256(root, rel, e, buf)
				return err == nil && sum == a.SHA256
			}
		}
	}
	return false
}

// sameDir reports whether a and b name the same folder.
func sameDir(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}
