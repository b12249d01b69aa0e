package hashasset

import "testing"

// The manifest is a file other tools read: its bytes are pinned here, and
// depend on internal/jsonenc only (never on how dsctl prints for people).
func TestManifestBytes(t *testing.T) {
	m := &Manifest{
		Version: ManifestVersion, Algorithm: "sha256", Build: 2,
		Assets: map[string]Asset{
			"z/a&b<c>.css": {Path: "z/a&b<c>.4f2a1b9.css", Size: 3, SHA256: "4f2a", Integrity: "sha384-x", Encodings: []string{"br", "gzip"}},
			"app.js":       {Path: "app.0c1d2e3.js", Size: 1, SHA256: "0c1d", Integrity: "sha384-y"},
		},
		Previous: map[string][]PreviousAsset{"app.js": {{Path: "app.aaaaaaa.js", Build: 1}}},
	}
	want := `{
  "version": 1,
  "algorithm": "sha256",
  "build": 2,
  "assets": {
    "app.js": {
      "path": "app.0c1d2e3.js",
      "size": 1,
      "sha256": "0c1d",
      "integrity": "sha384-y"
    },
    "z/a&b<c>.css": {
      "path": "z/a&b<c>.4f2a1b9.css",
      "size": 3,
      "sha256": "4f2a",
      "integrity": "sha384-x",
      "encodings": [
        "br",
        "gzip"
      ]
    }
  },
  "previous": {
    "app.js": [
      {
        "path": "app.aaaaaaa.js",
        "build": 1
      }
    ]
  }
}
`
	for i := 0; i < 5; i++ {
		b, err := m.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != want {
			t.Fatalf("manifest bytes\n%s\nwant\n%s", b, want)
		}
	}
}
