package source

import (
	"bytes"
	"io"
	"io/fs"
	"time"
)

// memFS is a read-only file system holding one file.
type memFS struct {
	name string
	data []byte
}

// Open implements fs.FS.
func (m memFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if name == "." {
		entry := fs.FileInfoToDirEntry(memInfo{name: m.name, size: int64(len(m.data))})
		return &gitDir{info: memInfo{name: ".", dir: true}, entries: []fs.DirEntry{entry}}, nil
	}
	if name != m.name {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return newMemFile(name, m.data), nil
}

// ReadFile implements fs.ReadFileFS.
func (m memFS) ReadFile(name string) ([]byte, error) {
	if name != m.name {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return bytes.Clone(m.data), nil
}

// memFile is an open in-memory file.
type memFile struct {
	*bytes.Reader
	info memInfo
}

func newMemFile(name string, data []byte) *memFile {
	return &memFile{Reader: bytes.NewReader(data), info: memInfo{name: name, size: int64(len(data))}}
}

func (f *memFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *memFile) Close() error               { return nil }

var _ io.ReaderAt = (*memFile)(nil)

// memInfo describes a memFile or a folder of a git tree.
type memInfo struct {
	name string
	size int64
	dir  bool
}

func (i memInfo) Name() string { return pathBase(i.name) }
func (i memInfo) Size() int64  { return i.size }
func (i memInfo) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir | 0o555
	}
	return 0o444
}
func (i memInfo) ModTime() time.Time { return time.Time{} }
func (i memInfo) IsDir() bool        { return i.dir }
func (i memInfo) Sys() any           { return nil }

func pathBase(p string) string {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' {
			return p[i+1:]
		}
	}
	return p
}
