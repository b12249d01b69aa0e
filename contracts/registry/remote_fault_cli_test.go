package registry_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dsctl/dsctl/contracts/registry"
	"github.com/dsctl/dsctl/contracts/registry/internal/regtest"
	"github.com/dsctl/dsctl/internal/cli"
)

// dsctl runs the CLI in-process and returns its exit code and output.
func dsctl(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Main(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// snapshot returns every file under dir (relative path → content).
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = string(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestFaultCLIPullNeverHalfWritesTheLock runs dsctl publish and pull through
// the fault proxy: a pull that fails (exit 3) leaves dsctl.lock and the
// vendored files exactly as they were; a pull through intermittent faults
// ends with a valid lock.
func TestFaultCLIPullNeverHalfWritesTheLock(t *testing.T) {
	reg := regtest.Start(t, regtest.Options{})
	proxy := regtest.NewProxy(t, reg.Host, nil)
	work := t.TempDir()
	t.Chdir(work)
	t.Setenv("HOME", filepath.Join(work, "home"))
	t.Setenv("DOCKER_CONFIG", filepath.Join(work, "docker"))
	t.Setenv(registry.EnvRegistryUsername, "")
	t.Setenv(registry.EnvRegistryPassword, "")
	t.Setenv("NO_COLOR", "1")
	ref := "oci://" + proxy.Host + "/cli"
	cfg := "apiVersion: dsctl.dev/v1\nregistry: " + ref + "\n"
	if err := os.WriteFile("dsctl.yaml", []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	net := []string{"--plain-http", "--retries", "3"}

	if code, _, stderr := dsctl(t, "contract", "init", "pkg", "--name", "orders"); code != 0 {
		t.Fatalf("init: %d %s", code, stderr)
	}
	if code, _, stderr := dsctl(t, append([]string{"contract", "publish", "pkg"}, net...)...); code != 0 {
		t.Fatalf("publish 0.1.0: %d %s", code, stderr)
	}
	if code, _, stderr := dsctl(t, append([]string{"contract", "pull", "orders@^0.1"}, net...)...); code != 0 {
		t.Fatalf("pull: %d %s", code, stderr)
	}
	// 0.1.1: the same events, a patch release (README only).
	mustReplace(t, "pkg/contract.yaml", "version: 0.1.0", "version: 0.1.1")
	appendTo(t, "pkg/README.md", "\nPatch notes.\n")
	if code, _, stderr := dsctl(t, append([]string{"contract", "publish", "pkg"}, net...)...); code != 0 {
		t.Fatalf("publish 0.1.1: %d %s", code, stderr)
	}
	before := snapshot(t, work)

	// Every blob download fails: the pull of 0.1.1 ends in exit 3 and changes nothing.
	proxy.SetSchedule(func(n int, r *http.Request) regtest.Fault {
		if r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/blobs/") {
			return regtest.Status503
		}
		return regtest.Pass
	})
	code, _, stderr := dsctl(t, append([]string{"contract", "pull", "orders@^0.1"}, net...)...)
	if code != 3 || !strings.Contains(stderr, "HTTP 503") || !strings.Contains(stderr, proxy.Host) {
		t.Fatalf("pull through a failing registry: exit %d\n%s", code, stderr)
	}
	after := snapshot(t, work)
	for p, c := range before {
		if strings.HasPrefix(p, "home/") || strings.HasPrefix(p, "docker/") {
			continue
		}
		if after[p] != c {
			t.Errorf("%s changed by a failed pull", p)
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok && !strings.HasPrefix(p, "home/") && !strings.HasPrefix(p, "docker/") {
			t.Errorf("a failed pull left %s behind", p)
		}
	}

	// Intermittent faults of every kind: the pull succeeds and the lock is whole.
	proxy.SetSchedule(regtest.Cycle(2, regtest.Reset, regtest.Status500, regtest.Truncate, regtest.Status429))
	proxy.RetryAfter = "0"
	code, stdout, stderr := dsctl(t, append([]string{"contract", "pull", "orders@^0.1"}, net...)...)
	if code != 0 {
		t.Fatalf("pull through intermittent faults: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "0.1.1") {
		t.Errorf("pulled: %s", stdout)
	}
	lock, err := os.ReadFile("dsctl.lock")
	if err != nil {
		t.Fatal(err)
	}
	var l struct {
		Contracts map[string]struct{ Version, Registry string }
	}
	if err := json.Unmarshal(lock, &l); err != nil {
		t.Fatalf("lock is not valid JSON after faults: %v\n%s", err, lock)
	}
	if got := l.Contracts["orders"]; got.Version != "0.1.1" || got.Registry != ref {
		t.Errorf("lock entry: %+v", got)
	}
	if code, _, stderr := dsctl(t, "contract", "verify"); code != 0 {
		t.Errorf("verify after faulty pull: %d %s", code, stderr)
	}
	if proxy.Injected(regtest.Reset)+proxy.Injected(regtest.Truncate) == 0 {
		t.Error("no fault was injected")
	}
}

func mustReplace(t *testing.T, path, old, new string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(old)) {
		t.Fatalf("%s lacks %q", path, old)
	}
	if err := os.WriteFile(path, bytes.Replace(b, []byte(old), []byte(new), 1), 0o644); err != nil {
		t.Fatal(err)
	}
}

func appendTo(t *testing.T, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
}
