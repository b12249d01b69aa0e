package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/output"
)

// This file holds the one exit-code classifier. Commands return errors as
// values; only Main turns them into an exit code and a message (and registry
// ping, whose -o json failure names the kind, asks the same classify).

// usageError is a bad flag or argument; Main prints it with the usage line
// and a hint to --help. Its kind is input (exit 2).
type usageError struct{ err error }

func (u *usageError) Error() string { return u.err.Error() }
func (u *usageError) Unwrap() error { return u.err }

// ErrorKind implements errkind.Classified: a usage error is bad input.
func (u *usageError) ErrorKind() errkind.Kind { return errkind.Input }

func usageErr(err error) error {
	if err == nil {
		return nil
	}
	return &usageError{err: err}
}

// failures is the error of a command that failed on several items (publish
// of several packages): Main prints each, in order, then the summary, and
// exits with the summary's code (that of the first failure).
type failures struct {
	each    []error
	summary error
}

func (f *failures) Error() string   { return f.summary.Error() }
func (f *failures) Unwrap() []error { return append([]error{f.summary}, f.each...) }

// failure is how an error ends a run: its exit code and what stderr says.
type failure struct {
	Code int
	Kind errkind.Kind
	// Label starts the message line ("error", or "drift" for stale generated
	// files); empty when the command already printed its report (errkind.Silent).
	Label string
	// Message is the error on one line.
	Message string
	// Hint, when set, is printed on its own line after the message.
	Hint string
	// Usage says the usage line and the pointer to --help follow.
	Usage bool
}

// classify maps err to its exit code and message: the one place that decides.
//
//	nil                      0
//	errkind.Finding          1  the command ran and found a problem
//	errkind.Input, usage     2  bad flag or argument, unreadable or invalid input, not found
//	errkind.Env, unclassified, interrupted  3
func classify(err error) failure {
	if err == nil {
		return failure{}
	}
	var many *failures
	if errors.As(err, &many) {
		return classify(many.summary)
	}
	var silent *errkind.Silent
	if errors.As(err, &silent) {
		return failure{Code: silent.Kind.ExitCode(), Kind: silent.Kind}
	}
	var ue *usageError
	if errors.As(err, &ue) {
		return failure{Code: 2, Kind: errkind.Input, Label: "error", Message: oneLine(err.Error()), Usage: true}
	}
	if errors.Is(err, context.Canceled) {
		return failure{Code: 3, Kind: errkind.Env, Label: "error", Message: "interrupted"}
	}
	kind := errkind.Of(err)
	if kind == errkind.Unknown {
		kind = errkind.Env
	}
	f := failure{Code: kind.ExitCode(), Kind: kind, Label: "error", Message: output.Escape(err.Error())}
	var ke *errkind.Error
	if errors.As(err, &ke) {
		if ke.Label != "" {
			f.Label = ke.Label
		}
		// A wrapper that only adds where the error stands (gen dtos puts
		// dsctl.yaml's service line around a dsctl.lock error) keeps the hint
		// of what it wraps: the first hint down the chain is printed.
		for ke != nil && f.Hint == "" {
			f.Hint = ke.Hint
			inner := ke.Err
			ke = nil
			errors.As(inner, &ke)
		}
	}
	return f
}

// cobraUsage turns the flag parser's and cobra's own errors, which carry no
// kind, into usage errors.
func cobraUsage(err error) error {
	if errkind.Of(err) != errkind.Unknown {
		return err
	}
	m := err.Error()
	if strings.HasPrefix(m, "unknown command") || strings.HasPrefix(m, "unknown flag") ||
		strings.HasPrefix(m, "unknown shorthand flag") || strings.HasPrefix(m, "invalid argument") ||
		strings.Contains(m, "flag needs an argument") || strings.HasPrefix(m, "required flag") {
		return usageErr(err)
	}
	return err
}

// reportErr prints err on stderr, the way classify says, and returns the exit
// code. usageLine and helpHint are printed under a usage error.
func reportErr(stderr io.Writer, noColor bool, err error, usageLine, helpHint string) int {
	// Error text may come from outside (a registry's message, an entry name):
	// control characters are escaped, newlines included, so it cannot fake a
	// line or steer the terminal.
	stderr = output.SafeWriter(stderr)
	st := output.Style{Color: output.IsTerminal(stderr) && !noColor && os.Getenv("NO_COLOR") == ""}
	var many *failures
	if errors.As(err, &many) {
		for _, e := range many.each {
			printFailure(stderr, st, classify(e), usageLine, helpHint)
		}
	}
	f := classify(err)
	printFailure(stderr, st, f, usageLine, helpHint)
	return f.Code
}

func printFailure(w io.Writer, st output.Style, f failure, usageLine, helpHint string) {
	if f.Label == "" {
		return
	}
	fmt.Fprintf(w, "%s %s\n", st.Red(f.Label+":"), f.Message)
	if f.Hint != "" {
		fmt.Fprintf(w, "hint: %s\n", output.Escape(f.Hint))
	}
	if !f.Usage {
		return
	}
	if usageLine != "" {
		fmt.Fprintf(w, "usage: %s\n", usageLine)
	}
	if helpHint == "" {
		helpHint = "Run 'dsctl --help' for usage."
	}
	fmt.Fprintln(w, helpHint)
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}
