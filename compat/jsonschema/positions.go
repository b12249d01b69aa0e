package jsonschema

import (
	"bytes"
	"strconv"
	"strings"
	"sync"

	"github.com/dsctl/dsctl/internal/textpos"
)

// jsonPositions finds the line and column of a JSON pointer in a JSON
// document that has parsed, by walking the source text: each object or
// array on the way is indexed once (its members' offsets), so a lookup costs
// a skim over the containers it passes through, the first time.
//
// The positions are the parser's: the root value's first byte, an object
// member's key (its opening quote), an array element's first byte; lines
// count '\n', columns count bytes from 1. It is safe for concurrent use.
type jsonPositions struct {
	data []byte // the source, without a byte order mark
	root int    // offset of the root value

	mu    sync.Mutex
	lines *textpos.Index         // line:column of an offset
	index map[int]*containerIdx  // by the offset of the container's '{' or '['
	found map[string]foundMember // lookups answered
}

// containerIdx lists the members of an object (by escaped pointer token) or
// the elements of an array.
type containerIdx struct {
	members map[string]foundMember
	elems   []int
}

// foundMember is where a member is: at is the offset its position names
// (the key of an object member), val the offset of its value.
type foundMember struct{ at, val int }

// newJSONPositions finds positions in data, which must not change.
func newJSONPositions(data []byte) *jsonPositions {
	j := &jsonPositions{data: data}
	j.root = j.ws(0)
	return j
}

// find returns the position of the value at ptr, false when there is none.
func (j *jsonPositions) find(ptr string) (pos, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.lines == nil {
		j.lines = textpos.NewIndex(j.data)
		j.index = map[int]*containerIdx{}
		j.found = map[string]foundMember{}
	}
	if ptr == "" {
		return j.posAt(j.root), true
	}
	if ptr[0] != '/' {
		return pos{}, false
	}
	if m, ok := j.found[ptr]; ok {
		return j.posAt(m.at), true
	}
	at, off := j.root, j.root
	for _, tok := range strings.Split(ptr[1:], "/") {
		if off >= len(j.data) {
			return pos{}, false
		}
		idx := j.indexAt(off)
		if idx == nil {
			return pos{}, false // a scalar has no members
		}
		var m foundMember
		var ok bool
		if j.data[off] == '{' {
			m, ok = idx.members[tok]
		} else {
			var i int
			i, ok = arrayIndex(tok)
			if ok = ok && i < len(idx.elems); ok {
				m = foundMember{idx.elems[i], idx.elems[i]}
			}
		}
		if !ok {
			return pos{}, false
		}
		at, off = m.at, m.val
	}
	j.found[ptr] = foundMember{at, off}
	return j.posAt(at), true
}

// arrayIndex reads a pointer token as an array index, as the parser writes
// them (decimal, no leading zeros).
func arrayIndex(tok string) (int, bool) {
	i, err := strconv.Atoi(tok)
	if err != nil || i < 0 || strconv.Itoa(i) != tok {
		return 0, false
	}
	return i, true
}

func (j *jsonPositions) posAt(off int) pos {
	line, col := j.lines.LineCol(off)
	return pos{int32(line), int32(col)}
}

// indexAt returns the index of the object or array at off, nil for a scalar.
func (j *jsonPositions) indexAt(off int) *containerIdx {
	if idx, ok := j.index[off]; ok {
		return idx
	}
	c := j.data[off]
	if c != '{' && c != '[' {
		return nil
	}
	idx := &containerIdx{}
	i := j.ws(off + 1)
	if c == '{' {
		idx.members = map[string]foundMember{}
		for i < len(j.data) && j.data[i] == '"' {
			keyOff := i
			p := jsonParser{data: j.data, i: i}
			k, err := p.str() // decoded as the parser decoded it
			if err != nil {
				break
			}
			i = j.ws(p.i)
			if i >= len(j.data) || j.data[i] != ':' {
				break
			}
			val := j.ws(i + 1)
			idx.members[escapeToken(k)] = foundMember{keyOff, val}
			i = j.ws(j.skip(val))
			if i < len(j.data) && j.data[i] == ',' {
				i = j.ws(i + 1)
			}
		}
	} else {
		for i < len(j.data) && j.data[i] != ']' {
			idx.elems = append(idx.elems, i)
			i = j.ws(j.skip(i))
			if i < len(j.data) && j.data[i] == ',' {
				i = j.ws(i + 1)
			}
		}
	}
	j.index[off] = idx
	return idx
}

// ws skips whitespace from i.
func (j *jsonPositions) ws(i int) int {
	for i < len(j.data) {
		switch j.data[i] {
		case ' ', '\t', '\r', '\n':
			i++
		default:
			return i
		}
	}
	return i
}

// skip returns the offset after the value at i (the document has parsed, so
// the value is well formed).
func (j *jsonPositions) skip(i int) int {
	d := j.data
	if i >= len(d) {
		return i
	}
	switch d[i] {
	case '"':
		return j.skipString(i)
	case '{', '[':
		depth := 0
		for i < len(d) {
			switch d[i] {
			case '"':
				i = j.skipString(i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	default:
		for i < len(d) {
			switch d[i] {
			case ',', '}', ']', ' ', '\t', '\r', '\n':
				return i
			}
			i++
		}
		return i
	}
}

// skipString returns the offset after the string whose quote is at i.
func (j *jsonPositions) skipString(i int) int {
	d := j.data
	i++
	for {
		k := bytes.IndexByte(d[i:], '"')
		if k < 0 {
			return len(d)
		}
		b := bytes.IndexByte(d[i:i+k], '\\')
		if b < 0 {
			return i + k + 1
		}
		if i += b + 2; i >= len(d) {
			return len(d)
		}
	}
}
