package memfs

import (
	"errors"
	"io/fs"
	"testing"
	"testing/fstest"
)

func TestFS(t *testing.T) {
	files := map[string][]byte{
		"contract.yaml":            []byte("apiVersion: dsctl.dev/v1\n"),
		"events/order.schema.json": []byte(`{"type":"object"}`),
		"events/examples/a.json":   []byte(`{}`),
		"apis/orders/openapi.yaml": []byte("openapi: 3.0.3\n"),
		"empty.txt":                {},
	}
	m, err := New(files)
	if err != nil {
		t.Fatal(err)
	}
	// The standard library's checker of fs.FS implementations: Open, Stat,
	// ReadDir, ReadFile and file reads agree with each other.
	if err := fstest.TestFS(m, "contract.yaml", "events/order.schema.json", "events/examples/a.json", "apis/orders/openapi.yaml", "empty.txt"); err != nil {
		t.Fatal(err)
	}
	b, err := fs.ReadFile(m, "events/order.schema.json")
	if err != nil || string(b) != `{"type":"object"}` {
		t.Errorf("ReadFile = %q, %v", b, err)
	}
	b[0] = 'X' // a copy: the file system's bytes stay
	if b2, _ := fs.ReadFile(m, "events/order.schema.json"); b2[0] != '{' {
		t.Error("ReadFile returned the file system's own bytes")
	}
	entries, err := fs.ReadDir(m, ".")
	if err != nil {
		t.Fatal(err)
	}
	got := ""
	for _, e := range entries {
		got += " " + e.Name()
		if e.IsDir() {
			got += "/"
		}
	}
	if got != " apis/ contract.yaml empty.txt events/" {
		t.Errorf("root entries%s", got)
	}
	for _, bad := range []string{"/contract.yaml", "../x", "events/../contract.yaml", "nope.txt", "events/nope"} {
		if _, err := m.Open(bad); err == nil {
			t.Errorf("Open(%q) succeeded", bad)
		}
	}
	if _, err := m.Open("nope.txt"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file: %v, want fs.ErrNotExist", err)
	}
	if fi, err := fs.Stat(m, "events"); err != nil || !fi.IsDir() || fi.Mode() != fs.ModeDir|0o555 {
		t.Errorf("Stat(events) = %v, %v", fi, err)
	}
}

func TestNewRefuses(t *testing.T) {
	for name, files := range map[string]map[string][]byte{
		"absolute":              {"/etc/passwd": nil},
		"dot-dot":               {"a/../b": nil},
		"root":                  {".": nil},
		"file and folder alike": {"a": nil, "a/b": nil},
	} {
		if _, err := New(files); err == nil {
			t.Errorf("%s: New accepted %v", name, files)
		}
	}
	m, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := fstest.TestFS(m); err != nil {
		t.Errorf("empty file system: %v", err)
	}
}
