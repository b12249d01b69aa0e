package contracts

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/dsctl/dsctl/internal/errkind"
)

// FuzzParse: contract.yaml never panics the parser, and every error is an
// input error naming the file.
func FuzzParse(f *testing.F) {
	for _, p := range []string{"testdata/pkg/contract.yaml", "../examples/orders/contract/contract.yaml"} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("apiVersion: dsctl.dev/v1\nname: a\nversion: 1.0.0\nevents: [{name: A, schema: ../x}]\n"))
	f.Add([]byte("a: &a [*a, *a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("contract.yaml", data)
		if err != nil {
			if errkind.Of(err) != errkind.Input || !strings.HasPrefix(err.Error(), "contract.yaml") {
				t.Fatalf("error %q is not an input error naming the file", err)
			}
			return
		}
		for _, e := range c.Events {
			for _, p := range append([]string{e.Schema}, e.Examples...) {
				// "..0" is a file name; only a ".." segment leaves the package.
				if strings.HasPrefix(p, "/") || strings.Contains(p, `\`) || slices.Contains(strings.Split(p, "/"), "..") {
					t.Fatalf("accepted path %q", p)
				}
			}
		}
	})
}

// FuzzParseLock: dsctl.lock never panics the parser; what it accepts has
// valid names (safe to join onto the vendor folder) and re-encodes stably.
func FuzzParseLock(f *testing.F) {
	f.Add([]byte(`{"version": 1, "contracts": {"orders": {"version": "1.4.0", "digest": "sha256:` + strings.Repeat("a", 64) + `", "registry": "reg"}}}`))
	f.Add([]byte(`{"version": 1, "contracts": {"../x": {}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := ParseLock("dsctl.lock", data)
		if err != nil {
			if errkind.Of(err) != errkind.Input {
				t.Fatalf("error %v is not an input error", err)
			}
			return
		}
		for name := range l.Contracts {
			if strings.ContainsAny(name, `/\`) || name == ".." || name == "." {
				t.Fatalf("accepted name %q", name)
			}
		}
		a, err := l.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		l2, err := ParseLock("dsctl.lock", a)
		if err != nil {
			t.Fatalf("re-parse of marshalled lock: %v", err)
		}
		b, _ := l2.Marshal()
		if string(a) != string(b) {
			t.Fatal("lock does not round-trip")
		}
	})
}

// FuzzJSONLine: jsonLine never panics and returns a line within the document.
func FuzzJSONLine(f *testing.F) {
	f.Add([]byte("{\n \"a\": [1, {\"b\": 2}]\n}"), "/a/1/b")
	f.Add([]byte("[]"), "/0")
	f.Fuzz(func(t *testing.T, data []byte, ptr string) {
		n := jsonLine(data, ptr)
		if n < 0 || n > strings.Count(string(data), "\n")+1 {
			t.Fatalf("line %d out of range", n)
		}
	})
}
