// Package regtest starts real OCI registries (Debian's docker-registry, CNCF
// distribution 2.8) and a fault-injecting proxy for dsctl's integration tests.
//
// Start skips the test with a visible message when docker-registry is not
// installed, unless DSCTL_REQUIRE_REGISTRY=1 (set by .ci/run after installing
// it), in which case its absence fails the test.
package regtest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// EnvRequire makes a missing docker-registry a test failure instead of a skip.
const EnvRequire = "DSCTL_REQUIRE_REGISTRY"

// Binary is the registry executable looked up in PATH.
const Binary = "docker-registry"

// User and Password are the credentials of a registry started with Auth.
const (
	User     = "dsctl"
	Password = "s3cret-Pa55"
	// passwordHash is bcrypt(Password), used when htpasswd is not installed.
	passwordHash = "$2y$05$MzGw.KqM59rvdPmvCViBkeBj/IQxjXAFqiqNFnd5cVFmEhocM6R6i"
)

// Options configure Start.
type Options struct {
	// Auth turns on htpasswd (basic) authentication for User/Password.
	Auth bool
}

// Registry is a running docker-registry on 127.0.0.1.
type Registry struct {
	// Host is 127.0.0.1:PORT.
	Host string
	// Dir is the storage folder.
	Dir string
	cmd *exec.Cmd
}

// Require returns the path of docker-registry, or skips (fails under
// DSCTL_REQUIRE_REGISTRY=1) the test when it is not installed.
func Require(t testing.TB) string {
	t.Helper()
	path, err := exec.LookPath(Binary)
	if err != nil {
		if os.Getenv(EnvRequire) == "1" {
			t.Fatalf("%s not found in PATH but %s=1: install it (apt-get install -y docker-registry)", Binary, EnvRequire)
		}
		t.Skipf("SKIP: %s not installed (apt-get install -y docker-registry); registry integration tests need it", Binary)
	}
	return path
}

// Start runs a fresh registry with its own config and temp storage and stops it
// when the test ends.
func Start(t testing.TB, opts Options) *Registry {
	t.Helper()
	bin := Require(t)
	dir := t.TempDir()
	storage := filepath.Join(scratch(t, dir), "storage")
	authCfg := ""
	if opts.Auth {
		pw := filepath.Join(dir, "htpasswd")
		if err := os.WriteFile(pw, []byte(htpasswdLine()), 0o600); err != nil {
			t.Fatal(err)
		}
		authCfg = fmt.Sprintf("auth:\n  htpasswd:\n    realm: dsctl-test\n    path: %s\n", pw)
	}
	var lastErr error
	// A free port can be taken between the probe and the registry's bind: try a few.
	for try := 0; try < 3; try++ {
		port, err := freePort()
		if err != nil {
			t.Fatal(err)
		}
		host := fmt.Sprintf("127.0.0.1:%d", port)
		cfg := fmt.Sprintf(`version: 0.1
log:
  level: info
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: %s
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: %s
  relativeurls: true
%s`, storage, host, authCfg)
		cfgPath := filepath.Join(dir, "config.yml")
		if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
		r, err := run(bin, cfgPath, host)
		if err != nil {
			lastErr = err
			continue
		}
		r.Dir = storage
		t.Cleanup(r.stop)
		return r
	}
	t.Fatalf("start %s: %v", Binary, lastErr)
	return nil
}

// scratch returns a folder for the registry's blobs: on tmpfs (/dev/shm) when
// there is one, so that the tests time dsctl and not the disk under the
// registry (distribution's filesystem driver is slow on some virtual disks),
// else fallback. DSCTL_REGTEST_DISK=1 keeps the storage on disk.
func scratch(t testing.TB, fallback string) string {
	if os.Getenv("DSCTL_REGTEST_DISK") == "1" {
		return fallback
	}
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		if d, err := os.MkdirTemp("/dev/shm", "dsctl-regtest-"); err == nil {
			t.Cleanup(func() { _ = os.RemoveAll(d) })
			return d
		}
	}
	return fallback
}

func htpasswdLine() string {
	if path, err := exec.LookPath("htpasswd"); err == nil {
		out, err := exec.Command(path, "-Bbn", User, Password).Output()
		if err == nil && strings.HasPrefix(string(out), User+":") {
			return strings.TrimSpace(string(out)) + "\n"
		}
	}
	return User + ":" + passwordHash + "\n"
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// run starts the registry and waits until its log says it listens (no polling).
func run(bin, cfgPath, host string) (*Registry, error) {
	cmd := exec.Command(bin, "serve", cfgPath)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	ready := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		var tail []string
		signalled := false
		for sc.Scan() {
			line := sc.Text()
			if !signalled && strings.Contains(line, "listening on") {
				ready <- nil
				signalled = true
				continue
			}
			if !signalled {
				tail = append(tail, line)
			}
		}
		if !signalled {
			ready <- fmt.Errorf("%s exited before listening: %s", bin, strings.Join(tail, "\n"))
		}
	}()
	timer := time.NewTimer(20 * time.Second)
	defer timer.Stop()
	select {
	case err := <-ready:
		if err != nil {
			_ = cmd.Wait()
			return nil, err
		}
	case <-timer.C:
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, fmt.Errorf("%s did not listen on %s within 20s", bin, host)
	}
	// The registry logs "listening" just before it accepts; confirm with one dial.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, fmt.Errorf("dial %s: %w", host, err)
	}
	c.Close()
	return &Registry{Host: host, cmd: cmd}, nil
}

func (r *Registry) stop() {
	if r.cmd.Process != nil {
		_ = r.cmd.Process.Kill()
		_ = r.cmd.Wait()
	}
}
