package contracts

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/dsctl/dsctl/internal/jsonnum"
	"io"
	"io/fs"
)

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

func readFile(c *Contract, p string) ([]byte, error) { return fs.ReadFile(c.FS, p) }

// jsonSyntaxPos returns the 1-based line and column of a JSON decoding error
// in data (a syntax error, or the end of the data for a truncated document),
// or 0, 0 when err carries no position.
func jsonSyntaxPos(data []byte, err error) (line, col int) {
	var off int64
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		off = se.Offset
		if off > 0 {
			off-- // Offset counts the offending byte
		}
	case errors.Is(err, io.ErrUnexpectedEOF):
		off = int64(len(data))
	default:
		return 0, 0
	}
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	return offsetPos(data, int(off))
}

// jsonSyntaxError is a JSON document that does not parse, with its position.
type jsonSyntaxError struct {
	file      string
	line, col int
	msg       string
}

func (e *jsonSyntaxError) Error() string {
	return fmt.Sprintf("%s:%d:%d: invalid JSON: %s", e.file, e.line, e.col, e.msg)
}

// checkJSON returns a positioned *jsonSyntaxError when data is not one JSON value.
func checkJSON(file string, data []byte) error {
	var v any
	err := json.Unmarshal(data, &v)
	if err == nil {
		if off, lit := jsonnum.Scan(data); off >= 0 {
			line, col := offsetPos(data, off)
			return &jsonSyntaxError{file: file, line: line, col: col, msg: jsonnum.Describe(lit)}
		}
		return nil
	}
	line, col := jsonSyntaxPos(data, err)
	if line == 0 {
		line, col = 1, 1
	}
	msg := err.Error()
	if se := (*json.SyntaxError)(nil); errors.As(err, &se) && se.Offset >= int64(len(data)) {
		msg = "unexpected end of JSON input"
	}
	return &jsonSyntaxError{file: file, line: line, col: col, msg: msg}
}

// offsetPos is the 1-based line and column of byte offset off in data.
func offsetPos(data []byte, off int) (line, col int) {
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = len(before) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}
