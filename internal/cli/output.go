package cli

import (
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/output"
)

// printDone prints the result of a command whose result is what it did
// (init, publish, pull, yank): in the --output format, but nothing in text
// with --quiet, whose errors and refusals still go to stderr. -o json always
// prints: it is the machine's result, not a message.
func (a *App) printDone(v any) error {
	if a.Quiet && !a.JSON() {
		return nil
	}
	return a.Print(v)
}

// printReport prints a report whose findings make the command fail: exit 1
// (the report said why) unless ok.
func (a *App) printReport(v any, ok bool) error {
	if err := a.Print(v); err != nil {
		return err
	}
	if !ok {
		return errkind.SilentFinding()
	}
	return nil
}

// JSON reports whether machine output was asked for.
func (a *App) JSON() bool { return a.Output == string(output.JSON) }

// Print writes v to stdout in the --output format.
func (a *App) Print(v any) error {
	f, err := output.ForFormat(output.Format(a.Output), a.IO.Style())
	if err != nil {
		return usageErr(err)
	}
	return f.Write(a.IO.Out, v)
}
