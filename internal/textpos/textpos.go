// Package textpos is the one place dsctl turns a byte offset in a file into
// the 1-based line and column its messages name ("file:line:col").
//
// Lines are counted by '\n', so a file with CRLF line endings has the same
// line numbers as with LF (the '\r' is the last byte of its line). Columns
// count bytes from the start of the line, as the Go toolchain does: a
// character of several UTF-8 bytes advances the column by its byte length.
// (yaml.v3 counts columns in characters; the YAML readers pass its positions
// through unchanged.)
package textpos

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"sort"
	"sync"
)

// LineCol returns the 1-based line and byte column of offset off in data. An
// offset before the start is the start (1, 1); one past the end is the end,
// where a last line without a newline would continue.
func LineCol(data []byte, off int) (line, col int) {
	off = max(0, min(off, len(data)))
	before := data[:off]
	start := bytes.LastIndexByte(before, '\n') + 1
	return bytes.Count(before, []byte("\n")) + 1, off - start + 1
}

// JSONError returns where in data an encoding/json decoding error of data
// is, or 0, 0 when err carries no position:
//   - a *json.SyntaxError is at the offending byte (its Offset counts that
//     byte, so the position is that of Offset-1), clamped to the end;
//   - a *json.UnmarshalTypeError is where the value of the wrong type ends;
//   - io.ErrUnexpectedEOF (a truncated document) is the end of data.
func JSONError(data []byte, err error) (line, col int) {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return LineCol(data, int(min(se.Offset, int64(len(data))+1))-1)
	case errors.As(err, &te):
		return LineCol(data, int(min(te.Offset, int64(len(data)))))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return LineCol(data, len(data))
	}
	return 0, 0
}

// Index answers many LineCol questions about one text quickly: the first
// question finds the line starts, then each position is a binary search. Its
// positions are LineCol's. It is safe for concurrent use.
type Index struct {
	data   []byte
	once   sync.Once
	starts []int // offsets where lines 2, 3, ... start
}

// NewIndex returns an index of data, which must not change while it is used.
// Nothing is computed until the first LineCol.
func NewIndex(data []byte) *Index { return &Index{data: data} }

// LineCol returns the 1-based line and byte column of offset off, as the
// function LineCol does for the indexed data.
func (x *Index) LineCol(off int) (line, col int) {
	x.once.Do(func() {
		for i := 0; ; {
			k := bytes.IndexByte(x.data[i:], '\n')
			if k < 0 {
				break
			}
			i += k + 1
			x.starts = append(x.starts, i)
		}
	})
	off = max(0, min(off, len(x.data)))
	n := sort.SearchInts(x.starts, off+1) // lines starting at or before off
	start := 0
	if n > 0 {
		start = x.starts[n-1]
	}
	return n + 1, off - start + 1
}
