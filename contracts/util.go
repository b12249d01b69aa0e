package contracts

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/dsctl/dsctl/internal/fsx"
	"github.com/dsctl/dsctl/internal/jsonnum"
	"github.com/dsctl/dsctl/internal/textpos"
)

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

func readFile(c *Contract, p string) ([]byte, error) { return fsx.ReadLimited(c.FS, p, MaxFileSize) }

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
			line, col := textpos.LineCol(data, off)
			return &jsonSyntaxError{file: file, line: line, col: col, msg: jsonnum.Describe(lit)}
		}
		return nil
	}
	line, col := textpos.JSONError(data, err)
	if line == 0 {
		line, col = 1, 1
	}
	msg := err.Error()
	if se := (*json.SyntaxError)(nil); errors.As(err, &se) && se.Offset >= int64(len(data)) {
		msg = "unexpected end of JSON input"
	}
	return &jsonSyntaxError{file: file, line: line, col: col, msg: msg}
}
