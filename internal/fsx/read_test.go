package fsx

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// growingFS serves one file whose Stat says it is small while its reads go
// on: a file that grows between a stat and the read, or a file system (a
// FIFO, /dev/zero) whose size says nothing.
type growingFS struct{ data []byte }

func (g growingFS) Open(name string) (fs.File, error) {
	return &growingFile{Reader: bytes.NewReader(g.data)}, nil
}

type growingFile struct{ *bytes.Reader }

func (f *growingFile) Stat() (fs.FileInfo, error) { return smallInfo{}, nil }
func (f *growingFile) Close() error               { return nil }

type smallInfo struct{}

func (smallInfo) Name() string       { return "big.yaml" }
func (smallInfo) Size() int64        { return 10 }
func (smallInfo) Mode() fs.FileMode  { return 0o444 }
func (smallInfo) ModTime() time.Time { return time.Time{} }
func (smallInfo) IsDir() bool        { return false }
func (smallInfo) Sys() any           { return nil }

func TestReadLimitedBoundsTheRead(t *testing.T) {
	const limit = 2 << 20
	big := bytes.Repeat([]byte("x"), limit+1)
	if _, err := ReadLimited(growingFS{big}, "big.yaml", limit); err == nil || !strings.Contains(err.Error(), "larger than 2 MiB") {
		t.Errorf("a file that says 10 bytes but holds %d: err = %v", len(big), err)
	}
	exact := fstest.MapFS{"a.yaml": {Data: big[:limit]}}
	if b, err := ReadLimited(exact, "a.yaml", limit); err != nil || len(b) != limit {
		t.Errorf("a file of exactly the limit: %d bytes, %v", len(b), err)
	}
	over := fstest.MapFS{"a.yaml": {Data: big}}
	if _, err := ReadLimited(over, "a.yaml", limit); err == nil {
		t.Error("a file one byte over the limit was read")
	}
	if _, err := ReadLimited(exact, "missing.yaml", limit); err == nil || !strings.Contains(err.Error(), "not exist") || strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("missing file: %v (want the bare cause; the caller names the file)", err)
	}
}

// TestReadFileLimitedDevice: a path that is a device behind a symbolic link
// (a spec or a configuration a pull request points at /dev/zero) is read up
// to the limit, not until memory runs out.
func TestReadFileLimitedDevice(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero here")
	}
	link := filepath.Join(t.TempDir(), "openapi.yaml")
	if err := os.Symlink("/dev/zero", link); err != nil {
		t.Skip(err)
	}
	if _, err := ReadFileLimited(link, 1<<20); err == nil || !strings.Contains(err.Error(), "larger than 1 MiB") {
		t.Errorf("a link to /dev/zero: err = %v", err)
	}
	if _, err := ReadFileLimited(filepath.Join(t.TempDir(), "none.yaml"), 1<<20); err == nil || strings.Contains(err.Error(), "none.yaml") {
		t.Errorf("missing file: %v (want the bare cause; the caller names the file)", err)
	}
}
