package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/dsctl/dsctl/compat"
)

// Markdown prints GitHub-flavoured markdown for pull-request comments and
// $GITHUB_STEP_SUMMARY: a verdict heading, the comparison, a table of changes
// (folded into <details> beyond CollapseAfter rows) and the operations each
// shared-schema change affects.
type Markdown struct {
	CollapseAfter int
	// OnlyBreaking lists the major changes alone.
	OnlyBreaking bool
	// MaxRows caps the table (GitHub keeps at most 1 MiB of a step summary);
	// the rest are counted, not listed. 0 means DefaultMaxRows.
	MaxRows int
}

// DefaultMaxRows is how many changes the markdown printer lists per report.
const DefaultMaxRows = 300

// maxMarkdownOperations is how many affected operations a folded list names.
const maxMarkdownOperations = 20

// Print implements Printer.
func (m Markdown) Print(w io.Writer, reports []*compat.Report) error {
	ew := newErrWriter(w)
	if len(reports) > 1 {
		icon := ":white_check_mark:"
		if AnyFailed(reports) {
			icon = ":x:"
		}
		ew.printf("## %s dsctl compat: %s\n\n", icon, mdText(SetVerdict(reports)))
	}
	level := "##"
	if len(reports) > 1 {
		level = "###"
	}
	for _, r := range reports {
		m.printOne(ew, r, level)
	}
	return ew.done()
}

func (m Markdown) printOne(ew *errWriter, r *compat.Report, level string) {
	icon := ":white_check_mark:"
	switch {
	case Failed(r):
		icon = ":x:"
	case r.RequiredBump == compat.Major && r.Mode != compat.NoneMode:
		icon = ":warning:"
	}
	ew.printf("%s %s %s\n\n", level, icon, mdText("Compatibility: "+Verdict(r)))
	var meta []string
	if r.Old != "" {
		meta = append(meta, mdCode(r.Old)+" → "+mdCode(r.New))
	} else if r.New != "" {
		meta = append(meta, mdCode(r.New))
	}
	for _, p := range []string{r.Kind, Drafts(r), string(r.Mode), string(r.Policy)} {
		if p != "" {
			meta = append(meta, mdText(p))
		}
	}
	if len(meta) > 0 {
		ew.printf("%s\n\n", strings.Join(meta, " · "))
	}
	if len(r.Changes) == 0 {
		ew.printf("No changes.\n\n")
		return
	}
	changes := ByImpact(listed(r, m.OnlyBreaking))
	counts := map[compat.Impact]int{}
	for _, c := range r.Changes {
		counts[c.Impact]++
	}
	var parts []string
	for _, imp := range []compat.Impact{compat.Major, compat.Minor, compat.Patch} {
		if counts[imp] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[imp], imp))
		}
	}
	summary := fmt.Sprintf("%d %s (%s)", len(r.Changes), plural(len(r.Changes), "change", "changes"), strings.Join(parts, ", "))
	if hidden := len(r.Changes) - len(changes); hidden > 0 {
		summary += fmt.Sprintf("; %d not listed (--only-breaking)", hidden)
	}
	if len(changes) == 0 {
		ew.printf("%s.\n\n", summary)
		return
	}
	fold := len(changes) > m.CollapseAfter
	if fold {
		ew.printf("<details>\n<summary>%s</summary>\n\n", htmlEscape(summary))
	} else {
		ew.printf("%s:\n\n", summary)
	}
	ew.printf("| Impact | Change | Location | Path | Message |\n")
	ew.printf("|---|---|---|---|---|\n")
	maxRows := m.MaxRows
	if maxRows <= 0 {
		maxRows = DefaultMaxRows
	}
	for i, c := range changes {
		if i == maxRows {
			ew.printf("| | | | | … and %d more changes (the json, junit and sarif formats list them all) |\n", len(changes)-maxRows)
			break
		}
		impact := c.Impact.String()
		if ChangeFails(r, c) {
			impact = "**" + impact + "**"
		}
		msg := mdCell(c.Message)
		if len(c.Operations) > 0 {
			msg += " (" + operationsSummary(c.Operations) + ")"
		}
		if c.Against != "" {
			msg += " (against " + mdCode(c.Against) + ")"
		}
		if c.Waived != "" {
			impact = "~~" + c.Impact.String() + "~~"
			msg += " — waived: " + mdCell(c.Waived)
		}
		if w := WitnessText(c); w != "" && c.Impact == compat.Major {
			msg += "<br>" + mdCell(WitnessLabel(r, c)) + ": " + mdWitness(w)
		} else if c.NoWitness != "" && c.Impact == compat.Major {
			msg += "<br>no witness: " + mdCell(c.NoWitness)
		}
		ew.printf("| %s | %s | %s | %s | %s |\n", impact, mdCode(c.ID), mdCode(c.Location.String()), mdCode(c.Path), msg)
	}
	ew.printf("\n")
	if fold {
		ew.printf("</details>\n\n")
	}
	for i, c := range changes {
		if i == maxRows {
			break
		}
		if len(c.Operations) == 0 {
			continue
		}
		ew.printf("<details>\n<summary><code>%s</code> at <code>%s</code> %s</summary>\n\n",
			htmlEscape(c.ID), htmlEscape(c.Path), operationsSummary(c.Operations))
		for j, op := range c.Operations {
			if j == maxMarkdownOperations {
				ew.printf("- … and %d more\n", len(c.Operations)-maxMarkdownOperations)
				break
			}
			ew.printf("- %s\n", mdCode(op))
		}
		ew.printf("\n</details>\n\n")
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// mdCell makes text safe inside a table cell: no line breaks, no pipes, no HTML.
func mdCell(s string) string {
	s = htmlEscape(s)
	s = strings.ReplaceAll(s, "\r\n", "<br>")
	s = strings.ReplaceAll(s, "\n", "<br>")
	return strings.ReplaceAll(s, "|", `\|`)
}

// mdText escapes text outside tables (headings).
func mdText(s string) string {
	return htmlEscape(strings.ReplaceAll(s, "\n", " "))
}

// mdCode renders s as inline code inside a table cell ("" stays empty).
func mdCode(s string) string {
	if s == "" {
		return ""
	}
	s = strings.ReplaceAll(s, "`", "'")
	s = strings.ReplaceAll(s, "\n", " ")
	return "`" + strings.ReplaceAll(s, "|", `\|`) + "`"
}

// mdWitness renders a witness inside a table cell as code that shows it byte
// for byte: in a <code> element, with every character markdown or HTML would
// read (backslash escapes, emphasis, code spans, links, pipes, tags) as a
// numeric entity.
func mdWitness(s string) string {
	var b strings.Builder
	b.WriteString("<code>")
	for _, r := range s {
		if strings.ContainsRune("\\`*_[]()<>&|~!#$+=@^", r) {
			fmt.Fprintf(&b, "&#%d;", r)
			continue
		}
		b.WriteRune(r)
	}
	b.WriteString("</code>")
	return b.String()
}

var htmlReplacer = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func htmlEscape(s string) string { return htmlReplacer.Replace(s) }
