package source

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/textpos"
	"github.com/dsctl/dsctl/internal/yamlx"
	"go.yaml.in/yaml/v3"
)

// SyntaxError returns an errkind input error naming display at the line (and,
// for JSON, the column) where data stops being JSON or YAML, or nil when data
// parses. A document that starts with '{' or '[' is judged as JSON.
func SyntaxError(display string, data []byte) error {
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') {
		var v any
		err := json.Unmarshal(data, &v)
		if err == nil {
			return nil
		}
		line, col := textpos.JSONError(data, err)
		return errkind.InputAt(display, line, col, fmt.Errorf("invalid JSON: %w", err))
	}
	var n yaml.Node
	err := yaml.Unmarshal(data, &n)
	if err == nil {
		return nil
	}
	if line, detail := yamlx.Line(err.Error()); line > 0 {
		return errkind.InputAt(display, line, 0, fmt.Errorf("invalid YAML: %s", detail))
	}
	return errkind.InputAt(display, 0, 0, fmt.Errorf("invalid YAML: %w", err))
}
