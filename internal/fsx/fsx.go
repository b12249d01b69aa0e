// Package fsx holds the file-system primitives every dsctl command uses to
// keep its promises: atomic writes (temp file, fsync, rename), a path join that
// refuses to leave its root, and an advisory lock for writers that must not
// run at the same time.
package fsx

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// WriteFileAtomic writes data to path so that a reader sees either the old
// content or the new, never a part: it writes a temp file in the same folder,
// fsyncs it, renames it over path and fsyncs the folder. Parent folders are
// created. If the file already holds exactly data, nothing is written and the
// modification time stays (idempotence).
func WriteFileAtomic(path string, data []byte, perm os.FileMode) error {
	return writeIfChanged(path, data, perm, true)
}

// WriteFileAtomicUnsynced is WriteFileAtomic without the fsyncs: readers
// still see the old content or the new, but a power loss may lose either.
// For output the caller does not need to survive a crash.
func WriteFileAtomicUnsynced(path string, data []byte, perm os.FileMode) error {
	return writeIfChanged(path, data, perm, false)
}

func writeIfChanged(path string, data []byte, perm os.FileMode, durable bool) error {
	if old, err := os.ReadFile(path); err == nil && string(old) == string(data) {
		return nil
	}
	return writeFileAtomic(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}, durable)
}

// WriteAtomic is WriteFileAtomic for content produced by a function; it always writes.
func WriteAtomic(path string, perm os.FileMode, fill func(w io.Writer) error) error {
	return writeFileAtomic(path, perm, fill, true)
}

func writeFileAtomic(path string, perm os.FileMode, fill func(w io.Writer) error, durable bool) error {
	a, err := CreateAtomic(path, perm)
	if err != nil {
		return err
	}
	defer a.Abort()
	if err := fill(a); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if durable {
		return a.Commit()
	}
	return a.CommitUnsynced()
}

// SyncDir fsyncs a folder so that a rename in it is durable. Errors from file
// systems that cannot sync folders are ignored.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open folder %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		// Some file systems (and platforms) refuse fsync on folders; that is not a write failure.
		return nil
	}
	return nil
}

// AtomicFile is a file being written that appears at its final path only on Commit.
type AtomicFile struct {
	*os.File
	path string
	done bool
}

// CreateAtomic starts an atomic write of path; call Commit to publish it or
// Abort (safe after Commit, so it can be deferred) to drop it.
func CreateAtomic(path string, perm os.FileMode) (*AtomicFile, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create folder %s: %w", dir, err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("create temp file for %s: %w", path, err)
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("chmod %s: %w", path, err)
	}
	return &AtomicFile{File: f, path: path}, nil
}

// Commit fsyncs, closes and renames the file into place, and fsyncs the
// folder so that the rename is durable.
func (a *AtomicFile) Commit() error {
	if !a.done {
		if err := a.Sync(); err != nil {
			a.Abort()
			return fmt.Errorf("sync %s: %w", a.path, err)
		}
	}
	if err := a.CommitUnsynced(); err != nil {
		return err
	}
	return SyncDir(filepath.Dir(a.path))
}

// CommitUnsynced closes and renames the file into place without any fsync:
// readers still see the old file or the new one, and the caller makes the
// file (before) and the rename (after) durable its own way, or not at all.
func (a *AtomicFile) CommitUnsynced() error {
	if a.done {
		return errors.New("atomic file already committed or aborted")
	}
	a.done = true
	tmp := a.Name()
	if err := a.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("close %s: %w", a.path, err)
	}
	if err := os.Rename(tmp, a.path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("rename into %s: %w", a.path, err)
	}
	return nil
}

// Abort drops the temp file; it does nothing after Commit.
func (a *AtomicFile) Abort() {
	if a.done {
		return
	}
	a.done = true
	a.Close()
	os.Remove(a.Name())
}

// ReplaceDir atomically replaces the folder dst with a folder built by fill in
// a temp folder beside it. Readers see the old folder or the new one. The old
// folder is removed after the swap.
func ReplaceDir(dst string, fill func(tmpDir string) error) error {
	parent := filepath.Dir(dst)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("create folder %s: %w", parent, err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dst)+".tmp-*")
	if err != nil {
		return fmt.Errorf("create temp folder for %s: %w", dst, err)
	}
	if err := fill(tmp); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	old := ""
	if _, err := os.Lstat(dst); err == nil {
		old = tmp + ".old"
		if err := os.Rename(dst, old); err != nil {
			os.RemoveAll(tmp)
			return fmt.Errorf("move aside %s: %w", dst, err)
		}
	}
	if err := os.Rename(tmp, dst); err != nil {
		if old != "" {
			_ = os.Rename(old, dst)
		}
		os.RemoveAll(tmp)
		return fmt.Errorf("rename into %s: %w", dst, err)
	}
	if old != "" {
		os.RemoveAll(old)
	}
	return SyncDir(parent)
}

// ErrOutsideRoot is returned by SafeJoin for paths that would leave their root.
var ErrOutsideRoot = errors.New("path leaves its root folder")

// SafeJoin joins rel onto root and refuses results outside root: absolute
// paths, ".." that climbs out, and symlinks (in the existing part of the
// path) that point outside root. rel uses forward slashes or the OS separator.
func SafeJoin(root, rel string) (string, error) {
	if rel == "" {
		return "", fmt.Errorf("empty path: %w", ErrOutsideRoot)
	}
	if strings.ContainsRune(rel, 0) {
		return "", fmt.Errorf("path %q contains a NUL byte: %w", rel, ErrOutsideRoot)
	}
	r := filepath.FromSlash(rel)
	if filepath.IsAbs(r) || strings.HasPrefix(rel, "/") || filepath.VolumeName(r) != "" {
		return "", fmt.Errorf("absolute path %q: %w", rel, ErrOutsideRoot)
	}
	clean := filepath.Clean(r)
	if clean == ".." || strings.HasPrefix(clean, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("path %q: %w", rel, ErrOutsideRoot)
	}
	joined := filepath.Join(root, clean)
	// Resolve symlinks in the part of the path that exists.
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return "", fmt.Errorf("resolve %s: %w", root, err)
	}
	realRoot, err := filepath.EvalSymlinks(absRoot)
	if err != nil {
		if os.IsNotExist(err) {
			return joined, nil
		}
		return "", fmt.Errorf("resolve %s: %w", root, err)
	}
	cur := realRoot
	parts := strings.Split(clean, string(filepath.Separator))
	for i, p := range parts {
		next := filepath.Join(cur, p)
		fi, err := os.Lstat(next)
		if err != nil {
			if os.IsNotExist(err) {
				return joined, nil
			}
			return "", fmt.Errorf("stat %s: %w", next, err)
		}
		if fi.Mode()&os.ModeSymlink != 0 {
			target, err := filepath.EvalSymlinks(next)
			if err != nil {
				return "", fmt.Errorf("resolve symlink %s: %w", filepath.Join(parts[:i+1]...), err)
			}
			if !Within(realRoot, target) {
				return "", fmt.Errorf("symlink %q points outside: %w", filepath.Join(parts[:i+1]...), ErrOutsideRoot)
			}
			next = target
		}
		cur = next
	}
	return joined, nil
}

// Within reports whether path is root or inside it (both cleaned, no symlink resolution).
func Within(root, path string) bool {
	rel, err := filepath.Rel(root, path)
	if err != nil {
		return false
	}
	return rel == "." || (rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel))
}

// RootFS returns a read-only file system of the folder dir in which every
// path is resolved on the real file system and refused when it leaves dir:
// "..", absolute paths and symbolic links (at any depth) that point outside
// dir all fail with an error, while links that stay inside dir work. It is
// os.Root's file system; use it instead of os.DirFS for folders whose content
// is not trusted (specs, schemas, contract packages, the vendor folder).
func RootFS(dir string) (fs.FS, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return r.FS(), nil
}
