// Package compat holds the change model shared by every compatibility engine
// (JSON Schema for events, OpenAPI for APIs): what a change is, how much of a
// version bump it needs, and the version gate that turns a list of changes and
// a declared version into a verdict.
//
// The engines live in sub-packages (compat/jsonschema, compat/openapi) and
// return []Change; this package never looks at schemas itself.
package compat

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Impact is how large a version bump a change needs.
type Impact int

// Impacts, ordered so that a larger value needs a larger bump.
const (
	// None means no difference at all.
	None Impact = iota
	// Patch is an annotation-only change (title, description, examples, $comment).
	Patch
	// Minor is a compatible change to what the contract accepts or offers.
	Minor
	// Major is a change that breaks the compatibility mode.
	Major
)

var impactNames = [...]string{"none", "patch", "minor", "major"}

// String returns "none", "patch", "minor" or "major".
func (i Impact) String() string {
	if i < None || i > Major {
		return fmt.Sprintf("impact(%d)", int(i))
	}
	return impactNames[i]
}

// ParseImpact parses "none", "patch", "minor" or "major".
func ParseImpact(s string) (Impact, error) {
	for i, n := range impactNames {
		if strings.EqualFold(s, n) {
			return Impact(i), nil
		}
	}
	return None, fmt.Errorf("unknown impact %q (want none, patch, minor or major)", s)
}

// MarshalText encodes the impact as its name.
func (i Impact) MarshalText() ([]byte, error) { return []byte(i.String()), nil }

// UnmarshalText decodes an impact name.
func (i *Impact) UnmarshalText(b []byte) error {
	v, err := ParseImpact(string(b))
	if err != nil {
		return err
	}
	*i = v
	return nil
}

// Mode is a compatibility mode, with Confluent's meaning.
type Mode string

// Compatibility modes.
const (
	// Backward: every instance valid under OLD is valid under NEW (consumers upgrade first).
	Backward Mode = "backward"
	// Forward: every instance valid under NEW is valid under OLD (producers upgrade first).
	Forward Mode = "forward"
	// Full: both backward and forward.
	Full Mode = "full"
	// BackwardTransitive: backward against every earlier version given.
	BackwardTransitive Mode = "backward-transitive"
	// ForwardTransitive: forward against every earlier version given.
	ForwardTransitive Mode = "forward-transitive"
	// FullTransitive: full against every earlier version given.
	FullTransitive Mode = "full-transitive"
	// NoneMode reports changes but never fails.
	NoneMode Mode = "none"
	// Flow judges each message of an AsyncAPI document in the direction it
	// flows: forward for what the application sends, backward for what it
	// receives. It is what an AsyncAPI check uses when no mode is given; it
	// is not a --mode value.
	Flow Mode = "flow"
)

// Modes lists every mode in help order.
var Modes = []Mode{Backward, Forward, Full, BackwardTransitive, ForwardTransitive, FullTransitive, NoneMode}

// ParseMode parses a mode name.
func ParseMode(s string) (Mode, error) {
	for _, m := range Modes {
		if strings.EqualFold(s, string(m)) {
			return m, nil
		}
	}
	return "", fmt.Errorf("unknown compatibility mode %q (want one of %s)", s, joinModes())
}

func joinModes() string {
	s := make([]string, len(Modes))
	for i, m := range Modes {
		s[i] = string(m)
	}
	return strings.Join(s, ", ")
}

// Transitive reports whether the mode checks against every earlier version.
func (m Mode) Transitive() bool { return strings.HasSuffix(string(m), "-transitive") }

// Base returns the mode without "-transitive".
func (m Mode) Base() Mode { return Mode(strings.TrimSuffix(string(m), "-transitive")) }

// Policy is how strictly open content models are judged.
type Policy string

// Policies.
const (
	// Strict is Confluent's default.
	Strict Policy = "strict"
	// Lenient lets open content models gain optional properties and narrow additionalProperties.
	Lenient Policy = "lenient"
)

// Location is a position in a source file; Line and Column are 1-based, 0 when unknown.
type Location struct {
	File   string `json:"file"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
}

// String formats the location as file:line:column.
func (l *Location) String() string {
	if l == nil {
		return ""
	}
	s := l.File
	if l.Line > 0 {
		s += fmt.Sprintf(":%d", l.Line)
		if l.Column > 0 {
			s += fmt.Sprintf(":%d", l.Column)
		}
	}
	return s
}

// Change is one difference between two versions of a contract.
type Change struct {
	// ID is a stable kebab-case rule id, such as "property-removed".
	ID string `json:"id"`
	// Path is a JSON pointer (for schemas, "#/properties/total") or an API path
	// and operation (for OpenAPI, "GET /orders/{id}").
	Path string `json:"path"`
	// Impact is the bump this change needs in the report's mode.
	Impact Impact `json:"impact"`
	// Breaking is true when the change breaks the report's mode (Impact == Major).
	Breaking bool `json:"breaking"`
	// Message explains the change to a person.
	Message string `json:"message"`
	// Location points at the change in NEW (or in OLD for removals).
	Location *Location `json:"location,omitempty"`
	// Operations lists the API operations a shared-schema change affects (OpenAPI only).
	Operations []string `json:"operations,omitempty"`
	// Waived holds the reason when a compat.ignore entry matched; a waived change
	// does not count towards the required bump.
	Waived string `json:"waived,omitempty"`
	// Against names the earlier version compared with, in transitive modes.
	Against string `json:"against,omitempty"`
	// Breaks names the directions the change breaks ("backward", "forward"),
	// set by engines that check each direction apart (OpenAPI in the forward
	// and full modes); empty otherwise.
	Breaks []Mode `json:"breaks,omitempty"`
	// Witness is a small example instance that shows a major change can be
	// verified by a reviewer: OLD accepts it and NEW rejects it (backward), or
	// NEW accepts it and OLD rejects it (forward). Set by engines that search
	// for one (the JSON Schema engine); nil otherwise.
	Witness json.RawMessage `json:"witness,omitempty"`
	// NoWitness says why a major change carries no witness (for example "no
	// witness found within the search budget"); empty when Witness is set or
	// the engine does not search.
	NoWitness string `json:"noWitness,omitempty"`
}

// RequiredBump returns the largest impact among the changes that are not waived.
func RequiredBump(changes []Change) Impact {
	b := None
	for _, c := range changes {
		if c.Waived != "" {
			continue
		}
		if c.Impact > b {
			b = c.Impact
		}
	}
	return b
}

// SortChanges orders changes by location file, line, column, then path and id,
// so reports are deterministic.
func SortChanges(cs []Change) {
	sort.SliceStable(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		af, bf := locKey(a.Location), locKey(b.Location)
		if af.File != bf.File {
			return af.File < bf.File
		}
		if af.Line != bf.Line {
			return af.Line < bf.Line
		}
		if af.Column != bf.Column {
			return af.Column < bf.Column
		}
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.ID != b.ID {
			return a.ID < b.ID
		}
		return a.Message < b.Message
	})
}

func locKey(l *Location) Location {
	if l == nil {
		return Location{}
	}
	return *l
}

// Report is the result of one compatibility check; its JSON shape is the one in DESIGN.md.
type Report struct {
	Kind         string `json:"kind"`
	Mode         Mode   `json:"mode"`
	Policy       Policy `json:"policy"`
	Old          string `json:"old,omitempty"`
	New          string `json:"new,omitempty"`
	RequiredBump Impact `json:"requiredBump"`
	From         string `json:"from,omitempty"`
	To           string `json:"to,omitempty"`
	Suggested    string `json:"suggested,omitempty"`
	VersionOK    *bool  `json:"versionOk,omitempty"`
	FailOn       Impact `json:"-"`
	// Dialects names the JSON Schema draft each side was read as (JSON
	// Schema reports only).
	Dialects *Dialects `json:"dialects,omitempty"`
	Changes  []Change  `json:"changes"`
}

// Dialects names the draft OLD and NEW were read as: "draft-07", or
// "2020-12 (no $schema: default)" for a schema without "$schema".
type Dialects struct {
	Old string `json:"old"`
	New string `json:"new"`
}

// MarshalJSON keeps "changes" an array even when empty.
func (r Report) MarshalJSON() ([]byte, error) {
	type plain Report
	p := plain(r)
	if p.Changes == nil {
		p.Changes = []Change{}
	}
	return json.Marshal(p)
}
