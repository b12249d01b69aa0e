package fsx

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ReadLimited reads the file name of fsys, refusing one of more than limit
// bytes ("larger than N MiB"). The read itself is bounded: a size stated
// before the read would not bound a file that grows meanwhile, a device
// (/dev/zero behind a symbolic link) or a file system that states no size.
// Errors are the bare cause; the caller names the file.
func ReadLimited(fsys fs.FS, name string, limit int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, PathCause(err)
	}
	defer f.Close()
	return readLimited(f, limit)
}

// ReadFileLimited is ReadLimited for a path of the operating system, for
// the files a command is pointed at (a configuration, a spec named in it).
func ReadFileLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, PathCause(err)
	}
	defer f.Close()
	return readLimited(f, limit)
}

func readLimited(f fs.File, limit int64) ([]byte, error) {
	// The stated size only sizes the buffer (one allocation instead of
	// ReadAll's doublings); the limit still bounds the read.
	var buf bytes.Buffer
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() > 0 {
		buf.Grow(int(min(st.Size(), limit)) + bytes.MinRead)
	}
	if _, err := buf.ReadFrom(io.LimitReader(f, limit+1)); err != nil {
		return nil, PathCause(err)
	}
	b := buf.Bytes()
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("larger than %d MiB", limit>>20)
	}
	return b, nil
}

// PathCause is the cause of a *fs.PathError, which names the file by the
// path it was opened with (absolute, or inside a root): the caller names it
// as the user wrote it.
func PathCause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
