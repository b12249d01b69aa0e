package cli_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"go/parser"
	"go/token"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// crashRuns is how many SIGKILLs each scenario of TestCrashConsistency takes.
func crashRuns() int {
	if s := os.Getenv("DSCTL_CRASH_RUNS"); s != "" {
		var n int
		fmt.Sscanf(s, "%d", &n)
		return n
	}
	return 30
}

// dsctlIn runs dsctl to completion in dir and returns its exit code and output.
func dsctlIn(t *testing.T, dir string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command("dsctl", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NO_COLOR=1", "DSCTL_CONFIG=")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), out.String()
	} else if err != nil {
		t.Fatalf("run dsctl: %v", err)
	}
	return 0, out.String()
}

// killDuring starts dsctl and SIGKILLs it after a random delay in [0, max).
// It returns whether the run finished before the kill.
func killDuring(t *testing.T, rng *rand.Rand, max time.Duration, dir string, args ...string) bool {
	t.Helper()
	cmd := exec.Command("dsctl", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NO_COLOR=1", "DSCTL_CONFIG=")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(time.Duration(rng.Int63n(int64(max) + 1))):
		cmd.Process.Signal(syscall.SIGKILL)
		<-done
		return false
	}
}

// timeRun measures one complete run, used to spread kill points over it.
func timeRun(t *testing.T, dir string, args ...string) time.Duration {
	start := time.Now()
	if code, out := dsctlIn(t, dir, args...); code != 0 {
		t.Fatalf("dsctl %s: exit %d\n%s", strings.Join(args, " "), code, out)
	}
	d := time.Since(start)
	if d < 5*time.Millisecond {
		d = 5 * time.Millisecond
	}
	return d
}

// checkOCILayout verifies an OCI image layout: index.json parses and every
// manifest it lists, and every blob those manifests name, exists with the
// right digest.
func checkOCILayout(t *testing.T, dir string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "index.json"))
	if err != nil {
		t.Fatalf("layout %s: %v", dir, err)
	}
	var idx struct {
		Manifests []struct {
			Digest string `json:"digest"`
		} `json:"manifests"`
	}
	if err := json.Unmarshal(b, &idx); err != nil {
		t.Fatalf("layout %s: index.json: %v", dir, err)
	}
	blob := func(d string) []byte {
		alg, hexd, _ := strings.Cut(d, ":")
		data, err := os.ReadFile(filepath.Join(dir, "blobs", alg, hexd))
		if err != nil {
			t.Fatalf("layout %s: blob %s: %v", dir, d, err)
		}
		sum := sha256.Sum256(data)
		if "sha256:"+hex.EncodeToString(sum[:]) != d {
			t.Fatalf("layout %s: blob %s has other content", dir, d)
		}
		return data
	}
	for _, m := range idx.Manifests {
		var man struct {
			Config struct {
				Digest string `json:"digest"`
			} `json:"config"`
			Layers []struct {
				Digest string `json:"digest"`
			} `json:"layers"`
		}
		if err := json.Unmarshal(blob(m.Digest), &man); err != nil {
			t.Fatalf("layout %s: manifest %s: %v", dir, m.Digest, err)
		}
		if man.Config.Digest != "" {
			blob(man.Config.Digest)
		}
		for _, l := range man.Layers {
			blob(l.Digest)
		}
	}
}

// TestCrashConsistency kills dsctl with SIGKILL at random points of
// hash-assets, publish, pull and gen dtos, and checks that every output is
// either the old state or the new one.
func TestCrashConsistency(t *testing.T) {
	if os.Getenv("DSCTL_SKIP_CRASH") == "1" {
		t.Skip("DSCTL_SKIP_CRASH=1")
	}
	rng := rand.New(rand.NewSource(1))
	n := crashRuns()
	kills := 0
	examples := filepath.Join(repoRoot(t), "examples")

	t.Run("hash-assets", func(t *testing.T) {
		w := t.TempDir()
		copyTree(t, filepath.Join(examples, "web"), filepath.Join(w, "src"))
		// Enough files that a run takes a while.
		os.MkdirAll(filepath.Join(w, "src", "gen"), 0o755)
		for i := 0; i < 300; i++ {
			os.WriteFile(filepath.Join(w, "src", "gen", fmt.Sprintf("f%03d.css", i)), []byte(strings.Repeat(fmt.Sprintf("a%d{color:red}\n", i), 200)), 0o644)
		}
		// A page that changes with every run: it keeps its name, so its new
		// content must not be in place before the manifest that names it.
		page := func(i int) {
			os.WriteFile(filepath.Join(w, "src", "gen.html"), []byte(fmt.Sprintf("<link rel=stylesheet href=\"gen/f000.css\"><p>run %d</p>\n", i)), 0o644)
		}
		page(-1)
		args := []string{"hash-assets", "src", "--out", "out", "--precompress", "gzip"}
		d := timeRun(t, w, args...)
		for i := 0; i < n; i++ {
			os.WriteFile(filepath.Join(w, "src", "gen", "f000.css"), []byte(fmt.Sprintf("b{width:%dpx}", i)), 0o644)
			page(i)
			if !killDuring(t, rng, d, w, args...) {
				kills++
			}
			if code, out := dsctlIn(t, w, "hash-assets", "verify", "out"); code != 0 {
				t.Fatalf("after kill %d: verify exit %d\n%s", i, code, out)
			}
		}
		// The next complete run leaves no temp or pending file of the killed ones.
		if code, out := dsctlIn(t, w, args...); code != 0 {
			t.Fatalf("final run: exit %d\n%s", code, out)
		}
		filepath.WalkDir(filepath.Join(w, "out"), func(p string, d os.DirEntry, err error) error {
			if err == nil && (strings.Contains(d.Name(), ".tmp-") || strings.HasSuffix(d.Name(), ".pending")) {
				t.Errorf("left behind: %s", p)
			}
			return nil
		})
		if code, out := dsctlIn(t, w, "hash-assets", "verify", "out"); code != 0 {
			t.Fatalf("final verify: exit %d\n%s", code, out)
		}
	})

	t.Run("publish", func(t *testing.T) {
		w := t.TempDir()
		copyTree(t, filepath.Join(examples, "orders", "contract"), filepath.Join(w, "pkg"))
		d := timeRun(t, w, "contract", "publish", "pkg", "--registry", "reg")
		for i := 0; i < n; i++ {
			cy := filepath.Join(w, "pkg", "contract.yaml")
			b, _ := os.ReadFile(cy)
			lines := strings.Split(string(b), "\n")
			for k, l := range lines {
				if strings.HasPrefix(l, "version:") {
					lines[k] = fmt.Sprintf("version: 1.0.%d", i+1)
				}
			}
			os.WriteFile(cy, []byte(strings.Join(lines, "\n")), 0o644)
			if !killDuring(t, rng, d, w, "contract", "publish", "pkg", "--registry", "reg") {
				kills++
			}
			layouts, _ := filepath.Glob(filepath.Join(w, "reg", "*", "index.json"))
			for _, l := range layouts {
				checkOCILayout(t, filepath.Dir(l))
			}
			if code, out := dsctlIn(t, w, "contract", "list", "--registry", "reg"); code != 0 {
				t.Fatalf("after kill %d: list exit %d\n%s", i, code, out)
			}
		}
		// Rerunning the publish completes it.
		if code, out := dsctlIn(t, w, "contract", "publish", "pkg", "--registry", "reg"); code != 0 {
			t.Fatalf("republish after kills: exit %d\n%s", code, out)
		}
	})

	t.Run("pull", func(t *testing.T) {
		w := t.TempDir()
		copyTree(t, filepath.Join(examples, "orders", "contract"), filepath.Join(w, "pkg"))
		os.WriteFile(filepath.Join(w, "dsctl.yaml"), []byte("apiVersion: dsctl.dev/v1\nregistry: reg\n"), 0o644)
		if code, out := dsctlIn(t, w, "contract", "publish", "pkg"); code != 0 {
			t.Fatalf("publish: %d\n%s", code, out)
		}
		d := timeRun(t, w, "contract", "pull", "orders@^1")
		for i := 0; i < n; i++ {
			os.RemoveAll(filepath.Join(w, "contracts"))
			if i%2 == 0 {
				os.Remove(filepath.Join(w, "dsctl.lock"))
			}
			if !killDuring(t, rng, d, w, "contract", "pull", "orders@^1") {
				kills++
			}
			if b, err := os.ReadFile(filepath.Join(w, "dsctl.lock")); err == nil {
				var v map[string]any
				if err := json.Unmarshal(b, &v); err != nil {
					t.Fatalf("after kill %d: dsctl.lock is half written: %v", i, err)
				}
			}
			// A complete vendor folder always matches the lock; a missing one is the old state.
			if _, err := os.Stat(filepath.Join(w, "contracts", "vendor", "orders", "contract.yaml")); err == nil {
				if code, out := dsctlIn(t, w, "contract", "verify"); code != 0 && !strings.Contains(out, "not in") {
					t.Fatalf("after kill %d: verify exit %d\n%s", i, code, out)
				}
			}
		}
	})

	t.Run("gen-dtos", func(t *testing.T) {
		w := t.TempDir()
		copyFile(t, filepath.Join(examples, "orders", "contract", "openapi.yaml"), filepath.Join(w, "openapi.yaml"))
		args := []string{"gen", "dtos", "--spec", "openapi.yaml", "--package", "orders", "--out", "gen/dtos.go"}
		d := timeRun(t, w, args...)
		for i := 0; i < n; i++ {
			b, _ := os.ReadFile(filepath.Join(w, "openapi.yaml"))
			os.WriteFile(filepath.Join(w, "openapi.yaml"), []byte(strings.Replace(string(b), "title:", fmt.Sprintf("x-run: %d\n  title:", i), 1)), 0o644)
			if !killDuring(t, rng, d, w, args...) {
				kills++
			}
			src, err := os.ReadFile(filepath.Join(w, "gen", "dtos.go"))
			if err != nil {
				t.Fatalf("after kill %d: generated file vanished: %v", i, err)
			}
			if _, err := parser.ParseFile(token.NewFileSet(), "dtos.go", src, 0); err != nil {
				t.Fatalf("after kill %d: generated file is not whole: %v", i, err)
			}
		}
	})
	t.Logf("crash consistency: %d runs, %d killed mid-run", 4*n, kills)
}
