package output

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Text that came from outside (a registry's error message, an archive entry
// name, a property name in a spec) must not steer the terminal or the CI log:
// no ESC or OSC sequences (colours, titles, hyperlinks, clearing the screen),
// no carriage return or backspace that overwrite a line, no bidirectional
// overrides that reorder it. Escape and SafeWriter show such characters as
// Go-style escapes (\x1b, \r, \u202e) instead. DEL and the characters above
// it are written \uXXXX, which is also a valid escape inside a JSON string
// (encoding/json leaves them raw).

// needsEscape reports whether r is a control character to escape: C0 controls
// but tab (and newline when keepNewline), DEL, C1 controls, and the Unicode
// bidirectional embedding, override and isolate controls.
func needsEscape(r rune, keepNewline bool) bool {
	switch {
	case r == '\t':
		return false
	case r == '\n':
		return !keepNewline
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

func escapeRune(b *strings.Builder, r rune) {
	switch {
	case r == '\n':
		b.WriteString(`\n`)
	case r == '\r':
		b.WriteString(`\r`)
	case r < 0x20:
		fmt.Fprintf(b, `\x%02x`, r)
	default:
		fmt.Fprintf(b, `\u%04x`, r)
	}
}

// Escape returns s with its control characters escaped, newlines included:
// the result prints as one line. Text without them is returned as is.
func Escape(s string) string { return escape(s, false) }

func escape(s string, keepNewline bool) string {
	i := strings.IndexFunc(s, func(r rune) bool { return needsEscape(r, keepNewline) })
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for _, r := range s[i:] {
		if needsEscape(r, keepNewline) {
			escapeRune(&b, r)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// SafeWriter returns a writer that escapes control characters on their way to
// w, keeping newlines, tabs and the SGR colour sequences dsctl itself writes
// (see sgrLen); every other escape sequence is shown, not
// obeyed. The streams of every command write through it, so every printer is
// covered, whatever it prints.
func SafeWriter(w io.Writer) io.Writer {
	if _, ok := w.(*safeWriter); ok {
		return w
	}
	return &safeWriter{w: w}
}

type safeWriter struct{ w io.Writer }

// Write escapes p; it reports len(p) written when all of it was.
func (s *safeWriter) Write(p []byte) (int, error) {
	clean := true
	for _, c := range p {
		if c < 0x20 && c != '\n' && c != '\t' || c == 0x7f || c == 0xc2 || c == 0xe2 {
			clean = false
			break
		}
	}
	if clean {
		return s.w.Write(p)
	}
	var b strings.Builder
	str := string(p)
	for i := 0; i < len(str); {
		if n := sgrLen(str[i:]); n > 0 {
			b.WriteString(str[i : i+n])
			i += n
			continue
		}
		r, size := utf8.DecodeRuneInString(str[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteByte(str[i])
		} else if needsEscape(r, true) {
			escapeRune(&b, r)
		} else {
			b.WriteString(str[i : i+size])
		}
		i += size
	}
	if _, err := io.WriteString(s.w, b.String()); err != nil {
		return 0, err
	}
	return len(p), nil
}

// sgrLen returns the length of the colour sequence s starts with when it is
// one that Style writes (ESC [ code m with code 0, 1, 31, 32, 33, 36 or 90),
// else 0: a sequence that could hide text (8, 30;40) is escaped like any other.
func sgrLen(s string) int {
	if len(s) < 4 || s[0] != 0x1b || s[1] != '[' {
		return 0
	}
	end := strings.IndexByte(s[:min(len(s), 6)], 'm')
	if end < 0 {
		return 0
	}
	switch s[2:end] {
	case "0", "1", "31", "32", "33", "36", "90":
		return end + 1
	}
	return 0
}
