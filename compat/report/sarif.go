package report

import (
	"encoding/json"
	"io"
	"sort"

	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/internal/output"
)

// SARIF prints a SARIF 2.1.0 log for code-scanning tools: one run whose
// tool.driver lists a rule for every change id used, and one result per change
// (level error for major, warning for minor, note for patch) located at the
// change's file (a relative URI) and line:column. A waived change carries an
// external suppression with its reason; a declared version that is too small
// is one more error result.
type SARIF struct {
	// RepoPrefix is the working folder's path from the repository root (see Options).
	RepoPrefix string
	// OnlyBreaking has a result for the major changes alone.
	OnlyBreaking bool
}

// SARIFSchema is the schema URI the log declares.
const SARIFSchema = "https://json.schemastore.org/sarif-2.1.0.json"

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool       sarifTool      `json:"tool"`
	Results    []sarifResult  `json:"results"`
	Properties map[string]any `json:"properties,omitempty"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID               string       `json:"id"`
	ShortDescription sarifMessage `json:"shortDescription"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID       string             `json:"ruleId"`
	RuleIndex    int                `json:"ruleIndex"`
	Level        string             `json:"level"`
	Message      sarifMessage       `json:"message"`
	Locations    []sarifLocation    `json:"locations,omitempty"`
	Suppressions []sarifSuppression `json:"suppressions,omitempty"`
	Properties   any                `json:"properties,omitempty"`
}

// sarifChangeProps are a change result's properties.
type sarifChangeProps struct {
	Impact     string   `json:"impact"`
	Breaking   bool     `json:"breaking"`
	Path       string   `json:"path,omitempty"`
	Operations []string `json:"operations,omitempty"`
	Against    string   `json:"against,omitempty"`
	Waived     string   `json:"waived,omitempty"`
	// Witness is a major change's example instance, as JSON; NoWitness says why there is none.
	Witness   json.RawMessage `json:"witness,omitempty"`
	NoWitness string          `json:"noWitness,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysical `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

type sarifLogical struct {
	FullyQualifiedName string `json:"fullyQualifiedName"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification,omitempty"`
}

// Print implements Printer.
func (s SARIF) Print(w io.Writer, reports []*compat.Report) error {
	failed := AnyFailed(reports)
	bump := MaxBump(reports)
	reports = filtered(reports, s.OnlyBreaking)
	ids := ruleIDs(reports)
	for _, r := range reports {
		if versionTooSmall(r) {
			ids = append(ids, VersionRuleID)
			sort.Strings(ids)
			break
		}
	}
	index := map[string]int{}
	rules := make([]sarifRule, len(ids))
	for i, id := range ids {
		index[id] = i
		text := RuleTitle(id)
		if id == VersionRuleID {
			text = "The declared version is too small for the changes"
		}
		rules[i] = sarifRule{ID: id, ShortDescription: sarifMessage{Text: text}}
	}
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:           "dsctl",
			InformationURI: "https://github.com/dsctl/dsctl",
			Rules:          rules,
		}},
		Results: []sarifResult{},
	}
	var verdicts []string
	for _, r := range reports {
		verdicts = append(verdicts, Verdict(r))
		for _, c := range r.Changes {
			res := sarifResult{
				RuleID:    c.ID,
				RuleIndex: index[c.ID],
				Level:     sarifLevel(c.Impact),
				Message:   sarifMessage{Text: c.Message},
				Properties: sarifChangeProps{
					Impact: c.Impact.String(), Breaking: c.Breaking, Path: c.Path,
					Operations: c.Operations, Against: c.Against, Waived: c.Waived,
				},
			}
			if c.Impact == compat.Major {
				props := res.Properties.(sarifChangeProps)
				if json.Valid(c.Witness) {
					props.Witness = c.Witness
				}
				props.NoWitness = c.NoWitness
				res.Properties = props
			}
			if len(c.Operations) > 0 {
				res.Message.Text += " (" + operationsSummary(c.Operations) + ")"
			}
			if at := annotationFor(c.Location, s.RepoPrefix); at.Note != "" {
				res.Message.Text += " (" + at.Note + ")"
			}
			if wl := witnessLine(r, c); wl != "" {
				res.Message.Text += "\n" + wl
			}
			if loc := sarifLocationFor(c, s.RepoPrefix); loc != nil {
				res.Locations = []sarifLocation{*loc}
			}
			if c.Waived != "" {
				res.Suppressions = []sarifSuppression{{Kind: "external", Justification: c.Waived}}
			}
			run.Results = append(run.Results, res)
		}
		if versionTooSmall(r) {
			res := sarifResult{
				RuleID:    VersionRuleID,
				RuleIndex: index[VersionRuleID],
				Level:     "error",
				Message:   sarifMessage{Text: Verdict(r)},
				Properties: map[string]any{
					"from": r.From, "to": r.To, "suggested": r.Suggested, "requiredBump": r.RequiredBump.String(),
				},
			}
			if f := repoPath(r.New, s.RepoPrefix); f != "" {
				res.Locations = []sarifLocation{{PhysicalLocation: &sarifPhysical{ArtifactLocation: sarifArtifact{URI: uriPath(f)}}}}
			}
			run.Results = append(run.Results, res)
		}
	}
	run.Properties = map[string]any{
		"requiredBump": bump.String(),
		"failed":       failed,
		"verdicts":     verdicts,
	}
	b, err := output.MarshalJSON(sarifLog{Schema: SARIFSchema, Version: "2.1.0", Runs: []sarifRun{run}})
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

func sarifLevel(i compat.Impact) string {
	switch i {
	case compat.Major:
		return "error"
	case compat.Minor:
		return "warning"
	}
	return "note"
}

func sarifLocationFor(c compat.Change, prefix string) *sarifLocation {
	var loc sarifLocation
	if at := annotationFor(c.Location, prefix); at.File != "" {
		p := &sarifPhysical{ArtifactLocation: sarifArtifact{URI: uriPath(at.File)}}
		if at.Line > 0 {
			p.Region = &sarifRegion{StartLine: at.Line, StartColumn: at.Column}
		}
		loc.PhysicalLocation = p
	}
	if c.Path != "" {
		loc.LogicalLocations = []sarifLogical{{FullyQualifiedName: c.Path}}
	}
	if loc.PhysicalLocation == nil && loc.LogicalLocations == nil {
		return nil
	}
	return &loc
}

// uriPath percent-encodes the characters a relative URI reference cannot hold
// as they are (space, %, #, ?) in a slash-separated path.
func uriPath(p string) string {
	const hex = "0123456789ABCDEF"
	var b []byte
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == ' ' || c == '%' || c == '#' || c == '?' || c < 0x20 || c >= 0x7f {
			b = append(b, '%', hex[c>>4], hex[c&15])
			continue
		}
		b = append(b, c)
	}
	return string(b)
}
