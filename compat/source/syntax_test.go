package source

import (
	"testing"

	"github.com/dsctl/dsctl/internal/errkind"
)

func TestSyntaxError(t *testing.T) {
	for _, tc := range []struct {
		data      string
		line, col int
	}{
		{`{"a": 1}`, 0, 0},
		{"a: b\n", 0, 0},
		{"{\n  \"a\": ,\n}", 2, 8},
		{"{\"a\": 1,\n \"b\": [1,\n", 2, 10},
		{"[1, 2", 1, 5},
		{"a: [1,\nb: 2\n", 2, 0},
	} {
		err := SyntaxError("f", []byte(tc.data))
		if tc.line == 0 {
			if err != nil {
				t.Errorf("%q: unexpected error %v", tc.data, err)
			}
			continue
		}
		e, ok := err.(*errkind.Error)
		if !ok || e.Kind != errkind.Input {
			t.Fatalf("%q: want an input error, got %v", tc.data, err)
		}
		if e.Line != tc.line || e.Column != tc.col {
			t.Errorf("%q: at %d:%d, want %d:%d (%v)", tc.data, e.Line, e.Column, tc.line, tc.col, err)
		}
	}
}
