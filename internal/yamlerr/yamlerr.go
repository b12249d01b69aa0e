// Package yamlerr turns go.yaml.in/yaml/v3 decoding errors into dsctl input
// errors (exit 2) positioned at the line (and, for an unknown key, the column)
// that yaml.v3 names, so that dsctl.yaml and contract.yaml report their
// mistakes the same way: "file:line[:col]: message".
//
// yaml.v3 gives positions only inside its messages ("yaml: line 3: ..." and,
// for strict decoding, "line 3: field x not found in type T"); this package is
// the one place that parses them.
package yamlerr

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/dsctl/dsctl/internal/errkind"
	"go.yaml.in/yaml/v3"
)

var (
	lineRE         = regexp.MustCompile(`^yaml: (?:unmarshal errors:\n\s*)?line (\d+): (.*)$`)
	unknownFieldRE = regexp.MustCompile(`field (\S+) not found in type`)
)

// At returns err as an input error in file at the line yaml.v3 names. Of a
// *yaml.TypeError, which joins several errors, only the first is reported:
// it is what a person fixes first. An unknown key (strict decoding) is said
// as `unknown key "x"`; with doc, the root node of the document, the key is
// looked up in it to add its column (doc may be nil). An error without a
// line is "invalid YAML: ..." at the file.
func At(file string, err error, doc *yaml.Node) error {
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = "yaml: line " + strings.TrimPrefix(te.Errors[0], "line ")
	}
	m := lineRE.FindStringSubmatch(msg)
	if m == nil {
		return errkind.InputAt(file, 0, 0, fmt.Errorf("invalid YAML: %w", err))
	}
	line, _ := strconv.Atoi(m[1])
	detail, col := m[2], 0
	if f := unknownFieldRE.FindStringSubmatch(detail); f != nil {
		detail = fmt.Sprintf("unknown key %q", f[1])
		col = KeyColumn(doc, f[1], line)
	}
	return errkind.InputAt(file, line, col, errors.New(detail))
}

// KeyColumn returns the column of the mapping key named key on line in the
// tree under n, or 0 when there is none (or n is nil).
func KeyColumn(n *yaml.Node, key string, line int) int {
	if n == nil {
		return 0
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := n.Content[i]; k.Value == key && k.Line == line {
				return k.Column
			}
		}
	}
	for _, c := range n.Content {
		if col := KeyColumn(c, key, line); col > 0 {
			return col
		}
	}
	return 0
}
