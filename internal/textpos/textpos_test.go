package textpos

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"testing"
)

func TestLineCol(t *testing.T) {
	for _, tc := range []struct {
		data      string
		off       int
		line, col int
	}{
		{"", 0, 1, 1},
		{"abc", 0, 1, 1},
		{"abc", 2, 1, 3},
		{"ab\ncd", 2, 1, 3},     // the newline ends line 1
		{"ab\ncd", 3, 2, 1},     // first byte of line 2
		{"ab\r\ncd", 2, 1, 3},   // CRLF: the '\r' is the last byte of line 1
		{"ab\r\ncd", 4, 2, 1},   // and line 2 starts after the '\n'
		{"a\r\n\r\nx", 5, 3, 1}, // CRLF lines count once each
		{"é: x", 3, 1, 4},       // é is two bytes: columns count bytes
		{"x\n日本: 1", 8, 2, 7},   // 日本 is six bytes
		{"ab\ncd", 5, 2, 3},     // the end
		{"ab\ncd", 99, 2, 3},    // past the end is the end
		{"ab\n", 99, 2, 1},      // after a final newline, the empty last line
		{"ab", -4, 1, 1},        // before the start is the start
	} {
		line, col := LineCol([]byte(tc.data), tc.off)
		if line != tc.line || col != tc.col {
			t.Errorf("LineCol(%q, %d) = %d:%d, want %d:%d", tc.data, tc.off, line, col, tc.line, tc.col)
		}
	}
}

func TestJSONError(t *testing.T) {
	type manifest struct {
		Build int `json:"build"`
	}
	for _, tc := range []struct {
		name      string
		data      string
		into      func([]byte) error
		line, col int
	}{
		{"syntax: the offending byte", "{\n  \"build\": ,\n}", nil, 2, 12},
		{"syntax after multibyte text", "{\"é\": x}", nil, 1, 8},
		{"syntax with CRLF", "{\r\n  \"a\": ,\r\n}", nil, 2, 8},
		{"truncated: its last byte", "{\"a\": [1,\n", nil, 1, 10},
		{"truncated without newline", "[1, 2", nil, 1, 5},
		{"empty", "", nil, 1, 1},
		{"type: where the value ends", "{\"build\": \"x\"}", func(b []byte) error {
			var m manifest
			return json.Unmarshal(b, &m)
		}, 1, 14},
	} {
		t.Run(tc.name, func(t *testing.T) {
			into := tc.into
			if into == nil {
				into = func(b []byte) error { var v any; return json.Unmarshal(b, &v) }
			}
			err := into([]byte(tc.data))
			if err == nil {
				t.Fatal("no error")
			}
			line, col := JSONError([]byte(tc.data), err)
			if line != tc.line || col != tc.col {
				t.Errorf("JSONError(%q, %v) = %d:%d, want %d:%d", tc.data, err, line, col, tc.line, tc.col)
			}
		})
	}
	// A wrapped truncation is the end; an error without a position is 0:0.
	if l, c := JSONError([]byte("ab\nc"), fmt.Errorf("read: %w", io.ErrUnexpectedEOF)); l != 2 || c != 2 {
		t.Errorf("wrapped EOF at %d:%d, want 2:2", l, c)
	}
	if l, c := JSONError([]byte("ab"), errors.New("boom")); l != 0 || c != 0 {
		t.Errorf("positionless error at %d:%d, want 0:0", l, c)
	}
	// An offset past the data (a decoder that read more) is clamped to the end.
	if l, c := JSONError([]byte("ab"), &json.SyntaxError{Offset: 40}); l != 1 || c != 3 {
		t.Errorf("offset past the end at %d:%d, want 1:3", l, c)
	}
}

// Index gives LineCol's answer at every offset of texts with LF, CRLF,
// multibyte characters, empty lines and no final newline.
func TestIndexAgreesWithLineCol(t *testing.T) {
	for _, text := range []string{"", "a", "\n", "ab\ncd", "ab\r\ncd\r\n", "é\n\n日本\nx", "\n\n\n"} {
		x := NewIndex([]byte(text))
		for off := -2; off <= len(text)+2; off++ {
			l1, c1 := LineCol([]byte(text), off)
			l2, c2 := x.LineCol(off)
			if l1 != l2 || c1 != c2 {
				t.Errorf("%q at %d: Index %d:%d, LineCol %d:%d", text, off, l2, c2, l1, c1)
			}
		}
	}
}
