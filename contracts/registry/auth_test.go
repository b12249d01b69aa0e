package registry

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestLogoutReportsWhetherLoggedIn: logout removes the host's entry from the
// Docker config and says it did; a second logout finds nothing and says so
// (the CLI prints "not logged in"), and neither touches other hosts.
func TestLogoutReportsWhetherLoggedIn(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.json")
	// base64("u:p")
	const content = `{"auths":{"127.0.0.1:5000":{"auth":"dTpw"},"other.example":{"auth":"dTpw"}}}`
	if err := os.WriteFile(cfg, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	getenv := func(k string) string {
		if k == "DOCKER_CONFIG" {
			return dir
		}
		return ""
	}
	ref, err := ParseRemoteRef("oci://127.0.0.1:5000/contracts")
	if err != nil {
		t.Fatal(err)
	}
	had, err := Logout(context.Background(), ref, getenv)
	if err != nil || !had {
		t.Fatalf("first logout = %v, %v; want true, nil", had, err)
	}
	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "127.0.0.1:5000") || !strings.Contains(string(b), "other.example") {
		t.Fatalf("config after logout:\n%s", b)
	}
	had, err = Logout(context.Background(), ref, getenv)
	if err != nil || had {
		t.Fatalf("second logout = %v, %v; want false, nil", had, err)
	}
}

// TestEnvCredentialsBoundToNamedHost: issue 13 item 5. The environment's
// credentials go only to a host the environment or the command line names;
// a registry read from dsctl.yaml alone (a pull request can edit it) gets
// none of them, unless DSCTL_REGISTRY_HOST names that host.
func TestEnvCredentialsBoundToNamedHost(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		if a := r.Header.Get("Authorization"); a != "" {
			seen = append(seen, a)
		}
		mu.Unlock()
		w.Header().Set("WWW-Authenticate", `Basic realm="collector"`)
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	ref, err := ParseRemoteRef("oci://" + host + "/contracts")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		fromRepo  bool
		boundHost string
		wantSent  bool
	}{
		{"dsctl.yaml names the host", true, "", false},
		{"dsctl.yaml names it, the environment too", true, host, true},
		{"the environment names another host", false, "registry.example.com", false},
		{"the command line names the host", false, "", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			mu.Lock()
			seen = nil
			mu.Unlock()
			env := map[string]string{EnvRegistryUsername: "ci-bot", EnvRegistryPassword: "ci-secret", EnvRegistryHost: c.boundHost}
			r, err := NewRemote(ref, RemoteOptions{PlainHTTP: true, FromRepository: c.fromRepo,
				Retry: RetryPolicy{Retries: -1}, Getenv: func(k string) string { return env[k] }})
			if err != nil {
				t.Fatal(err)
			}
			_, err = r.Ping(context.Background())
			if err == nil {
				t.Fatal("ping of a registry that refuses everyone succeeded")
			}
			mu.Lock()
			sent := len(seen) > 0
			mu.Unlock()
			if sent != c.wantSent {
				t.Fatalf("credentials sent: %v, want %v (error: %v)", sent, c.wantSent, err)
			}
			if !c.wantSent && c.boundHost == "" && !strings.Contains(err.Error(), EnvRegistryHost) {
				t.Errorf("the error does not say how to send them: %v", err)
			}
		})
	}
}

// TestCrossHostRedirectDropsAuthorization: what held before issue 13, kept
// as a test. A registry that redirects to another host (a blob store, or an
// attacker's collector) does not receive the credentials there.
func TestCrossHostRedirectDropsAuthorization(t *testing.T) {
	var mu sync.Mutex
	var leaked []string
	hits := 0
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits++
		if a := r.Header.Get("Authorization"); a != "" {
			leaked = append(leaked, a)
		}
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte("{}"))
	}))
	defer other.Close()
	_, port, _ := strings.Cut(strings.TrimPrefix(other.URL, "http://"), ":")
	reg := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" {
			w.Header().Set("WWW-Authenticate", `Basic realm="reg"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		http.Redirect(w, r, "http://localhost:"+port+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer reg.Close()
	ref, err := ParseRemoteRef("oci://" + strings.TrimPrefix(reg.URL, "http://") + "/x")
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{EnvRegistryUsername: "ci-bot", EnvRegistryPassword: "ci-secret"}
	r, err := NewRemote(ref, RemoteOptions{PlainHTTP: true, Retry: RetryPolicy{Retries: -1}, Getenv: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatal(err)
	}
	r.Ping(context.Background())
	mu.Lock()
	defer mu.Unlock()
	if hits == 0 {
		t.Fatal("the redirect was not followed: the test proves nothing")
	}
	if len(leaked) > 0 {
		t.Fatalf("credentials followed the redirect to another host: %v", leaked)
	}
}
