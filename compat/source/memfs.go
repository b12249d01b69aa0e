package source

import (
	"bytes"
	"io/fs"

	"github.com/dsctl/dsctl/internal/memfs"
)

// memFS is a read-only file system holding one file, named as given
// (OpenBytes takes any name and returns no error, so this is not a memfs.FS,
// which refuses invalid paths up front).
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
		entry := fs.FileInfoToDirEntry(memfs.Info(m.name, int64(len(m.data)), false))
		return memfs.NewDir(".", []fs.DirEntry{entry}), nil
	}
	if name != m.name {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return memfs.NewFile(name, m.data), nil
}

// ReadFile implements fs.ReadFileFS.
func (m memFS) ReadFile(name string) ([]byte, error) {
	if name != m.name {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return bytes.Clone(m.data), nil
}
