package jsonnum

import (
	"strings"
	"testing"
)

func TestSane(t *testing.T) {
	for s, want := range map[string]bool{
		"0": true, "-1.5": true, "1e308": true, "1E-400": true, "2e+400": true,
		"1e-9999999": false, "1e401": false, "1e99999999999999999999": false,
		strings.Repeat("9", 401): false, strings.Repeat("9", 400): true,
	} {
		if got := Sane(s); got != want {
			t.Errorf("Sane(%.30q) = %v, want %v", s, got, want)
		}
	}
}

func TestScan(t *testing.T) {
	for _, tc := range []struct {
		doc  string
		off  int
		want string
	}{
		{`{"a": 1, "b": [2.5, -3e10]}`, -1, ""},
		{`{"multipleOf": 1e-9999999}`, 15, "1e-9999999"},
		{`{"s": "1e-9999999 in a string \" 1e999", "n": 1e999}`, 46, "1e999"},
		{`[` + strings.Repeat("1", 500) + `]`, 1, strings.Repeat("1", 500)},
	} {
		off, lit := Scan([]byte(tc.doc))
		if off != tc.off || lit != tc.want {
			t.Errorf("Scan(%.40q) = %d, %.20q; want %d, %.20q", tc.doc, off, lit, tc.off, tc.want)
		}
	}
}
