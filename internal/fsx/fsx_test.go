package fsx

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestWriteFileAtomicIdempotent(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a", "b.txt")
	if err := WriteFileAtomic(p, []byte("one"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Unix(1_000_000, 0)
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(p, []byte("one"), 0o644); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(p)
	if !fi.ModTime().Equal(old) {
		t.Fatalf("unchanged content was rewritten: mtime %v", fi.ModTime())
	}
	if err := WriteFileAtomic(p, []byte("two"), 0o600); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	if string(b) != "two" {
		t.Fatalf("got %q", b)
	}
	entries, _ := os.ReadDir(filepath.Dir(p))
	if len(entries) != 1 {
		t.Fatalf("temp files left behind: %v", entries)
	}
}

func TestCreateAtomicAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.bin")
	f, err := CreateAtomic(p, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("partial")
	f.Abort()
	if _, err := os.Stat(p); !os.IsNotExist(err) {
		t.Fatalf("aborted file exists: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Fatalf("temp left: %v", entries)
	}
	f, _ = CreateAtomic(p, 0o644)
	f.WriteString("whole")
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	f.Abort() // no-op after commit
	b, _ := os.ReadFile(p)
	if string(b) != "whole" {
		t.Fatalf("got %q", b)
	}
}

// TestUnsyncedWrites: without the fsyncs the writes are still atomic and
// idempotent, and a committed file cannot be committed or aborted again.
func TestUnsyncedWrites(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "m.json")
	if err := WriteFileAtomicUnsynced(p, []byte("one"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Unix(1_000_000, 0)
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomicUnsynced(p, []byte("one"), 0o644); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(p); !fi.ModTime().Equal(old) {
		t.Fatalf("unchanged content was rewritten: mtime %v", fi.ModTime())
	}
	f, err := CreateAtomic(p, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("two")
	if b, _ := os.ReadFile(p); string(b) != "one" {
		t.Fatalf("before the commit a reader sees %q", b)
	}
	if err := f.CommitUnsynced(); err != nil {
		t.Fatal(err)
	}
	if err := f.CommitUnsynced(); err == nil {
		t.Fatal("a second commit was accepted")
	}
	f.Abort() // no-op after commit
	if b, _ := os.ReadFile(p); string(b) != "two" {
		t.Fatalf("got %q", b)
	}
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", fi.Mode())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("temp files left behind: %v", entries)
	}
}

func TestReplaceDir(t *testing.T) {
	dir := t.TempDir()
	dst := filepath.Join(dir, "vendor", "orders")
	for _, content := range []string{"v1", "v2"} {
		err := ReplaceDir(dst, func(tmp string) error {
			return os.WriteFile(filepath.Join(tmp, "f"), []byte(content), 0o644)
		})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(filepath.Join(dst, "f"))
		if string(b) != content {
			t.Fatalf("got %q want %q", b, content)
		}
	}
	boom := errors.New("boom")
	if err := ReplaceDir(dst, func(string) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("want boom, got %v", err)
	}
	b, _ := os.ReadFile(filepath.Join(dst, "f"))
	if string(b) != "v2" {
		t.Fatalf("failed fill changed the folder: %q", b)
	}
	entries, _ := os.ReadDir(filepath.Dir(dst))
	if len(entries) != 1 {
		t.Fatalf("temp folders left: %v", entries)
	}
}

func TestSafeJoin(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	os.MkdirAll(filepath.Join(root, "sub"), 0o755)
	os.Symlink(outside, filepath.Join(root, "escape"))
	os.Symlink(filepath.Join(root, "sub"), filepath.Join(root, "inside"))
	cases := []struct {
		rel string
		ok  bool
	}{
		{"a.txt", true},
		{"sub/b.txt", true},
		{"sub/../c.txt", true},
		{"inside/d.txt", true},
		{"../x", false},
		{"sub/../../x", false},
		{"/etc/passwd", false},
		{"escape/x", false},
		{"", false},
		{"a\x00b", false},
	}
	for _, c := range cases {
		got, err := SafeJoin(root, c.rel)
		if (err == nil) != c.ok {
			t.Errorf("SafeJoin(%q) = %q, %v; want ok=%v", c.rel, got, err, c.ok)
		}
		if err != nil && !errors.Is(err, ErrOutsideRoot) {
			t.Errorf("SafeJoin(%q) error %v is not ErrOutsideRoot", c.rel, err)
		}
	}
}

func TestLockExcludes(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.lock")
	l, err := LockFile(p)
	if err != nil {
		t.Fatal(err)
	}
	// flock locks belong to open file descriptions, so a second open in the same process conflicts too.
	if _, err := TryLockFile(p); !errors.Is(err, ErrLocked) {
		t.Fatalf("second lock: want ErrLocked, got %v", err)
	}
	l.Unlock()
	l2, err := TryLockFile(p)
	if err != nil {
		t.Fatalf("lock after unlock: %v", err)
	}
	l2.Unlock()
}

func TestLockSerialises(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.lock")
	var mu sync.Mutex
	inside := 0
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l, err := LockFile(p)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			inside++
			if inside != 1 {
				t.Error("two holders at once")
			}
			mu.Unlock()
			mu.Lock()
			inside--
			mu.Unlock()
			l.Unlock()
		}()
	}
	wg.Wait()
}

func TestLockDirSerialises(t *testing.T) {
	dir := t.TempDir()
	l, err := LockDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan struct{})
	go func() {
		l2, err := LockDir(dir)
		if err != nil {
			t.Error(err)
		}
		l2.Unlock()
		close(got)
	}()
	select {
	case <-got:
		t.Fatal("second LockDir did not wait")
	case <-time.After(50 * time.Millisecond):
	}
	l.Unlock()
	<-got
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("LockDir created files: %v", entries)
	}
}

// TestRootFSRefusesEscapingLinks: a link inside the folder works, a link (or
// a link to a folder) that leads outside fails, and its target is not read.
func TestRootFSRefusesEscapingLinks(t *testing.T) {
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret.json"), []byte(`{"secret": true}`), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.json"), []byte(`{}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, target := range map[string]string{
		"inside.json": "a.json",
		"file.json":   filepath.Join(outside, "secret.json"),
		"dir":         outside,
		"rel":         "../" + filepath.Base(outside),
	} {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Skip("no symlinks:", err)
		}
	}
	fsys, err := RootFS(dir)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := fs.ReadFile(fsys, "inside.json"); err != nil || string(b) != `{}` {
		t.Fatalf("link inside: %q, %v", b, err)
	}
	for _, p := range []string{"file.json", "dir/secret.json", "rel/secret.json", "../x", "/etc/passwd"} {
		b, err := fs.ReadFile(fsys, p)
		if err == nil || strings.Contains(string(b)+err.Error(), "secret\"") {
			t.Errorf("%s: read %q, %v; want refused", p, b, err)
		}
	}
}
