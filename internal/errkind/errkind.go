// Package errkind classifies errors by the exit code they map to, so that the
// domain libraries can say "this is bad input" or "the environment failed"
// without knowing about exit codes or the command line.
//
// The classes follow DESIGN.md: Finding (exit 1: the command ran and found a
// problem), Input (exit 2: usage or input error) and Env (exit 3: registry,
// network, permissions or disk). An error that carries no class is treated as
// an environment error by the CLI, except for errors from the flag parser.
package errkind

import (
	"errors"
	"fmt"
)

// Kind is the class of an error.
type Kind int

// The kinds of error, in exit-code order.
const (
	// Unknown is an error without a class.
	Unknown Kind = iota
	// Finding means the command ran and found a problem (exit 1).
	Finding
	// Input means bad usage or an unreadable or invalid input file (exit 2).
	Input
	// Env means the environment failed: network, registry, permissions, disk (exit 3).
	Env
)

// ExitCode returns the process exit code for k.
func (k Kind) ExitCode() int {
	switch k {
	case Finding:
		return 1
	case Input:
		return 2
	default:
		return 3
	}
}

// String names the kind.
func (k Kind) String() string {
	switch k {
	case Finding:
		return "finding"
	case Input:
		return "input"
	case Env:
		return "environment"
	default:
		return "unknown"
	}
}

// Error is an error with a kind and, for input errors, an optional position.
type Error struct {
	Kind Kind
	// File names the input file, relative where possible; empty when not known.
	File string
	// Line and Column are 1-based; 0 when not known.
	Line, Column int
	// Hint, when set, tells the user what to do next; printed on its own line.
	Hint string
	// Label, when set, replaces "error" at the start of the printed message:
	// "drift" for generated files that are stale.
	Label string
	Err   error
}

// ErrorKind returns e's kind (see Classified).
func (e *Error) ErrorKind() Kind { return e.Kind }

// Error formats the error as "file:line:column: message".
func (e *Error) Error() string {
	msg := ""
	if e.Err != nil {
		msg = e.Err.Error()
	}
	if e.File == "" {
		return msg
	}
	pos := e.File
	if e.Line > 0 {
		pos += fmt.Sprintf(":%d", e.Line)
		if e.Column > 0 {
			pos += fmt.Sprintf(":%d", e.Column)
		}
	}
	return pos + ": " + msg
}

// Unwrap returns the wrapped error.
func (e *Error) Unwrap() error { return e.Err }

// Classified is an error that knows its kind: *Error, *Silent, and the
// command line's usage errors.
type Classified interface {
	error
	ErrorKind() Kind
}

// Of returns the kind of err: the outermost classified error in its chain wins.
func Of(err error) Kind {
	var c Classified
	if errors.As(err, &c) {
		return c.ErrorKind()
	}
	return Unknown
}

// Wrap classifies err as kind k; a nil err stays nil.
func Wrap(k Kind, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Kind: k, Err: err}
}

// Inputf returns an input error (exit 2) formatted like fmt.Errorf.
func Inputf(format string, args ...any) error {
	return &Error{Kind: Input, Err: fmt.Errorf(format, args...)}
}

// Envf returns an environment error (exit 3) formatted like fmt.Errorf.
func Envf(format string, args ...any) error {
	return &Error{Kind: Env, Err: fmt.Errorf(format, args...)}
}

// Findingf returns a finding (exit 1) formatted like fmt.Errorf.
func Findingf(format string, args ...any) error {
	return &Error{Kind: Finding, Err: fmt.Errorf(format, args...)}
}

// InputAt returns an input error positioned in file at line:column (either may be 0).
func InputAt(file string, line, column int, err error) error {
	return &Error{Kind: Input, File: file, Line: line, Column: column, Err: err}
}

// Silent marks a finding whose details were already printed (a report); the CLI
// then exits with the code of the kind and prints nothing more.
type Silent struct{ Kind Kind }

// Error implements error.
func (s *Silent) Error() string { return "silent " + s.Kind.String() }

// ErrorKind returns s's kind (see Classified).
func (s *Silent) ErrorKind() Kind { return s.Kind }

// SilentFinding is returned by commands that printed their findings and must exit 1.
func SilentFinding() error { return &Silent{Kind: Finding} }
