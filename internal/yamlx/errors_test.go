package yamlx

import (
	"bytes"
	"testing"

	"github.com/dsctl/dsctl/internal/errkind"
	"go.yaml.in/yaml/v3"
)

func TestAt(t *testing.T) {
	type doc struct {
		Name  string `yaml:"name"`
		Inner struct {
			N int `yaml:"n"`
		} `yaml:"inner"`
	}
	cases := []struct {
		name, src string
		withDoc   bool
		want      string
	}{
		{"syntax", "name: x\n  bad: [\n", false, "f.yaml:2: "},
		{"unknown key, no doc", "name: x\nextra: 1\n", false, `f.yaml:2: unknown key "extra"`},
		{"unknown key, doc gives column", "name: x\ninner:\n  n: 1\n  nope: 2\n", true, `f.yaml:4:3: unknown key "nope"`},
		{"type error, first only", "name: [1]\ninner:\n  n: x\n", false, "f.yaml:1: cannot unmarshal"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var root yaml.Node
			var err error
			if err = yaml.Unmarshal([]byte(c.src), &root); err == nil {
				dec := yaml.NewDecoder(bytes.NewReader([]byte(c.src)))
				dec.KnownFields(true)
				var d doc
				err = dec.Decode(&d)
			}
			if err == nil {
				t.Fatal("no error")
			}
			var n *yaml.Node
			if c.withDoc && len(root.Content) > 0 {
				n = root.Content[0]
			}
			got := At("f.yaml", err, n)
			if errkind.Of(got) != errkind.Input {
				t.Errorf("kind %v, want input", errkind.Of(got))
			}
			if s := got.Error(); len(s) < len(c.want) || s[:len(c.want)] != c.want {
				t.Errorf("got %q, want prefix %q", s, c.want)
			}
		})
	}
}

func TestAtWithoutLine(t *testing.T) {
	got := At("f.yaml", errTest("boom"), nil)
	if got.Error() != "f.yaml: invalid YAML: boom" {
		t.Errorf("got %q", got)
	}
}

type errTest string

func (e errTest) Error() string { return string(e) }
