package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/dsctl/dsctl/compat"
)

// GitHub prints GitHub Actions workflow commands, one annotation per change:
// ::error for major, ::warning for minor, ::notice for patch (and for waived
// changes), placed on the change's file and line, then one verdict line.
type GitHub struct {
	// RepoPrefix is the working folder's path from the repository root (see Options).
	RepoPrefix string
	// OnlyBreaking annotates the major changes alone.
	OnlyBreaking bool
}

// maxGitHubOperations is how many affected operations an annotation names.
const maxGitHubOperations = 10

// Print implements Printer.
func (g GitHub) Print(w io.Writer, reports []*compat.Report) error {
	ew := newErrWriter(w)
	for _, r := range reports {
		for _, c := range listed(r, g.OnlyBreaking) {
			level := "notice"
			switch {
			case c.Waived != "":
			case c.Impact == compat.Major:
				level = "error"
			case c.Impact == compat.Minor:
				level = "warning"
			}
			props := [][2]string{}
			at := annotationFor(c.Location, g.RepoPrefix)
			if at.File != "" {
				props = append(props, [2]string{"file", at.File})
				if at.Line > 0 {
					props = append(props, [2]string{"line", strconv.Itoa(at.Line)})
					if at.Column > 0 {
						props = append(props, [2]string{"col", strconv.Itoa(at.Column)})
					}
				}
			}
			props = append(props, [2]string{"title", c.ID + " (" + c.Impact.String() + ")"})
			msg := c.Message
			if c.Path != "" {
				msg = c.Path + ": " + msg
			}
			if len(c.Operations) > 0 {
				listed, more := c.Operations, ""
				if len(listed) > maxGitHubOperations {
					listed, more = listed[:maxGitHubOperations], fmt.Sprintf(", and %d more", len(listed)-maxGitHubOperations)
				}
				msg += " (" + operationsSummary(c.Operations) + ": " + strings.Join(listed, ", ") + more + ")"
			}
			if at.Note != "" {
				msg += " (" + at.Note + ")"
			}
			if c.Against != "" {
				msg += " (against " + c.Against + ")"
			}
			if c.Waived != "" {
				msg += " (waived: " + c.Waived + ")"
			}
			if wl := witnessLine(r, c); wl != "" {
				msg += "\n" + wl
			}
			ew.printf("%s\n", workflowCommand(level, props, msg))
		}
		level := "notice"
		if Failed(r) {
			level = "error"
		}
		props := [][2]string{{"title", "dsctl compat"}}
		if versionTooSmall(r) {
			props = [][2]string{{"title", VersionRuleID}}
		}
		msg := Verdict(r)
		if s := Subject(r); s != "" {
			msg = s + ": " + msg
		}
		ew.printf("%s\n", workflowCommand(level, props, msg))
	}
	return ew.done()
}

// workflowCommand formats ::level prop=value,...::message with GitHub's escaping.
func workflowCommand(level string, props [][2]string, msg string) string {
	var b strings.Builder
	b.WriteString("::")
	b.WriteString(level)
	for i, p := range props {
		if i == 0 {
			b.WriteByte(' ')
		} else {
			b.WriteByte(',')
		}
		b.WriteString(p[0])
		b.WriteByte('=')
		b.WriteString(escapeProperty(p[1]))
	}
	b.WriteString("::")
	b.WriteString(escapeData(msg))
	return b.String()
}

// escapeData escapes a workflow command's message as the Actions toolkit does.
func escapeData(s string) string {
	s = strings.ReplaceAll(s, "%", "%25")
	s = strings.ReplaceAll(s, "\r", "%0D")
	return strings.ReplaceAll(s, "\n", "%0A")
}

// escapeProperty escapes a workflow command's property value: as data, plus ':' and ','.
func escapeProperty(s string) string {
	s = escapeData(s)
	s = strings.ReplaceAll(s, ":", "%3A")
	return strings.ReplaceAll(s, ",", "%2C")
}
