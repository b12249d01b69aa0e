package jsonschema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/dsctl/dsctl/compat/source"
	"github.com/dsctl/dsctl/internal/jsonnum"
	"github.com/dsctl/dsctl/internal/yamlx"
	"go.yaml.in/yaml/v3"
)

// pos is a 1-based line and column in a source file.
type pos struct{ line, col int32 }

// parsed is one loaded document: its JSON value (map[string]any, []any,
// string, bool, nil, json.Number: the shape jsonschema v6 compiles) and the
// position of its values by JSON pointer ("" for the root,
// "/properties/a~1b" for members). For an object member the position is the
// member's key.
type parsed struct {
	value any
	// pos holds every position of a YAML document.
	pos map[string]pos
	// json finds positions in a JSON document's source when asked: a
	// schema needs a handful (one per change reported), and recording all
	// of them took a third of the parse.
	json *jsonPositions
}

// position returns the position of the value at ptr, if there is one.
func (pd *parsed) position(ptr string) (pos, bool) {
	if pd.json != nil {
		return pd.json.find(ptr)
	}
	p, ok := pd.pos[ptr]
	return p, ok
}

// syntaxError is a parse error at a position.
type syntaxError struct {
	line, col int
	msg       string
}

func (e *syntaxError) Error() string { return e.msg }

// parseDocument parses JSON (when the first non-blank byte is '{' or '[') or
// YAML, recording positions.
func parseDocument(data []byte) (*parsed, error) { return parseNamed("", data) }

// parseNamed is parseDocument for a named file: a ".json" file must be JSON
// (a trailing comma is an error at its position, not YAML by accident).
//
// Documents of a middling size are remembered by content (see docCache):
// `dsctl compat check` reads NEW to detect its kind, then to compare it, then
// for its x-version, and OLD twice; each is parsed once. The parsed value is
// shared, so nothing may modify it.
func parseNamed(name string, data []byte) (*parsed, error) {
	jsonName := strings.HasSuffix(strings.ToLower(name), ".json")
	if len(data) < cacheMinSize || len(data) > cacheMaxSize {
		pd, _, err := parseUncached(jsonName, data)
		return pd, err
	}
	if pd := docCache.get(data, jsonName); pd != nil {
		return pd, nil
	}
	// The cached parse outlives this call: it and the cache key share a
	// copy of data, which the caller may reuse.
	own := bytes.Clone(data)
	pd, fallback, err := parseUncached(jsonName, own)
	if err == nil {
		docCache.put(own, pd, fallback)
	}
	return pd, err
}

// Documents from cacheMinSize to cacheMaxSize bytes are cached: smaller
// ones parse in well under a millisecond, larger ones would hold too much memory.
const (
	cacheMinSize = 64 << 10
	cacheMaxSize = 4 << 20
)

// docCache holds the last few documents parsed, by content.
var docCache parseCache

type parseCache struct {
	mu      sync.Mutex
	entries [4]cacheEntry
	next    int
}

type cacheEntry struct {
	data []byte // a copy of the caller's bytes (see parseNamed)
	pd   *parsed
	// yamlFallback: the document looks like JSON but only YAML parsed it;
	// a ".json" file must get the JSON error instead.
	yamlFallback bool
}

func (c *parseCache) get(data []byte, jsonName bool) *parsed {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.entries {
		if e.pd != nil && !(jsonName && e.yamlFallback) && bytes.Equal(e.data, data) {
			return e.pd
		}
	}
	return nil
}

func (c *parseCache) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries = [len(c.entries)]cacheEntry{}
}

func (c *parseCache) put(data []byte, pd *parsed, yamlFallback bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[c.next] = cacheEntry{data: data, pd: pd, yamlFallback: yamlFallback}
	c.next = (c.next + 1) % len(c.entries)
}

// parseUncached parses a document; yamlFallback reports a document that
// looks like JSON but parsed only as YAML.
func parseUncached(jsonName bool, data []byte) (pd *parsed, yamlFallback bool, err error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') {
		p := &jsonParser{data: data, line: 1}
		v, err := p.parse()
		if err == nil {
			// positions are read from data later: parseNamed's callers keep
			// it unchanged (a file read for the purpose, or a cached copy)
			return &parsed{value: v, json: newJSONPositions(data)}, false, nil
		}
		// JSON with comments or other YAML-only syntax: let YAML try, and
		// report the JSON error if YAML fails too. A .json file gets no second try.
		if jsonName {
			return nil, false, err
		}
		if py, yerr := parseYAML(data); yerr == nil {
			return py, true, nil
		}
		return nil, false, err
	}
	pd, err = parseYAML(data)
	return pd, false, err
}

// --- JSON ---

type jsonParser struct {
	data      []byte
	i         int
	line      int
	lineStart int
	// pos, when not nil, receives the position of every value (tests
	// compare jsonPositions with it).
	pos   map[string]pos
	depth int
}

// maxDepth bounds nesting: real schemas stay far below it, and a pointer per
// level makes deeper documents cost memory quadratic in their depth.
const maxDepth = 256

// yamlLimits bound a YAML schema: its nesting (as maxDepth), its values and
// those reached through YAML aliases (alias bombs).
var yamlLimits = source.YAMLLimits{Depth: maxDepth, Values: 10_000_000, Aliased: 200_000}

func (p *jsonParser) errf(format string, args ...any) error {
	return &syntaxError{line: p.line, col: p.i - p.lineStart + 1, msg: fmt.Sprintf(format, args...)}
}

func (p *jsonParser) here() pos {
	return pos{int32(p.line), int32(p.i - p.lineStart + 1)}
}

func (p *jsonParser) parse() (any, error) {
	p.ws()
	if p.pos != nil {
		p.pos[""] = p.here()
	}
	v, err := p.value("")
	if err != nil {
		return nil, err
	}
	p.ws()
	if p.i < len(p.data) {
		return nil, p.errf("unexpected %q after the JSON value", p.data[p.i])
	}
	return v, nil
}

func (p *jsonParser) ws() {
	for p.i < len(p.data) {
		switch p.data[p.i] {
		case ' ', '\t', '\r':
			p.i++
		case '\n':
			p.i++
			p.line++
			p.lineStart = p.i
		default:
			return
		}
	}
}

func (p *jsonParser) value(ptr string) (any, error) {
	if p.i >= len(p.data) {
		return nil, p.errf("unexpected end of JSON")
	}
	switch c := p.data[p.i]; {
	case c == '{':
		return p.object(ptr)
	case c == '[':
		return p.array(ptr)
	case c == '"':
		return p.str()
	case c == 't':
		return true, p.lit("true")
	case c == 'f':
		return false, p.lit("false")
	case c == 'n':
		return nil, p.lit("null")
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	default:
		return nil, p.errf("unexpected %q", c)
	}
}

func (p *jsonParser) lit(s string) error {
	if !bytes.HasPrefix(p.data[p.i:], []byte(s)) {
		return p.errf("invalid literal (want %s)", s)
	}
	p.i += len(s)
	return nil
}

func (p *jsonParser) object(ptr string) (any, error) {
	p.depth++
	if p.depth > maxDepth {
		return nil, p.errf("nesting too deep")
	}
	defer func() { p.depth-- }()
	p.i++ // {
	m := map[string]any{}
	p.ws()
	if p.i < len(p.data) && p.data[p.i] == '}' {
		p.i++
		return m, nil
	}
	for {
		p.ws()
		if p.i >= len(p.data) || p.data[p.i] != '"' {
			return nil, p.errf("expected a string key")
		}
		at := p.here()
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		p.ws()
		if p.i >= len(p.data) || p.data[p.i] != ':' {
			return nil, p.errf("expected ':' after key %q", k)
		}
		p.i++
		p.ws()
		if _, dup := m[k]; dup {
			return nil, &syntaxError{line: int(at.line), col: int(at.col), msg: fmt.Sprintf("duplicate key %q", k)}
		}
		var child string
		if p.pos != nil {
			child = ptr + "/" + escapeToken(k)
			p.pos[child] = at
		}
		v, err := p.value(child)
		if err != nil {
			return nil, err
		}
		m[k] = v
		p.ws()
		if p.i >= len(p.data) {
			return nil, p.errf("unexpected end of JSON in an object")
		}
		switch p.data[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			return m, nil
		default:
			return nil, p.errf("expected ',' or '}' in an object")
		}
	}
}

func (p *jsonParser) array(ptr string) (any, error) {
	p.depth++
	if p.depth > maxDepth {
		return nil, p.errf("nesting too deep")
	}
	defer func() { p.depth-- }()
	p.i++ // [
	a := []any{}
	p.ws()
	if p.i < len(p.data) && p.data[p.i] == ']' {
		p.i++
		return a, nil
	}
	for {
		p.ws()
		var child string
		if p.pos != nil {
			child = ptr + "/" + strconv.Itoa(len(a))
			p.pos[child] = p.here()
		}
		v, err := p.value(child)
		if err != nil {
			return nil, err
		}
		a = append(a, v)
		p.ws()
		if p.i >= len(p.data) {
			return nil, p.errf("unexpected end of JSON in an array")
		}
		switch p.data[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			return a, nil
		default:
			return nil, p.errf("expected ',' or ']' in an array")
		}
	}
}

func (p *jsonParser) str() (string, error) {
	p.i++ // opening quote
	start := p.i
	for p.i < len(p.data) {
		c := p.data[p.i]
		if c == '"' {
			s := p.data[start:p.i]
			p.i++
			if !utf8.Valid(s) {
				return strings.ToValidUTF8(string(s), "\uFFFD"), nil
			}
			return string(s), nil
		}
		if c == '\\' {
			return p.strSlow(start)
		}
		if c < 0x20 {
			return "", p.errf("control character in a string")
		}
		p.i++
	}
	return "", p.errf("unterminated string")
}

func (p *jsonParser) strSlow(start int) (string, error) {
	var b strings.Builder
	b.Write(p.data[start:p.i])
	for p.i < len(p.data) {
		c := p.data[p.i]
		switch {
		case c == '"':
			p.i++
			return strings.ToValidUTF8(b.String(), "\uFFFD"), nil
		case c < 0x20:
			return "", p.errf("control character in a string")
		case c != '\\':
			b.WriteByte(c)
			p.i++
			continue
		}
		p.i++
		if p.i >= len(p.data) {
			break
		}
		e := p.data[p.i]
		p.i++
		switch e {
		case '"', '\\', '/':
			b.WriteByte(e)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return "", p.errf("invalid \\u escape")
			}
			if utf16.IsSurrogate(r) {
				if p.i+1 < len(p.data) && p.data[p.i] == '\\' && p.data[p.i+1] == 'u' {
					p.i += 2
					r2, ok := p.hex4()
					if !ok {
						return "", p.errf("invalid \\u escape")
					}
					r = utf16.DecodeRune(r, r2)
				} else {
					r = utf8.RuneError
				}
			}
			b.WriteRune(r)
		default:
			return "", p.errf("invalid escape \\%c", e)
		}
	}
	return "", p.errf("unterminated string")
}

func (p *jsonParser) hex4() (rune, bool) {
	if p.i+4 > len(p.data) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(p.data[p.i:p.i+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	p.i += 4
	return rune(n), true
}

func (p *jsonParser) number() (any, error) {
	start := p.i
	if p.data[p.i] == '-' {
		p.i++
	}
	digits := func() int {
		n := 0
		for p.i < len(p.data) && p.data[p.i] >= '0' && p.data[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	if p.i < len(p.data) && p.data[p.i] == '0' {
		p.i++
	} else if digits() == 0 {
		return nil, p.errf("invalid number")
	}
	if p.i < len(p.data) && p.data[p.i] == '.' {
		p.i++
		if digits() == 0 {
			return nil, p.errf("invalid number")
		}
	}
	if p.i < len(p.data) && (p.data[p.i] == 'e' || p.data[p.i] == 'E') {
		p.i++
		if p.i < len(p.data) && (p.data[p.i] == '+' || p.data[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return nil, p.errf("invalid number")
		}
	}
	lit := string(p.data[start:p.i])
	if !jsonnum.Sane(lit) {
		p.i = start
		return nil, p.errf("%s", jsonnum.Describe(lit))
	}
	return json.Number(lit), nil
}

// escapeToken and unescapeToken are compat/source's JSON pointer escapes.
func escapeToken(s string) string   { return source.EscapeToken(s) }
func unescapeToken(s string) string { return source.UnescapeToken(s) }

// --- YAML ---

func parseYAML(data []byte) (*parsed, error) {
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil && err != io.EOF {
		return nil, yamlError(err)
	}
	var second yaml.Node
	if err := dec.Decode(&second); err == nil {
		return nil, &syntaxError{line: second.Line, col: second.Column, msg: "more than one YAML document (a schema is one document)"}
	}
	if root.Kind == 0 {
		return nil, &syntaxError{line: 1, col: 1, msg: "empty document"}
	}
	n := &root
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return nil, &syntaxError{line: 1, col: 1, msg: "empty document"}
		}
		n = n.Content[0]
	}
	ps := make(map[string]pos, 64)
	v, err := source.YAMLValue(n, yamlLimits, func(ptr string, line, col int) {
		ps[ptr] = pos{int32(line), int32(col)}
	})
	if err != nil {
		var pe *source.PosError
		if errors.As(err, &pe) {
			return nil, &syntaxError{line: pe.Line, col: pe.Col, msg: pe.Msg}
		}
		return nil, err
	}
	return &parsed{value: v, pos: ps}, nil
}

// yamlError turns a yaml.v3 error into a syntaxError with the line it names.
func yamlError(err error) error {
	line, msg := yamlx.Line(err.Error())
	return &syntaxError{line: line, msg: msg}
}
