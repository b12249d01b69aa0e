package yamlx

import (
	"bytes"
	"fmt"

	"github.com/dsctl/dsctl/internal/errkind"
	"go.yaml.in/yaml/v3"
)

// Versioned is a YAML file format that names its version in a top-level
// apiVersion key: dsctl.yaml, contract.yaml.
type Versioned struct {
	// Name is how messages call the file ("config", "contract.yaml").
	Name string
	// APIVersion is the one version this dsctl reads.
	APIVersion string
	// Needs says what an empty file lacks, after "<Name> is empty; it needs ".
	Needs string
}

// Decode strictly decodes data into out (a pointer to the format's struct)
// and returns the document's root mapping, for the positions of its values;
// file names the file in errors. A leading UTF-8 byte order mark is ignored.
// The apiVersion is judged first, so a file of a future format is refused
// for its version, not for keys this dsctl does not know. Every error is an
// input error at its line and column where yaml.v3 tells: a syntax error,
// an empty file or one that is not a mapping, a missing or other apiVersion,
// an unknown key (`unknown key "x"`) or a value of the wrong type.
func (v Versioned) Decode(file string, data []byte, out any) (*yaml.Node, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, At(file, err, nil)
	}
	if root.Kind == 0 || len(root.Content) == 0 {
		return nil, errkind.InputAt(file, 0, 0, fmt.Errorf("%s is empty; it needs %s", v.Name, v.Needs))
	}
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode {
		return nil, errkind.InputAt(file, doc.Line, doc.Column, fmt.Errorf("%s must be a mapping of keys", v.Name))
	}
	var av *yaml.Node
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if doc.Content[i].Value == "apiVersion" {
			av = doc.Content[i+1]
		}
	}
	if av == nil {
		return nil, errkind.InputAt(file, doc.Line, doc.Column, fmt.Errorf("missing apiVersion (want %s)", v.APIVersion))
	}
	if av.Value != v.APIVersion {
		return nil, errkind.InputAt(file, av.Line, av.Column, fmt.Errorf("unsupported apiVersion %q (this dsctl reads %s)", av.Value, v.APIVersion))
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(out); err != nil {
		return nil, At(file, err, doc)
	}
	return doc, nil
}
