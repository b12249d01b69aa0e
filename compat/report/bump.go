package report

import "github.com/dsctl/dsctl/compat"

// Bump is what dsctl compat bump prints in json: the smallest version NEW
// can be released as (text prints it alone), and the changes that need it.
// Changes has the type it has in a check report (an array of changes), so
// a field name means the same thing in every compat command's JSON.
type Bump struct {
	Kind         string          `json:"kind"`
	Mode         compat.Mode     `json:"mode"`
	From         string          `json:"from"`
	RequiredBump compat.Impact   `json:"requiredBump"`
	Next         string          `json:"next"`
	Changes      []compat.Change `json:"changes"`
}

// NewBump returns the bump of reports: kind and mode name the comparison
// ("contract" for a package, whose reports are of several kinds), from the
// version the bump starts at, next the version the changes allow; Changes
// are every report's changes, in report order, never nil.
func NewBump(kind string, mode compat.Mode, from string, bump compat.Impact, next string, reports []*compat.Report) Bump {
	b := Bump{Kind: kind, Mode: mode, From: from, RequiredBump: bump, Next: next, Changes: []compat.Change{}}
	for _, r := range reports {
		b.Changes = append(b.Changes, r.Changes...)
		if b.Kind == "" {
			b.Kind = r.Kind
		}
	}
	return b
}

// Ungated returns copies of reports without a declared version and with
// nothing failing (FailOn none): what compat bump prints in the report
// formats, since bump never gates a version, it only names the next one
// (each report's Suggested).
func Ungated(reports []*compat.Report) []*compat.Report {
	out := make([]*compat.Report, len(reports))
	for i, r := range reports {
		c := *r
		c.To, c.VersionOK, c.FailOn = "", nil, compat.None
		out[i] = &c
	}
	return out
}
