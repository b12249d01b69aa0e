package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/dsctl/dsctl/compat"
)

// JUnit prints JUnit XML for CI test reports (GitLab's artifacts:reports:junit):
// one testsuite per report, one testcase per change, a failure for each change
// that fails the check (a breaking change, unless the declared version allows
// it), a skipped testcase for a waived change, a "version" testcase when a
// version was declared, and a passing testcase when there are no changes.
type JUnit struct {
	// RepoPrefix is the working folder's path from the repository root (see Options).
	RepoPrefix string
	// OnlyBreaking has a testcase for the major changes alone.
	OnlyBreaking bool
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// Print implements Printer.
func (j JUnit) Print(w io.Writer, reports []*compat.Report) error {
	doc := junitSuites{Name: "dsctl compat"}
	for _, r := range reports {
		s := junitSuiteFor(r, j.RepoPrefix, j.OnlyBreaking)
		doc.Suites = append(doc.Suites, s)
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Skipped += s.Skipped
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func junitSuiteFor(r *compat.Report, prefix string, onlyBreaking bool) junitSuite {
	name := "compat"
	if s := Subject(r); s != "" {
		name = "compat: " + s
	}
	s := junitSuite{Name: name}
	for _, p := range [][2]string{
		{"kind", r.Kind}, {"mode", string(r.Mode)}, {"policy", string(r.Policy)},
		{"requiredBump", r.RequiredBump.String()}, {"from", r.From}, {"to", r.To}, {"suggested", r.Suggested},
	} {
		if p[1] != "" {
			s.Properties = append(s.Properties, junitProperty{Name: p[0], Value: p[1]})
		}
	}
	class := "dsctl.compat"
	if r.Kind != "" {
		class += "." + r.Kind
	}
	file := ""
	if r.New != "" {
		file = repoPath(r.New, prefix)
	}
	if r.VersionOK != nil {
		tc := junitCase{Name: "version " + r.From + " → " + r.To, Classname: class, File: file}
		if versionTooSmall(r) {
			tc.Failure = &junitFailure{Type: VersionRuleID, Message: Verdict(r), Text: Verdict(r)}
		} else {
			tc.SystemOut = Verdict(r)
		}
		s.Cases = append(s.Cases, tc)
	}
	changes := listed(r, onlyBreaking)
	switch {
	case len(r.Changes) == 0:
		s.Cases = append(s.Cases, junitCase{Name: "no changes", Classname: class, File: file, SystemOut: Verdict(r)})
	case len(changes) == 0:
		s.Cases = append(s.Cases, junitCase{Name: "no breaking changes", Classname: class, File: file,
			SystemOut: fmt.Sprintf("%s; %d not listed (--only-breaking)", Verdict(r), len(r.Changes))})
	}
	for _, c := range changes {
		name := c.ID
		if c.Path != "" {
			name += " " + c.Path
		}
		if c.Against != "" {
			name += " (against " + c.Against + ")"
		}
		tc := junitCase{Name: name, Classname: class}
		at := annotationFor(c.Location, prefix)
		tc.File, tc.Line = at.File, at.Line
		var body strings.Builder
		if loc := c.Location.String(); loc != "" {
			body.WriteString(loc + ": ")
		}
		fmt.Fprintf(&body, "%s (%s)\n", c.Message, c.Impact)
		if len(c.Operations) > 0 {
			fmt.Fprintf(&body, "%s:\n", operationsSummary(c.Operations))
			for _, op := range c.Operations {
				fmt.Fprintf(&body, "  %s\n", op)
			}
		}
		if wl := witnessLine(r, c); wl != "" {
			fmt.Fprintf(&body, "%s\n", wl)
		}
		switch {
		case c.Waived != "":
			tc.Skipped = &junitSkipped{Message: "waived: " + c.Waived}
		case ChangeFails(r, c):
			tc.Failure = &junitFailure{Type: c.Impact.String(), Message: c.Message, Text: body.String()}
		default:
			tc.SystemOut = body.String()
		}
		s.Cases = append(s.Cases, tc)
	}
	for _, tc := range s.Cases {
		s.Tests++
		if tc.Failure != nil {
			s.Failures++
		}
		if tc.Skipped != nil {
			s.Skipped++
		}
	}
	return s
}
