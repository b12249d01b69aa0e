// Package yamlx is the one home of dsctl's go.yaml.in/yaml/v3 mechanics:
//
//   - Line and At read the position yaml.v3 writes into its error messages
//     ("yaml: line 3: ..." and, for strict decoding, "line 3: field x not
//     found in type T") and turn the error into a dsctl input error (exit 2)
//     at "file:line[:col]: message", so every YAML file dsctl reads reports
//     its mistakes the same way;
//   - Versioned.Decode is the strict decoding of a versioned file
//     (dsctl.yaml, contract.yaml): apiVersion checked first, then every key
//     known.
//
// yaml.v3 gives positions of syntax and type errors only inside its
// messages; this package is the one place that parses them.
package yamlx

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
	lineRE         = regexp.MustCompile(`yaml: (?:unmarshal errors:\n\s*)?line (\d+): ([^\n]*)`)
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
	line, detail := Line(msg)
	if line == 0 {
		return errkind.InputAt(file, 0, 0, fmt.Errorf("invalid YAML: %w", err))
	}
	col := 0
	if f := unknownFieldRE.FindStringSubmatch(detail); f != nil {
		detail = fmt.Sprintf("unknown key %q", f[1])
		col = KeyColumn(doc, f[1], line)
	}
	return errkind.InputAt(file, line, col, errors.New(detail))
}

// Line returns the line a yaml.v3 error message names and the message after
// it ("yaml: line 3: did not find expected key" is 3, "did not find expected
// key"), or 0 and the message without its "yaml: " prefix when it names no
// line.
func Line(msg string) (line int, detail string) {
	if m := lineRE.FindStringSubmatch(msg); m != nil {
		n, err := strconv.Atoi(m[1])
		if err == nil && n > 0 {
			return n, m[2]
		}
	}
	return 0, strings.TrimPrefix(msg, "yaml: ")
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
