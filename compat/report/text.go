package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/internal/output"
)

// Text prints reports for people, as read at the end of a CI log: per
// report a verdict line, the comparison, then each change, major first, with
// its impact, id, location, path, message and (for a major change) the
// witness; at the end one summary line over every report. Style colours it.
type Text struct {
	Style output.Style
	// OnlyBreaking lists the major changes alone.
	OnlyBreaking bool
}

// maxListedOperations is how many affected operations the text printer names.
const maxListedOperations = 5

// Print implements Printer.
func (t Text) Print(w io.Writer, reports []*compat.Report) error {
	ew := newErrWriter(w)
	for i, r := range reports {
		if i > 0 {
			ew.printf("\n")
		}
		t.printOne(ew, r)
	}
	st := t.Style
	line := Summary(reports, t.OnlyBreaking)
	switch {
	case AnyFailed(reports):
		line = st.Red(line)
	case MaxBump(reports) == compat.None:
		line = st.Green(line)
	}
	ew.printf("\n%s\n", st.Bold(line))
	return ew.done()
}

func (t Text) printOne(ew *errWriter, r *compat.Report) {
	st := t.Style
	verdict := Verdict(r)
	switch {
	case Failed(r):
		verdict = st.Red(verdict)
	case r.RequiredBump == compat.None:
		verdict = st.Green(verdict)
	}
	ew.printf("%s\n", st.Bold(verdict))
	if s := Subject(r); s != "" {
		ew.printf("%s\n", st.Gray(s))
	}
	changes := ByImpact(listed(r, t.OnlyBreaking))
	if len(changes) == 0 {
		return
	}
	ew.printf("\n")
	idWidth := 0
	for _, c := range changes {
		idWidth = max(idWidth, len(c.ID))
	}
	indent := strings.Repeat(" ", 2+5+2)
	for _, c := range changes {
		impact := fmt.Sprintf("%-5s", c.Impact)
		switch {
		case c.Waived != "":
			impact = st.Gray(impact)
		case c.Impact == compat.Major:
			impact = st.Red(impact)
		case c.Impact == compat.Minor:
			impact = st.Yellow(impact)
		default:
			impact = st.Gray(impact)
		}
		line := fmt.Sprintf("  %s  %-*s", impact, idWidth, c.ID)
		if loc := c.Location.String(); loc != "" {
			line += "  " + st.Cyan(loc)
		}
		if c.Path != "" {
			line += "  " + c.Path
		}
		ew.printf("%s\n", strings.TrimRight(line, " "))
		for _, l := range strings.Split(c.Message, "\n") {
			ew.printf("%s%s\n", indent, l)
		}
		if len(c.Operations) > 0 {
			listed := c.Operations
			more := ""
			if len(listed) > maxListedOperations {
				more = fmt.Sprintf(", and %d more", len(listed)-maxListedOperations)
				listed = listed[:maxListedOperations]
			}
			ew.printf("%s%s: %s%s\n", indent, operationsSummary(c.Operations), strings.Join(listed, ", "), more)
		}
		if c.Against != "" {
			ew.printf("%s%s\n", indent, st.Gray("against "+c.Against))
		}
		if c.Waived != "" {
			ew.printf("%s%s\n", indent, st.Gray("waived: "+c.Waived))
		}
		if w := witnessLine(r, c); w != "" {
			ew.printf("%s%s\n", indent, w)
		}
	}
}

// errWriter buffers a printer's output and keeps the first write error, so
// printers can write line by line and check once.
type errWriter struct {
	w   *bufio.Writer
	err error
}

func newErrWriter(w io.Writer) *errWriter { return &errWriter{w: bufio.NewWriter(w)} }

func (e *errWriter) printf(format string, args ...any) {
	if e.err != nil {
		return
	}
	_, e.err = fmt.Fprintf(e.w, format, args...)
}

// done flushes the buffer and returns the first error.
func (e *errWriter) done() error {
	if e.err != nil {
		return e.err
	}
	return e.w.Flush()
}
