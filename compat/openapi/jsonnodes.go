package openapi

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v4"
)

// jsonNodes parses a JSON document into the node tree that yaml.Unmarshal
// gives for it (same kinds, styles, tags, values, lines and columns), for
// the fast load of the many documents published as JSON. The YAML parser
// reads JSON as a flow mapping, slowly and, for JSON, with much garbage (on
// Box's 1.8 MB document it allocates 130 MB for an 11 MB tree); this reads
// JSON only and allocates little more than the tree.
//
// It returns ok false for whatever it does not read exactly as the YAML
// parser would, and the caller parses those with yaml.Unmarshal: anything
// but one JSON object; a tab, a character YAML does not allow or reads as a
// line break (C1 controls, DEL, U+2028, U+2029, U+FEFF, noncharacters),
// invalid UTF-8; a \u escape of a surrogate (YAML refuses them); a key whose
// colon is on a later line; a number out of float64's range; nesting deeper
// than YAML's flow limit. TestJSONNodesMatchYAML holds the trees equal.
func jsonNodes(data []byte) (root *yaml.Node, ok bool) {
	p := &jsonParser{src: string(data), line: 1, colN: 1}
	p.space()
	if p.pos >= len(p.src) || p.src[p.pos] != '{' {
		return nil, false
	}
	doc := p.node()
	doc.Kind = yaml.DocumentNode
	doc.Line, doc.Column = p.line, p.column()
	top := p.value(0)
	if top == nil {
		return nil, false
	}
	p.space()
	if p.failed || p.pos != len(p.src) {
		return nil, false
	}
	doc.Content = []*yaml.Node{top}
	return doc, true
}

// jsonMaxDepth is below the YAML parser's flow nesting limit (10000), so
// that what jsonNodes reads the YAML parser reads too.
const jsonMaxDepth = 9000

type jsonParser struct {
	src       string // the document; unescaped values are substrings of it
	pos       int
	line      int // 1-based line of pos
	lineStart int // offset of the line's first byte
	colPos    int // an offset on the current line whose column is known,
	colN      int // and that column
	failed    bool
	slab      []yaml.Node
}

// node allocates a node from a slab: one allocation per 256 nodes.
func (p *jsonParser) node() *yaml.Node {
	if len(p.slab) == 0 {
		p.slab = make([]yaml.Node, 256)
	}
	n := &p.slab[0]
	p.slab = p.slab[1:]
	return n
}

// column is the 1-based column of pos, counted in characters as YAML does;
// counted on from the last column asked for on the line, so that a
// minified document, all on one line, is not counted over and over.
func (p *jsonParser) column() int {
	if p.colPos < p.lineStart {
		p.colPos, p.colN = p.lineStart, 1
	}
	p.colN += utf8.RuneCountInString(p.src[p.colPos:p.pos])
	p.colPos = p.pos
	return p.colN
}

// space skips JSON whitespace, counting line breaks as YAML does (CRLF is
// one); a tab fails the parse.
func (p *jsonParser) space() {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ' ':
			p.pos++
		case '\n':
			p.pos++
			p.line, p.lineStart = p.line+1, p.pos
		case '\r':
			p.pos++
			if p.pos < len(p.src) && p.src[p.pos] == '\n' {
				p.pos++
			}
			p.line, p.lineStart = p.line+1, p.pos
		case '\t':
			p.failed = true
			return
		default:
			return
		}
	}
}

// value parses the value at pos (whitespace skipped before it); nil when
// the parse fails.
func (p *jsonParser) value(depth int) *yaml.Node {
	if p.failed || p.pos >= len(p.src) || depth > jsonMaxDepth {
		p.failed = true
		return nil
	}
	n := p.node()
	n.Line, n.Column = p.line, p.column()
	switch c := p.src[p.pos]; {
	case c == '{':
		n.Kind, n.Style, n.Tag = yaml.MappingNode, yaml.FlowStyle, "!!map"
		if p.open('}') {
			return n
		}
		for !p.failed {
			if p.pos >= len(p.src) || p.src[p.pos] != '"' {
				p.failed = true
				return nil
			}
			key := p.value(depth + 1)
			if key == nil {
				return nil
			}
			p.space()
			// YAML takes a key only when its colon is on the same line.
			if p.pos >= len(p.src) || p.src[p.pos] != ':' || p.line != key.Line {
				p.failed = true
				return nil
			}
			p.pos++
			p.space()
			val := p.value(depth + 1)
			if val == nil {
				return nil
			}
			n.Content = append(n.Content, key, val)
			if !p.more('}') {
				break
			}
		}
	case c == '[':
		n.Kind, n.Style, n.Tag = yaml.SequenceNode, yaml.FlowStyle, "!!seq"
		if p.open(']') {
			return n
		}
		for !p.failed {
			item := p.value(depth + 1)
			if item == nil {
				return nil
			}
			n.Content = append(n.Content, item)
			if !p.more(']') {
				break
			}
		}
	case c == '"':
		n.Kind, n.Style, n.Tag = yaml.ScalarNode, yaml.DoubleQuotedStyle, "!!str"
		n.Value = p.str()
	case c == 't' || c == 'f' || c == 'n':
		n.Kind = yaml.ScalarNode
		for _, lit := range [...]struct{ text, tag string }{{"true", "!!bool"}, {"false", "!!bool"}, {"null", "!!null"}} {
			if len(p.src)-p.pos >= len(lit.text) && p.src[p.pos:p.pos+len(lit.text)] == lit.text {
				n.Value, n.Tag = lit.text, lit.tag
				p.pos += len(lit.text)
				break
			}
		}
		if n.Value == "" {
			p.failed = true
		}
	default:
		n.Kind = yaml.ScalarNode
		n.Value, n.Tag = p.number()
	}
	if p.failed {
		return nil
	}
	return n
}

// open consumes an opening bracket and the space after it, and the closing
// bracket when it follows at once (true: the collection is empty).
func (p *jsonParser) open(closing byte) bool {
	p.pos++
	p.space()
	if p.pos < len(p.src) && p.src[p.pos] == closing {
		p.pos++
		return true
	}
	return false
}

// more consumes a comma (true: another item follows) or the closing
// bracket (false).
func (p *jsonParser) more(closing byte) bool {
	p.space()
	if p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ',':
			p.pos++
			p.space()
			return true
		case closing:
			p.pos++
			return false
		}
	}
	p.failed = true
	return false
}

// str parses a string at pos. A string without escapes is a substring of
// the document; one with escapes is decoded by encoding/json.
func (p *jsonParser) str() string {
	start := p.pos
	p.pos++
	escaped := false
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == '"':
			p.pos++
			if !escaped {
				return p.src[start+1 : p.pos-1]
			}
			return p.unescape(p.src[start:p.pos])
		case c == '\\':
			escaped = true
			if p.pos+1 >= len(p.src) {
				p.failed = true
				return ""
			}
			if p.src[p.pos+1] == 'u' && !p.plainEscape(p.pos) {
				p.failed = true
				return ""
			}
			p.pos += 2
		case c < 0x20 || c == 0x7f:
			p.failed = true
			return ""
		case c < utf8.RuneSelf:
			p.pos++
		default:
			r, size := utf8.DecodeRuneInString(p.src[p.pos:])
			if !yamlPrintable(r) || (r == utf8.RuneError && size == 1) {
				p.failed = true
				return ""
			}
			p.pos += size
		}
	}
	p.failed = true
	return ""
}

// plainEscape reports whether the \u escape at i is four hex digits naming
// no surrogate, which the YAML parser refuses.
func (p *jsonParser) plainEscape(i int) bool {
	if i+6 > len(p.src) {
		return false
	}
	v, err := strconv.ParseUint(p.src[i+2:i+6], 16, 32)
	return err == nil && (v < 0xd800 || v > 0xdfff)
}

func (p *jsonParser) unescape(quoted string) string {
	var s string
	if err := json.Unmarshal([]byte(quoted), &s); err != nil {
		p.failed = true
	}
	return s
}

// yamlPrintable reports whether YAML reads r, a character of at least
// U+0080, as an ordinary character: not a C1 control (U+0085 is a line
// break to YAML), a line or paragraph separator, a byte order mark or a
// noncharacter.
func yamlPrintable(r rune) bool {
	switch {
	case r < 0xa0:
		return false
	case r == 0x2028 || r == 0x2029 || r == 0xfeff:
		return false
	case r >= 0xd800 && r <= 0xdfff:
		return false
	case r == 0xfffe || r == 0xffff:
		return false
	}
	return true
}

// number parses a JSON number at pos and gives it the tag YAML's resolver
// gives its text: !!int when it fits 64 bits, -0 and the rest !!float.
func (p *jsonParser) number() (value, tag string) {
	start := p.pos
	if p.pos < len(p.src) && p.src[p.pos] == '-' {
		p.pos++
	}
	digits := func() int {
		n := 0
		for p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
			p.pos++
			n++
		}
		return n
	}
	intStart := p.pos
	n := digits()
	if n == 0 || (n > 1 && p.src[intStart] == '0') {
		p.failed = true
		return "", ""
	}
	isInt := true
	if p.pos < len(p.src) && p.src[p.pos] == '.' {
		p.pos++
		isInt = false
		if digits() == 0 {
			p.failed = true
			return "", ""
		}
	}
	if p.pos < len(p.src) && (p.src[p.pos] == 'e' || p.src[p.pos] == 'E') {
		p.pos++
		isInt = false
		if p.pos < len(p.src) && (p.src[p.pos] == '+' || p.src[p.pos] == '-') {
			p.pos++
		}
		if digits() == 0 {
			p.failed = true
			return "", ""
		}
	}
	value = p.src[start:p.pos]
	if value == "-0" {
		return value, "!!float"
	}
	if isInt {
		if _, err := strconv.ParseInt(value, 10, 64); err == nil {
			return value, "!!int"
		}
		if _, err := strconv.ParseUint(value, 10, 64); err == nil {
			return value, "!!int"
		}
	}
	if _, err := strconv.ParseFloat(value, 64); err != nil {
		p.failed = true
		return "", ""
	}
	return value, "!!float"
}
