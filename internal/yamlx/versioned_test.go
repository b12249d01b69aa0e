package yamlx

import (
	"testing"

	"github.com/dsctl/dsctl/internal/errkind"
)

func TestVersionedDecode(t *testing.T) {
	format := Versioned{Name: "thing.yaml", APIVersion: "x.dev/v1", Needs: "at least apiVersion"}
	type thing struct {
		APIVersion string `yaml:"apiVersion"`
		Name       string `yaml:"name"`
		Items      []struct {
			N int `yaml:"n"`
		} `yaml:"items"`
	}
	for _, tc := range []struct {
		name, src, want string
	}{
		{"empty", "", "t.yaml: thing.yaml is empty; it needs at least apiVersion"},
		{"comment only", "# nothing\n", "t.yaml: thing.yaml is empty; it needs at least apiVersion"},
		{"not a mapping", "- a\n", "t.yaml:1:1: thing.yaml must be a mapping of keys"},
		{"syntax", "apiVersion: x.dev/v1\nname: [\n", "t.yaml:2: did not find expected node content"},
		{"missing apiVersion", "name: a\n", "t.yaml:1:1: missing apiVersion (want x.dev/v1)"},
		// The version is judged before the keys: a future format's new keys are not the error.
		{"other apiVersion first", "newKey: 1\napiVersion: x.dev/v2\n", `t.yaml:2:13: unsupported apiVersion "x.dev/v2" (this dsctl reads x.dev/v1)`},
		{"unknown key with its column", "apiVersion: x.dev/v1\nitems:\n  - n: 1\n    m: 2\n", `t.yaml:4:5: unknown key "m"`},
		{"wrong type", "apiVersion: x.dev/v1\nitems:\n  - n: one\n", "t.yaml:3: cannot unmarshal !!str `one` into int"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var v thing
			_, err := format.Decode("t.yaml", []byte(tc.src), &v)
			if err == nil {
				t.Fatal("no error")
			}
			if errkind.Of(err) != errkind.Input {
				t.Errorf("kind %v, want input", errkind.Of(err))
			}
			if err.Error() != tc.want {
				t.Errorf("got  %q\nwant %q", err, tc.want)
			}
		})
	}
	t.Run("valid, with a byte order mark", func(t *testing.T) {
		var v thing
		doc, err := format.Decode("t.yaml", []byte("\ufeffapiVersion: x.dev/v1\nname: a\nitems:\n  - n: 2\n"), &v)
		if err != nil {
			t.Fatal(err)
		}
		if v.Name != "a" || len(v.Items) != 1 || v.Items[0].N != 2 {
			t.Errorf("decoded %+v", v)
		}
		if doc == nil || len(doc.Content) != 6 || doc.Content[2].Value != "name" || doc.Content[2].Line != 2 {
			t.Errorf("root mapping not returned: %+v", doc)
		}
	})
}

func TestLine(t *testing.T) {
	for _, tc := range []struct {
		msg    string
		line   int
		detail string
	}{
		{"yaml: line 3: did not find expected key", 3, "did not find expected key"},
		{"yaml: unmarshal errors:\n  line 7: field x not found in type T", 7, "field x not found in type T"},
		// Wrapped by a library, as kin-openapi does.
		{"failed to unmarshal data: yaml: line 12: mapping values are not allowed in this context", 12, "mapping values are not allowed in this context"},
		{"yaml: control characters are not allowed", 0, "control characters are not allowed"},
		{"yaml: line 0: nonsense", 0, "line 0: nonsense"},
		{"boom", 0, "boom"},
	} {
		line, detail := Line(tc.msg)
		if line != tc.line || detail != tc.detail {
			t.Errorf("Line(%q) = %d, %q; want %d, %q", tc.msg, line, detail, tc.line, tc.detail)
		}
	}
}
