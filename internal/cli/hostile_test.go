package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
)

// hostileMaxRSS is the memory bound every command keeps on the hostile corpus,
// including the 50 MB single-line inputs: 768 MiB of peak resident memory
// (about 11× the largest input plus the runtime; a 50 MB JSON schema measured 520–552 MiB).
const hostileMaxRSS = 768 << 20

// hostileHangGuard is the only time bound of a dsctl run on hostile input: a
// guard against a hang, not a check of speed (speed is measured in
// benchmarks, where the machine's load is reported beside it). The 50 MB
// single-line inputs of TestHostileInputs/big take about 21 s on a quiet
// machine and went past a 90 s limit under a load average of 27; five
// minutes leaves room for a machine that busy and then some, and still ends a
// command that never would.
const hostileHangGuard = 5 * time.Minute

// hangMargin is how long before the test binary's own deadline (go test
// -timeout) the guard fires, so that a hung command is named in a failure of
// its own rather than lost in the binary's timeout panic.
const hangMargin = 30 * time.Second

// hangGuard is how long one run may take: hostileHangGuard, or less when the
// test binary's deadline (hasDeadline) comes sooner, never under 10 s.
func hangGuard(now, deadline time.Time, hasDeadline bool) time.Duration {
	d := hostileHangGuard
	if hasDeadline {
		d = min(d, max(deadline.Sub(now)-hangMargin, 10*time.Second))
	}
	return d
}

// hostileRun is one dsctl run on hostile input.
type hostileRun struct {
	name  string
	dir   string // working folder (inside a jail folder that must stay untouched)
	args  []string
	codes []int // acceptable exit codes
}

// runHostile runs dsctl and checks the universal promises: an accepted exit
// code, no panic or stack trace, a one-line "error:" message naming a file for
// exit 2, no secrets from /etc/passwd echoed, bounded memory; a run that
// does not end within the hang guard fails as hung.
func runHostile(t *testing.T, r hostileRun) {
	t.Helper()
	deadline, hasDeadline := t.Deadline()
	guard := hangGuard(time.Now(), deadline, hasDeadline)
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	cmd := exec.CommandContext(ctx, "dsctl", r.args...)
	cmd.Dir = r.dir
	cmd.Env = append(os.Environ(), "NO_COLOR=1", "DSCTL_CONFIG=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start).Round(100 * time.Millisecond)
	if ctx.Err() != nil {
		t.Fatalf("%s: dsctl %s hung (killed after %s)", r.name, strings.Join(r.args, " "), guard)
	}
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s: run: %v", r.name, err)
	}
	out := stdout.String() + stderr.String()
	desc := fmt.Sprintf("%s: dsctl %s → exit %d in %s\nstderr: %s", r.name, strings.Join(r.args, " "), code, took, truncate(stderr.String(), 600))
	ok := false
	for _, c := range r.codes {
		ok = ok || c == code
	}
	if !ok {
		t.Errorf("%s (want exit in %v)", desc, r.codes)
	}
	for _, bad := range []string{"panic:", "goroutine ", "runtime error", "internal error", "root:x:0:0"} {
		if strings.Contains(out, bad) {
			t.Errorf("%s\noutput contains %q", desc, bad)
		}
	}
	for _, bad := range []string{"unknown command", "unknown flag"} {
		if strings.Contains(stderr.String(), bad) {
			t.Errorf("%s\nharness error: %s", desc, bad)
		}
	}
	if code == 2 && !strings.HasPrefix(stderr.String(), "error: ") {
		t.Errorf("%s\nexit 2 without an 'error:' message", desc)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		if rss := ru.Maxrss * 1024; rss > hostileMaxRSS {
			t.Errorf("%s\npeak memory %d MiB > %d MiB", desc, rss>>20, hostileMaxRSS>>20)
		}
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// jail makes a folder with a work folder inside; check() fails if anything
// outside work changed.
type jail struct {
	root, work string
}

func newJail(t *testing.T) *jail {
	root := t.TempDir()
	work := filepath.Join(root, "work")
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(root, "sentinel"), []byte("untouched"), 0o644)
	return &jail{root: root, work: work}
}

func (j *jail) check(t *testing.T, name string) {
	t.Helper()
	entries, _ := os.ReadDir(j.root)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	if strings.Join(names, ",") != "sentinel,work" {
		t.Errorf("%s: wrote outside its folder: %v", name, names)
	}
	for _, p := range []string{"/tmp/dsctl-escape.go", "/tmp/dsctl-escape-abs.go"} {
		if _, err := os.Stat(p); err == nil {
			os.Remove(p)
			t.Errorf("%s: wrote %s", name, p)
		}
	}
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if fi.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		copyFile(t, p, filepath.Join(dst, rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func hostileFiles(t *testing.T, sub string) []string {
	root := filepath.Join(repoRoot(t), "testdata", "hostile", sub)
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, filepath.Join(root, e.Name()))
	}
	return out
}

const goodSchema = `{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"a":{"type":"string"}}}`
const goodOpenAPI = "openapi: 3.0.3\ninfo: {title: t, version: 1.0.0}\npaths: {}\ncomponents:\n  schemas:\n    A: {type: object, properties: {a: {type: string}}}\n"

// bigLine writes a single-line file of about 50 MB in dir with the given head and tail.
func bigLine(t *testing.T, path, head, fill, tail string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(head)
	chunk := strings.Repeat(fill, (1<<20)/len(fill))
	for i := 0; i < 50; i++ {
		f.WriteString(chunk)
	}
	f.WriteString(tail)
	f.Close()
}

// TestHostileInputs runs every file of testdata/hostile through every command
// that reads that kind of file.
func TestHostileInputs(t *testing.T) {
	if os.Getenv("DSCTL_SKIP_HOSTILE") == "1" {
		t.Skip("DSCTL_SKIP_HOSTILE=1")
	}
	runs := 0
	t.Run("schema", func(t *testing.T) {
		for _, f := range hostileFiles(t, "schema") {
			name := "schema/" + filepath.Base(f)
			j := newJail(t)
			copyFile(t, f, filepath.Join(j.work, filepath.Base(f)))
			os.WriteFile(filepath.Join(j.work, "good.json"), []byte(goodSchema), 0o644)
			for _, args := range [][]string{
				{"compat", "check", "good.json", filepath.Base(f), "--kind", "jsonschema"},
				{"compat", "check", filepath.Base(f), filepath.Base(f)},
				{"compat", "check", filepath.Base(f), "good.json", "--format", "sarif"},
			} {
				runHostile(t, hostileRun{name: name, dir: j.work, args: args, codes: []int{0, 1, 2}})
				runs++
			}
			j.check(t, name)
		}
	})
	t.Run("openapi", func(t *testing.T) {
		for _, f := range hostileFiles(t, "openapi") {
			name := "openapi/" + filepath.Base(f)
			j := newJail(t)
			base := filepath.Base(f)
			copyFile(t, f, filepath.Join(j.work, base))
			os.WriteFile(filepath.Join(j.work, "good.yaml"), []byte(goodOpenAPI), 0o644)
			for _, args := range [][]string{
				{"compat", "check", "good.yaml", base, "--kind", "openapi"},
				{"compat", "check", base, base},
				{"gen", "dtos", "--spec", base, "--package", "p", "--out", "out/dtos.go"},
			} {
				runHostile(t, hostileRun{name: name, dir: j.work, args: args, codes: []int{0, 1, 2}})
				runs++
			}
			j.check(t, name)
		}
	})
	t.Run("config", func(t *testing.T) {
		for _, f := range hostileFiles(t, "config") {
			name := "config/" + filepath.Base(f)
			j := newJail(t)
			copyFile(t, f, filepath.Join(j.work, "dsctl.yaml"))
			os.WriteFile(filepath.Join(j.work, "openapi.yaml"), []byte(goodOpenAPI), 0o644)
			for _, args := range [][]string{
				{"gen", "dtos"},
				{"gen", "dtos", "--check"},
				{"version"},
			} {
				runHostile(t, hostileRun{name: name, dir: j.work, args: args, codes: []int{0, 1, 2}})
				runs++
			}
			j.check(t, name)
		}
	})
	t.Run("lock", func(t *testing.T) {
		for _, f := range hostileFiles(t, "lock") {
			name := "lock/" + filepath.Base(f)
			j := newJail(t)
			copyFile(t, f, filepath.Join(j.work, "dsctl.lock"))
			os.WriteFile(filepath.Join(j.work, "dsctl.yaml"), []byte("apiVersion: dsctl.dev/v1\nregistry: reg\n"), 0o644)
			for _, args := range [][]string{
				{"contract", "verify"},
				{"contract", "pull", "orders@^1", "--registry", "reg"},
			} {
				runHostile(t, hostileRun{name: name, dir: j.work, args: args, codes: []int{1, 2}})
				runs++
			}
			j.check(t, name)
		}
	})
	t.Run("manifest", func(t *testing.T) {
		for _, f := range hostileFiles(t, "manifest") {
			name := "manifest/" + filepath.Base(f)
			j := newJail(t)
			os.MkdirAll(filepath.Join(j.work, "src", "css"), 0o755)
			os.WriteFile(filepath.Join(j.work, "src", "css", "a.css"), []byte("a{}"), 0o644)
			man := filepath.Join(j.work, "out", "assets-manifest.json")
			copyFile(t, f, man)
			before, _ := os.ReadFile(man)
			runHostile(t, hostileRun{name: name, dir: j.work, args: []string{"hash-assets", "src", "--out", "out"}, codes: []int{2}})
			runHostile(t, hostileRun{name: name, dir: j.work, args: []string{"hash-assets", "verify", "out"}, codes: []int{1, 2}})
			runs += 2
			after, _ := os.ReadFile(man)
			if !bytes.Equal(before, after) {
				t.Errorf("%s: a malformed manifest was overwritten", name)
			}
			j.check(t, name)
		}
	})
	t.Run("assets", func(t *testing.T) {
		j := newJail(t)
		src := filepath.Join(j.work, "src")
		for _, f := range hostileFiles(t, "assets") {
			copyFile(t, f, filepath.Join(src, filepath.Base(f)))
		}
		os.WriteFile(filepath.Join(src, "img.png"), []byte("png"), 0o644)
		// Odd names, links, special files.
		os.WriteFile(filepath.Join(src, "new\nline.css"), []byte("a{background:url(img.png)}"), 0o644)
		os.WriteFile(filepath.Join(src, "ünïcødé 文字.css"), []byte("a{background:url(img.png)}"), 0o644)
		os.WriteFile(filepath.Join(src, "-rf.css"), []byte("a{}"), 0o644)
		os.Link(filepath.Join(src, "img.png"), filepath.Join(src, "hardlink.png"))
		syscall.Mkfifo(filepath.Join(src, "fifo.css"), 0o644)
		syscall.Mknod(filepath.Join(src, "null.js"), syscall.S_IFCHR|0o644, 1<<8|3)
		for _, args := range [][]string{
			{"hash-assets", "src", "--out", "out"},
			{"hash-assets", "src", "--out", "out2", "--strict"},
		} {
			runHostile(t, hostileRun{name: "assets", dir: j.work, args: args, codes: []int{0, 1, 2}})
			runs++
		}
		// A symlink that points out of the source is refused.
		os.Symlink("/etc/passwd", filepath.Join(src, "passwd.css"))
		runHostile(t, hostileRun{name: "assets/symlink-out", dir: j.work, args: []string{"hash-assets", "src", "--out", "out3"}, codes: []int{2}})
		// An output folder inside the source is refused.
		runHostile(t, hostileRun{name: "assets/out-in-src", dir: j.work, args: []string{"hash-assets", "src", "--out", "src/public"}, codes: []int{2}})
		runs += 2
		j.check(t, "assets")
	})
	t.Run("contract", func(t *testing.T) {
		root := filepath.Join(repoRoot(t), "testdata", "hostile", "contract")
		entries, _ := os.ReadDir(root)
		for _, e := range entries {
			name := "contract/" + e.Name()
			j := newJail(t)
			copyTree(t, filepath.Join(root, e.Name()), filepath.Join(j.work, "pkg"))
			for _, args := range [][]string{
				{"contract", "lint", "pkg"},
				{"contract", "pack", "pkg", "--out", "pkg.tgz"},
				{"contract", "publish", "pkg", "--registry", "reg"},
			} {
				runHostile(t, hostileRun{name: name, dir: j.work, args: args, codes: []int{1, 2}})
				runs++
			}
			j.check(t, name)
		}
	})
	t.Run("archive", func(t *testing.T) {
		// Package archives Pack could not have written, served by a store:
		// pull refuses each (exit 2) before writing anything.
		for _, f := range hostileFiles(t, "archive") {
			name := "archive/" + filepath.Base(f)
			j := newJail(t)
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			pushRaw(t, filepath.Join(j.work, "store"), "evil", "1.0.0", data)
			runHostile(t, hostileRun{name: name, dir: j.work, args: []string{"contract", "pull", "evil@1.0.0", "--registry", "store"}, codes: []int{2}})
			runs++
			for _, p := range []string{"contracts", "dsctl.lock", "/tmp/dsctl-evil.json", "/tmp/dsctl-pwned"} {
				if !filepath.IsAbs(p) {
					p = filepath.Join(j.work, p)
				}
				if _, err := os.Lstat(p); err == nil {
					t.Errorf("%s: pull wrote %s", name, p)
				}
			}
			j.check(t, name)
		}
	})
	t.Run("big", func(t *testing.T) {
		j := newJail(t)
		w := j.work
		bigLine(t, filepath.Join(w, "big.json"), `{"type":"object","description":"`, "abcdefgh", `"}`)
		bigLine(t, filepath.Join(w, "big.yaml"), "openapi: 3.0.3\ninfo: {title: t, version: 1.0.0}\npaths: {}\nx-big: \"", "abcdefgh", "\"\n")
		os.WriteFile(filepath.Join(w, "good.json"), []byte(goodSchema), 0o644)
		os.WriteFile(filepath.Join(w, "good.yaml"), []byte(goodOpenAPI), 0o644)
		os.MkdirAll(filepath.Join(w, "src"), 0o755)
		bigLine(t, filepath.Join(w, "src", "big.css"), "", "a{background:url(x.png)}", "")
		bigLine(t, filepath.Join(w, "src", "big.js"), "", `import "./x.js";`, "")
		bigLine(t, filepath.Join(w, "src", "big.html"), "<html>", `<img src="x.png">`, "</html>")
		os.WriteFile(filepath.Join(w, "src", "x.png"), []byte("png"), 0o644)
		os.WriteFile(filepath.Join(w, "src", "x.js"), []byte("export {}"), 0o644)
		for _, args := range [][]string{
			{"compat", "check", "good.json", "big.json"},
			{"compat", "check", "good.yaml", "big.yaml"},
			{"gen", "dtos", "--spec", "big.yaml", "--package", "p", "--out", "out/dtos.go"},
			{"hash-assets", "src", "--out", "out"},
		} {
			runHostile(t, hostileRun{name: "big", dir: w, args: args, codes: []int{0, 1, 2}})
			runs++
		}
		j.check(t, "big")
	})
	t.Logf("hostile corpus: %d runs", runs)
}

// The hostile runs' only time bound is the hang guard: minutes, not the
// seconds a speed check would set, cut short only to fail before the test
// binary's own deadline does.
func TestHostileHangGuard(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, c := range []struct {
		name        string
		deadline    time.Duration // from now
		hasDeadline bool
		want        time.Duration
	}{
		{"no deadline", 0, false, 5 * time.Minute},
		{"far deadline (make test: -timeout 30m)", 30 * time.Minute, true, 5 * time.Minute},
		{"near deadline", 3 * time.Minute, true, 3*time.Minute - 30*time.Second},
		{"deadline all but passed", 5 * time.Second, true, 10 * time.Second},
	} {
		if got := hangGuard(now, now.Add(c.deadline), c.hasDeadline); got != c.want {
			t.Errorf("%s: hangGuard = %s, want %s", c.name, got, c.want)
		}
	}
	if hostileHangGuard < 3*time.Minute {
		t.Errorf("hostileHangGuard = %s: a hang guard, not a speed check, gives a loaded machine minutes", hostileHangGuard)
	}
}
