package registry_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dsctl/dsctl/contracts/registry"
	"github.com/dsctl/dsctl/contracts/registry/internal/regtest"
	"github.com/dsctl/dsctl/internal/errkind"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/content"
	"oras.land/oras-go/v2/registry/remote"
)

// testPolicy retries fast: the faults are injected, not real.
var testPolicy = registry.RetryPolicy{Retries: 4, Timeout: 5 * time.Second, MinWait: time.Millisecond, MaxWait: 10 * time.Millisecond}

func pkg(name, version, body string) registry.Package {
	return registry.Package{
		Name:    name,
		Version: version,
		Archive: []byte("archive of " + name + " " + body),
		Config:  []byte(fmt.Sprintf(`{"name":%q,"version":%q}`, name, version)),
	}
}

// noEnv is an environment without credentials or Docker config.
func noEnv(string) string { return "" }

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func openRemote(t testing.TB, host, prefix string, opts registry.RemoteOptions) (*registry.Remote, *registry.TargetStore) {
	t.Helper()
	ref, err := registry.ParseRemoteRef("oci://" + host + "/" + prefix)
	if err != nil {
		t.Fatal(err)
	}
	opts.PlainHTTP = true
	if opts.Getenv == nil {
		opts.Getenv = noEnv
	}
	if opts.Retry == (registry.RetryPolicy{}) {
		opts.Retry = testPolicy
	}
	r, err := registry.NewRemote(ref, opts)
	if err != nil {
		t.Fatal(err)
	}
	return r, r.Store()
}

func TestRemoteIntegrationLifecycle(t *testing.T) {
	reg := regtest.Start(t, regtest.Options{})
	proxy := regtest.NewProxy(t, reg.Host, nil) // counts requests, no faults
	ctx := context.Background()
	_, st := openRemote(t, proxy.Host, "team/contracts", registry.RemoteOptions{})

	p1 := pkg("orders", "1.0.0", "v1")
	res, err := st.Push(ctx, p1)
	if err != nil {
		t.Fatal(err)
	}
	if res.AlreadyPublished {
		t.Fatal("first push reported already published")
	}

	// Idempotent republish: no blob is uploaded, nothing is written.
	proxy.Reset()
	res2, err := st.Push(ctx, p1)
	if err != nil || !res2.AlreadyPublished || res2.Version.Digest != res.Version.Digest {
		t.Fatalf("republish: %+v, %v", res2, err)
	}
	if n := proxy.Uploads(); n != 0 {
		t.Errorf("republish uploaded %d times; requests: %v", n, proxy.Counts())
	}
	if n := proxy.Count("PUT manifest"); n != 0 {
		t.Errorf("republish wrote %d manifests", n)
	}

	// Same version, other content: refused, nothing changed.
	if _, err := st.Push(ctx, pkg("orders", "1.0.0", "changed")); !errors.Is(err, registry.ErrImmutable) {
		t.Fatalf("push other content as 1.0.0: %v", err)
	}
	if v, err := st.Lookup(ctx, "orders", "1.0.0"); err != nil || v.Digest != res.Version.Digest {
		t.Fatalf("1.0.0 moved: %+v %v", v, err)
	}

	if _, err := st.Push(ctx, pkg("orders", "1.1.0", "v1.1")); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Push(ctx, pkg("billing", "0.1.0", "b")); err != nil {
		t.Fatal(err)
	}

	vs, err := st.List(ctx, "orders")
	if err != nil || len(vs) != 2 || vs[0].Version != "1.0.0" || vs[1].Version != "1.1.0" {
		t.Fatalf("list: %+v %v", vs, err)
	}
	names, err := st.Names(ctx)
	if err != nil || strings.Join(names, ",") != "billing,orders" {
		t.Fatalf("names: %v %v", names, err)
	}

	data, v, err := st.Fetch(ctx, "orders", "1.0.0")
	if err != nil || !bytes.Equal(data, p1.Archive) || v.Digest != res.Version.Digest {
		t.Fatalf("fetch: %q %+v %v", data, v, err)
	}

	// Missing things are ErrNotFound, not environment errors.
	if _, err := st.Lookup(ctx, "orders", "9.9.9"); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("lookup missing version: %v", err)
	}
	if vs, err := st.List(ctx, "nosuch"); err != nil || len(vs) != 0 {
		t.Errorf("list missing name: %v %v", vs, err)
	}

	// Yank: distribution 2.8 has no referrers API, so oras-go falls back to the
	// tag schema (a sha256-<hex> index tag); List must not show that tag.
	if err := st.Yank(ctx, "orders", "1.0.0", "wrong currency field"); err != nil {
		t.Fatal(err)
	}
	if err := st.Yank(ctx, "orders", "1.0.0", "wrong currency field"); err != nil {
		t.Fatalf("yank again: %v", err)
	}
	vs, err = st.List(ctx, "orders")
	if err != nil || len(vs) != 2 {
		t.Fatalf("list after yank: %+v %v", vs, err)
	}
	if !vs[0].Yanked || vs[0].YankReason != "wrong currency field" || vs[1].Yanked {
		t.Errorf("yank marks: %+v", vs)
	}
	// The yanked version is still there (a tombstone, not a deletion).
	if _, _, err := st.Fetch(ctx, "orders", "1.0.0"); err != nil {
		t.Errorf("fetch yanked version: %v", err)
	}
	if proxy.Count("GET referrers") == 0 {
		t.Errorf("the referrers API was never tried: %v", proxy.Counts())
	}

	// Through Open, as the CLI does.
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	t.Setenv(registry.EnvRegistryUsername, "")
	t.Setenv(registry.EnvRegistryPassword, "")
	s2, err := registry.Open("oci://"+reg.Host+"/team/contracts", registry.Options{PlainHTTP: true, Retries: 2, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if v, err := s2.Lookup(ctx, "orders", "1.1.0"); err != nil || v.Version != "1.1.0" {
		t.Fatalf("lookup through Open: %+v %v", v, err)
	}
	assertNoPartialTags(t, reg.Host, "team/contracts/orders")
}

// assertNoPartialTags checks, directly against the registry, that every tag of
// repo points at a manifest whose blobs are all there and match their digests.
func assertNoPartialTags(t *testing.T, host, repo string) {
	t.Helper()
	ctx := context.Background()
	r, err := remote.NewRepository(host + "/" + repo)
	if err != nil {
		t.Fatal(err)
	}
	r.PlainHTTP = true
	var tags []string
	if err := r.Tags(ctx, "", func(ts []string) error { tags = append(tags, ts...); return nil }); err != nil {
		if strings.Contains(err.Error(), "404") {
			return
		}
		t.Fatalf("tags of %s: %v", repo, err)
	}
	for _, tag := range tags {
		desc, rc, err := r.FetchReference(ctx, tag)
		if err != nil {
			t.Fatalf("%s:%s: %v", repo, tag, err)
		}
		data, err := content.ReadAll(rc, desc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s:%s manifest: %v", repo, tag, err)
		}
		if strings.HasPrefix(tag, "sha256-") { // referrers index of the tag-schema fallback
			continue
		}
		var m ocispec.Manifest
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s:%s: %v", repo, tag, err)
		}
		for _, b := range append([]ocispec.Descriptor{m.Config}, m.Layers...) {
			rc, err := r.Blobs().Fetch(ctx, b)
			if err != nil {
				t.Fatalf("%s:%s points at a partial artifact: blob %s: %v", repo, tag, b.Digest, err)
			}
			_, err = content.ReadAll(rc, b)
			rc.Close()
			if err != nil {
				t.Fatalf("%s:%s blob %s: %v", repo, tag, b.Digest, err)
			}
		}
	}
}

// TestRemoteIntegrationLostRace makes another publisher win the race between
// our tag push and our check: the publish must report the conflict (exit 1).
func TestRemoteIntegrationLostRace(t *testing.T) {
	reg := regtest.Start(t, regtest.Options{})
	proxy := regtest.NewProxy(t, reg.Host, nil)
	ctx := context.Background()
	_, ours := openRemote(t, proxy.Host, "race", registry.RemoteOptions{})

	// Their publisher bypasses dsctl's check: it writes the tag directly.
	their := pkg("orders", "2.0.0", "theirs")
	cfg, layer, mdesc, mjson, err := registry.BuildManifest(their)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := remote.NewRepository(reg.Host + "/race/orders")
	if err != nil {
		t.Fatal(err)
	}
	raw.PlainHTTP = true
	var once sync.Once
	proxy.After = func(r *http.Request, status int) {
		// Right after our tag PUT succeeds, they overwrite the tag.
		if r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, "/manifests/2.0.0") && status == http.StatusCreated {
			once.Do(func() {
				for _, b := range []struct {
					d    ocispec.Descriptor
					data []byte
				}{{cfg, their.Config}, {layer, their.Archive}} {
					if err := raw.Push(ctx, b.d, bytes.NewReader(b.data)); err != nil {
						t.Errorf("their blob: %v", err)
					}
				}
				if err := raw.PushReference(ctx, mdesc, bytes.NewReader(mjson), "2.0.0"); err != nil {
					t.Errorf("their tag: %v", err)
				}
			})
		}
	}
	theirDigest := mdesc.Digest.String()
	_, err = ours.Push(ctx, pkg("orders", "2.0.0", "ours"))
	if !errors.Is(err, registry.ErrImmutable) || !strings.Contains(err.Error(), "concurrently") {
		t.Fatalf("lost race not detected: %v", err)
	}
	if errkind.Of(err) == errkind.Env {
		t.Errorf("a lost race is an immutability conflict, not an environment error: %v", err)
	}
	if v, err := ours.Lookup(ctx, "orders", "2.0.0"); err != nil || v.Digest != theirDigest {
		t.Errorf("tag should be theirs: %+v %v", v, err)
	}
}

// TestRemoteIntegrationParallelPublishers: several publishers race on one
// version; whatever the interleaving, the tag ends at the digest of a publisher
// that reported success, and every other one got ErrImmutable or success.
func TestRemoteIntegrationParallelPublishers(t *testing.T) {
	reg := regtest.Start(t, regtest.Options{})
	ctx := context.Background()
	const n = 4
	digests := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, st := openRemote(t, reg.Host, "par", registry.RemoteOptions{})
			res, err := st.Push(ctx, pkg("orders", "1.0.0", fmt.Sprint("publisher ", i)))
			digests[i], errs[i] = res.Version.Digest, err
		}()
	}
	wg.Wait()
	_, st := openRemote(t, reg.Host, "par", registry.RemoteOptions{})
	v, err := st.Lookup(ctx, "orders", "1.0.0")
	if err != nil {
		t.Fatal(err)
	}
	won := false
	for i := 0; i < n; i++ {
		if errs[i] != nil && !errors.Is(errs[i], registry.ErrImmutable) {
			t.Errorf("publisher %d: %v", i, errs[i])
		}
		if errs[i] == nil && digests[i] == v.Digest {
			won = true
		}
	}
	if !won {
		t.Errorf("tag points at %s, which no successful publisher pushed: %v", v.Digest, errs)
	}
}

func TestRemoteIntegrationAuth(t *testing.T) {
	reg := regtest.Start(t, regtest.Options{Auth: true})
	ctx := context.Background()

	t.Run("right credentials from the environment", func(t *testing.T) {
		r, st := openRemote(t, reg.Host, "auth", registry.RemoteOptions{Getenv: envOf(map[string]string{
			registry.EnvRegistryUsername: regtest.User, registry.EnvRegistryPassword: regtest.Password})})
		res, err := r.Ping(ctx)
		if err != nil || !res.Reachable || res.Auth != "authenticated" {
			t.Fatalf("ping: %+v %v", res, err)
		}
		if _, err := st.Push(ctx, pkg("orders", "1.0.0", "a")); err != nil {
			t.Fatal(err)
		}
		if _, _, err := st.Fetch(ctx, "orders", "1.0.0"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("right credentials from the Docker config", func(t *testing.T) {
		dir := t.TempDir()
		auth := base64.StdEncoding.EncodeToString([]byte(regtest.User + ":" + regtest.Password))
		cfg := fmt.Sprintf(`{"auths":{%q:{"auth":%q}}}`, reg.Host, auth)
		if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
		_, st := openRemote(t, reg.Host, "auth", registry.RemoteOptions{Getenv: envOf(map[string]string{"DOCKER_CONFIG": dir})})
		if _, err := st.Lookup(ctx, "orders", "1.0.0"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("right credentials from a Docker credential helper", func(t *testing.T) {
		dir := t.TempDir()
		helper := "#!/bin/sh\n[ \"$1\" = get ] || exit 1\nread server\n" +
			"printf '{\"ServerURL\":\"%s\",\"Username\":\"" + regtest.User + "\",\"Secret\":\"" + regtest.Password + "\"}' \"$server\"\n"
		if err := os.WriteFile(filepath.Join(dir, "docker-credential-dsctltest"), []byte(helper), 0o755); err != nil {
			t.Fatal(err)
		}
		t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
		cfg := fmt.Sprintf(`{"credHelpers":{%q:"dsctltest"}}`, reg.Host)
		if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
		r, st := openRemote(t, reg.Host, "auth", registry.RemoteOptions{Getenv: envOf(map[string]string{"DOCKER_CONFIG": dir})})
		if _, err := st.Lookup(ctx, "orders", "1.0.0"); err != nil {
			t.Fatal(err)
		}
		if res, err := r.Ping(ctx); err != nil || res.Credentials != registry.CredsDocker || res.Auth != "authenticated" {
			t.Fatalf("ping: %+v %v", res, err)
		}
	})
	t.Run("wrong credentials", func(t *testing.T) {
		r, st := openRemote(t, reg.Host, "auth", registry.RemoteOptions{Getenv: envOf(map[string]string{
			registry.EnvRegistryUsername: regtest.User, registry.EnvRegistryPassword: "not-the-Pa55word"})})
		_, err := st.Push(ctx, pkg("orders", "1.1.0", "b"))
		checkAuthErr(t, err, "authentication failed", "not-the-Pa55word")
		_, err = r.Ping(ctx)
		checkAuthErr(t, err, "authentication failed", "not-the-Pa55word")
	})
	t.Run("missing credentials", func(t *testing.T) {
		_, st := openRemote(t, reg.Host, "auth", registry.RemoteOptions{})
		_, err := st.Lookup(ctx, "orders", "1.0.0")
		checkAuthErr(t, err, "authentication required", regtest.Password)
	})
}

func checkAuthErr(t *testing.T, err error, want, secret string) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	if errkind.Of(err) != errkind.Env || !errors.Is(err, registry.ErrAuth) {
		t.Errorf("kind %v, ErrAuth %v: %v", errkind.Of(err), errors.Is(err, registry.ErrAuth), err)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("message %q lacks %q", err, want)
	}
	t.Logf("message: %v", err)
	if strings.Contains(fmt.Sprintf("%v %+v", err, err), secret) {
		t.Errorf("message leaks the secret: %v", err)
	}
}

// TestRemoteIntegrationImmutableRegistry emulates a registry with tag
// immutability (ECR answers 400 TAG_INVALID): when another publisher tagged the
// version between our check and our tag write, the refusal becomes an
// immutability conflict (exit 1); when they published the same content, the
// publish succeeds (idempotent).
func TestRemoteIntegrationImmutableRegistry(t *testing.T) {
	reg := regtest.Start(t, regtest.Options{})
	ctx := context.Background()
	raw, err := remote.NewRepository(reg.Host + "/imm/orders")
	if err != nil {
		t.Fatal(err)
	}
	raw.PlainHTTP = true
	pushRaw := func(p registry.Package, tag string) {
		cfg, layer, mdesc, mjson, err := registry.BuildManifest(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range []struct {
			d    ocispec.Descriptor
			data []byte
		}{{cfg, p.Config}, {layer, p.Archive}} {
			if err := raw.Push(ctx, b.d, bytes.NewReader(b.data)); err != nil && !strings.Contains(err.Error(), "exists") {
				t.Errorf("raw blob: %v", err)
			}
		}
		if err := raw.PushReference(ctx, mdesc, bytes.NewReader(mjson), tag); err != nil {
			t.Errorf("raw tag: %v", err)
		}
	}
	for _, tc := range []struct {
		version, theirs string
		wantErr         bool
	}{
		{"2.0.0", "theirs", true},
		{"3.0.0", "ours", false},
	} {
		t.Run(tc.version, func(t *testing.T) {
			var tagged atomic.Bool
			proxy := regtest.NewProxy(t, reg.Host, func(n int, r *http.Request) regtest.Fault {
				if tagged.Load() && r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, "/manifests/"+tc.version) {
					return regtest.Immutable
				}
				return regtest.Pass
			})
			var once sync.Once
			proxy.After = func(r *http.Request, status int) {
				if r.Method == http.MethodPut && strings.Contains(r.URL.Path, "/manifests/sha256:") {
					once.Do(func() {
						pushRaw(pkg("orders", tc.version, tc.theirs), tc.version)
						tagged.Store(true)
					})
				}
			}
			_, st := openRemote(t, proxy.Host, "imm", registry.RemoteOptions{})
			res, err := st.Push(ctx, pkg("orders", tc.version, "ours"))
			if proxy.Injected(regtest.Immutable) != 1 {
				t.Fatalf("the tag write was refused %d times", proxy.Injected(regtest.Immutable))
			}
			if !tc.wantErr {
				if err != nil {
					t.Fatalf("same content published concurrently: %v", err)
				}
				return
			}
			if !errors.Is(err, registry.ErrImmutable) || errkind.Of(err) != errkind.Finding || !strings.Contains(err.Error(), "refused to move it") {
				t.Fatalf("got %+v, %v (kind %v)", res, err, errkind.Of(err))
			}
		})
	}
}

// TestRemoteIntegrationConcurrentNames publishes several names through one
// store at once (what a concurrent `contract publish DIR...` would do): the
// remote store is safe for concurrent use (run with -race).
func TestRemoteIntegrationConcurrentNames(t *testing.T) {
	reg := regtest.Start(t, regtest.Options{})
	ctx := context.Background()
	_, st := openRemote(t, reg.Host, "conc", registry.RemoteOptions{})
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("svc%d", i)
			if _, err := st.Push(ctx, pkg(name, "1.0.0", name)); err != nil {
				t.Errorf("push %s: %v", name, err)
			}
			if _, _, err := st.Fetch(ctx, name, "1.0.0"); err != nil {
				t.Errorf("fetch %s: %v", name, err)
			}
		}()
	}
	wg.Wait()
	names, err := st.Names(ctx)
	if err != nil || len(names) != 8 {
		t.Fatalf("names: %v %v", names, err)
	}
}
