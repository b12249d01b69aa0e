package source

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/dsctl/dsctl/internal/jsonnum"
	"go.yaml.in/yaml/v3"
)

// YAMLLimits bound what reading one YAML document may cost: a small file can
// hold a huge tree through aliases ("billion laughs").
type YAMLLimits struct {
	// Depth bounds nesting.
	Depth int
	// Values bounds the values of the document, aliases expanded.
	Values int
	// Aliased bounds the values reached through aliases.
	Aliased int
}

// PosError is a document that cannot be read as JSON values, at a 1-based
// line and column (yaml.v3's: columns count characters).
type PosError struct {
	Line, Col int
	Msg       string
}

func (e *PosError) Error() string { return e.Msg }

// YAMLValue reads a parsed YAML node (a document node or any other) as the
// JSON values that JSON Schema and AsyncAPI work on: map[string]any, []any,
// string, bool, nil and json.Number. It is the one such reader of the compat
// engines, so that a schema means the same in every YAML file dsctl reads.
//
// at, when not nil, is told the JSON pointer, line and column of every value
// ("" the root; an object member is at its key, an array item at the item).
//
// What JSON cannot say is refused, as a *PosError at the offending node:
// a mapping key that is not a scalar, a key given twice, a YAML merge key
// (<<, which YAML-1.1 tools expand and others do not), a recursive alias,
// NaN or infinity, a number whose exact arithmetic would not end (see
// jsonnum), and going past lim. Numbers keep their text where it is a JSON
// number (1.50 stays 1.50); others (0x1F, 1_000, .5) are written as JSON.
func YAMLValue(n *yaml.Node, lim YAMLLimits, at func(ptr string, line, col int)) (any, error) {
	r := &yamlReader{lim: lim, at: at, active: map[*yaml.Node]bool{}}
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	r.mark("", n)
	return r.read(n, "", 0)
}

type yamlReader struct {
	lim     YAMLLimits
	at      func(ptr string, line, col int)
	active  map[*yaml.Node]bool // the aliases being expanded
	values  int
	aliased int
	inAlias int
}

func (r *yamlReader) mark(ptr string, n *yaml.Node) {
	if r.at != nil {
		r.at(ptr, n.Line, n.Column)
	}
}

func posErr(n *yaml.Node, format string, args ...any) error {
	return &PosError{Line: n.Line, Col: n.Column, Msg: fmt.Sprintf(format, args...)}
}

func (r *yamlReader) read(n *yaml.Node, ptr string, depth int) (any, error) {
	if depth > r.lim.Depth {
		return nil, posErr(n, "nesting too deep (more than %d levels)", r.lim.Depth)
	}
	if r.values++; r.values > r.lim.Values {
		return nil, posErr(n, "document holds more than %d values", r.lim.Values)
	}
	if r.inAlias > 0 {
		if r.aliased++; r.aliased > r.lim.Aliased {
			return nil, posErr(n, "alias expansion: the document expands to more than %d values through YAML aliases", r.lim.Aliased)
		}
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return r.read(n.Content[0], ptr, depth+1)
	case yaml.AliasNode:
		if r.active[n.Alias] {
			return nil, posErr(n, "recursive YAML alias")
		}
		r.active[n.Alias] = true
		r.inAlias++
		defer func() { delete(r.active, n.Alias); r.inAlias-- }()
		return r.read(n.Alias, ptr, depth+1)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
				return nil, posErr(k, "YAML merge keys (<<) are not supported")
			}
			if k.Kind != yaml.ScalarNode {
				return nil, posErr(k, "a mapping key must be a scalar")
			}
			if _, dup := m[k.Value]; dup {
				return nil, posErr(k, "duplicate key %q", k.Value)
			}
			child := ptr + "/" + EscapeToken(k.Value)
			r.mark(child, k)
			cv, err := r.read(v, child, depth+1)
			if err != nil {
				return nil, err
			}
			m[k.Value] = cv
		}
		return m, nil
	case yaml.SequenceNode:
		a := make([]any, 0, len(n.Content))
		for i, e := range n.Content {
			child := ptr + "/" + strconv.Itoa(i)
			r.mark(child, e)
			cv, err := r.read(e, child, depth+1)
			if err != nil {
				return nil, err
			}
			a = append(a, cv)
		}
		return a, nil
	case yaml.ScalarNode:
		return yamlScalar(n)
	}
	return nil, posErr(n, "unsupported YAML node kind %d", n.Kind)
}

// yamlScalar reads a YAML scalar as a JSON value.
func yamlScalar(n *yaml.Node) (any, error) {
	switch n.ShortTag() {
	case "!!null":
		return nil, nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err != nil {
			return nil, posErr(n, "invalid boolean %q", n.Value)
		}
		return b, nil
	case "!!int", "!!float":
		s, err := yamlNumber(n)
		if err != nil {
			return nil, &PosError{Line: n.Line, Col: n.Column, Msg: err.Error()}
		}
		return json.Number(s), nil
	}
	return n.Value, nil
}

// yamlNumber is the JSON text of a YAML number: its own text when that is a
// JSON number, else an integer exactly (0x1F, 0o17, 1_000), else the float.
func yamlNumber(n *yaml.Node) (string, error) {
	s := strings.ReplaceAll(n.Value, "_", "")
	if !isJSONNumber(s) {
		var i int64
		var f float64
		switch {
		case n.ShortTag() == "!!int" && n.Decode(&i) == nil:
			s = strconv.FormatInt(i, 10)
		case n.Decode(&f) != nil:
			return "", fmt.Errorf("invalid number %q", n.Value)
		case math.IsInf(f, 0) || math.IsNaN(f):
			return "", fmt.Errorf("%s is not a JSON number (NaN and infinity are not JSON numbers)", n.Value)
		default:
			s = strconv.FormatFloat(f, 'g', -1, 64)
		}
	}
	if !jsonnum.Sane(s) {
		// Exact arithmetic on 1e-99999999 (validation, the JSON Schema
		// engine) would take forever or fail.
		return "", errors.New(jsonnum.Describe(n.Value))
	}
	return s, nil
}

func isJSONNumber(s string) bool {
	return s != "" && (s[0] == '-' || s[0] >= '0' && s[0] <= '9') && json.Valid([]byte(s))
}

// EscapeToken escapes a JSON pointer token (RFC 6901): "a/b" is "a~1b".
func EscapeToken(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// UnescapeToken is the inverse of EscapeToken.
func UnescapeToken(s string) string {
	if !strings.Contains(s, "~") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
}
