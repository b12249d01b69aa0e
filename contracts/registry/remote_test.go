package registry

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/dsctl/dsctl/internal/errkind"
)

func TestParseRemoteRef(t *testing.T) {
	tests := []struct {
		in         string
		host, pref string
		err        string
	}{
		{in: "oci://ghcr.io/acme/contracts", host: "ghcr.io", pref: "acme/contracts"},
		{in: "oci://Registry.Example.com:5000/team", host: "registry.example.com:5000", pref: "team"},
		{in: "oci://127.0.0.1:5000", host: "127.0.0.1:5000"},
		{in: "oci://localhost:5000/", host: "localhost:5000"},
		{in: "oci://[::1]:5000/x", host: "[::1]:5000", pref: "x"},
		{in: "oci://h/a/b/c-d_e.f", host: "h", pref: "a/b/c-d_e.f"},
		{in: "oci://", err: "missing host"},
		{in: "oci:///x", err: "missing host"},
		{in: "oci://user:hunter2@ghcr.io/x", err: "credentials do not belong"},
		{in: "oci://ghcr.io/x?plain=1", err: "queries"},
		{in: "oci://ghcr.io/x#frag", err: "queries"},
		{in: "oci://ghcr.io/Upper", err: "invalid repository prefix"},
		{in: "oci://ghcr.io/x:1.0.0", err: "not a tag or digest"},
		{in: "oci://ghcr.io/x@sha256:abcd", err: "nor does a digest"},
		{in: "oci://me:pa/hunter2@ghcr.io/x", err: "credentials do not belong"},
		{in: "oci://ghcr.io:99999/x", err: "invalid port"},
		{in: "oci://ghcr.io:/x", err: "empty port"},
		{in: "https://ghcr.io/x", err: "want oci://"},
		{in: "oci://a b/x", err: "invalid host"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseRemoteRef(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("ParseRemoteRef(%q) error = %v, want %q", tc.in, err, tc.err)
				}
				if errkind.Of(err) != errkind.Input {
					t.Errorf("kind = %v, want input", errkind.Of(err))
				}
				if strings.Contains(err.Error(), "hunter2") {
					t.Errorf("error leaks the password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Host != tc.host || got.Prefix != tc.pref {
				t.Errorf("got %+v, want host %q prefix %q", got, tc.host, tc.pref)
			}
			again, err := ParseRemoteRef(got.String())
			if err != nil || again != got {
				t.Errorf("round trip of %q: %+v, %v", got.String(), again, err)
			}
		})
	}
}

func TestPlainHTTPPolicy(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	tests := []struct {
		ref      string
		insecure string
		ok       bool
	}{
		{"oci://127.0.0.1:5000/x", "", true},
		{"oci://127.9.9.9/x", "", true},
		{"oci://localhost:5000/x", "", true},
		{"oci://[::1]:5000/x", "", true},
		{"oci://registry.internal:5000/x", "", false},
		{"oci://registry.internal:5000/x", "other:5000, registry.internal:5000", true},
		{"oci://registry.internal:5000/x", "registry.internal", true},
		{"oci://registry.internal:5000/x", "registry.internal:5001", false},
		{"oci://10.0.0.1/x", "", false},
		{"oci://localhost.evil.com/x", "", false},
	}
	for _, tc := range tests {
		ref, err := ParseRemoteRef(tc.ref)
		if err != nil {
			t.Fatal(err)
		}
		_, err = NewRemote(ref, RemoteOptions{PlainHTTP: true, Getenv: env(map[string]string{EnvInsecureRegistries: tc.insecure})})
		if (err == nil) != tc.ok {
			t.Errorf("%s with %s=%q: err = %v, want ok=%v", tc.ref, EnvInsecureRegistries, tc.insecure, err, tc.ok)
		}
		if err != nil && errkind.Of(err) != errkind.Input {
			t.Errorf("%s: kind %v, want input", tc.ref, errkind.Of(err))
		}
	}
}

func TestCredentialSources(t *testing.T) {
	ref, _ := ParseRemoteRef("oci://reg.example:5000/x")
	dir := t.TempDir()
	env := map[string]string{"DOCKER_CONFIG": dir}
	getenv := func(k string) string { return env[k] }

	_, src, err := credentialFunc(ref, RemoteOptions{Getenv: getenv})
	if err != nil || src != CredsNone {
		t.Fatalf("no config: %q, %v", src, err)
	}
	env[EnvRegistryUsername] = "u"
	if _, _, err := credentialFunc(ref, RemoteOptions{Getenv: getenv}); err == nil || errkind.Of(err) != errkind.Input {
		t.Fatalf("username without password: %v", err)
	}
	env[EnvRegistryPassword] = "p4ss"
	cf, src, err := credentialFunc(ref, RemoteOptions{Getenv: getenv})
	if err != nil || src != CredsEnvironment {
		t.Fatalf("env: %q, %v", src, err)
	}
	c, _ := cf(t.Context(), "reg.example:5000")
	if c.Username != "u" || c.Password != "p4ss" {
		t.Errorf("env credential for the host: %+v", c)
	}
	// The env credentials are for the store's host only.
	if c, _ := cf(t.Context(), "elsewhere:5000"); c.Password != "" {
		t.Errorf("credential leaked to another host: %+v", c)
	}
	if strings.Contains(src, "p4ss") {
		t.Error("source names the secret")
	}
}

func TestClassifyAuthErrorsMentionNoSecret(t *testing.T) {
	ref, _ := ParseRemoteRef("oci://reg.example/x")
	r, err := NewRemote(ref, RemoteOptions{Getenv: func(k string) string {
		return map[string]string{EnvRegistryUsername: "u", EnvRegistryPassword: "topsecret"}[k]
	}})
	if err != nil {
		t.Fatal(err)
	}
	err = r.classify("ping", &callStats{}, &errorResponse{Method: "GET", StatusCode: 401})
	if !errors.Is(err, ErrAuth) || errkind.Of(err) != errkind.Env {
		t.Fatalf("401: %v (kind %v)", err, errkind.Of(err))
	}
	if !strings.Contains(err.Error(), "authentication failed") || strings.Contains(err.Error(), "topsecret") {
		t.Errorf("401 message: %v", err)
	}
}

func TestRealmDenylistAllowsLoopbackOnlyForLoopbackRegistries(t *testing.T) {
	has := func(ref string) bool {
		r, _ := ParseRemoteRef(ref)
		for _, p := range realmDenylist(r) {
			if p.Addr().IsLoopback() {
				return true
			}
		}
		return false
	}
	if !has("oci://ghcr.io/acme") {
		t.Error("a remote registry may send credentials to a loopback realm")
	}
	if has("oci://127.0.0.1:5000/acme") {
		t.Error("a loopback registry cannot use a loopback token server")
	}
}

func FuzzParseRemoteRef(f *testing.F) {
	for _, s := range []string{"oci://ghcr.io/acme/contracts", "oci://127.0.0.1:5000", "oci://[::1]:5000/x",
		"oci://u:p@h/x", "oci://h:0/x", "oci://h/x?y", "oci://H/A", "oci://h//x", "oci://h/x/", "oci://%41/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRemoteRef(s)
		if err != nil {
			if errkind.Of(err) != errkind.Input {
				t.Fatalf("%q: error of kind %v: %v", s, errkind.Of(err), err)
			}
			if rest, ok := strings.CutPrefix(s, RemoteScheme); ok {
				userinfo, _, found := strings.Cut(strings.SplitN(rest, "/", 2)[0], "@")
				if _, pass, hasPass := strings.Cut(userinfo, ":"); found && hasPass && len(pass) >= 4 && strings.Contains(err.Error(), pass) {
					t.Fatalf("%q: error echoes the password: %v", s, err)
				}
			}
			return
		}
		if strings.Contains(r.Host, "@") || r.Host != strings.ToLower(r.Host) {
			t.Fatalf("%q: host %q", s, r.Host)
		}
		again, err := ParseRemoteRef(r.String())
		if err != nil || again != r {
			t.Fatalf("%q: round trip %q → %+v, %v", s, r.String(), again, err)
		}
		if r.Prefix != "" && !repoPathRegexp.MatchString(r.Repository("x")) {
			t.Fatalf("%q: repository %q invalid", s, r.Repository("x"))
		}
	})
}

func TestNamesWithoutCatalog(t *testing.T) {
	for _, tc := range []struct {
		status int
		want   string
	}{
		{http.StatusNotFound, "does not offer the catalog API"},
		{http.StatusForbidden, "does not let these credentials list repositories"},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/v2/_catalog" {
				w.WriteHeader(tc.status)
				return
			}
			w.WriteHeader(http.StatusOK)
		}))
		ref, _ := ParseRemoteRef("oci://" + strings.TrimPrefix(srv.URL, "http://") + "/acme")
		r, err := NewRemote(ref, RemoteOptions{PlainHTTP: true, Getenv: func(string) string { return "" }})
		if err != nil {
			t.Fatal(err)
		}
		_, err = r.Store().Names(t.Context())
		if errkind.Of(err) != errkind.Env || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("catalog %d: %v", tc.status, err)
		}
		srv.Close()
	}
}

// TestPingWebPage: a web server that answers /v2/ with 200 and an HTML page is
// not a registry; ping says so (exit 3) instead of "reachable". A registry's
// JSON answer (or one without a Content-Type) stays reachable.
func TestPingWebPage(t *testing.T) {
	for _, tc := range []struct {
		contentType string
		wantErr     bool
	}{
		{"text/html; charset=utf-8", true},
		{"application/json; charset=utf-8", false},
		{"", false},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if tc.contentType != "" {
				w.Header().Set("Content-Type", tc.contentType)
			}
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte("{}"))
		}))
		ref, _ := ParseRemoteRef("oci://" + strings.TrimPrefix(srv.URL, "http://") + "/acme")
		r, err := NewRemote(ref, RemoteOptions{PlainHTTP: true, Getenv: func(string) string { return "" }})
		if err != nil {
			t.Fatal(err)
		}
		res, err := r.Ping(t.Context())
		if tc.wantErr {
			if errkind.Of(err) != errkind.Env || !strings.Contains(err.Error(), "answered a web page") || res.Reachable {
				t.Errorf("%q: ping = %+v, %v; want an env error about a web page", tc.contentType, res, err)
			}
		} else if err != nil || !res.Reachable {
			t.Errorf("%q: ping = %+v, %v; want reachable", tc.contentType, res, err)
		}
		srv.Close()
	}
}

// TestLocalhostNamesAreResolved: issue 13 item 13. NAME.localhost is loopback
// only when it resolves to loopback addresses only; the spelling alone grants
// neither plain HTTP nor loopback token realms, and a Remote on such a name
// connects to loopback addresses only.
func TestLocalhostNamesAreResolved(t *testing.T) {
	answers := map[string][]string{
		"evil.localhost":  {"203.0.113.7"},
		"mixed.localhost": {"127.0.0.1", "203.0.113.7"},
		"dev.localhost":   {"127.0.0.1", "::1"},
	}
	old := lookupIPAddr
	defer func() { lookupIPAddr = old }()
	lookupIPAddr = func(_ context.Context, host string) ([]net.IPAddr, error) {
		var out []net.IPAddr
		for _, a := range answers[host] {
			out = append(out, net.IPAddr{IP: net.ParseIP(a)})
		}
		if len(out) == 0 {
			return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
		}
		return out, nil
	}
	for host, want := range map[string]bool{"evil.localhost": false, "mixed.localhost": false, "unresolved.localhost": false, "dev.localhost": true, "127.0.0.1": true} {
		ref, err := ParseRemoteRef("oci://" + host + ":5000/x")
		if err != nil {
			t.Fatal(err)
		}
		if got := ref.IsLoopback(); got != want {
			t.Errorf("%s: IsLoopback = %v, want %v", host, got, want)
		}
		_, err = NewRemote(ref, RemoteOptions{PlainHTTP: true, Getenv: func(string) string { return "" }})
		if (err == nil) != want {
			t.Errorf("%s: plain HTTP allowed = %v, want %v", host, err == nil, want)
		}
		hasLoopbackRealm := false
		for _, p := range realmDenylist(ref) {
			hasLoopbackRealm = hasLoopbackRealm || p.Addr().IsLoopback()
		}
		if hasLoopbackRealm == want {
			t.Errorf("%s: loopback token realms blocked = %v, want %v", host, hasLoopbackRealm, !want)
		}
	}
	if err := loopbackOnlyControl("tcp", "203.0.113.7:5000", nil); err == nil {
		t.Error("the loopback-only dialer accepts 203.0.113.7")
	}
	if err := loopbackOnlyControl("tcp", "[::1]:5000", nil); err != nil {
		t.Errorf("the loopback-only dialer refuses ::1: %v", err)
	}
}

// TestEndlessTagPagesAreCut: issue 13 item 3. A registry that pages its tag
// list forever is cut at MaxTagPages with an error that says so, instead of
// being read (and each tag looked up) without end.
func TestEndlessTagPagesAreCut(t *testing.T) {
	var pages, heads int
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case r.URL.Path == "/v2/":
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte("{}"))
		case strings.HasSuffix(r.URL.Path, "/tags/list"):
			pages++
			var tags []string
			for i := range 100 {
				tags = append(tags, fmt.Sprintf(`"%d.%d.0"`, pages, i))
			}
			w.Header().Set("Link", fmt.Sprintf(`<%s?n=100&last=%d>; rel="next"`, r.URL.Path, pages))
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"name":"x/orders","tags":[%s]}`, strings.Join(tags, ","))
		default:
			heads++
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	ref, err := ParseRemoteRef("oci://" + strings.TrimPrefix(srv.URL, "http://") + "/x")
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewRemote(ref, RemoteOptions{PlainHTTP: true, Retry: RetryPolicy{Retries: -1}, Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Store().List(context.Background(), "orders")
	mu.Lock()
	defer mu.Unlock()
	if !errors.Is(err, ErrTooManyTags) || errkind.Of(err) != errkind.Env || !strings.Contains(err.Error(), "cut after") {
		t.Fatalf("err = %v, want the tag list cut", err)
	}
	if pages > MaxTagPages+1 || heads > 0 {
		t.Fatalf("read %d pages and looked up %d tags", pages, heads)
	}
}
