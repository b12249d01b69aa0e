// Package memfs is a read-only file system held in memory (an io/fs.FS),
// for files that have been read and checked already: the contents of a
// contract package archive, loaded, linted and compared without unpacking it.
//
// Folders are implied by the files' paths. A file is mode 0444 and a folder
// 0555, with no modification time, so a listing is the same on every run.
package memfs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"time"
)

// FS is a read-only in-memory file system. It implements fs.FS,
// fs.ReadFileFS, fs.ReadDirFS and fs.StatFS.
type FS struct {
	files map[string][]byte
	dirs  map[string][]string // folder → the sorted names of its entries
}

// New returns a file system of files (slash path → content). Every path must
// be valid for io/fs (fs.ValidPath: relative, clean, no "." or ".."
// elements) and no file may also be a folder of another. The contents are
// not copied: the caller must not modify them afterwards.
func New(files map[string][]byte) (*FS, error) {
	m := &FS{files: make(map[string][]byte, len(files)), dirs: map[string][]string{".": nil}}
	entries := map[string]map[string]bool{".": {}}
	for p, b := range files {
		if !fs.ValidPath(p) || p == "." {
			return nil, fmt.Errorf("memfs: invalid path %q", p)
		}
		m.files[p] = b
		for child := p; child != "."; child = path.Dir(child) {
			parent := path.Dir(child)
			if entries[parent] == nil {
				entries[parent] = map[string]bool{}
			}
			entries[parent][path.Base(child)] = true
		}
	}
	for d, set := range entries {
		if _, isFile := m.files[d]; isFile {
			return nil, fmt.Errorf("memfs: %q is both a file and a folder", d)
		}
		names := make([]string, 0, len(set))
		for n := range set {
			names = append(names, n)
		}
		slices.Sort(names)
		m.dirs[d] = names
	}
	return m, nil
}

func (m *FS) pathErr(op, name string, err error) error {
	return &fs.PathError{Op: op, Path: name, Err: err}
}

// Open implements fs.FS.
func (m *FS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, m.pathErr("open", name, fs.ErrInvalid)
	}
	if b, ok := m.files[name]; ok {
		return NewFile(name, b), nil
	}
	if _, ok := m.dirs[name]; ok {
		entries, err := m.ReadDir(name)
		if err != nil {
			return nil, err
		}
		return NewDir(name, entries), nil
	}
	return nil, m.pathErr("open", name, fs.ErrNotExist)
}

// ReadFile implements fs.ReadFileFS; the bytes returned are a copy.
func (m *FS) ReadFile(name string) ([]byte, error) {
	if !fs.ValidPath(name) {
		return nil, m.pathErr("read", name, fs.ErrInvalid)
	}
	if b, ok := m.files[name]; ok {
		return bytes.Clone(b), nil
	}
	if _, ok := m.dirs[name]; ok {
		return nil, m.pathErr("read", name, errors.New("is a folder"))
	}
	return nil, m.pathErr("read", name, fs.ErrNotExist)
}

// Stat implements fs.StatFS.
func (m *FS) Stat(name string) (fs.FileInfo, error) {
	if !fs.ValidPath(name) {
		return nil, m.pathErr("stat", name, fs.ErrInvalid)
	}
	return m.stat(name)
}

func (m *FS) stat(name string) (fs.FileInfo, error) {
	if b, ok := m.files[name]; ok {
		return Info(name, int64(len(b)), false), nil
	}
	if _, ok := m.dirs[name]; ok {
		return Info(name, 0, true), nil
	}
	return nil, m.pathErr("stat", name, fs.ErrNotExist)
}

// ReadDir implements fs.ReadDirFS: the entries sorted by name.
func (m *FS) ReadDir(name string) ([]fs.DirEntry, error) {
	if !fs.ValidPath(name) {
		return nil, m.pathErr("readdir", name, fs.ErrInvalid)
	}
	names, ok := m.dirs[name]
	if !ok {
		if _, isFile := m.files[name]; isFile {
			return nil, m.pathErr("readdir", name, errors.New("not a folder"))
		}
		return nil, m.pathErr("readdir", name, fs.ErrNotExist)
	}
	out := make([]fs.DirEntry, 0, len(names))
	for _, n := range names {
		fi, err := m.stat(path.Join(name, n))
		if err != nil {
			return nil, err
		}
		out = append(out, fs.FileInfoToDirEntry(fi))
	}
	return out, nil
}

// NewFile returns an open read-only file named name (a slash path) holding
// data, which it does not copy.
func NewFile(name string, data []byte) fs.File {
	return &file{Reader: bytes.NewReader(data), info: info{name: path.Base(name), size: int64(len(data))}}
}

// file is an open file.
type file struct {
	*bytes.Reader
	info info
}

func (f *file) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *file) Close() error               { return nil }

// NewDir returns an open folder named name (a slash path) listing entries,
// in their order.
func NewDir(name string, entries []fs.DirEntry) fs.ReadDirFile {
	return &dir{name: name, entries: entries}
}

// dir is an open folder; ReadDir pages through its entries.
type dir struct {
	name    string
	entries []fs.DirEntry
	off     int
}

func (d *dir) Stat() (fs.FileInfo, error) { return Info(d.name, 0, true), nil }
func (d *dir) Close() error               { return nil }
func (d *dir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.name, Err: errors.New("is a folder")}
}

// ReadDir implements fs.ReadDirFile.
func (d *dir) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.entries[d.off:]
	if n <= 0 {
		d.off = len(d.entries)
		return append([]fs.DirEntry(nil), rest...), nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	n = min(n, len(rest))
	d.off += n
	return append([]fs.DirEntry(nil), rest[:n]...), nil
}

// Info describes a file of size bytes (mode 0444) or a folder (0555) named
// name (a slash path; its Name is the last element), with no time.
func Info(name string, size int64, dir bool) fs.FileInfo {
	return info{name: path.Base(name), size: size, dir: dir}
}

// info describes a file or a folder.
type info struct {
	name string
	size int64
	dir  bool
}

func (i info) Name() string { return i.name }
func (i info) Size() int64  { return i.size }
func (i info) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir | 0o555
	}
	return 0o444
}
func (i info) ModTime() time.Time { return time.Time{} }
func (i info) IsDir() bool        { return i.dir }
func (i info) Sys() any           { return nil }
