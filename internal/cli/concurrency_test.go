package cli_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// parallel runs f(i) for i in [0, n) at the same time and returns the exit codes and outputs.
func parallel(n int, f func(i int) (int, string)) ([]int, []string) {
	codes := make([]int, n)
	outs := make([]string, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			codes[i], outs[i] = f(i)
		}(i)
	}
	close(start)
	wg.Wait()
	return codes, outs
}

// TestConcurrentPublishSameVersion: parallel publishes of one version with
// identical content all succeed (one publishes, the rest are no-ops); with
// different content exactly one wins and the others are refused as immutable.
func TestConcurrentPublishSameVersion(t *testing.T) {
	examples := filepath.Join(repoRoot(t), "examples")
	const n = 6
	t.Run("identical", func(t *testing.T) {
		w := t.TempDir()
		copyTree(t, filepath.Join(examples, "orders", "contract"), filepath.Join(w, "pkg"))
		codes, outs := parallel(n, func(int) (int, string) {
			return dsctlIn(t, w, "contract", "publish", "pkg", "--registry", "reg")
		})
		for i, c := range codes {
			if c != 0 {
				t.Errorf("publisher %d: exit %d\n%s", i, c, outs[i])
			}
		}
		checkOCILayout(t, filepath.Join(w, "reg", "orders"))
	})
	t.Run("different", func(t *testing.T) {
		w := t.TempDir()
		for i := 0; i < n; i++ {
			dir := filepath.Join(w, fmt.Sprintf("pkg%d", i))
			copyTree(t, filepath.Join(examples, "orders", "contract"), dir)
			f, _ := os.OpenFile(filepath.Join(dir, "README.md"), os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644)
			fmt.Fprintf(f, "\npublisher %d\n", i)
			f.Close()
		}
		codes, outs := parallel(n, func(i int) (int, string) {
			return dsctlIn(t, w, "contract", "publish", fmt.Sprintf("pkg%d", i), "--registry", "reg")
		})
		winners := 0
		for i, c := range codes {
			switch c {
			case 0:
				winners++
			case 1:
				if !strings.Contains(outs[i], "immutable") {
					t.Errorf("loser %d without a clear message:\n%s", i, outs[i])
				}
			default:
				t.Errorf("publisher %d: exit %d\n%s", i, c, outs[i])
			}
		}
		if winners != 1 {
			t.Errorf("%d winners, want exactly 1\n%v", winners, outs)
		}
		checkOCILayout(t, filepath.Join(w, "reg", "orders"))
	})
}

// TestConcurrentHashAssets: parallel builds into one output folder leave a
// folder that verifies.
func TestConcurrentHashAssets(t *testing.T) {
	w := t.TempDir()
	copyTree(t, filepath.Join(repoRoot(t), "examples", "web"), filepath.Join(w, "src"))
	codes, outs := parallel(4, func(int) (int, string) {
		return dsctlIn(t, w, "hash-assets", "src", "--out", "out")
	})
	for i, c := range codes {
		if c != 0 {
			t.Errorf("build %d: exit %d\n%s", i, c, outs[i])
		}
	}
	if code, out := dsctlIn(t, w, "hash-assets", "verify", "out"); code != 0 {
		t.Fatalf("verify after parallel builds: exit %d\n%s", code, out)
	}
}

// TestConcurrentPull: parallel pulls into one vendor folder leave a vendor
// folder and a lock that verify.
func TestConcurrentPull(t *testing.T) {
	w := t.TempDir()
	copyTree(t, filepath.Join(repoRoot(t), "examples", "orders", "contract"), filepath.Join(w, "pkg"))
	os.WriteFile(filepath.Join(w, "dsctl.yaml"), []byte("apiVersion: dsctl.dev/v1\nregistry: reg\n"), 0o644)
	if code, out := dsctlIn(t, w, "contract", "publish", "pkg"); code != 0 {
		t.Fatalf("publish: %d\n%s", code, out)
	}
	codes, outs := parallel(4, func(int) (int, string) {
		return dsctlIn(t, w, "contract", "pull", "orders@^1")
	})
	for i, c := range codes {
		if c != 0 {
			t.Errorf("pull %d: exit %d\n%s", i, c, outs[i])
		}
	}
	if code, out := dsctlIn(t, w, "contract", "verify"); code != 0 {
		t.Fatalf("verify after parallel pulls: exit %d\n%s", code, out)
	}
}
