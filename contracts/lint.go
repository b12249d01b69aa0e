package contracts

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/dsctl/dsctl/internal/fsx"

	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Severity of a lint finding.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
)

// Rule is one lint rule: an id to silence it by, and the practice it teaches.
type Rule struct {
	ID       string `json:"id"`
	Severity string `json:"severity"`
	// Why explains the practice behind the rule.
	Why string `json:"why"`
}

// Rule ids. The package rules (schema-invalid, example-invalid, file-missing, api-invalid)
// cannot be silenced; the distributed-systems rules can, per event, with
// `lint: {ignore: [ID]}` on the event in contract.yaml.
const (
	RuleFileMissing    = "file-missing"
	RuleSchemaInvalid  = "schema-invalid"
	RuleExampleInvalid = "example-invalid"
	RuleExampleMissing = "example-missing"
	RulePastTense      = "event-name-past-tense"
	RuleEventID        = "event-id-missing"
	RuleIntegerID      = "id-integer"
	RuleOccurredAt     = "occurred-at-missing"
	RuleEntityVersion  = "entity-version-missing"
	RuleSchemaID       = "schema-id"
	RuleAPIInvalid     = "api-invalid"
	// The consumes rules: a reader schema that accepts nothing, and (checked
	// against the store by contracts/consumers) a producer the store lacks or
	// whose pinned version sends events the reader schema rejects.
	RuleReaderUnsatisfiable = "consumes-unsatisfiable"
	RuleReaderIncompatible  = "consumes-incompatible"
	RuleProducerMissing     = "consumes-producer-missing"
	RuleConsumesUnchecked   = "consumes-unchecked"
)

// Rules lists every lint rule, in report order.
var Rules = []Rule{
	{RuleFileMissing, SeverityError, "every file contract.yaml names must exist in the package"},
	{RuleSchemaInvalid, SeverityError, "every event schema must be valid JSON Schema and compile"},
	{RuleExampleInvalid, SeverityError, "every example must validate against its event's schema: examples are the first thing consumers copy"},
	{RuleExampleMissing, SeverityWarning, "an example per event shows consumers a real message and is checked against the schema"},
	{RulePastTense, SeverityError, "an event states a fact that already happened, so its name is in the past tense (OrderPlaced, not PlaceOrder); an imperative name is a command, which asks one service to act and belongs in its API, not in the events it publishes"},
	{RuleEventID, SeverityError, "messaging delivers at least once, so every event needs a unique id made by the producer (eventId: string, format uuid) for consumers to drop duplicates and stay idempotent"},
	{RuleIntegerID, SeverityError, "an integer id is usually a database auto-increment: it ties the record to one database and clashes across shards, regions and services; use a location-independent id (a UUID or another string key)"},
	{RuleOccurredAt, SeverityError, "events arrive late and out of order; occurredAt (string, format date-time) records when the fact happened, apart from when it was delivered"},
	{RuleEntityVersion, SeverityError, "to reconcile out-of-order or repeated events a consumer needs the entity's version or a sequence number (an integer such as orderVersion or sequence) and keeps the highest it has seen, so applying events commutes"},
	{RuleSchemaID, SeverityError, "a schema's $id names it independently of where the file lies; it should carry the package name and the major version (…/NAME/vMAJOR/…), so two majors can be used side by side"},
	{RuleAPIInvalid, SeverityError, "every API spec must be a valid OpenAPI document (its $refs inside the package): consumers generate their clients and DTOs from it"},
	{RuleReaderUnsatisfiable, SeverityError, "a reader schema (consumes:) says what the consumer relies on; one that accepts no instance rejects every event"},
	{RuleReaderIncompatible, SeverityError, "the producer version a consumes: range pins in the store must send only events the reader schema accepts, or the consumer breaks on the first one"},
	{RuleProducerMissing, SeverityWarning, "a consumes: entry should name a package, version range and event the store has, or no producer can be checked against it"},
	{RuleConsumesUnchecked, SeverityWarning, "consumes: entries are checked against the producer in the store; when the store cannot be read they are not"},
}

// RuleByID returns the rule with the given id.
func RuleByID(id string) (Rule, bool) {
	for _, r := range Rules {
		if r.ID == id {
			return r, true
		}
	}
	return Rule{}, false
}

// silenceable rules may be listed in an event's lint.ignore.
var silenceable = map[string]bool{
	RuleExampleMissing: true, RulePastTense: true, RuleEventID: true, RuleIntegerID: true,
	RuleOccurredAt: true, RuleEntityVersion: true, RuleSchemaID: true,
}

// Finding is one lint finding.
type Finding struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Event    string `json:"event,omitempty"`
	File     string `json:"file"`
	Line     int    `json:"line,omitempty"`
	Column   int    `json:"column,omitempty"`
	// Pointer locates the finding inside a JSON file ("#/properties/id").
	Pointer string `json:"pointer,omitempty"`
	Message string `json:"message"`
}

// Position formats file:line, or file:line:column when the column is known.
func (f Finding) Position() string {
	if f.Line > 0 && f.Column > 0 {
		return fmt.Sprintf("%s:%d:%d", f.File, f.Line, f.Column)
	}
	if f.Line > 0 {
		return fmt.Sprintf("%s:%d", f.File, f.Line)
	}
	return f.File
}

// LintReport is the result of linting one package.
type LintReport struct {
	Name     string    `json:"name"`
	Version  string    `json:"version"`
	Findings []Finding `json:"findings"`
	Errors   int       `json:"errors"`
	Warnings int       `json:"warnings"`
}

// Failed reports whether the package has lint errors.
func (r *LintReport) Failed() bool { return r.Errors > 0 }

// Lint checks the package: every schema compiles, every example validates,
// and the distributed-systems rules hold for every event unless silenced.
// Problems with the package are findings; only unreadable input is an error.
func Lint(c *Contract) (*LintReport, error) {
	r := &LintReport{Name: c.Name, Version: c.Version, Findings: []Finding{}}
	schemas, err := c.Schemas()
	if err != nil {
		return nil, err
	}
	manifest := c.File(FileName)
	for i := range c.Events {
		e := &c.Events[i]
		ignored := map[string]bool{}
		for _, id := range e.Lint.Ignore {
			if !silenceable[id] {
				if _, known := RuleByID(id); known {
					return nil, errkind.InputAt(manifest, e.Line, e.Column, fmt.Errorf("event %s: rule %s cannot be silenced", e.Name, id))
				}
				return nil, errkind.InputAt(manifest, e.Line, e.Column, fmt.Errorf("event %s: unknown lint rule %q in lint.ignore", e.Name, id))
			}
			ignored[id] = true
		}
		add := func(f Finding) {
			if ignored[f.Rule] {
				return
			}
			rule, _ := RuleByID(f.Rule)
			f.Severity = rule.Severity
			f.Event = e.Name
			r.Findings = append(r.Findings, f)
		}
		lintEventName(e, manifest, add)
		data, err := fsx.ReadLimited(c.FS, e.Schema, MaxFileSize)
		if err != nil {
			add(Finding{Rule: RuleFileMissing, File: manifest, Line: e.Line, Column: e.Column, Message: fmt.Sprintf("schema %s: %v", e.Schema, fsx.PathCause(err))})
			continue
		}
		sch, err := schemas.Compile(e.Schema)
		if err != nil {
			f := Finding{Rule: RuleSchemaInvalid, File: c.File(e.Schema), Message: err.Error()}
			if ke, ok := err.(*errkind.Error); ok && ke.Err != nil {
				f.Message = ke.Err.Error()
				if ke.File != "" {
					f.File, f.Line, f.Column = ke.File, ke.Line, ke.Column
				}
			}
			add(f)
			continue
		}
		var doc map[string]any
		if err := json.Unmarshal(data, &doc); err == nil {
			lintSchema(c, e, data, doc, add)
		}
		if len(e.Examples) == 0 {
			add(Finding{Rule: RuleExampleMissing, File: manifest, Line: e.Line, Column: e.Column, Message: fmt.Sprintf("event %s has no example; add one under examples: so consumers see a real message and lint checks it against the schema", e.Name)})
		}
		for _, ex := range e.Examples {
			exData, err := fsx.ReadLimited(c.FS, ex, MaxFileSize)
			if err != nil {
				add(Finding{Rule: RuleFileMissing, File: manifest, Line: e.Line, Column: e.Column, Message: fmt.Sprintf("example %s: %v", ex, fsx.PathCause(err))})
				continue
			}
			if err := checkJSON(c.File(ex), exData); err != nil {
				se := err.(*jsonSyntaxError)
				add(Finding{Rule: RuleExampleInvalid, File: se.file, Line: se.line, Column: se.col, Message: "not valid JSON: " + se.msg})
				continue
			}
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(exData))
			if err != nil {
				add(Finding{Rule: RuleExampleInvalid, File: c.File(ex), Message: fmt.Sprintf("not valid JSON: %v", err)})
				continue
			}
			for _, v := range Validate(sch, inst) {
				add(Finding{Rule: RuleExampleInvalid, File: c.File(ex), Line: jsonLine(exData, v.Pointer), Pointer: "#" + v.Pointer,
					Message: fmt.Sprintf("does not match the %s schema at %s: %s", e.Name, orRoot(v.Pointer), v.Message)})
			}
		}
	}
	for _, a := range c.APIs {
		if _, err := fs.Stat(c.FS, a.Spec); err != nil {
			rule, _ := RuleByID(RuleFileMissing)
			r.Findings = append(r.Findings, Finding{Rule: RuleFileMissing, Severity: rule.Severity, File: manifest, Line: a.Line, Column: a.Column,
				Message: fmt.Sprintf("API %s: spec %s: %v", a.Name, a.Spec, fsx.PathCause(err))})
		}
	}
	lintConsumes(c, schemas, r)
	r.finish()
	return r, nil
}

// finish sorts the findings and counts them.
func (r *LintReport) finish() {
	sort.SliceStable(r.Findings, func(i, j int) bool {
		a, b := r.Findings[i], r.Findings[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Rule < b.Rule
	})
	r.Errors, r.Warnings = 0, 0
	for _, f := range r.Findings {
		if f.Severity == SeverityError {
			r.Errors++
		} else {
			r.Warnings++
		}
	}
}

// LintWith is Lint, and also loads every API spec with the engine of its
// kind ("openapi") among engines: a spec that does not parse or is not a
// valid OpenAPI document is an api-invalid finding at its file:line:column.
func LintWith(ctx context.Context, c *Contract, engines []compat.Engine) (*LintReport, error) {
	r, err := Lint(c)
	if err != nil {
		return nil, err
	}
	var eng compat.Engine
	for _, e := range engines {
		if e.Kind() == "openapi" {
			eng = e
		}
	}
	if eng == nil || len(c.APIs) == 0 {
		return r, nil
	}
	rule, _ := RuleByID(RuleAPIInvalid)
	for _, a := range c.APIs {
		if _, err := fs.Stat(c.FS, a.Spec); err != nil {
			continue // file-missing, above
		}
		src := compat.Source{Name: c.File(a.Spec), FS: c.FS, Path: a.Spec, Display: c.File}
		// Comparing the spec with itself loads and validates it, $refs included.
		_, err := eng.Diff(ctx, src, src, compat.Options{Mode: compat.Backward, Policy: compat.Strict})
		if err == nil {
			continue
		}
		if errkind.Of(err) != errkind.Input {
			return nil, fmt.Errorf("API %s: %w", a.Name, err)
		}
		f := Finding{Rule: RuleAPIInvalid, Severity: rule.Severity, File: c.File(a.Spec), Message: fmt.Sprintf("API %s: %v", a.Name, err)}
		var ke *errkind.Error
		if errors.As(err, &ke) && ke.Err != nil {
			f.Message = fmt.Sprintf("API %s: %s", a.Name, oneLine(ke.Err.Error()))
			if ke.File != "" {
				f.File, f.Line, f.Column = ke.File, ke.Line, ke.Column
			}
		}
		r.Findings = append(r.Findings, f)
	}
	r.finish()
	return r, nil
}

func orRoot(p string) string {
	if p == "" {
		return "the top level"
	}
	return p
}

// irregular past forms (and participles) that do not end in -ed.
var irregularPast = map[string]bool{
	"Paid": true, "Sent": true, "Sold": true, "Bought": true, "Built": true, "Made": true, "Done": true,
	"Undone": true, "Given": true, "Taken": true, "Written": true, "Rewritten": true, "Begun": true,
	"Found": true, "Lost": true, "Held": true, "Left": true, "Met": true, "Read": true, "Set": true,
	"Reset": true, "Put": true, "Won": true, "Broken": true, "Chosen": true, "Frozen": true, "Spent": true,
	"Brought": true, "Caught": true, "Kept": true, "Split": true, "Withdrawn": true, "Drawn": true,
	"Shown": true, "Known": true, "Grown": true, "Thrown": true, "Hidden": true, "Forgotten": true,
	"Overridden": true, "Seen": true, "Cut": true, "Shut": true, "Run": true, "Rerun": true, "Quit": true,
	"Lent": true, "Dealt": true, "Bound": true, "Struck": true, "Stolen": true, "Sworn": true, "Torn": true,
	"Worn": true, "Woken": true, "Risen": true, "Fallen": true, "Forgiven": true, "Mistaken": true,
	"Understood": true, "Upheld": true, "Rebuilt": true, "Resent": true, "Resold": true, "Repaid": true,
	"Prepaid": true, "Overpaid": true, "Underpaid": true, "Outbid": true, "Bid": true, "Hit": true, "Fed": true,
	"Led": true, "Fled": true, "Sped": true, "Shed": true, "Told": true, "Said": true, "Laid": true,
}

var camelWordRE = regexp.MustCompile(`[A-Z][a-z0-9]*|[a-z0-9]+`)

// lastWord returns the last word of an UpperCamelCase name.
func lastWord(name string) string {
	ws := camelWordRE.FindAllString(name, -1)
	if len(ws) == 0 {
		return name
	}
	return ws[len(ws)-1]
}

// IsPastTense reports whether an event name ends with a past-tense verb.
func IsPastTense(name string) bool {
	w := lastWord(name)
	if w == "" || !unicode.IsUpper(rune(w[0])) {
		return false
	}
	return strings.HasSuffix(w, "ed") || irregularPast[w]
}

func lintEventName(e *Event, manifest string, add func(Finding)) {
	if IsPastTense(e.Name) {
		return
	}
	add(Finding{Rule: RulePastTense, File: manifest, Line: e.Line, Column: e.Column, Message: fmt.Sprintf(
		"event %s: name it in the past tense, after the fact it records (for example %s); an imperative name is a command, which belongs in an API, not in the events a service publishes", e.Name, suggestPast(e.Name))})
}

// suggestPast turns "PlaceOrder" into "OrderPlaced" and "OrderCreate" into "OrderCreated", roughly.
func suggestPast(name string) string {
	ws := camelWordRE.FindAllString(name, -1)
	if len(ws) == 0 {
		return name + "Happened"
	}
	past := func(v string) string {
		switch {
		case strings.HasSuffix(v, "e"):
			return v + "d"
		case strings.HasSuffix(v, "y") && len(v) > 2 && !strings.ContainsRune("aeiou", rune(v[len(v)-2])):
			return v[:len(v)-1] + "ied"
		default:
			return v + "ed"
		}
	}
	if len(ws) > 1 {
		// A leading verb (PlaceOrder): move it to the end.
		return strings.Join(ws[1:], "") + past(ws[0])
	}
	return ws[0] + "Happened"
}

// topProperties returns the properties of the schema's top level, following
// a local $ref on the root and the members of a root allOf, and the required names.
func topProperties(doc map[string]any) (map[string]map[string]any, map[string]string, map[string]bool) {
	props := map[string]map[string]any{}
	where := map[string]string{}
	required := map[string]bool{}
	var visit func(s map[string]any, ptr string, depth int)
	visit = func(s map[string]any, ptr string, depth int) {
		if s == nil || depth > 8 {
			return
		}
		if ref, ok := s["$ref"].(string); ok {
			if t, tptr := localRef(doc, ref); t != nil {
				visit(t, tptr, depth+1)
			}
		}
		if ps, ok := s["properties"].(map[string]any); ok {
			for k, v := range ps {
				if m, ok := v.(map[string]any); ok {
					if _, seen := props[k]; !seen {
						props[k] = derefLocal(doc, m)
						where[k] = ptr + "/properties/" + escPtr(k)
					}
				}
			}
		}
		if rs, ok := s["required"].([]any); ok {
			for _, r := range rs {
				if n, ok := r.(string); ok {
					required[n] = true
				}
			}
		}
		if all, ok := s["allOf"].([]any); ok {
			for i, m := range all {
				if mm, ok := m.(map[string]any); ok {
					visit(mm, fmt.Sprintf("%s/allOf/%d", ptr, i), depth+1)
				}
			}
		}
	}
	visit(doc, "#", 0)
	return props, where, required
}

func escPtr(s string) string { return strings.NewReplacer("~", "~0", "/", "~1").Replace(s) }

func localRef(doc map[string]any, ref string) (map[string]any, string) {
	if !strings.HasPrefix(ref, "#/") {
		return nil, ""
	}
	var cur any = doc
	for _, t := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		t = strings.NewReplacer("~1", "/", "~0", "~").Replace(t)
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, ""
		}
		cur = m[t]
	}
	m, _ := cur.(map[string]any)
	return m, ref
}

func derefLocal(doc, s map[string]any) map[string]any {
	for i := 0; i < 8; i++ {
		ref, ok := s["$ref"].(string)
		if !ok {
			return s
		}
		t, _ := localRef(doc, ref)
		if t == nil {
			return s
		}
		s = t
	}
	return s
}

func hasType(s map[string]any, t string) bool {
	switch v := s["type"].(type) {
	case string:
		return v == t
	case []any:
		for _, x := range v {
			if x == t {
				return true
			}
		}
	}
	return false
}

func lintSchema(c *Contract, e *Event, data []byte, doc map[string]any, add func(Finding)) {
	file := c.File(e.Schema)
	at := func(rule, ptr, msg string) {
		add(Finding{Rule: rule, File: file, Line: jsonLine(data, ptr), Pointer: ptr, Message: msg})
	}
	props, where, required := topProperties(doc)
	// Missing properties are reported where the properties are listed.
	propsAt := "#"
	if _, ok := doc["properties"].(map[string]any); ok {
		propsAt = "#/properties"
	}

	// Idempotence: a unique, producer-made event id.
	idOK := false
	for _, name := range []string{"eventId", "id", "messageId", "event_id"} {
		p, ok := props[name]
		if ok && required[name] && hasType(p, "string") && p["format"] == "uuid" {
			idOK = true
			break
		}
	}
	if !idOK {
		at(RuleEventID, propsAt, fmt.Sprintf("event %s has no unique event id: add a required property eventId {type: string, format: uuid}, generated by the producer, so consumers can drop the duplicates at-least-once delivery brings", e.Name))
	}
	// When it happened.
	if p, ok := props["occurredAt"]; !ok || !hasType(p, "string") || p["format"] != "date-time" || !required["occurredAt"] {
		ptr := propsAt
		if ok {
			ptr = where["occurredAt"]
		}
		at(RuleOccurredAt, ptr, fmt.Sprintf("event %s needs a required occurredAt {type: string, format: date-time}: when the fact happened, which consumers use to order late and out-of-order events", e.Name))
	}
	// An entity version or sequence.
	verOK := false
	for name, p := range props {
		l := strings.ToLower(name)
		if (strings.HasSuffix(l, "version") || strings.HasSuffix(l, "sequence") || l == "seq" || strings.HasSuffix(l, "revision")) && hasType(p, "integer") {
			verOK = true
			break
		}
	}
	if !verOK {
		at(RuleEntityVersion, propsAt, fmt.Sprintf("event %s carries no entity version or sequence: add an integer such as %sVersion or sequence, so a consumer can keep the highest it has seen and ignore stale or repeated events", e.Name, entityOf(e.Name)))
	}
	// Location-independent identifiers, anywhere in the schema.
	walkSchema(doc, "#", 0, func(name, ptr string, s map[string]any) {
		if isIDName(name) && hasType(s, "integer") {
			at(RuleIntegerID, ptr, fmt.Sprintf("%s is an integer id: an auto-increment number ties the record to one database and collides across shards and services; use a string (a UUID, or a prefixed key)", name))
		}
	})
	// $id with the package name and major version.
	id, _ := doc["$id"].(string)
	major := fmt.Sprintf("v%d", c.SemVer().Major())
	switch {
	case id == "":
		at(RuleSchemaID, "#", fmt.Sprintf("schema has no $id; give it one that carries the package name and major version, such as https://contracts.example.com/%s/%s/%s", c.Name, major, baseName(e.Schema)))
	case !idHasSegments(id, c.Name, major):
		at(RuleSchemaID, "#/$id", fmt.Sprintf("$id %q should carry the package name %q and the major version %q as path segments (…/%s/%s/…), so schemas of two majors can live side by side", id, c.Name, major, c.Name, major))
	}
}

func baseName(p string) string {
	if i := strings.LastIndex(p, "/"); i >= 0 {
		return p[i+1:]
	}
	return p
}

func idHasSegments(id, name, major string) bool {
	segs := strings.FieldsFunc(id, func(r rune) bool { return r == '/' || r == ':' || r == '#' })
	hasName, hasMajor := false, false
	for i, s := range segs {
		if s == name {
			hasName = true
			if i+1 < len(segs) && segs[i+1] == major {
				hasMajor = true
			}
		}
		if s == major {
			hasMajor = true
		}
	}
	return hasName && hasMajor
}

func entityOf(event string) string {
	ws := camelWordRE.FindAllString(event, -1)
	if len(ws) > 1 {
		return strings.ToLower(ws[0][:1]) + ws[0][1:]
	}
	return "entity"
}

func isIDName(n string) bool {
	return n == "id" || n == "ID" || strings.HasSuffix(n, "Id") || strings.HasSuffix(n, "ID") || strings.HasSuffix(n, "_id")
}

// walkSchema calls fn for every named property schema reachable in s.
func walkSchema(s map[string]any, ptr string, depth int, fn func(name, ptr string, s map[string]any)) {
	if depth > 64 {
		return
	}
	if ps, ok := s["properties"].(map[string]any); ok {
		keys := sortedKeys(ps)
		for _, k := range keys {
			if m, ok := ps[k].(map[string]any); ok {
				p := ptr + "/properties/" + escPtr(k)
				fn(k, p, m)
				walkSchema(m, p, depth+1, fn)
			}
		}
	}
	for _, kw := range []string{"$defs", "definitions", "patternProperties", "dependentSchemas"} {
		if ds, ok := s[kw].(map[string]any); ok {
			for _, k := range sortedKeys(ds) {
				if m, ok := ds[k].(map[string]any); ok {
					walkSchema(m, ptr+"/"+kw+"/"+escPtr(k), depth+1, fn)
				}
			}
		}
	}
	for _, kw := range []string{"items", "additionalProperties", "not", "if", "then", "else", "contains"} {
		if m, ok := s[kw].(map[string]any); ok {
			walkSchema(m, ptr+"/"+kw, depth+1, fn)
		}
	}
	for _, kw := range []string{"allOf", "anyOf", "oneOf", "prefixItems"} {
		if arr, ok := s[kw].([]any); ok {
			for i, x := range arr {
				if m, ok := x.(map[string]any); ok {
					walkSchema(m, fmt.Sprintf("%s/%s/%d", ptr, kw, i), depth+1, fn)
				}
			}
		}
	}
}

func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
