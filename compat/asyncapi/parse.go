package asyncapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/dsctl/dsctl/internal/jsonnum"
	"math"
	"strconv"
	"strings"

	"github.com/dsctl/dsctl/compat/source"
	"github.com/dsctl/dsctl/internal/errkind"
	"go.yaml.in/yaml/v3"
)

// maxNodes bounds the values one file may hold, and maxAliased the values
// reached through YAML aliases (which can make a small file a huge tree).
const (
	maxNodes   = 4_000_000
	maxAliased = 100_000
)

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
	b := budget{nodes: maxNodes, aliased: maxAliased}
	v, err := f.convert(&n, "", &b, 0)
	if err != nil {
		return nil, err
	}
	f.value = v
	return f, nil
}

// budget counts down the values a file may still expand to.
type budget struct {
	nodes, aliased int
	inAlias        int
}

func (f *file) convert(n *yaml.Node, ptr string, budget *budget, depth int) (any, error) {
	if budget.nodes--; budget.nodes < 0 {
		return nil, errkind.InputAt(f.display, n.Line, n.Column, fmt.Errorf("document holds more than %d values", maxNodes))
	}
	if budget.inAlias > 0 {
		if budget.aliased--; budget.aliased < 0 {
			return nil, errkind.InputAt(f.display, n.Line, n.Column, fmt.Errorf("document expands to more than %d values through YAML aliases", maxAliased))
		}
	}
	if depth > 512 {
		return nil, errkind.InputAt(f.display, n.Line, n.Column, errors.New("document nested more than 512 levels deep"))
	}
	if _, ok := f.pos[ptr]; !ok {
		f.pos[ptr] = pos{n.Line, n.Column}
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return f.convert(n.Content[0], ptr, budget, depth+1)
	case yaml.AliasNode:
		budget.inAlias++
		defer func() { budget.inAlias-- }()
		return f.convert(n.Alias, ptr, budget, depth+1)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
				return nil, errkind.InputAt(f.display, k.Line, k.Column, errors.New("YAML merge keys (<<) are not supported"))
			}
			if k.Kind != yaml.ScalarNode {
				return nil, errkind.InputAt(f.display, k.Line, k.Column, errors.New("a mapping key must be a string"))
			}
			if _, dup := m[k.Value]; dup {
				return nil, errkind.InputAt(f.display, k.Line, k.Column, fmt.Errorf("key %q defined twice", k.Value))
			}
			cp := ptr + "/" + escapeToken(k.Value)
			f.pos[cp] = pos{k.Line, k.Column}
			cv, err := f.convert(v, cp, budget, depth+1)
			if err != nil {
				return nil, err
			}
			m[k.Value] = cv
		}
		return m, nil
	case yaml.SequenceNode:
		s := make([]any, 0, len(n.Content))
		for i, c := range n.Content {
			cv, err := f.convert(c, ptr+"/"+strconv.Itoa(i), budget, depth+1)
			if err != nil {
				return nil, err
			}
			s = append(s, cv)
		}
		return s, nil
	case yaml.ScalarNode:
		return scalar(f.display, n)
	}
	return nil, errkind.InputAt(f.display, n.Line, n.Column, fmt.Errorf("unsupported YAML node kind %d", n.Kind))
}

// scalar converts a YAML scalar to a JSON value (numbers as json.Number).
func scalar(display string, n *yaml.Node) (any, error) {
	switch n.ShortTag() {
	case "!!null":
		return nil, nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err != nil {
			return nil, errkind.InputAt(display, n.Line, n.Column, fmt.Errorf("invalid boolean: %w", err))
		}
		return b, nil
	case "!!int", "!!float":
		var fv float64
		if err := n.Decode(&fv); err != nil {
			return nil, errkind.InputAt(display, n.Line, n.Column, fmt.Errorf("invalid number %q", n.Value))
		}
		if math.IsInf(fv, 0) || math.IsNaN(fv) {
			return nil, errkind.InputAt(display, n.Line, n.Column, fmt.Errorf("%s is not a JSON number", n.Value))
		}
		s := strings.ReplaceAll(n.Value, "_", "")
		if !json.Valid([]byte(s)) {
			s = strconv.FormatFloat(fv, 'g', -1, 64)
		}
		if !jsonnum.Sane(s) {
			// Exact arithmetic on 1e-99999999 (schema validation, the JSON
			// Schema engine) would take forever or fail.
			return nil, errkind.InputAt(display, n.Line, n.Column, errors.New(jsonnum.Describe(n.Value)))
		}
		return json.Number(s), nil
	case "!!str", "!!binary", "!!timestamp":
		return n.Value, nil
	}
	return n.Value, nil
}

func escapeToken(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func unescapeToken(s string) string {
	if !strings.Contains(s, "~") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
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
		tok = unescapeToken(tok)
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
