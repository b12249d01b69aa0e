package openapi

import "github.com/dsctl/dsctl/compat"

// ruleImpact is the impact dsctl gives one oasdiff rule.
type ruleImpact struct {
	// Level is oasdiff's level for the rule: "error", "warning" or "info".
	Level string
	// Impact is the semver bump a finding of this rule needs.
	Impact compat.Impact
	// Reason says why, for the docs and for `go test -v`.
	Reason string
}

// overrides correct the impact derived from oasdiff's metadata where the
// metadata alone says too little. Each entry carries its reason.
var overrides = map[string]ruleImpact{
	// allOf members that only carry annotations (title, description) change nothing a client sees.
	"request-body-all-of-added-annotation-only":       {Impact: compat.Patch, Reason: "annotation-only allOf member"},
	"request-body-all-of-removed-annotation-only":     {Impact: compat.Patch, Reason: "annotation-only allOf member"},
	"request-property-all-of-added-annotation-only":   {Impact: compat.Patch, Reason: "annotation-only allOf member"},
	"request-property-all-of-removed-annotation-only": {Impact: compat.Patch, Reason: "annotation-only allOf member"},
	"response-body-all-of-added-annotation-only":      {Impact: compat.Patch, Reason: "annotation-only allOf member"},
	"response-body-all-of-removed-annotation-only":    {Impact: compat.Patch, Reason: "annotation-only allOf member"},
	"response-property-all-of-added-annotation-only":  {Impact: compat.Patch, Reason: "annotation-only allOf member"},
	"response-property-all-of-removed-annotation-only": {
		Impact: compat.Patch, Reason: "annotation-only allOf member",
	},
	// The version gate is dsctl's: these oasdiff rules are switched off, and
	// would only restate the gate's verdict if they ever appeared.
	"api-version-not-bumped":       {Impact: compat.Patch, Reason: "switched off: dsctl gates info.version"},
	"api-version-decreased":        {Impact: compat.Patch, Reason: "switched off: dsctl gates info.version"},
	"api-major-version-not-bumped": {Impact: compat.Patch, Reason: "switched off: dsctl gates info.version"},
	// oasdiff reports a changed operationId as removed (INFO: nothing changes
	// on the wire), but generated clients name their methods after it and
	// `dsctl gen dtos --operation ID` selects by it: major.
	"api-operation-id-removed": {Impact: compat.Major, Reason: "generated clients and dsctl gen dtos use the operationId"},
	// Removing a component schema no operation uses is invisible on the wire,
	// but generated clients lose a type: minor, not patch.
	"api-schema-removed": {Impact: compat.Minor, Reason: "generated clients lose a type"},
}

// switchedOff are oasdiff rules dsctl disables: the version gate is dsctl's.
var switchedOff = []string{"api-version-not-bumped", "api-version-decreased", "api-major-version-not-bumped"}

// Documentation ids dsctl adds for differences no oasdiff rule reports
// (descriptions, summaries, examples, extensions).
const (
	// DocumentationChangedID marks an operation whose documentation changed and nothing else.
	DocumentationChangedID = "api-documentation-changed"
	// DocumentChangedID marks a change outside the operations that no rule covers.
	DocumentChangedID = "api-document-changed"
)

// RuleImpact returns the impact of an oasdiff rule id and whether the id is known.
// An unknown id is Major: a rule dsctl has not mapped fails closed.
func RuleImpact(id string) (compat.Impact, bool) {
	if o, ok := overrides[id]; ok {
		return o.Impact, true
	}
	if r, ok := generatedRules[id]; ok {
		return r.Impact, true
	}
	switch id {
	case DocumentationChangedID, DocumentChangedID:
		return compat.Patch, true
	}
	return compat.Major, false
}
