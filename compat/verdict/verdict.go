// Package verdict is the one place where dsctl decides what a compatibility
// check means. compat check, compat bump and contract publish each build a
// Request and call Decide; they differ only in what they put in it, so on the
// same inputs they cannot disagree.
//
// Decide owns, in order: the history (which earlier versions NEW is compared
// with), the comparisons (through a Comparer, of single documents or of whole
// contract packages), merging a change found against several earlier
// versions, the versions (--from/--to, else those the sides declare), the
// waivers (dsctl.yaml's compat.ignore), the required bump, whether the version
// is checked and is large enough, the --fail-on threshold, and the warnings.
// Everything comes back as values in a Verdict: this package never prints and
// never picks an exit code.
package verdict

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/Masterminds/semver/v3"
	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/internal/errkind"
)

// Comparer compares two versions of a contract of one shape: S is a single
// document (Documents) or a contract package (contracts.Packages).
type Comparer[S any] interface {
	// Name names a side in notes and in a change's Against.
	Name(s S) string
	// Version returns the version a side declares (an OpenAPI info.version, a
	// JSON Schema's x-version, a package's version), "" when it declares none.
	Version(s S) (string, error)
	// Defaults returns the mode and policy NEW asks for itself (a package's
	// contract.yaml); "" for either when it asks for none.
	Defaults(new S) (compat.Mode, compat.Policy)
	// Compare compares old with new. mode is the mode of the check (Decide
	// sets it on the reports again; engines judge in its base, and in backward
	// for mode none). Reports without changes that say nothing may be left out.
	Compare(ctx context.Context, old, new S, mode compat.Mode, policy compat.Policy) (Comparison, error)
}

// Comparison is what one Compare found.
type Comparison struct {
	// Reports holds one report per compared document; Decide fills in the
	// version fields, waivers and verdict.
	Reports []compat.Report
	// Warnings are things the user should know (two different packages compared).
	Warnings []string
}

// Request is everything a check is decided from.
type Request[S any] struct {
	// Comparer compares the sides.
	Comparer Comparer[S]
	// History holds the earlier versions, oldest first: the *-transitive modes
	// compare NEW with each of them, the other modes with the last one only.
	History []S
	// New is the version under check.
	New S
	// Mode is the compatibility mode; "" takes NEW's own (Comparer.Defaults),
	// else backward.
	Mode compat.Mode
	// Policy is the policy; "" takes NEW's own, else strict.
	Policy compat.Policy
	// From and To override the versions the sides declare (semantic versions;
	// the command line checks them).
	From, To string
	// FailOn is the smallest impact that fails the check when the version is
	// not checked; compat.None never fails on an impact.
	FailOn compat.Impact
	// RequireBump checks the version even when the sides declare the same one
	// and no --from/--to is given (contract publish: a release is always
	// checked). Without versions to check it is an input error.
	RequireBump bool
	// Waivers are dsctl.yaml's compat.ignore entries; WaiverFile names that
	// file in messages, Today (YYYY-MM-DD) decides which have expired.
	Waivers    []compat.Waiver
	WaiverFile string
	Today      string
	// Adjust, when set, may change the impacts of the changes after the
	// waivers and before the version check: contract publish's consumer-aware
	// bump lowers the major changes of events no registered consumer reads.
	Adjust func(reports []*compat.Report)
}

// Verdict is the decision of one check.
type Verdict struct {
	// Reports are the comparisons, one per compared document (a package has
	// one per event schema and API, plus one for events and APIs added or
	// removed), each with its version fields, waivers and FailOn filled in,
	// changes sorted by location.
	Reports []*compat.Report
	// Mode and Policy are those the check ran in.
	Mode   compat.Mode
	Policy compat.Policy
	// Against names the earlier versions NEW was compared with, oldest first.
	Against []string
	// From is the version of the latest earlier version (after --from), "" when unknown.
	From string
	// To is the version NEW is released as (after --to), "" when unknown.
	To string
	// RequiredBump is the largest impact among the changes that are not waived.
	RequiredBump compat.Impact
	// Suggested is the smallest version after From the changes allow ("" without From).
	Suggested string
	// VersionChecked says whether the version was checked: --from or --to
	// given, the sides declaring different versions, or RequireBump.
	VersionChecked bool
	// VersionOK says whether To is large enough (meaningful when VersionChecked).
	VersionOK bool
	// Failed says whether the check fails; Reasons say why, one sentence each.
	Failed  bool
	Reasons []string
	// Expired lists the waivers past their expiry date that still match a change
	// (those changes count again, and the check fails).
	Expired []compat.Waiver
	// Warnings and Notes are for stderr: warnings about the inputs (a version
	// that is not semver, two different packages), notes about what was done
	// (a non-transitive mode comparing with the last OLD only).
	Warnings []string
	Notes    []string
}

// ErrNoVersion is the input error of RequireBump without versions to check.
var ErrNoVersion = errors.New("no version to check")

// Decide runs the comparisons of req and decides the check.
func Decide[S any](ctx context.Context, req Request[S]) (*Verdict, error) {
	if len(req.History) == 0 {
		return nil, errors.New("verdict: no earlier version to compare with")
	}
	v := &Verdict{Mode: req.Mode, Policy: req.Policy}
	defMode, defPolicy := req.Comparer.Defaults(req.New)
	if v.Mode == "" {
		v.Mode = defMode
	}
	if v.Mode == "" {
		v.Mode = compat.Backward
	}
	if v.Policy == "" {
		v.Policy = defPolicy
	}
	if v.Policy == "" {
		v.Policy = compat.Strict
	}

	// The history: non-transitive modes compare with the latest earlier version only.
	history := req.History
	if !v.Mode.Transitive() && len(history) > 1 {
		history = history[len(history)-1:]
		v.Notes = append(v.Notes, fmt.Sprintf("mode %s compares with the last OLD only (%s); use --mode %s-transitive to check all %d",
			v.Mode, req.Comparer.Name(history[0]), v.Mode.Base(), len(req.History)))
	}
	if err := compare(ctx, v, req, history); err != nil {
		return nil, err
	}
	if err := versions(v, req, history[len(history)-1]); err != nil {
		return nil, err
	}
	if err := v.waive(req.Waivers, req.WaiverFile, req.Today); err != nil {
		return nil, err
	}
	if req.Adjust != nil {
		req.Adjust(v.Reports)
	}
	if err := v.gate(req.FailOn); err != nil {
		return nil, err
	}
	return v, nil
}

// compare runs the comparisons and merges them: a document compared with
// several earlier versions is one report, and a change found against several
// of them is listed once, naming them all in Against.
func compare[S any](ctx context.Context, v *Verdict, req Request[S], history []S) error {
	engineMode := v.Mode
	type key struct{ kind, new string }
	byDoc := map[key]int{}
	seen := map[string]int{} // change key -> index in its report, per report
	for _, old := range history {
		name := req.Comparer.Name(old)
		v.Against = append(v.Against, name)
		cmp, err := req.Comparer.Compare(ctx, old, req.New, engineMode, v.Policy)
		if err != nil {
			return err
		}
		v.Warnings = append(v.Warnings, cmp.Warnings...)
		for _, r := range cmp.Reports {
			k := key{r.Kind, r.New}
			i, ok := byDoc[k]
			if !ok {
				i = len(v.Reports)
				byDoc[k] = i
				nr := r
				nr.Changes = nil
				v.Reports = append(v.Reports, &nr)
			} else if r.Old != "" {
				v.Reports[i].Old += ", " + r.Old
			}
			dst := v.Reports[i]
			for _, c := range r.Changes {
				if len(history) == 1 {
					dst.Changes = append(dst.Changes, c)
					continue
				}
				ck := fmt.Sprintf("%d\x00%s\x00%s\x00%d\x00%s\x00%s", i, c.ID, c.Path, c.Impact, c.Message, c.Location.String())
				if j, ok := seen[ck]; ok {
					dst.Changes[j].Against += ", " + name
					continue
				}
				c.Against = name
				seen[ck] = len(dst.Changes)
				dst.Changes = append(dst.Changes, c)
			}
		}
	}
	for _, r := range v.Reports {
		// Under flow (an AsyncAPI document judged per message), a report
		// keeps the mode its documents were judged in.
		if v.Mode != compat.Flow || r.Mode == "" {
			r.Mode = v.Mode
		}
		r.Policy = v.Policy
		compat.SortChanges(r.Changes)
		for i := range r.Changes {
			r.Changes[i].Breaking = r.Changes[i].Impact == compat.Major
		}
	}
	return nil
}

// versions settles From and To: --from/--to, else the versions the latest
// earlier version and NEW declare (one that is not semver is dropped with a
// warning), and whether the version is checked.
func versions[S any](v *Verdict, req Request[S], last S) error {
	var declFrom, declTo string
	var err error
	if declFrom, err = req.Comparer.Version(last); err != nil {
		return err
	}
	if declTo, err = req.Comparer.Version(req.New); err != nil {
		return err
	}
	v.From, v.To = req.From, req.To
	if v.From == "" && declFrom != "" {
		if isSemver(declFrom) {
			v.From = declFrom
		} else {
			v.Warnings = append(v.Warnings, fmt.Sprintf("%s: version %q is not a semantic version; judging by --fail-on %s (pass --from/--to to gate)", req.Comparer.Name(last), declFrom, req.FailOn))
		}
	}
	if v.To == "" && declTo != "" {
		if isSemver(declTo) {
			v.To = declTo
		} else {
			v.Warnings = append(v.Warnings, fmt.Sprintf("%s: version %q is not a semantic version; judging by --fail-on %s (pass --to to gate)", req.Comparer.Name(req.New), declTo, req.FailOn))
		}
	}
	switch {
	case req.RequireBump, req.From != "", req.To != "":
		v.VersionChecked = true
	case v.From != "" && v.To != "":
		// Two documents declaring different versions are a release: check it.
		// The same version on both sides is a change in progress: only suggest.
		v.VersionChecked = !compat.ParseVersion(v.From).Equal(compat.ParseVersion(v.To))
	}
	if !v.VersionChecked || (v.From != "" && v.To != "") {
		return nil
	}
	missing := req.Comparer.Name(last)
	flag := "--from"
	if v.From != "" {
		missing, flag = req.Comparer.Name(req.New), "--to"
	}
	if req.RequireBump {
		return errkind.Inputf("%w: %s declares no version; pass %s", ErrNoVersion, missing, flag)
	}
	// --from or --to alone, and the other side declares nothing: suggest only.
	v.VersionChecked = false
	if req.To != "" {
		v.Warnings = append(v.Warnings, fmt.Sprintf("%s declares no version: --to %s is not checked; judging by --fail-on %s (pass --from to gate)", missing, req.To, req.FailOn))
	}
	return nil
}

// waive applies the waivers to every report; expired waivers that still
// match a change fail the check.
func (v *Verdict) waive(waivers []compat.Waiver, file, today string) error {
	if len(waivers) == 0 {
		return nil
	}
	reported := map[compat.Waiver]bool{}
	for _, r := range v.Reports {
		expired, err := compat.ApplyWaivers(r.Changes, waivers, today)
		if err != nil {
			return err
		}
		for _, w := range expired {
			if !reported[w] {
				reported[w] = true
				v.Expired = append(v.Expired, w)
			}
		}
	}
	if err := compat.ExpiredWaiversError(file, v.Expired); err != nil {
		v.Failed = true
		v.Reasons = append(v.Reasons, err.Error())
	}
	return nil
}

// gate fills the version fields of every report and of the verdict, and
// decides whether the check fails: with the version checked, when it is too
// small for the changes; otherwise when a change reaches failOn. Mode none
// never fails on the changes.
func (v *Verdict) gate(failOn compat.Impact) error {
	for _, r := range v.Reports {
		r.From, r.To, r.FailOn = v.From, "", failOn
		if v.VersionChecked {
			r.To = v.To
		}
		if err := compat.Gate(r); err != nil {
			return errkind.Inputf("version check: %w", err)
		}
		if r.RequiredBump > v.RequiredBump {
			v.RequiredBump = r.RequiredBump
		}
	}
	from := compat.ParseVersion(v.From)
	if from != nil {
		v.Suggested = compat.Next(from, v.RequiredBump).String()
	}
	if v.VersionChecked {
		v.VersionOK = compat.VersionAllows(from, compat.ParseVersion(v.To), v.RequiredBump)
	}
	if v.Mode == compat.NoneMode {
		return nil
	}
	switch {
	case v.VersionChecked && !v.VersionOK:
		v.Failed = true
		v.Reasons = append(v.Reasons, fmt.Sprintf("version %s is too small: the changes since %s need %s (%s)",
			v.To, v.From, bumpName(from, v.RequiredBump), v.Suggested))
	case !v.VersionChecked && failOn != compat.None && v.RequiredBump >= failOn:
		v.Failed = true
		n, ids := v.reaching(failOn)
		v.Reasons = append(v.Reasons, fmt.Sprintf("%s at or above --fail-on %s: %s", plural(n, "change"), failOn, ids))
	}
	return nil
}

// reaching counts the changes that are not waived and reach failOn, and
// names the first few.
func (v *Verdict) reaching(failOn compat.Impact) (int, string) {
	const show = 3
	n := 0
	var names []string
	for _, r := range v.Reports {
		for _, c := range r.Changes {
			if c.Waived != "" || c.Impact < failOn {
				continue
			}
			n++
			if len(names) < show {
				names = append(names, fmt.Sprintf("%s %s at %s", c.Impact, c.ID, c.Path))
			}
		}
	}
	s := strings.Join(names, ", ")
	if n > show {
		s += fmt.Sprintf(", and %d more", n-show)
	}
	return n, s
}

// bumpName is "a MAJOR bump", shifted down below 1.0.0.
func bumpName(from *semver.Version, bump compat.Impact) string {
	return "a " + strings.ToUpper(compat.EffectiveBump(from, bump).String()) + " bump"
}

// Combined is the verdict as one report: every change of every comparison,
// with the verdict's versions (contract publish prints it as its "gate").
func (v *Verdict) Combined(kind string) *compat.Report {
	r := &compat.Report{Kind: kind, Mode: v.Mode, Policy: v.Policy, From: v.From,
		RequiredBump: v.RequiredBump, Suggested: v.Suggested, Changes: []compat.Change{}}
	if v.VersionChecked {
		r.To = v.To
		ok := v.VersionOK
		r.VersionOK = &ok
	}
	for _, x := range v.Reports {
		r.Changes = append(r.Changes, x.Changes...)
	}
	compat.SortChanges(r.Changes)
	return r
}

// isSemver reports whether a declared version is semver proper
// (MAJOR.MINOR.PATCH, an optional leading v): a date such as Stripe's
// "2022-11-15" would otherwise be read as 2022.0.0-11-15.
func isSemver(s string) bool {
	_, err := semver.StrictNewVersion(strings.TrimPrefix(s, "v"))
	return err == nil
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
