package asyncapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/dsctl/dsctl/compat/source"
	"github.com/dsctl/dsctl/internal/errkind"
	"go.yaml.in/yaml/v3"
)

// yamlLimits bound what one file may expand to: its values, those reached
// through YAML aliases (which can make a small file a huge tree), and nesting.
var yamlLimits = source.YAMLLimits{Depth: 512, Values: 4_000_000, Aliased: 100_000}

// pos is a 1-based line and column.
type pos struct{ line, col int }

// file is one parsed document: its value as JSON values (map[string]any,
// []any, string, json.Number, bool, nil) and the position of every node by
// JSON pointer (an object member is at its key, as the JSON Schema engine
// places it).
type file struct {
	path    string // slash path within the source's file system
	display string // how it is named in messages
	value   any
	pos     map[string]pos
}

// position returns where the node at ptr is, or the nearest ancestor that
// has a position.
func (f *file) position(ptr string) pos {
	for {
		if p, ok := f.pos[ptr]; ok {
			return p
		}
		i := strings.LastIndexByte(ptr, '/')
		if i < 0 {
			return pos{}
		}
		ptr = ptr[:i]
	}
}

// parseFile parses a JSON or YAML document. A syntax error is an input error
// at its line (and column for JSON), as compat/source names them.
func parseFile(p, display string, data []byte) (*file, error) {
	if err := source.SyntaxError(display, data); err != nil {
		return nil, err
	}
	var n yaml.Node
	if err := yaml.Unmarshal(data, &n); err != nil {
		return nil, errkind.InputAt(display, 0, 0, fmt.Errorf("invalid YAML: %w", err))
	}
	f := &file{path: p, display: display, pos: map[string]pos{}}
	if n.Kind == 0 {
		return nil, errkind.InputAt(display, 1, 0, errors.New("empty document"))
	}
	v, err := source.YAMLValue(&n, yamlLimits, func(ptr string, line, col int) {
		f.pos[ptr] = pos{line, col}
	})
	if err != nil {
		var pe *source.PosError
		if errors.As(err, &pe) {
			return nil, errkind.InputAt(display, pe.Line, pe.Col, errors.New(pe.Msg))
		}
		return nil, errkind.InputAt(display, 0, 0, err)
	}
	f.value = v
	return f, nil
}

// lookup returns the value at a JSON pointer ("" is the root).
func lookup(v any, ptr string) (any, bool) {
	if ptr == "" {
		return v, true
	}
	if ptr[0] != '/' {
		return nil, false
	}
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = source.UnescapeToken(tok)
		switch x := v.(type) {
		case map[string]any:
			c, ok := x[tok]
			if !ok {
				return nil, false
			}
			v = c
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(x) || strconv.Itoa(i) != tok {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// canonical returns a deterministic encoding of a JSON value, for equality.
func canonical(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // maps encode with sorted keys
	return strings.TrimSpace(b.String())
}
