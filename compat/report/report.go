// Package report prints the result of dsctl compat check in six formats, one
// printer per file behind the Printer interface: text (for people, coloured
// on a terminal), json (DESIGN.md's shape), markdown (pull-request comments
// and $GITHUB_STEP_SUMMARY), github (workflow-command annotations), junit
// (CI test reports, GitLab) and sarif (2.1.0, code-scanning tools).
//
// A check can hold several comparisons (a contract package with several
// events, or one per earlier version); every printer takes a list of reports.
// With one report, the json printer writes exactly DESIGN.md's object.
//
// Printers only format: they never decide the verdict. The version fields of
// each report (From, To, Suggested, VersionOK) and Report.FailOn, the
// --fail-on threshold compat.Failed uses, come from compat/verdict.
package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/internal/output"
)

// Printer writes a list of compatibility reports to w in one format.
type Printer interface {
	Print(w io.Writer, reports []*compat.Report) error
}

// Options configure the printers.
type Options struct {
	// Style colours the text printer; the zero value prints no colour.
	Style output.Style
	// CollapseAfter is how many changes the markdown printer shows before it folds
	// the table into a <details> block; 0 means DefaultCollapseAfter.
	CollapseAfter int
	// MaxRows caps the markdown table; 0 means DefaultMaxRows.
	MaxRows int
	// RepoPrefix is the working folder's path from the repository root
	// ("examples/", as git rev-parse --show-prefix prints it). The github,
	// junit and sarif printers name files from the repository root, as
	// GitHub and code scanning want, when dsctl runs in a sub folder.
	RepoPrefix string
	// OnlyBreaking lists the major changes alone (--only-breaking); verdicts,
	// counts and the required bump still cover every change.
	OnlyBreaking bool
}

// DefaultCollapseAfter is the markdown printer's default fold threshold.
const DefaultCollapseAfter = 10

// Formats lists the printer names in help order.
var Formats = []string{"text", "json", "markdown", "github", "junit", "sarif"}

// New returns the printer named format.
func New(format string, opts Options) (Printer, error) {
	switch format {
	case "text", "":
		return Text{Style: opts.Style, OnlyBreaking: opts.OnlyBreaking}, nil
	case "json":
		return JSON{OnlyBreaking: opts.OnlyBreaking}, nil
	case "markdown":
		n := opts.CollapseAfter
		if n <= 0 {
			n = DefaultCollapseAfter
		}
		return Markdown{CollapseAfter: n, MaxRows: opts.MaxRows, OnlyBreaking: opts.OnlyBreaking}, nil
	case "github":
		return GitHub{RepoPrefix: opts.RepoPrefix, OnlyBreaking: opts.OnlyBreaking}, nil
	case "junit":
		return JUnit{RepoPrefix: opts.RepoPrefix, OnlyBreaking: opts.OnlyBreaking}, nil
	case "sarif":
		return SARIF{RepoPrefix: opts.RepoPrefix, OnlyBreaking: opts.OnlyBreaking}, nil
	}
	return nil, fmt.Errorf("unknown report format %q (want one of %s)", format, strings.Join(Formats, ", "))
}

// Failed reports whether the report fails the check (compat.Failed with the
// report's own FailOn threshold).
func Failed(r *compat.Report) bool { return compat.Failed(r, r.FailOn) }

// AnyFailed reports whether any report fails the check.
func AnyFailed(reports []*compat.Report) bool {
	for _, r := range reports {
		if Failed(r) {
			return true
		}
	}
	return false
}

// MaxBump is the largest required bump of a list of reports.
func MaxBump(reports []*compat.Report) compat.Impact {
	b := compat.None
	for _, r := range reports {
		if r.RequiredBump > b {
			b = r.RequiredBump
		}
	}
	return b
}

// ChangeFails reports whether a change is one that makes the report fail:
// with a declared version, a change needing more than the declared bump; without
// one, a change at or above the --fail-on threshold. Waived changes and mode
// none never fail.
func ChangeFails(r *compat.Report, c compat.Change) bool {
	if c.Waived != "" || r.Mode == compat.NoneMode || c.Impact == compat.None {
		return false
	}
	if r.VersionOK == nil {
		return r.FailOn != compat.None && c.Impact >= r.FailOn
	}
	if *r.VersionOK {
		return false
	}
	from, to := compat.ParseVersion(r.From), compat.ParseVersion(r.To)
	if from == nil || to == nil {
		return true
	}
	declared, err := compat.BumpBetween(from, to)
	if err != nil {
		return true // a lower version allows nothing
	}
	return compat.EffectiveBump(from, c.Impact) > declared
}

// Verdict is the one-line summary of a report, for example
// "requires a MAJOR bump: 1.2.0 → 2.0.0 (declared 1.3.0: too small)".
func Verdict(r *compat.Report) string {
	var b strings.Builder
	from := compat.ParseVersion(r.From)
	bump := r.RequiredBump
	eff := compat.EffectiveBump(from, bump)
	switch {
	case bump == compat.None && len(r.Changes) == 0:
		b.WriteString("no changes")
	case bump == compat.None:
		b.WriteString("no bump needed (every change is waived)")
	default:
		fmt.Fprintf(&b, "requires a %s bump", strings.ToUpper(eff.String()))
		if eff != bump {
			fmt.Fprintf(&b, " (%s changes below 1.0.0)", bump)
		}
	}
	if r.From != "" && r.Suggested != "" {
		fmt.Fprintf(&b, ": %s → %s", r.From, r.Suggested)
	}
	if r.To != "" && r.VersionOK != nil {
		if *r.VersionOK {
			fmt.Fprintf(&b, " (declared %s: ok)", r.To)
		} else {
			fmt.Fprintf(&b, " (declared %s: too small)", r.To)
		}
	}
	if r.Mode == compat.NoneMode {
		b.WriteString(" [mode none: reported, never fails]")
	}
	return b.String()
}

// SetVerdict summarises several reports in one line: how many failed, and the
// overall verdict (the largest required bump, gated against the versions when
// every report has the same ones, as the reports of one contract package do).
func SetVerdict(reports []*compat.Report) string {
	failed := 0
	agg := &compat.Report{}
	for i, r := range reports {
		if Failed(r) {
			failed++
		}
		agg.Changes = append(agg.Changes, r.Changes...)
		if i == 0 {
			agg.Mode, agg.From, agg.To = r.Mode, r.From, r.To
			continue
		}
		if r.Mode != agg.Mode {
			agg.Mode = ""
		}
		if r.From != agg.From || r.To != agg.To {
			agg.From, agg.To = "", ""
		}
	}
	agg.RequiredBump = MaxBump(reports)
	if from := compat.ParseVersion(agg.From); from != nil {
		agg.Suggested = compat.Next(from, agg.RequiredBump).String()
		if to := compat.ParseVersion(agg.To); to != nil {
			ok := compat.VersionAllows(from, to, agg.RequiredBump)
			agg.VersionOK = &ok
		}
	}
	s := fmt.Sprintf("%d comparisons, overall %s", len(reports), Verdict(agg))
	if failed > 0 {
		s += fmt.Sprintf("; %d failed", failed)
	}
	return s
}

// Drafts names the JSON Schema drafts the two sides were read as when they
// differ ("read as draft-07 → 2020-12 (no $schema: default)"), so a reviewer
// sees at once that a keyword may mean different things on each side; ""
// when both were read as the same draft (the JSON report always has both).
func Drafts(r *compat.Report) string {
	if r.Dialects == nil || r.Dialects.Old == r.Dialects.New {
		return ""
	}
	return "read as " + r.Dialects.Old + " → " + r.Dialects.New
}

// Subject names what a report compares: "OLD → NEW (kind, mode, policy)".
func Subject(r *compat.Report) string {
	var parts []string
	for _, p := range []string{r.Kind, Drafts(r), string(r.Mode), string(r.Policy)} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	s := ""
	switch {
	case r.Old != "" && r.New != "":
		s = r.Old + " → " + r.New
	case r.New != "":
		s = r.New
	}
	if len(parts) > 0 {
		if s != "" {
			s += " "
		}
		s += "(" + strings.Join(parts, ", ") + ")"
	}
	return s
}

// AnnotationPath returns the repository path of a location's file for tools
// that point at files (GitHub annotations, SARIF, JUnit): a "git:REF:" prefix is
// dropped (the file at the ref is the same path in the checkout) and a leading
// "./" too. Standard input has no path and gives "".
func AnnotationPath(file string) string {
	if rest, ok := strings.CutPrefix(file, "git:"); ok {
		if _, p, ok := strings.Cut(rest, ":"); ok {
			file = p
		}
	}
	file = strings.TrimPrefix(file, "./")
	if file == "<stdin>" || file == "-" {
		return ""
	}
	return file
}

// annotationTarget is where file-pointing tools put a change: the repository
// path, and the line and column unless the location is in a git baseline
// (git:REF:PATH), whose lines are those of the old content, not of the file
// in the checkout; note then says where it was ("line 12 at origin/main").
type annotationTarget struct {
	File         string
	Line, Column int
	Note         string
}

// repoPath is AnnotationPath from the repository root: prefix (the working
// folder's path from the root, "" at the root) is joined to a path relative
// to the working folder: a file on disk, or git:REF:./x and git:REF:../x
// (git's own rule: other git:REF:PATH paths are already from the root).
func repoPath(file, prefix string) string {
	p := AnnotationPath(file)
	if p == "" || prefix == "" {
		return p
	}
	if rest, ok := strings.CutPrefix(file, "git:"); ok {
		_, gp, _ := strings.Cut(rest, ":")
		if !strings.HasPrefix(gp, "./") && !strings.HasPrefix(gp, "../") {
			return p
		}
		p = gp
	}
	if strings.HasPrefix(p, "/") {
		return p
	}
	joined := path.Join(prefix, p)
	if joined == ".." || strings.HasPrefix(joined, "../") {
		return AnnotationPath(file) // outside the repository: as given
	}
	return joined
}

func annotationFor(l *compat.Location, prefix string) annotationTarget {
	if l == nil {
		return annotationTarget{}
	}
	t := annotationTarget{File: repoPath(l.File, prefix)}
	if t.File == "" {
		return annotationTarget{}
	}
	if rest, ok := strings.CutPrefix(l.File, "git:"); ok && l.Line > 0 {
		ref, _, _ := strings.Cut(rest, ":")
		t.Note = fmt.Sprintf("line %d at %s", l.Line, ref)
		return t
	}
	t.Line, t.Column = l.Line, l.Column
	return t
}

// RuleTitle turns a kebab-case rule id into a short sentence: "property-removed" → "Property removed".
func RuleTitle(id string) string {
	s := strings.ReplaceAll(id, "-", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// ruleIDs returns the sorted distinct change ids of the reports.
func ruleIDs(reports []*compat.Report) []string {
	seen := map[string]bool{}
	var ids []string
	for _, r := range reports {
		for _, c := range r.Changes {
			if !seen[c.ID] {
				seen[c.ID] = true
				ids = append(ids, c.ID)
			}
		}
	}
	sort.Strings(ids)
	return ids
}

// operationsSummary is "affects N operations" (or "affects 1 operation").
func operationsSummary(ops []string) string {
	if len(ops) == 1 {
		return "affects 1 operation"
	}
	return fmt.Sprintf("affects %d operations", len(ops))
}

// VersionRuleID is the id used by the annotation formats (github, junit,
// sarif) for a declared version too small for the changes.
const VersionRuleID = "version-bump-too-small"

// versionTooSmall reports whether the report declares a version that is too small.
func versionTooSmall(r *compat.Report) bool {
	return r.Mode != compat.NoneMode && r.VersionOK != nil && !*r.VersionOK
}

// listed returns the changes of r a printer lists: all of them, or with
// onlyBreaking the major ones alone.
func listed(r *compat.Report, onlyBreaking bool) []compat.Change {
	if !onlyBreaking {
		return r.Changes
	}
	var out []compat.Change
	for _, c := range r.Changes {
		if c.Impact == compat.Major {
			out = append(out, c)
		}
	}
	return out
}

// filtered returns the reports with only the changes listed (copies when
// onlyBreaking; the reports themselves otherwise).
func filtered(reports []*compat.Report, onlyBreaking bool) []*compat.Report {
	if !onlyBreaking {
		return reports
	}
	out := make([]*compat.Report, len(reports))
	for i, r := range reports {
		c := *r
		c.Changes = listed(r, true)
		out[i] = &c
	}
	return out
}

// ByImpact orders changes for people: major first, then minor, patch and
// none, each in location order (as compat.SortChanges leaves them). It sorts a copy.
func ByImpact(cs []compat.Change) []compat.Change {
	out := slices.Clone(cs)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Impact > out[j].Impact })
	return out
}

// Summary is the last line of a text report, as read at the end of a CI log:
// "4 changes: 1 major, 3 minor; requires MAJOR (2.0.0)", with the declared
// version when it was checked, the waived changes, and how many changes
// --only-breaking left out.
func Summary(reports []*compat.Report, onlyBreaking bool) string {
	var counts [compat.Major + 1]int
	total, waived, hidden := 0, 0, 0
	agg := &compat.Report{}
	for i, r := range reports {
		for _, c := range r.Changes {
			total++
			switch {
			case c.Waived != "":
				waived++
			case c.Impact >= compat.None && c.Impact <= compat.Major:
				counts[c.Impact]++
			}
			if onlyBreaking && c.Impact != compat.Major {
				hidden++
			}
		}
		if i == 0 {
			agg.Mode, agg.From, agg.To, agg.Suggested, agg.VersionOK = r.Mode, r.From, r.To, r.Suggested, r.VersionOK
			continue
		}
		if r.Mode != agg.Mode {
			agg.Mode = ""
		}
		if r.From != agg.From || r.To != agg.To || (r.VersionOK == nil) != (agg.VersionOK == nil) {
			agg.From, agg.To, agg.VersionOK = "", "", nil
		}
	}
	bump := MaxBump(reports)
	var b strings.Builder
	if total == 0 {
		b.WriteString("no changes")
	} else {
		b.WriteString(pluralN(total, "change", "changes"))
		if len(reports) > 1 {
			fmt.Fprintf(&b, " in %d comparisons", len(reports))
		}
		var parts []string
		for _, imp := range []compat.Impact{compat.Major, compat.Minor, compat.Patch, compat.None} {
			if counts[imp] > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", counts[imp], imp))
			}
		}
		if waived > 0 {
			parts = append(parts, fmt.Sprintf("%d waived", waived))
		}
		b.WriteString(": " + strings.Join(parts, ", "))
	}
	from := compat.ParseVersion(agg.From)
	var next string
	if from != nil {
		next = " (" + compat.Next(from, bump).String() + ")"
	}
	if eff := compat.EffectiveBump(from, bump); eff == compat.None {
		b.WriteString("; requires no bump" + next)
	} else {
		fmt.Fprintf(&b, "; requires %s%s", strings.ToUpper(eff.String()), next)
	}
	if agg.VersionOK != nil {
		verdict := "ok"
		if to := compat.ParseVersion(agg.To); from == nil || to == nil || !compat.VersionAllows(from, to, bump) {
			verdict = "too small"
		}
		fmt.Fprintf(&b, "; declared %s: %s", agg.To, verdict)
	}
	if agg.Mode == compat.NoneMode {
		b.WriteString("; mode none: never fails")
	}
	if hidden > 0 {
		fmt.Fprintf(&b, "; %d not listed (--only-breaking)", hidden)
	}
	return b.String()
}

func pluralN(n int, one, many string) string {
	return fmt.Sprintf("%d %s", n, plural(n, one, many))
}

// maxWitness is how many bytes of a witness the line-oriented formats show
// (text, markdown, github, junit); json and sarif carry it whole.
const maxWitness = 1000

// WitnessText is a change's witness as one line of compact JSON ("" without
// one), cut after maxWitness bytes with a note that -o json has it whole.
func WitnessText(c compat.Change) string {
	if len(c.Witness) == 0 {
		return ""
	}
	var buf bytes.Buffer
	s := string(c.Witness)
	if err := json.Compact(&buf, c.Witness); err == nil {
		s = buf.String()
	}
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || (r >= 0x7f && r < 0xa0) {
			return ' ' // not valid JSON; never a control character in a log
		}
		return r
	}, s)
	if len(s) > maxWitness {
		cut := maxWitness
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = fmt.Sprintf("%s… (%d bytes; -o json has it whole)", s[:cut], len(s))
	}
	return s
}

// WitnessLabel says what a witness shows in the report's mode: "OLD accepts
// it, NEW rejects it" (backward) or the reverse (forward). A change that
// breaks one direction only (Change.Breaks) is labelled by it; a full-mode
// change without it gets a neutral label.
func WitnessLabel(r *compat.Report, c compat.Change) string {
	mode := r.Mode.Base()
	if len(c.Breaks) == 1 {
		mode = c.Breaks[0]
	}
	switch mode {
	case compat.Backward, compat.NoneMode:
		return "witness (OLD accepts it, NEW rejects it)"
	case compat.Forward:
		return "witness (NEW accepts it, OLD rejects it)"
	}
	return "witness (one side accepts it, the other rejects it)"
}

// witnessLine is the sentence a printer puts under a major change: the
// witness with its label, or why there is none; "" for other changes and
// for engines that do not search.
func witnessLine(r *compat.Report, c compat.Change) string {
	if c.Impact != compat.Major {
		return ""
	}
	if w := WitnessText(c); w != "" {
		return WitnessLabel(r, c) + ": " + w
	}
	if c.NoWitness != "" {
		return "no witness: " + c.NoWitness
	}
	return ""
}
