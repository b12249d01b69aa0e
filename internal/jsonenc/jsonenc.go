// Package jsonenc is the one JSON encoding of what dsctl writes for machines:
// files (the hash-assets manifest and upload plan) and -o json output. Two
// spaces of indent, no HTML escaping (a path "a&b.css" stays as written), a
// final newline; struct fields in declaration order and map keys sorted, as
// encoding/json writes them, so the same value is always the same bytes.
//
// Files' bytes depend on this package, never on internal/output (how dsctl
// presents results to people): changing Indent changes every manifest.
package jsonenc

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Indent returns v encoded as described in the package comment.
func Indent(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode json: %w", err)
	}
	return buf.Bytes(), nil
}
