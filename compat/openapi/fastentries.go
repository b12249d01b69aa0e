package openapi

import (
	"bytes"
	"context"
	"net/url"
	"reflect"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	yaml "go.yaml.in/yaml/v4"
)

// Parsing a YAML document an entry at a time.
//
// detachSections frees the node tree as the document decodes, but the whole
// tree is still built first, and both sides of a comparison build theirs at
// once: on Plaid's 3 MB spec the two trees peaked together at twice the
// documents they decode to. loadEntries never builds it. It cuts the text of
// the large collections (paths, webhooks, the maps under components) into
// groups of whole entries by their indentation, parses the rest (the
// skeleton, with each cut replaced by as many line breaks, so every line
// keeps its number) and then each group on its own, decoding and dropping
// one group's tree before the next is parsed.
//
// The cut is safe by YAML's indentation rules: inside an entry of a block
// mapping whose keys sit at column N, every line that continues a block
// scalar or a plain scalar is indented deeper than N, so a line that starts
// at N with anything but a comment starts the next key. A quoted scalar or a
// flow collection may run across such a line; the group it starts in then
// ends inside it and does not parse, and loadEntries declines. Each group is
// also held to the cut: its parse must give exactly the keys the cut found,
// at the lines and column it found them. Anything unexpected leaves the
// document to fastLoad's whole-tree parse, which TestFastLoadEntries holds
// loadEntries equal to.

// parseEntries turns loadEntries off (the whole tree is parsed at once, as
// before it), for the A/B of BenchmarkLoadPeak.
var parseEntries = true

// groupBytes is about how much text one group parses: large enough that a
// parser's setup is nothing beside it, small enough that its tree is.
const groupBytes = 32 << 10

// textLine is where a line starts in the text, how far it is indented, and
// whether it holds anything but blanks and a comment.
type textLine struct {
	start, end int // end: before the line break
	indent     int
	content    bool
}

// entryCut is one collection's cut: where it sits (keys from the root
// mapping), the column of its keys, and its entries (the x- keys stay in the
// skeleton, and decode with the collection itself).
type entryCut struct {
	path    []string
	indent  int
	entries []entryText
}

// entryText is an entry's first line (0-based) and its text.
type entryText struct {
	line       int
	start, end int
}

// splitLines indexes the lines of data; false when a line break other than
// \n or \r\n, or a tab in a line's indentation, would make counting lines and
// columns here differ from the parser's.
func splitLines(data []byte) ([]textLine, bool) {
	if bytes.Contains(data, []byte("\u2028")) || bytes.Contains(data, []byte("\u2029")) {
		return nil, false
	}
	lines := make([]textLine, 0, bytes.Count(data, []byte{'\n'})+1)
	for start := 0; start <= len(data); {
		end := len(data)
		next := end + 1
		if i := bytes.IndexByte(data[start:], '\n'); i >= 0 {
			end, next = start+i, start+i+1
		}
		text := bytes.TrimSuffix(data[start:end], []byte{'\r'})
		if bytes.IndexByte(text, '\r') >= 0 {
			return nil, false
		}
		indent := 0
		for indent < len(text) && text[indent] == ' ' {
			indent++
		}
		if indent < len(text) && text[indent] == '\t' {
			return nil, false
		}
		rest := bytes.TrimRight(text[indent:], " \t")
		lines = append(lines, textLine{start: start, end: start + len(text), indent: indent, content: len(rest) > 0 && rest[0] != '#'})
		start = next
	}
	return lines, true
}

// cutEntries finds the collections of data to parse an entry at a time and
// returns the skeleton: data with each entry's lines replaced by their line
// breaks. No cut at all is false, as is a text whose lines could not be
// counted as the parser counts them.
func cutEntries(data []byte) ([]byte, []entryCut, bool) {
	lines, ok := splitLines(data)
	if !ok {
		return nil, nil, false
	}
	lineStart := func(i int) int {
		if i >= len(lines) {
			return len(data)
		}
		return lines[i].start
	}
	text := func(i int) []byte { return data[lines[i].start:lines[i].end] }
	// blockKey: line i is `name:` with its value on the lines below.
	blockKey := func(i int, name string) bool {
		t := text(i)[lines[i].indent:]
		rest, ok := bytes.CutPrefix(t, []byte(name+":"))
		if !ok {
			return false
		}
		rest = bytes.TrimLeft(rest, " ")
		return len(rest) == 0 || rest[0] == '#' && len(rest) < len(t)-len(name)-1
	}
	// region cuts the collection whose entries are the lines [a, b),
	// indented deeper than parent; nil when it is not a block mapping of
	// plain entries, which then stays whole in the skeleton.
	region := func(a, b, parent int, path ...string) *entryCut {
		c := &entryCut{path: path, indent: -1}
		open := -1
		closeEntry := func(end int) {
			if open >= 0 {
				c.entries = append(c.entries, entryText{line: open, start: lineStart(open), end: lineStart(end)})
				open = -1
			}
		}
		for i := a; i < b; i++ {
			l := lines[i]
			if !l.content {
				continue
			}
			if c.indent < 0 {
				if l.indent <= parent {
					return nil
				}
				c.indent = l.indent
			}
			if l.indent < c.indent {
				return nil
			}
			if l.indent > c.indent {
				continue
			}
			t := text(i)[l.indent:]
			if bytes.IndexByte([]byte("-?!&*|>%@`{}[],"), t[0]) >= 0 {
				return nil
			}
			closeEntry(i)
			if !bytes.HasPrefix(t, []byte("x-")) {
				open = i
			}
		}
		closeEntry(b)
		if len(c.entries) == 0 {
			return nil
		}
		return c
	}
	var top []int // the root mapping's key lines
	for i, l := range lines {
		if !l.content {
			continue
		}
		if l.indent == 0 {
			t := text(i)
			if bytes.HasPrefix(t, []byte("---")) && len(top) == 0 && len(bytes.TrimSpace(t)) == 3 {
				continue
			}
			if t[0] == '-' && (len(t) == 1 || t[1] == ' ') {
				continue // an item of the key above's sequence
			}
			if bytes.IndexByte([]byte("-.%{[?&!*|>"), t[0]) >= 0 {
				return nil, nil, false
			}
			top = append(top, i)
		} else if len(top) == 0 {
			return nil, nil, false // the root is not a block mapping at column 0
		}
	}
	components := infoOf(reflect.TypeFor[openapi3.Components]())
	var cuts []entryCut
	for k, i := range top {
		end := len(lines)
		if k+1 < len(top) {
			end = top[k+1]
		}
		switch {
		case blockKey(i, "paths"), blockKey(i, "webhooks"):
			name := "paths"
			if blockKey(i, "webhooks") {
				name = "webhooks"
			}
			if c := region(i+1, end, 0, name); c != nil {
				cuts = append(cuts, *c)
			}
		case blockKey(i, "components"):
			indent := -1
			var keys []int
			for j := i + 1; j < end; j++ {
				if !lines[j].content {
					continue
				}
				if indent < 0 {
					indent = lines[j].indent
				}
				if lines[j].indent < indent {
					keys = nil
					break
				}
				if lines[j].indent == indent {
					keys = append(keys, j)
				}
			}
			for n, j := range keys {
				next := end
				if n+1 < len(keys) {
					next = keys[n+1]
				}
				name, _, _ := bytes.Cut(text(j)[indent:], []byte(":"))
				f, ok := components.byKey[string(name)]
				if !ok || reflect.TypeFor[openapi3.Components]().Field(f).Type.Kind() != reflect.Map || !blockKey(j, string(name)) {
					continue
				}
				if c := region(j+1, next, indent, "components", string(name)); c != nil {
					cuts = append(cuts, *c)
				}
			}
		}
	}
	if len(cuts) == 0 {
		return nil, nil, false
	}
	var spans [][2]int
	for _, c := range cuts {
		for _, e := range c.entries {
			spans = append(spans, [2]int{e.start, e.end})
		}
	}
	// Spans are in text order: cuts are found top to bottom.
	skeleton := make([]byte, 0, len(data)/8)
	at := 0
	for _, s := range spans {
		skeleton = append(skeleton, data[at:s[0]]...)
		skeleton = append(skeleton, bytes.Repeat([]byte{'\n'}, bytes.Count(data[s[0]:s[1]], []byte{'\n'}))...)
		at = s[1]
	}
	skeleton = append(skeleton, data[at:]...)
	return skeleton, cuts, true
}

// loadEntries is fastLoad for a YAML document whose large collections it
// can cut (cutEntries); ok false leaves the document to the whole-tree parse,
// unless outside: the document has what the fast path never takes (an
// anchor, an alias, a $ref out of its components: prepareFast's rules), which
// the whole tree would have too, and goes straight to kin-openapi's load.
func loadEntries(ctx context.Context, data []byte, location *url.URL) (doc *openapi3.T, ok, outside bool) {
	skeleton, cuts, ok := cutEntries(data)
	if !ok {
		return nil, false, false
	}
	var root yaml.Node
	if err := yaml.Unmarshal(skeleton, &root); err != nil {
		return nil, false, false
	}
	skeleton = nil
	if root.Kind != yaml.DocumentNode || len(root.Content) != 1 || root.Content[0].Kind != yaml.MappingNode {
		return nil, false, false
	}
	nodes := 0
	if !prepareFast(&root, &nodes) {
		return nil, false, true
	}

	// Each cut collection's node holds its x- keys; a stand-in key and
	// value for each entry, in line order among them, let the block ends be
	// computed as over the whole tree (endIndex.fixed).
	ix := newEndIndex(data, nodes)
	ix.fixed = map[*yaml.Node]int{}
	type standIn struct{ key, value *yaml.Node }
	standIns := make([][]standIn, len(cuts))
	kept := make([][]*yaml.Node, len(cuts))
	colls := make([]*yaml.Node, len(cuts))
	for i, c := range cuts {
		n := valueAt(root.Content[0], c.path)
		switch {
		case n == nil:
			return nil, false, false
		case n.Kind == yaml.ScalarNode && n.Tag == nullTag && n.Value == "":
			// Only entries: the skeleton left the collection empty.
			*n = yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		case n.Kind != yaml.MappingNode || n.Style&yaml.FlowStyle != 0:
			return nil, false, false
		}
		n.Line, n.Column = min(c.entries[0].line+1, n.Line), c.indent+1
		if len(n.Content) == 0 {
			n.Line = c.entries[0].line + 1
		}
		kept[i] = n.Content
		var merged []*yaml.Node
		k := 0
		for _, e := range c.entries {
			for k+1 < len(n.Content) && n.Content[k].Line < e.line+1 {
				merged = append(merged, n.Content[k], n.Content[k+1])
				k += 2
			}
			in := standIn{
				key:   &yaml.Node{Kind: yaml.ScalarNode, Tag: strTag, Line: e.line + 1, Column: c.indent + 1},
				value: &yaml.Node{Kind: yaml.ScalarNode, Tag: strTag, Line: e.line + 1, Column: c.indent + 1},
			}
			ix.fixed[in.key], ix.fixed[in.value] = 0, 0
			standIns[i] = append(standIns[i], in)
			merged = append(merged, in.key, in.value)
		}
		n.Content = append(merged, n.Content[k:]...)
		colls[i] = n
	}
	// The bound each entry's block is cut at comes down from the lines of
	// its ancestors' keys, which the skeleton has.
	ix.bounds = map[*yaml.Node]int{}
	ix.walk(&root, len(ix.lineLen), false)

	s := stamper{file: location.String(), ends: ix}
	decoded := make([][]reflect.Value, len(cuts))
	for i, c := range cuts {
		t := collectionType(c.path)
		if t == nil {
			return nil, false, false
		}
		seen := map[string]bool{}
		for first := 0; first < len(c.entries); {
			last := first
			// A group is entries next to each other: an x- key between
			// two stays in the skeleton, and ends the group before it.
			for last+1 < len(c.entries) && c.entries[last+1].start == c.entries[last].end &&
				c.entries[last+1].end-c.entries[first].start <= groupBytes {
				last++
			}
			group := c.entries[first : last+1]
			var tree yaml.Node
			if err := yaml.Unmarshal(data[group[0].start:group[len(group)-1].end], &tree); err != nil {
				return nil, false, false
			}
			m := (*yaml.Node)(nil)
			if tree.Kind == yaml.DocumentNode && len(tree.Content) == 1 {
				m = tree.Content[0]
			}
			if m == nil || m.Kind != yaml.MappingNode || m.Style&yaml.FlowStyle != 0 || len(m.Content) != 2*len(group) {
				return nil, false, false
			}
			shiftLines(m, group[0].line)
			count := 0
			if !prepareFast(m, &count) {
				return nil, false, true
			}
			for j, e := range group {
				key := m.Content[2*j]
				if key.Kind != yaml.ScalarNode || key.Line != e.line+1 || key.Column != c.indent+1 ||
					strings.HasPrefix(key.Value, "x-") || seen[key.Value] {
					return nil, false, false
				}
				seen[key.Value] = true
			}
			ix.end = make(map[uintptr]int32, count)
			for j := range group {
				in := standIns[i][first+j]
				bound := ix.bounds[in.value]
				ix.fixed[in.key] = ix.walk(m.Content[2*j], bound, true)
				ix.fixed[in.value] = ix.walk(m.Content[2*j+1], bound, false)
				one := &yaml.Node{Kind: yaml.MappingNode, Tag: m.Tag, Style: m.Style, Content: m.Content[2*j : 2*j+2 : 2*j+2]}
				v, ok := s.decodeEntry(t, one)
				if !ok {
					return nil, false, false
				}
				decoded[i] = append(decoded[i], v)
			}
			first = last + 1
		}
	}

	// The skeleton's own ends, over the entries' (fixed) ones; then the
	// stand-ins go, and the skeleton loads as fastLoad loads a whole tree.
	ix.end = make(map[uintptr]int32, nodes)
	ix.bounds = nil
	ix.walk(&root, len(ix.lineLen), false)
	ix.fixed = nil
	for i, n := range colls {
		n.Content = kept[i]
	}
	sections, ok := detachSections(root.Content[0])
	if !ok {
		return nil, false, false
	}
	if doc, ok = s.decodeRoot(&root, sections); !ok {
		return nil, false, false
	}
	for i, c := range cuts {
		into := collectionIn(reflect.ValueOf(doc), c.path)
		if !into.IsValid() {
			return nil, false, false
		}
		for _, v := range decoded[i] {
			mergeEntry(into, v)
		}
	}
	if !resolveFast(ctx, doc, location) {
		return nil, false, false
	}
	return doc, true, false
}

// valueAt is the value under path in the mapping m (nil when absent).
func valueAt(m *yaml.Node, path []string) *yaml.Node {
	for _, k := range path {
		if m == nil || m.Kind != yaml.MappingNode {
			return nil
		}
		var v *yaml.Node
		for i := 0; i+1 < len(m.Content); i += 2 {
			if m.Content[i].Value == k {
				v = m.Content[i+1]
			}
		}
		m = v
	}
	return m
}

// collectionType is the type of the field of openapi3.T under path.
func collectionType(path []string) reflect.Type {
	t := typeT
	for _, k := range path {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return nil
		}
		i, ok := infoOf(t).byKey[k]
		if !ok {
			return nil
		}
		t = t.Field(i).Type
	}
	return t
}

// shiftLines moves the nodes of a group parsed on its own to the lines they
// have in the document.
func shiftLines(n *yaml.Node, by int) {
	n.Line += by
	for _, c := range n.Content {
		shiftLines(c, by)
	}
}
