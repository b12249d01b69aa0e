package registry

import (
	"context"
	"os"
	"path/filepath"
	"strings"
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
