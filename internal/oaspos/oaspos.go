// Package oaspos finds where in an OpenAPI document a load error of
// kin-openapi is about, when the error carries no origin: the line of a YAML
// syntax error, where an unresolved or refused $ref is written, or the
// position of a JSON syntax error. Shared by gen dtos (codegen) and compat
// check (compat/openapi).
package oaspos

import (
	"bytes"
	"encoding/json"
	"errors"
	"regexp"

	"github.com/dsctl/dsctl/internal/textpos"
	"github.com/dsctl/dsctl/internal/yamlx"
)

// refInErrRe finds a $ref the loader could not resolve, quoted in its message.
var refInErrRe = regexp.MustCompile(`"(#/[^"\s]+)"|\$ref (\S+)|reference "([^"\s]+)"`)

// LoadError returns the line (and column) in data that a load error of
// kin-openapi is about, 0, 0 when it cannot tell.
func LoadError(data []byte, err error) (line, col int) {
	msg := err.Error()
	if n, _ := yamlx.Line(msg); n > 0 {
		return n, 0
	}
	for _, m := range refInErrRe.FindAllStringSubmatch(msg, -1) {
		ref := m[1] + m[2] + m[3]
		if i := bytes.Index(data, []byte(ref)); i >= 0 {
			return textpos.LineCol(data, i)
		}
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return textpos.JSONError(data, se)
	}
	return 0, 0
}
