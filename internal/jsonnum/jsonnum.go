// Package jsonnum bounds the number literals of untrusted JSON documents
// before they reach code that computes with them exactly: the JSON Schema
// validator turns every number into a math/big.Rat, which takes seconds (or
// fails, and then the validator dereferences nil) for a literal such as
// 1e-9999999. A schema, spec or event with such a number is an input error.
package jsonnum

import (
	"strconv"
	"strings"
)

// Bounds of a number literal: far beyond any real contract (float64 itself
// stops at 1e308), small enough that exact arithmetic on it is cheap.
const (
	MaxDigits   = 400
	MaxExponent = 400
)

// Sane reports whether the JSON number literal s is within the bounds.
func Sane(s string) bool {
	if len(s) > MaxDigits {
		return false
	}
	i := strings.IndexAny(s, "eE")
	if i < 0 {
		return true
	}
	e, err := strconv.Atoi(strings.TrimPrefix(s[i+1:], "+"))
	return err == nil && e <= MaxExponent && e >= -MaxExponent
}

// Scan looks through a JSON document for a number literal out of bounds and
// returns its byte offset and text, or -1 and "" when there is none. It
// expects syntactically valid JSON (check that first); on anything else it
// still terminates and reports what it saw.
func Scan(data []byte) (int, string) {
	inString := false
	for i := 0; i < len(data); i++ {
		c := data[i]
		if inString {
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			}
			continue
		}
		switch {
		case c == '"':
			inString = true
		case c == '-' || (c >= '0' && c <= '9'):
			j := i + 1
			for j < len(data) && strings.IndexByte("0123456789.eE+-", data[j]) >= 0 {
				j++
			}
			if lit := string(data[i:j]); !Sane(lit) {
				return i, lit
			}
			i = j - 1
		}
	}
	return -1, ""
}

// Describe is the message for a literal Scan or Sane refused, shortened for printing.
func Describe(lit string) string {
	if len(lit) > 40 {
		lit = lit[:20] + "…" + lit[len(lit)-12:]
	}
	return "number " + lit + " is out of range (at most " + strconv.Itoa(MaxDigits) + " characters and an exponent within ±" + strconv.Itoa(MaxExponent) + ")"
}
