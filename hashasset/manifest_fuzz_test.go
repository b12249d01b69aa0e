package hashasset

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/dsctl/dsctl/internal/errkind"
)

// FuzzParseManifest: a previous run's manifest is untrusted input. Parsing
// never panics, every error is an input error, and an accepted manifest
// re-marshals to a manifest that parses to the same bytes (a fixed point).
func FuzzParseManifest(f *testing.F) {
	f.Add([]byte(`{"version":1,"algorithm":"sha256","build":2,"assets":{"css/a.css":{"path":"css/a-0123456789.css","size":3,"sha256":"` + string(bytes.Repeat([]byte("0"), 64)) + `","integrity":"sha384-x"}},"previous":{"css/a.css":[{"path":"css/a-9876543210.css","build":1}]}}`))
	f.Add([]byte(`{"version":1,"algorithm":"sha256","build":1,"assets":{}}`))
	if seeds, _ := filepath.Glob(filepath.Join("..", "testdata", "hostile", "manifest", "*.json")); len(seeds) > 0 {
		for _, s := range seeds {
			if b, err := os.ReadFile(s); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseManifest("assets-manifest.json", data)
		if err != nil {
			if errkind.Of(err) != errkind.Input {
				t.Fatalf("not an input error: %v", err)
			}
			return
		}
		out, err := m.Marshal()
		if err != nil {
			t.Fatalf("marshal an accepted manifest: %v", err)
		}
		m2, err := ParseManifest("assets-manifest.json", out)
		if err != nil {
			t.Fatalf("re-parse of our own output failed: %v\n%s", err, out)
		}
		out2, _ := m2.Marshal()
		if !bytes.Equal(out, out2) {
			t.Fatalf("marshal is not a fixed point:\n%s\n%s", out, out2)
		}
	})
}
