package registry_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dsctl/dsctl/contracts/registry"
	"github.com/dsctl/dsctl/contracts/registry/internal/regtest"
	"github.com/dsctl/dsctl/internal/errkind"
)

// faultPolicy: fast retries, and a per-attempt timeout shorter than the proxy's Delay.
var faultPolicy = registry.RetryPolicy{Retries: 4, Timeout: 500 * time.Millisecond, MinWait: time.Millisecond,
	MaxWait: 10 * time.Millisecond, MaxRetryAfter: 20 * time.Millisecond}

// TestFaultScheduleEndsCorrect publishes, republishes, lists and pulls through
// a proxy that breaks every third request in turn (reset, 500, 429, truncated
// body, delay past the timeout, 503): everything must end correct.
func TestFaultScheduleEndsCorrect(t *testing.T) {
	reg := regtest.Start(t, regtest.Options{})
	proxy := regtest.NewProxy(t, reg.Host, regtest.Cycle(3,
		regtest.Reset, regtest.Status500, regtest.Status429, regtest.Truncate, regtest.Delay, regtest.Status503))
	proxy.Delay = 2 * time.Second
	proxy.RetryAfter = "0"
	ctx := context.Background()
	pol := faultPolicy
	pol.Timeout = 250 * time.Millisecond // each Delay costs one timeout
	_, st := openRemote(t, proxy.Host, "faults", registry.RemoteOptions{Retry: pol})

	var pkgs []registry.Package
	for _, name := range []string{"orders", "billing"} {
		for _, v := range []string{"1.0.0", "1.1.0"} {
			pkgs = append(pkgs, pkg(name, v, name+v))
		}
	}
	digests := map[string]string{}
	for _, p := range pkgs {
		res, err := st.Push(ctx, p)
		if err != nil {
			t.Fatalf("push %s@%s: %v (requests %v)", p.Name, p.Version, err, proxy.Counts())
		}
		digests[p.Name+"@"+p.Version] = res.Version.Digest
	}
	for _, p := range pkgs {
		res, err := st.Push(ctx, p)
		if err != nil || !res.AlreadyPublished {
			t.Fatalf("republish %s@%s: %+v %v", p.Name, p.Version, res, err)
		}
	}
	for _, p := range pkgs {
		data, v, err := st.Fetch(ctx, p.Name, p.Version)
		if err != nil || !bytes.Equal(data, p.Archive) || v.Digest != digests[p.Name+"@"+p.Version] {
			t.Fatalf("fetch %s@%s: %q %+v %v", p.Name, p.Version, data, v, err)
		}
	}
	vs, err := st.List(ctx, "orders")
	if err != nil || len(vs) != 2 {
		t.Fatalf("list: %+v %v", vs, err)
	}
	if err := st.Yank(ctx, "orders", "1.0.0", "bad"); err != nil {
		t.Fatalf("yank: %v", err)
	}
	if v, err := st.Lookup(ctx, "orders", "1.0.0"); err != nil || !v.Yanked {
		t.Fatalf("lookup after yank: %+v %v", v, err)
	}
	for _, f := range []regtest.Fault{regtest.Reset, regtest.Status500, regtest.Status429, regtest.Truncate, regtest.Delay, regtest.Status503} {
		if proxy.Injected(f) == 0 {
			t.Errorf("fault %s was never injected", f)
		}
	}
	t.Logf("requests: %v; delays %d", proxy.Counts(), proxy.Injected(regtest.Delay))
	for _, name := range []string{"orders", "billing"} {
		assertNoPartialTags(t, reg.Host, "faults/"+name)
	}
}

// TestFaultHalfDonePublishIsSafeToRerun: the registry fails every manifest
// write, so the publish dies after its blobs are up. No tag exists; a rerun
// uploads no blob and completes.
func TestFaultHalfDonePublishIsSafeToRerun(t *testing.T) {
	reg := regtest.Start(t, regtest.Options{})
	failManifests := func(n int, r *http.Request) regtest.Fault {
		if r.Method == http.MethodPut && strings.Contains(r.URL.Path, "/manifests/") {
			return regtest.Status500
		}
		return regtest.Pass
	}
	proxy := regtest.NewProxy(t, reg.Host, failManifests)
	ctx := context.Background()
	_, st := openRemote(t, proxy.Host, "half", registry.RemoteOptions{Retry: faultPolicy})
	p := pkg("orders", "1.0.0", "v1")

	_, err := st.Push(ctx, p)
	if errkind.Of(err) != errkind.Env {
		t.Fatalf("want an environment error, got %v", err)
	}
	for _, want := range []string{"HTTP 500", "gave up after 5 attempts"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}
	if n := proxy.Uploads(); n == 0 {
		t.Fatal("the blobs were never uploaded: the test does not test a half-done publish")
	}
	if _, err := st.Lookup(ctx, "orders", "1.0.0"); !errors.Is(err, registry.ErrNotFound) {
		t.Fatalf("a tag exists after a failed publish: %v", err)
	}

	proxy.SetSchedule(nil)
	proxy.Reset()
	res, err := st.Push(ctx, p)
	if err != nil || res.AlreadyPublished {
		t.Fatalf("rerun: %+v %v", res, err)
	}
	if n := proxy.Uploads(); n != 0 {
		t.Errorf("rerun uploaded %d times (blobs were already there): %v", n, proxy.Counts())
	}
	assertNoPartialTags(t, reg.Host, "half/orders")
}

// TestFaultGiveUp: a registry that keeps failing ends in exit 3 with the host,
// what failed and the attempts; bounded in time; no tag is left behind.
func TestFaultGiveUp(t *testing.T) {
	reg := regtest.Start(t, regtest.Options{})
	for _, tc := range []struct {
		fault regtest.Fault
		want  string
	}{
		{regtest.Status503, "HTTP 503"},
		{regtest.Status429, "HTTP 429"},
		{regtest.Reset, "attempts"},
		{regtest.Delay, "no answer within 500ms"},
	} {
		t.Run(tc.fault.String(), func(t *testing.T) {
			proxy := regtest.NewProxy(t, reg.Host, regtest.Always(tc.fault))
			proxy.Delay = 5 * time.Second
			r, st := openRemote(t, proxy.Host, "giveup", registry.RemoteOptions{Retry: faultPolicy})
			start := time.Now()
			_, err := st.Push(context.Background(), pkg("orders", "1.0.0", tc.fault.String()))
			if errkind.Of(err) != errkind.Env || errkind.Of(err).ExitCode() != 3 {
				t.Fatalf("kind %v: %v", errkind.Of(err), err)
			}
			msg := err.Error()
			for _, want := range []string{r.Ref().Host, tc.want, "5 attempts"} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q lacks %q", msg, want)
				}
			}
			if el := time.Since(start); el > 10*time.Second {
				t.Errorf("gave up after %v", el)
			}
			if got := proxy.Count("PUT manifest"); got != 0 {
				t.Errorf("a manifest was written: %d", got)
			}
			_, direct := openRemote(t, reg.Host, "giveup", registry.RemoteOptions{})
			if _, err := direct.Lookup(context.Background(), "orders", "1.0.0"); !errors.Is(err, registry.ErrNotFound) {
				t.Errorf("a tag exists: %v", err)
			}
		})
	}
}

// TestFaultRetryAfterHonouredWithinBounds: a 429 asking for 30 s is waited
// for, but only up to MaxRetryAfter.
func TestFaultRetryAfterHonouredWithinBounds(t *testing.T) {
	reg := regtest.Start(t, regtest.Options{})
	first := func(n int, r *http.Request) regtest.Fault {
		if n == 0 {
			return regtest.Status429
		}
		return regtest.Pass
	}
	proxy := regtest.NewProxy(t, reg.Host, first)
	proxy.RetryAfter = "30"
	pol := faultPolicy
	pol.MaxRetryAfter = 300 * time.Millisecond
	r, _ := openRemote(t, proxy.Host, "ra", registry.RemoteOptions{Retry: pol})
	start := time.Now()
	res, err := r.Ping(context.Background())
	el := time.Since(start)
	if err != nil || res.Attempts != 2 {
		t.Fatalf("ping: %+v %v", res, err)
	}
	if el < 300*time.Millisecond || el > 10*time.Second {
		t.Errorf("waited %v; want the capped Retry-After of 300ms", el)
	}
}

// TestFaultTruncatedPulls: every first download of a blob or manifest is cut
// in half; pulls still return verified bytes.
func TestFaultTruncatedPulls(t *testing.T) {
	reg := regtest.Start(t, regtest.Options{})
	ctx := context.Background()
	_, direct := openRemote(t, reg.Host, "trunc", registry.RemoteOptions{})
	p := pkg("orders", "1.0.0", strings.Repeat("x", 64<<10))
	if _, err := direct.Push(ctx, p); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	cut := func(n int, r *http.Request) regtest.Fault {
		if r.Method != http.MethodGet || seen[r.URL.Path] {
			return regtest.Pass
		}
		seen[r.URL.Path] = true
		return regtest.Truncate
	}
	proxy := regtest.NewProxy(t, reg.Host, cut)
	_, st := openRemote(t, proxy.Host, "trunc", registry.RemoteOptions{Retry: faultPolicy})
	data, _, err := st.Fetch(ctx, "orders", "1.0.0")
	if err != nil || !bytes.Equal(data, p.Archive) {
		t.Fatalf("fetch: %d bytes, %v", len(data), err)
	}
	if proxy.Injected(regtest.Truncate) < 2 {
		t.Errorf("truncated only %d responses: %v", proxy.Injected(regtest.Truncate), proxy.Counts())
	}
}

// TestFaultRetriesFlagZero: with retries off, the first fault is final.
func TestFaultRetriesFlagZero(t *testing.T) {
	reg := regtest.Start(t, regtest.Options{})
	proxy := regtest.NewProxy(t, reg.Host, regtest.Always(regtest.Status503))
	pol := faultPolicy
	pol.Retries = -1
	r, _ := openRemote(t, proxy.Host, "zero", registry.RemoteOptions{Retry: pol})
	_, err := r.Ping(context.Background())
	if err == nil || proxy.Count("GET ping") != 1 {
		t.Fatalf("err %v after %d requests", err, proxy.Count("GET ping"))
	}
	if strings.Contains(err.Error(), "attempts") {
		t.Errorf("a single attempt is not 'gave up after attempts': %v", err)
	}
}
