package cli

import (
	"os"
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
