package main

import (
	"bytes"
	"io"
	"log"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/registry"
)

// staticBinary builds a tiny static linux/amd64 program to stand for dsctl.
func staticBinary(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "main.go")
	if err := os.WriteFile(src, []byte("package main\n\nfunc main() { println(\"fake dsctl\") }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module fake\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "dsctl")
	cmd := exec.Command("go", "build", "-o", out, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64", "GOFLAGS=-mod=mod", "GOPROXY=off")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	return out
}

func rootfs(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range map[string]string{
		"etc/passwd":       "nonroot:x:65532:65532::/home/nonroot:/sbin/nologin\n",
		"bin/busybox":      "not really busybox",
		"home/nonroot/.rc": "x",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("busybox", filepath.Join(dir, "bin/sh")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "tmp"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(dir, "tmp"), 0o777|os.ModeSticky); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestBuildPushCheck builds an image, pushes it to an in-process registry,
// pulls it back by digest and unpacks it: the files, links, modes and the
// configuration survive, and the same inputs give the same digest.
func TestBuildPushCheck(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the image tool runs on Linux")
	}
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	bin, fs := staticBinary(t), rootfs(t)

	var out bytes.Buffer
	ref := u.Host + "/dsctl:test"
	if err := runBuild([]string{"-rootfs", fs, "-binary", bin, "-image", ref, "-insecure", "-label", "org.opencontainers.image.version=v0.0.0"}, &out); err != nil {
		t.Fatal(err)
	}
	pushed := strings.TrimSpace(out.String())
	if !strings.HasPrefix(pushed, u.Host+"/dsctl@sha256:") {
		t.Fatalf("build printed %q", pushed)
	}

	// Deterministic: a second build of the same inputs has the same digest.
	out.Reset()
	if err := runBuild([]string{"-rootfs", fs, "-binary", bin, "-image", u.Host + "/dsctl:again", "-insecure"}, &out); err != nil {
		t.Fatal(err)
	}
	img1, err := build(fs, bin, labels{})
	if err != nil {
		t.Fatal(err)
	}
	img2, err := build(fs, bin, labels{})
	if err != nil {
		t.Fatal(err)
	}
	d1, _ := img1.Digest()
	d2, _ := img2.Digest()
	if d1 != d2 {
		t.Errorf("two builds of the same inputs: %s and %s", d1, d2)
	}

	dir := filepath.Join(t.TempDir(), "root")
	out.Reset()
	if err := runCheck([]string{"-image", pushed, "-out", dir, "-insecure"}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "user 65532, entrypoint /usr/local/bin/dsctl (static)") {
		t.Errorf("check printed %q", out.String())
	}
	got, err := os.ReadFile(filepath.Join(dir, "usr/local/bin/dsctl"))
	want, _ := os.ReadFile(bin)
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("unpacked dsctl differs from the binary (err %v)", err)
	}
	if st, err := os.Stat(filepath.Join(dir, "usr/local/bin/dsctl")); err != nil || st.Mode().Perm() != 0o755 {
		t.Errorf("dsctl mode: %v %v", st, err)
	}
	if l, err := os.Readlink(filepath.Join(dir, "bin/sh")); err != nil || l != "busybox" {
		t.Errorf("bin/sh -> %q (%v), want busybox", l, err)
	}
	if st, err := os.Stat(filepath.Join(dir, "tmp")); err != nil || st.Mode()&os.ModeSticky == 0 {
		t.Errorf("tmp lost its sticky bit: %v %v", st, err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "etc/passwd")); err != nil || !strings.Contains(string(b), "nonroot") {
		t.Errorf("etc/passwd: %q %v", b, err)
	}

	// Only digests are pulled.
	if err := runCheck([]string{"-image", ref, "-out", t.TempDir(), "-insecure"}, &out); err == nil || !strings.Contains(err.Error(), "by digest only") {
		t.Errorf("check of a tag: %v", err)
	}
}

// TestRefusesDynamicBinary: dsctl in the image must not need the image's libc.
func TestRefusesDynamicBinary(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil || runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skip("needs a dynamically linked linux/amd64 executable")
	}
	sh, _ = filepath.EvalSymlinks(sh)
	if err := checkStatic(sh); err == nil || !strings.Contains(err.Error(), "dynamically linked") {
		t.Errorf("checkStatic(%s) = %v, want dynamically linked", sh, err)
	}
	if err := checkStatic(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("checkStatic of a missing file succeeded")
	}
}
