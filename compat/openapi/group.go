package openapi

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dsctl/dsctl/compat"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oasdiff/oasdiff/checker"
)

// groupKey identifies one change however many operations report it: the rule,
// where the change is made, the arguments of its message and its details.
type groupKey struct {
	id      string
	loc     compat.Location
	side    byte
	args    string
	details string
}

// groupEntry is the change being built for a key.
type groupEntry struct {
	finding checker.Change
	loc     *compat.Location
	ops     map[string]bool
	level   checker.Level
}

// localizer renders oasdiff messages in English; built once.
var localizer = checker.NewDefaultLocalizer()

// group turns oasdiff's findings into dsctl changes: one change per rule id,
// location and message arguments, with every operation that reported it in
// Operations. A change in a component schema that a hundred operations reach
// is reported once, at the component's file:line, listing the hundred.
//
// The key is the rule id and the location (side, file, line, column); the
// message arguments, which name the operation's own view of the change (the
// property path from its payload, the status code), are part of the key only
// when the finding has no line.
//
// expand, when not nil, lists for a finding (by index) the other operations
// it stands for (see checkDeduped).
//
// A finding oasdiff gives no location is placed at its operation (in NEW,
// else in OLD), so annotations still land near it.
//
// The findings come from either direction: swapped says they come from a run
// with NEW as oasdiff's base and OLD as its revision (the forward check).
// Locations are in NEW where the finding has a source there, else in OLD,
// whichever the direction. group also returns, for each change, the side its
// location is in: 'n' (NEW), 'o' (OLD) or 0 (none).
//
// The forward run leaves out the rules that judge a document's own lifecycle
// metadata (sunset dates, stability levels): run swapped they would judge
// OLD's, as if OLD were the later version.
func group(findings checker.Changes, expand map[int][]string, old, new compat.Source, s1, s2 *openapi3.T, oldIdx, newIdx pointerIndex, swapped bool) ([]compat.Change, []byte) {
	entries := map[groupKey]*groupEntry{}
	var order []groupKey
	for i, f := range findings {
		id := f.GetId()
		if slices.Contains(switchedOff, id) || swapped && lifecyclePolicy(id) {
			continue
		}
		loc, side := locate(f, old, new, swapped)
		k := groupKey{id: id, side: side}
		if loc != nil {
			k.loc = *loc
		}
		if loc == nil || loc.Line == 0 {
			k.args, k.details = argsKey(f.GetArgs()), detailsOf(f)
			if l, sd := operationLocation(f, old, new, s1, s2); l != nil {
				loc, k.loc, k.side = l, *l, sd
			}
		}
		e, ok := entries[k]
		if !ok {
			e = &groupEntry{finding: f, loc: loc, ops: map[string]bool{}, level: f.GetLevel()}
			entries[k] = e
			order = append(order, k)
		}
		if f.GetLevel() > e.level {
			e.level = f.GetLevel()
		}
		// The message is that of the first operation, whatever order the
		// findings came in.
		if ok && operationOf(f) < operationOf(e.finding) {
			e.finding = f
		}
		if op := operationOf(f); op != "" {
			e.ops[op] = true
		}
		for _, op := range expand[i] {
			e.ops[op] = true
		}
	}
	out := make([]compat.Change, 0, len(order))
	sides := make([]byte, 0, len(order))
	for _, k := range order {
		e := entries[k]
		ops := make([]string, 0, len(e.ops))
		for op := range e.ops {
			ops = append(ops, op)
		}
		slices.Sort(ops)
		impact := findingImpact(k.id, e.level)
		c := compat.Change{
			ID:       k.id,
			Path:     changePath(e.finding, ops, e.loc, k.side, oldIdx, newIdx),
			Impact:   impact,
			Breaking: impact == compat.Major,
			Message:  e.finding.GetUncolorizedText(localizer),
			Location: e.loc,
		}
		if len(ops) > 1 || (len(ops) == 1 && ops[0] != c.Path) {
			c.Operations = ops
		}
		out = append(out, c)
		sides = append(sides, k.side)
	}
	return out, sides
}

// lifecyclePolicy reports whether a rule judges the revision's lifecycle
// metadata (a sunset date missing, unparsable or too early; a stability level
// lowered) rather than what a client can send or receive. Removals before a
// sunset are removals, and are not among them.
func lifecyclePolicy(id string) bool {
	return (strings.Contains(id, "sunset") || strings.Contains(id, "stability")) && !strings.Contains(id, "removed")
}

// findingImpact is the impact of one finding: the rule's impact, except that
// a finding oasdiff itself lowered to INFO (a readOnly or writeOnly guard, a
// disclaimer) is at most minor, and one raised to WARN or ERR is major.
func findingImpact(id string, level checker.Level) compat.Impact {
	impact, _ := RuleImpact(id)
	switch {
	case level >= checker.WARN:
		return compat.Major
	case impact == compat.Major && level == checker.INFO:
		if r, ok := generatedRules[id]; ok && r.Level != "info" {
			return compat.Minor
		}
	}
	return impact
}

// operationOf names the operation a finding is about: "GET /orders/{id}".
func operationOf(f checker.Change) string {
	method, p := f.GetOperation(), f.GetPath()
	switch {
	case method != "" && p != "":
		return strings.ToUpper(method) + " " + p
	case p != "":
		return p
	}
	return ""
}

// changePath is the Path of a grouped change: the operation when there is one,
// else the component or section the finding names.
func changePath(f checker.Change, ops []string, loc *compat.Location, side byte, oldIdx, newIdx pointerIndex) string {
	if loc != nil && loc.Line > 0 {
		idx := newIdx
		if side == 'o' {
			idx = oldIdx
		}
		if p, ok := idx.lookup(*loc); ok {
			return p
		}
	}
	if len(ops) > 0 {
		return ops[0]
	}
	if s := f.GetSource(); s != "" && f.GetSection() == "components" {
		return "#/components"
	}
	return "#/" + f.GetSection()
}

// locationOf returns where the change is: in NEW when the finding points
// there, else in OLD (a removal). side is 'n' or 'o'.
func locationOf(f checker.Change, old, new compat.Source) (*compat.Location, byte) {
	return locate(f, old, new, false)
}

// locate is locationOf for either direction: with swapped, oasdiff's base is
// NEW and its revision OLD, and the base source is tried first.
func locate(f checker.Change, old, new compat.Source, swapped bool) (*compat.Location, byte) {
	inNew, inOld := f.GetRevisionSource(), f.GetBaseSource()
	if swapped {
		inNew, inOld = inOld, inNew
	}
	if s := inNew; s != nil && s.File != "" {
		return &compat.Location{File: new.DisplayPath(s.File), Line: s.Line, Column: s.Column}, 'n'
	}
	if s := inOld; s != nil && s.File != "" {
		return &compat.Location{File: old.DisplayPath(s.File), Line: s.Line, Column: s.Column}, 'o'
	}
	return nil, 0
}

// operationLocation is where the finding's operation is declared: in NEW,
// else in OLD.
func operationLocation(f checker.Change, old, new compat.Source, s1, s2 *openapi3.T) (*compat.Location, byte) {
	method, p := f.GetOperation(), f.GetPath()
	if method == "" || p == "" {
		return nil, 0
	}
	for _, side := range []struct {
		doc *openapi3.T
		src compat.Source
		s   byte
	}{{s2, new, 'n'}, {s1, old, 'o'}} {
		if side.doc == nil || side.doc.Paths == nil {
			continue
		}
		item := side.doc.Paths.Value(p)
		if item == nil {
			continue
		}
		if op := item.GetOperation(strings.ToUpper(method)); op != nil {
			if l := originLocation(op.Origin, side.src); l != nil {
				return l, side.s
			}
		}
	}
	return nil, 0
}

func detailsOf(f checker.Change) string {
	if a, ok := f.(checker.ApiChange); ok {
		return a.Details
	}
	return ""
}

// argsKey renders message arguments for grouping without localising them.
func argsKey(args []any) string {
	switch len(args) {
	case 0:
		return ""
	case 1:
		return fmt.Sprint(args[0])
	}
	var b strings.Builder
	for i, a := range args {
		if i > 0 {
			b.WriteByte(0)
		}
		fmt.Fprint(&b, a)
	}
	return b.String()
}
