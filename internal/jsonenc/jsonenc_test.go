package jsonenc

import "testing"

func TestIndent(t *testing.T) {
	type asset struct {
		Path string `json:"path"`
		Size int    `json:"size"`
	}
	v := struct {
		Version int              `json:"version"`
		Assets  map[string]asset `json:"assets"`
	}{1, map[string]asset{"z<&>.css": {"z<&>.1a2b.css", 3}, "a.js": {"a.9f.js", 1}}}
	want := `{
  "version": 1,
  "assets": {
    "a.js": {
      "path": "a.9f.js",
      "size": 1
    },
    "z<&>.css": {
      "path": "z<&>.1a2b.css",
      "size": 3
    }
  }
}
`
	for i := 0; i < 5; i++ { // map order is random in Go: the bytes must not be
		got, err := Indent(v)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want {
			t.Fatalf("got\n%s\nwant\n%s", got, want)
		}
	}
	if _, err := Indent(func() {}); err == nil {
		t.Error("a value JSON cannot hold encoded without an error")
	}
}
