package cli

import (
	"github.com/dsctl/dsctl/codegen"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dsctl/dsctl/compat/source"
)

// TestDocumentSizeBound: a document larger than source.MaxDocument is an
// input error naming it (exit 2), whatever its kind and wherever it comes
// from (a file, standard input), instead of a read of any size.
func TestDocumentSizeBound(t *testing.T) {
	defer func(old int64) { source.MaxDocument = old }(source.MaxDocument)
	source.MaxDocument = 1 << 20
	t.Chdir(t.TempDir())
	t.Setenv("DSCTL_CONFIG", "")
	pad := strings.Repeat("a", 1<<20)
	files := map[string]string{
		"small.json":   `{"type": "object"}`,
		"big.json":     `{"type": "object", "description": "` + pad + `"}`,
		"small.yaml":   "openapi: 3.0.3\ninfo: {title: t, version: 1.0.0}\npaths: {}\n",
		"big.yaml":     "openapi: 3.0.3\ninfo: {title: t, version: 1.0.0, description: " + pad + "}\npaths: {}\n",
		"small-a.yaml": "asyncapi: 3.0.0\ninfo: {title: t, version: 1.0.0}\n",
		"big-a.yaml":   "asyncapi: 3.0.0\ninfo: {title: t, version: 1.0.0, description: " + pad + "}\n",
	}
	for name, data := range files {
		if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		stdin string
		args  []string
		file  string
	}{
		{"", []string{"compat", "check", "big.json", "small.json"}, "big.json"},
		{"", []string{"compat", "check", "small.json", "big.json", "--kind", "jsonschema"}, "big.json"},
		{"", []string{"compat", "check", "big.yaml", "small.yaml", "--kind", "openapi"}, "big.yaml"},
		{"", []string{"compat", "check", "small-a.yaml", "big-a.yaml", "--kind", "asyncapi"}, "big-a.yaml"},
		{files["big.json"], []string{"compat", "check", "-", "small.json", "--kind", "jsonschema"}, "<stdin>"},
	} {
		code, _, stderr := runIn(c.stdin, c.args...)
		if code != 2 || !strings.Contains(stderr, c.file) || !strings.Contains(stderr, "larger than 1 MiB") || strings.Contains(stderr, "goroutine") {
			t.Errorf("%s: exit %d, stderr %q; want 2, naming %s, larger than 1 MiB", strings.Join(c.args, " "), code, stderr, c.file)
		}
	}
	if code, _, stderr := runIn("", "compat", "check", "small.json", "small.json"); code != 0 {
		t.Errorf("small documents: exit %d: %s", code, stderr)
	}
}

// TestLinkedDevices: files a pull request brings (dsctl.yaml, the spec it
// names, dsctl.lock, a contract instance) linked to /dev/zero are read up to
// a bound and refused with exit 2 naming them, instead of read until memory
// runs out.
func TestLinkedDevices(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero here")
	}
	defer func(old int64) { codegen.MaxSpecFile = old }(codegen.MaxSpecFile)
	codegen.MaxSpecFile = 1 << 20
	defer func(old int64) { source.MaxDocument = old }(source.MaxDocument)
	source.MaxDocument = 1 << 20
	t.Setenv("DSCTL_CONFIG", "")
	link := func(name string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink("/dev/zero", name); err != nil {
			t.Skip(err)
		}
	}
	write := func(name, data string) {
		t.Helper()
		if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	t.Chdir(t.TempDir())
	link("api/openapi.yaml")
	write("dsctl.yaml", "apiVersion: dsctl.dev/v1\nservices:\n  - name: a\n    spec: api/openapi.yaml\n    package: x\n    output: a/x/dtos.gen.go\n")
	if code, _, stderr := runIn("", "gen", "dtos", "--check"); code != 2 || !strings.Contains(stderr, "openapi.yaml") || !strings.Contains(stderr, "larger than 1 MiB") {
		t.Errorf("gen dtos, spec linked to /dev/zero: exit %d, stderr %q", code, stderr)
	}

	t.Chdir(t.TempDir())
	link("dsctl.yaml")
	if code, _, stderr := runIn("", "gen", "dtos", "--check"); code != 2 || !strings.Contains(stderr, "dsctl.yaml") || !strings.Contains(stderr, "larger than") {
		t.Errorf("dsctl.yaml linked to /dev/zero: exit %d, stderr %q", code, stderr)
	}

	t.Chdir(t.TempDir())
	link("event.json")
	if err := os.Mkdir("c", 0o755); err != nil {
		t.Fatal(err)
	}
	write("c/contract.yaml", "apiVersion: dsctl.dev/v1\nname: c\nversion: 1.0.0\nowner: o\nevents:\n  - name: E\n    schema: e.json\n")
	write("c/e.json", `{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object"}`)
	if code, _, stderr := runIn("", "contract", "validate", "./c", "E", "event.json"); code != 2 || !strings.Contains(stderr, "event.json") || !strings.Contains(stderr, "larger than 1 MiB") {
		t.Errorf("contract validate, instance linked to /dev/zero: exit %d, stderr %q", code, stderr)
	}
}
