package registry_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dsctl/dsctl/contracts/registry"
	"github.com/dsctl/dsctl/contracts/registry/internal/regtest"
)

// EnvBench makes the speed targets hard failures (they are logged otherwise,
// so that a loaded CI machine does not fail the build on timing).
const envBench = "DSCTL_BENCH"

// TestRemoteIntegrationPublish100 publishes 100 packages to a local
// docker-registry (target: under 10 s), then republishes them all: the
// idempotent path must upload no blob and write no manifest.
func TestRemoteIntegrationPublish100(t *testing.T) {
	reg := regtest.Start(t, regtest.Options{})
	proxy := regtest.NewProxy(t, reg.Host, nil)
	ctx := context.Background()
	_, st := openRemote(t, proxy.Host, "speed", registry.RemoteOptions{})
	pkgs := make([]registry.Package, 100)
	for i := range pkgs {
		pkgs[i] = pkg(fmt.Sprintf("svc%03d", i), "1.0.0", fmt.Sprint(i))
	}
	start := time.Now()
	for _, p := range pkgs {
		if _, err := st.Push(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	first := time.Since(start)
	firstReqs := proxy.Counts()
	proxy.Reset()
	start = time.Now()
	for _, p := range pkgs {
		res, err := st.Push(ctx, p)
		if err != nil || !res.AlreadyPublished {
			t.Fatalf("republish %s: %+v %v", p.Name, res, err)
		}
	}
	again := time.Since(start)
	if n := proxy.Uploads(); n != 0 {
		t.Errorf("idempotent republish of 100 packages uploaded %d blobs", n)
	}
	if n := proxy.Count("PUT manifest"); n != 0 {
		t.Errorf("idempotent republish wrote %d manifests", n)
	}
	t.Logf("100 packages: publish %v (%v each; requests %v), republish %v (requests %v)",
		first.Round(time.Millisecond), (first / 100).Round(time.Microsecond), firstReqs, again.Round(time.Millisecond), proxy.Counts())
	if first > 10*time.Second {
		msg := fmt.Sprintf("publishing 100 packages took %v, target 10s", first)
		if os.Getenv(envBench) == "1" {
			t.Error(msg)
		} else {
			t.Log("SLOW: " + msg)
		}
	}
}

// TestRemoteIntegrationCLIPublish100 runs `dsctl contract publish` on 100
// package folders in one process against a local docker-registry (target:
// under 10 s end to end, lint and pack included). Runs with DSCTL_BENCH=1.
func TestRemoteIntegrationCLIPublish100(t *testing.T) {
	if os.Getenv(envBench) != "1" {
		t.Skip("set DSCTL_BENCH=1 to time 100 CLI publishes against docker-registry")
	}
	reg := regtest.Start(t, regtest.Options{})
	work := t.TempDir()
	t.Chdir(work)
	t.Setenv("HOME", filepath.Join(work, "home"))
	t.Setenv("DOCKER_CONFIG", filepath.Join(work, "docker"))
	t.Setenv(registry.EnvRegistryUsername, "")
	t.Setenv(registry.EnvRegistryPassword, "")
	args := []string{"--quiet", "contract", "publish", "--registry", "oci://" + reg.Host + "/cli100", "--plain-http"}
	for i := 0; i < 100; i++ {
		dir := fmt.Sprintf("c%03d", i)
		if code, _, stderr := dsctl(t, "contract", "init", dir, "--name", "svc"+dir); code != 0 {
			t.Fatalf("init: %s", stderr)
		}
		args = append(args, dir)
	}
	start := time.Now()
	if code, _, stderr := dsctl(t, args...); code != 0 {
		t.Fatalf("publish: %d %s", code, stderr)
	}
	first := time.Since(start)
	start = time.Now()
	if code, _, stderr := dsctl(t, args...); code != 0 {
		t.Fatalf("republish: %d %s", code, stderr)
	}
	again := time.Since(start)
	// The same folders to an OCI layout store, for comparison.
	largs := append([]string{"--quiet", "contract", "publish", "--registry", filepath.Join(work, "layout")}, args[6:]...)
	start = time.Now()
	if code, _, stderr := dsctl(t, largs...); code != 0 {
		t.Fatalf("publish to layout: %d %s", code, stderr)
	}
	layout := time.Since(start)
	t.Logf("CLI, 100 packages: publish %v, republish (no-op) %v; to an OCI layout folder: %v",
		first.Round(time.Millisecond), again.Round(time.Millisecond), layout.Round(time.Millisecond))
	if first > 10*time.Second {
		t.Errorf("publishing 100 packages took %v, target 10s", first)
	}
}

// BenchmarkRemotePush measures one publish of a new package to a local
// docker-registry, and one idempotent republish.
func BenchmarkRemotePush(b *testing.B) {
	reg := regtest.Start(b, regtest.Options{})
	ctx := context.Background()
	_, st := openRemote(b, reg.Host, "bench", registry.RemoteOptions{})
	b.Run("new", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if _, err := st.Push(ctx, pkg(fmt.Sprintf("b%d", i), "1.0.0", fmt.Sprint(i))); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("republish", func(b *testing.B) {
		p := pkg("again", "1.0.0", "x")
		if _, err := st.Push(ctx, p); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if res, err := st.Push(ctx, p); err != nil || !res.AlreadyPublished {
				b.Fatal(res, err)
			}
		}
	})
}
