package registry

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	ggcr "github.com/google/go-containerregistry/pkg/registry"
	"oras.land/oras-go/v2/registry/remote"
)

func pkg(name, version, content string) Package {
	return Package{Name: name, Version: version, Archive: []byte("archive " + content), Config: []byte(`{"name":"` + name + `"}`)}
}

// stores returns the stores every test runs against: a layout folder and an
// in-process OCI registry (go-containerregistry) reached through oras-go's
// remote.Repository over plain HTTP on loopback, with and without the
// referrers API.
func stores(t *testing.T) map[string]Store {
	t.Helper()
	out := map[string]Store{"layout": OpenLayout("reg", filepath.Join(t.TempDir(), "reg"))}
	for _, referrers := range []bool{true, false} {
		srv := httptest.NewServer(ggcr.New(ggcr.Logger(log.New(io.Discard, "", 0)), ggcr.WithReferrersSupport(referrers)))
		t.Cleanup(srv.Close)
		u, _ := url.Parse(srv.URL)
		host := u.Host
		open := func(ctx context.Context, name string) (Target, error) {
			r, err := remote.NewRepository(host + "/contracts/" + name)
			if err != nil {
				return nil, err
			}
			r.PlainHTTP = true
			return r, nil
		}
		out[fmt.Sprintf("ocireg-referrers=%v", referrers)] = NewTargetStore("oci://"+host+"/contracts", open, nil)
	}
	return out
}

func TestStoreLifecycle(t *testing.T) {
	ctx := context.Background()
	for kind, s := range stores(t) {
		t.Run(kind, func(t *testing.T) {
			if vs, err := s.List(ctx, "orders"); err != nil || len(vs) != 0 {
				t.Fatalf("List on empty store = %v, %v", vs, err)
			}
			if _, err := s.Lookup(ctx, "orders", "1.0.0"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("Lookup on empty store: %v, want ErrNotFound", err)
			}
			r1, err := s.Push(ctx, pkg("orders", "1.0.0", "a"))
			if err != nil || r1.AlreadyPublished {
				t.Fatalf("first push = %+v, %v", r1, err)
			}
			r2, err := s.Push(ctx, pkg("orders", "1.0.0", "a"))
			if err != nil || !r2.AlreadyPublished || r2.Version.Digest != r1.Version.Digest {
				t.Fatalf("republish = %+v, %v; want a no-op with digest %s", r2, err, r1.Version.Digest)
			}
			if _, err := s.Push(ctx, pkg("orders", "1.0.0", "b")); !errors.Is(err, ErrImmutable) {
				t.Fatalf("push of other content under 1.0.0: %v, want ErrImmutable", err)
			}
			for _, v := range []string{"1.10.0", "1.2.0", "2.0.0"} {
				if _, err := s.Push(ctx, pkg("orders", v, v)); err != nil {
					t.Fatal(err)
				}
			}
			vs, err := s.List(ctx, "orders")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, v := range vs {
				got = append(got, v.Version)
			}
			if fmt.Sprint(got) != "[1.0.0 1.2.0 1.10.0 2.0.0]" {
				t.Fatalf("List = %v, want semver order", got)
			}
			data, v, err := s.Fetch(ctx, "orders", "1.0.0")
			if err != nil || !bytes.Equal(data, []byte("archive a")) || v.Digest != r1.Version.Digest {
				t.Fatalf("Fetch = %q, %+v, %v", data, v, err)
			}
			if err := s.Yank(ctx, "orders", "1.2.0", "broke billing"); err != nil {
				t.Fatal(err)
			}
			if err := s.Yank(ctx, "orders", "1.2.0", "broke billing"); err != nil {
				t.Fatalf("second yank: %v", err)
			}
			v, err = s.Lookup(ctx, "orders", "1.2.0")
			if err != nil || !v.Yanked || v.YankReason != "broke billing" {
				t.Fatalf("Lookup after yank = %+v, %v", v, err)
			}
			vs, _ = s.List(ctx, "orders")
			if len(vs) != 4 || !vs[1].Yanked || vs[0].Yanked {
				t.Fatalf("List after yank = %+v", vs)
			}
			if err := s.Yank(ctx, "orders", "9.9.9", "x"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("yank of a missing version: %v", err)
			}
		})
	}
}

// TestSameContentSameDigest: the manifest digest is a function of the content
// only, in every store.
func TestSameContentSameDigest(t *testing.T) {
	ctx := context.Background()
	var digests []string
	for _, s := range stores(t) {
		r, err := s.Push(ctx, pkg("orders", "1.0.0", "same"))
		if err != nil {
			t.Fatal(err)
		}
		digests = append(digests, r.Version.Digest)
	}
	_, _, m, _, err := BuildManifest(pkg("orders", "1.0.0", "same"))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range digests {
		if d != m.Digest.String() {
			t.Fatalf("digests differ: %v vs %s", digests, m.Digest)
		}
	}
}

// TestConcurrentPublish: parallel publishers of one version with different
// content: exactly one wins, in every store; with the same content all succeed.
func TestConcurrentPublish(t *testing.T) {
	ctx := context.Background()
	for kind, s := range stores(t) {
		t.Run(kind, func(t *testing.T) {
			const n = 8
			var wg sync.WaitGroup
			errs := make([]error, n)
			for i := 0; i < n; i++ {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					_, errs[i] = s.Push(ctx, pkg("orders", "1.0.0", fmt.Sprint(i)))
				}(i)
			}
			wg.Wait()
			wins := 0
			for _, err := range errs {
				switch {
				case err == nil:
					wins++
				case errors.Is(err, ErrImmutable):
				default:
					t.Errorf("unexpected error: %v", err)
				}
			}
			if kind == "layout" && wins != 1 {
				// A remote registry has no lock: the tag check narrows the race and
				// the post-push check reports the losers, but two pushes may both see
				// their own tag for a moment; only the layout store promises exactly one.
				t.Fatalf("%d winners, want 1", wins)
			}
			if wins < 1 {
				t.Fatalf("no winner")
			}
			vs, err := s.List(ctx, "orders")
			if err != nil || len(vs) != 1 {
				t.Fatalf("List = %+v, %v", vs, err)
			}
		})
	}
}

func TestNamesAndRefs(t *testing.T) {
	ctx := context.Background()
	root := filepath.Join(t.TempDir(), "reg")
	s, err := Open("oci-layout:"+root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"shipping", "billing", "orders"} {
		if _, err := s.Push(ctx, pkg(n, "0.1.0", n)); err != nil {
			t.Fatal(err)
		}
	}
	names, err := s.Names(ctx)
	if err != nil || fmt.Sprint(names) != "[billing orders shipping]" {
		t.Fatalf("Names = %v, %v", names, err)
	}
	for _, bad := range []string{"", "http://x", "oci-layout:"} {
		if _, err := Open(bad, Options{}); err == nil {
			t.Errorf("Open(%q) succeeded", bad)
		}
	}
	if _, err := s.Push(ctx, pkg("../evil", "1.0.0", "x")); err == nil {
		t.Fatal("push of an invalid name succeeded")
	}
	if _, err := s.Push(ctx, pkg("orders", "v1", "x")); err == nil {
		t.Fatal("push of an invalid version succeeded")
	}
}

// TestFetchDetectsTampering: a blob changed on disk after publishing is
// caught by its digest, never returned.
func TestFetchDetectsTampering(t *testing.T) {
	ctx := context.Background()
	root := filepath.Join(t.TempDir(), "reg")
	s := OpenLayout("reg", root)
	r, err := s.Push(ctx, pkg("orders", "1.0.0", "original"))
	if err != nil {
		t.Fatal(err)
	}
	alg, hexd, _ := strings.Cut(r.Version.ArchiveDigest, ":")
	blob := filepath.Join(root, "orders", "blobs", alg, hexd)
	os.Chmod(blob, 0o644)
	if err := os.WriteFile(blob, []byte("archive tampered"), 0o644); err != nil {
		t.Fatal(err)
	}
	if data, _, err := s.Fetch(ctx, "orders", "1.0.0"); err == nil {
		t.Fatalf("tampered archive returned: %q", data)
	}
}

// TestLayoutManifestCapHolds: issue 13 item 8. A layout store (a folder a
// repository can ship) whose index.json declares a 2 GB manifest, or whose
// manifest blob is a link to /dev/zero, is refused before oras-go reads (or
// allocates) it: fast, small, and an error.
func TestLayoutManifestCapHolds(t *testing.T) {
	for _, c := range []string{"declared 2GB", "blob is /dev/zero", "both", "index.json is /dev/zero"} {
		t.Run(c, func(t *testing.T) {
			ctx := context.Background()
			root := filepath.Join(t.TempDir(), "reg")
			s := OpenLayout("reg", root)
			r, err := s.Push(ctx, pkg("orders", "1.0.0", "original"))
			if err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join(root, "orders")
			alg, hexd, _ := strings.Cut(r.Version.Digest, ":")
			if c == "declared 2GB" || c == "both" {
				idx, _ := os.ReadFile(filepath.Join(dir, "index.json"))
				re := regexp.MustCompile(`"digest":"` + r.Version.Digest + `","size":\d+`)
				if !re.Match(idx) {
					t.Fatalf("no manifest entry in %s", idx)
				}
				idx = re.ReplaceAll(idx, []byte(`"digest":"`+r.Version.Digest+`","size":2147483648`))
				os.WriteFile(filepath.Join(dir, "index.json"), idx, 0o644)
			}
			link := ""
			switch c {
			case "blob is /dev/zero", "both":
				link = filepath.Join(dir, "blobs", alg, hexd)
			case "index.json is /dev/zero":
				link = filepath.Join(dir, "index.json")
			}
			if link != "" {
				os.Remove(link)
				if err := os.Symlink("/dev/zero", link); err != nil {
					t.Skip(err)
				}
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			_, err = s.List(ctx, "orders")
			if err == nil {
				_, _, err = s.Fetch(ctx, "orders", "1.0.0")
			}
			runtime.ReadMemStats(&after)
			if err == nil {
				t.Fatal("a layout with a hostile manifest was read")
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %s", d)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
				t.Errorf("allocated %d MiB", alloc>>20)
			}
		})
	}
}
