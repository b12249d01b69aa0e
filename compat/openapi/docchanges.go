package openapi

import (
	"sort"
	"strings"

	"github.com/dsctl/dsctl/compat"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oasdiff/oasdiff/diff"
)

// documentationChanges reports what oasdiff diffs but no rule judges:
// summaries, descriptions, examples, extensions. An operation that differs
// and has no finding gets one patch change (DocumentationChangedID); a
// difference elsewhere in the document, when nothing else was found, gets one
// (DocumentChangedID). A change of info.version alone is no change.
func documentationChanges(d *diff.Diff, findings []compat.Change, old, new compat.Source) []compat.Change {
	if d == nil {
		return nil
	}
	covered := coveredBy(findings)
	var out []compat.Change
	if d.PathsDiff != nil {
		paths := make([]string, 0, len(d.PathsDiff.Modified))
		for p := range d.PathsDiff.Modified {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		for _, p := range paths {
			pd := d.PathsDiff.Modified[p]
			if pd == nil {
				continue
			}
			reported := false
			if pd.OperationsDiff != nil {
				methods := make([]string, 0, len(pd.OperationsDiff.Modified))
				for m := range pd.OperationsDiff.Modified {
					methods = append(methods, m)
				}
				sort.Strings(methods)
				for _, m := range methods {
					op := strings.ToUpper(m) + " " + p
					if covered[op] {
						continue
					}
					md := pd.OperationsDiff.Modified[m]
					c := compat.Change{
						ID: DocumentationChangedID, Path: op, Impact: compat.Patch,
						Message: "documentation of " + op + " changed (summary, description, examples or extensions); no compatibility rule applies",
					}
					if md != nil && md.Revision != nil {
						c.Location = originLocation(md.Revision.Origin, new)
					}
					out = append(out, c)
					reported = true
				}
			}
			if !reported && !covered[p] && (pd.SummaryDiff != nil || pd.DescriptionDiff != nil || pd.ExtensionsDiff != nil) {
				c := compat.Change{
					ID: DocumentationChangedID, Path: p, Impact: compat.Patch,
					Message: "documentation of path " + p + " changed; no compatibility rule applies",
				}
				if pd.Revision != nil {
					c.Location = originLocation(pd.Revision.Origin, new)
				}
				out = append(out, c)
			}
		}
	}
	if len(findings) > 0 || len(out) > 0 {
		return out
	}
	var parts []string
	if d.InfoDiff != nil {
		info := *d.InfoDiff
		info.VersionDiff = nil
		if info != (diff.InfoDiff{}) {
			parts = append(parts, "info")
		}
	}
	for _, s := range []struct {
		name    string
		changed bool
	}{
		{"extensions", d.ExtensionsDiff != nil},
		{"servers", d.ServersDiff != nil},
		{"tags", d.TagsDiff != nil},
		{"externalDocs", d.ExternalDocsDiff != nil},
		{"components", d.ComponentsDiff != nil},
		{"webhooks", d.WebhooksDiff != nil},
		{"paths", d.PathsDiff != nil},
		{"openapi", d.OpenAPIDiff != nil},
	} {
		if s.changed {
			parts = append(parts, s.name)
		}
	}
	if len(parts) == 0 {
		return nil
	}
	return []compat.Change{{
		ID: DocumentChangedID, Path: "#", Impact: compat.Patch,
		Message: "the document changed (" + strings.Join(parts, ", ") + ") in ways no compatibility rule covers",
	}}
}

// coveredBy returns the operations ("GET /orders") and paths ("/orders") the
// changes are about, by their paths and operations.
func coveredBy(changes []compat.Change) map[string]bool {
	covered := map[string]bool{}
	cover := func(op string) {
		covered[op] = true
		if _, p, ok := strings.Cut(op, " "); ok {
			covered[p] = true
		}
	}
	for _, c := range changes {
		cover(c.Path)
		for _, op := range c.Operations {
			cover(op)
		}
	}
	return covered
}

// uncoveredDocs keeps the documentation changes of the backward run that the
// changes of both runs leave uncovered: the same documentationChanges would
// have returned given them all.
func uncoveredDocs(docs, changes []compat.Change) []compat.Change {
	covered := coveredBy(changes)
	var out []compat.Change
	for _, c := range docs {
		switch {
		case c.ID == DocumentChangedID && len(changes) > 0:
		case c.ID == DocumentationChangedID && covered[c.Path]:
		default:
			out = append(out, c)
		}
	}
	return out
}

// originLocation turns a kin-openapi origin into a location in src.
func originLocation(o *openapi3.Origin, src compat.Source) *compat.Location {
	if o == nil || o.Key == nil || o.Key.File == "" {
		return nil
	}
	return &compat.Location{File: src.DisplayPath(o.Key.File), Line: o.Key.Line, Column: o.Key.Column}
}
