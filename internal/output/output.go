// Package output holds what every command shares to talk to people and
// machines: the IO streams with their TTY and colour state, the text and JSON
// printers behind one Formatter interface, colour styles, and a progress bar
// that draws only on a terminal and never on stdout.
package output

import (
	"fmt"
	"io"
	"os"

	"github.com/dsctl/dsctl/internal/jsonenc"
	"golang.org/x/term"
)

// Streams are the IO streams of one command run, with what is known about them.
type Streams struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
	// OutTTY and ErrTTY say whether stdout and stderr are terminals.
	OutTTY, ErrTTY bool
	// Color enables ANSI colour on stdout (and stderr when ErrTTY).
	Color bool
	// Quiet drops informational messages on stderr.
	Quiet bool
	// rawErr is stderr without escaping, for the progress bar's own
	// carriage returns.
	rawErr io.Writer
}

// NewStreams wraps the given streams, detecting terminals on *os.File values;
// Out and Err escape control characters (see SafeWriter).
// Colour is on only when stdout is a terminal, noColor is false and NO_COLOR is unset.
func NewStreams(in io.Reader, out, errw io.Writer, noColor bool) *Streams {
	s := &Streams{In: in, Out: out, Err: errw}
	s.OutTTY = IsTerminal(out)
	s.ErrTTY = IsTerminal(errw)
	// no-color.org: only a non-empty NO_COLOR disables colour.
	s.Color = s.OutTTY && !noColor && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
	// Everything printed may carry text from outside: escape control characters.
	s.Out, s.Err, s.rawErr = SafeWriter(out), SafeWriter(errw), errw
	return s
}

// IsTerminal reports whether w is a terminal.
func IsTerminal(w any) bool {
	f, ok := w.(interface{ Fd() uintptr })
	if !ok {
		return false
	}
	return term.IsTerminal(int(f.Fd()))
}

// Infof prints an informational line on stderr unless Quiet.
func (s *Streams) Infof(format string, args ...any) {
	if s.Quiet {
		return
	}
	fmt.Fprintf(s.Err, format+"\n", args...)
}

// Warnf prints a warning line on stderr (even when Quiet).
func (s *Streams) Warnf(format string, args ...any) {
	fmt.Fprintf(s.Err, "%s "+format+"\n", append([]any{s.errStyle().Yellow("warning:")}, args...)...)
}

func (s *Streams) errStyle() Style { return Style{Color: s.Color && s.ErrTTY} }

// Style returns the colour style for stdout.
func (s *Streams) Style() Style { return Style{Color: s.Color} }

// ErrStyle returns the colour style for stderr.
func (s *Streams) ErrStyle() Style { return s.errStyle() }

// Style applies ANSI colours when Color is true and is the identity otherwise.
type Style struct{ Color bool }

func (s Style) wrap(code, text string) string {
	if !s.Color {
		return text
	}
	return "\x1b[" + code + "m" + text + "\x1b[0m"
}

// Red colours text red (errors, breaking changes).
func (s Style) Red(t string) string { return s.wrap("31", t) }

// Green colours text green (success).
func (s Style) Green(t string) string { return s.wrap("32", t) }

// Yellow colours text yellow (warnings, minor changes).
func (s Style) Yellow(t string) string { return s.wrap("33", t) }

// Cyan colours text cyan (locations, names).
func (s Style) Cyan(t string) string { return s.wrap("36", t) }

// Gray dims text.
func (s Style) Gray(t string) string { return s.wrap("90", t) }

// Bold makes text bold.
func (s Style) Bold(t string) string { return s.wrap("1", t) }

// Format is an output format name of the global --output flag.
type Format string

// Output formats shared by every command.
const (
	Text Format = "text"
	JSON Format = "json"
)

// Texter is implemented by results that know how to print themselves for people.
type Texter interface {
	WriteText(w io.Writer, st Style) error
}

// Formatter writes a result in one format.
type Formatter interface {
	Write(w io.Writer, v any) error
}

// TextFormatter prints a Texter with the given style; other values are printed with %v.
type TextFormatter struct{ Style Style }

// Write implements Formatter.
func (f TextFormatter) Write(w io.Writer, v any) error {
	if t, ok := v.(Texter); ok {
		return t.WriteText(w, f.Style)
	}
	_, err := fmt.Fprintln(w, v)
	return err
}

// JSONFormatter prints indented JSON with a trailing newline; struct field order
// and sorted map keys (encoding/json's rule) make it deterministic.
type JSONFormatter struct{}

// Write implements Formatter.
func (JSONFormatter) Write(w io.Writer, v any) error {
	b, err := MarshalJSON(v)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// MarshalJSON is json.MarshalIndent with two spaces, no HTML escaping and a
// final newline: internal/jsonenc's encoding, which files dsctl writes share.
func MarshalJSON(v any) ([]byte, error) { return jsonenc.Indent(v) }

// ForFormat returns the formatter for a format name.
func ForFormat(f Format, st Style) (Formatter, error) {
	switch f {
	case Text, "":
		return TextFormatter{Style: st}, nil
	case JSON:
		return JSONFormatter{}, nil
	}
	return nil, fmt.Errorf("unknown output format %q (want text or json)", f)
}
