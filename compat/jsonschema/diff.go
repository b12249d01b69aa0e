package jsonschema

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"

	"github.com/dsctl/dsctl/compat"
	jsv "github.com/santhosh-tekuri/jsonschema/v6"
)

// Diff compares two schema sources; see Engine.Diff.
func Diff(ctx context.Context, old, new compat.Source, opts compat.Options) ([]compat.Change, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// The two sides load (parse, validate against the metaschema, compile)
	// independently: do it in parallel.
	var (
		ns   *side
		nerr error
		done = make(chan struct{})
	)
	go func() {
		defer close(done)
		// A panic here would bypass the command's recovery (it runs on
		// another goroutine): turn it into an error of this side.
		defer func() {
			if r := recover(); r != nil {
				nerr = fmt.Errorf("internal error while loading the new schema: %v", r)
			}
		}()
		ns, nerr = loadSide(ctx, new, opts)
	}()
	os, err := loadSide(ctx, old, opts)
	<-done
	if err != nil {
		return nil, err
	}
	if nerr != nil {
		return nil, nerr
	}
	return DiffCompiled(&Compiled{s: os}, &Compiled{s: ns}, opts), nil
}

// cctx is the context a pair of schemas is compared in.
type cctx struct {
	// neg: under an odd number of "not": widen and narrow swap.
	neg bool
	// overlap: inside a non-monotone position (a oneOf whose members may
	// overlap, "if", contains with maxContains): any widening or narrowing
	// may go either way, so it counts as both.
	overlap bool
	// unevalProps/unevalItems: an enclosing schema at the same instance
	// location has unevaluatedProperties/unevaluatedItems, so what this
	// subschema declares changes what that keyword sees.
	unevalProps, unevalItems bool
	// bound, when set, is the most a change at this node or below can
	// move the accepted set (after eff): finiteOld proved the relation of
	// the enclosing pair exactly (see meet).
	bound Direction
}

// child is the context for a subschema at a child instance location
// (properties, items…): enclosing unevaluated* keywords do not reach it.
func (c cctx) child() cctx {
	c.unevalProps, c.unevalItems = false, false
	return c
}

// inplace is the context for a subschema at the same instance location
// (allOf, $ref, if/then/else, dependentSchemas…) of o and n.
func (c cctx) inplace(o, n *jsv.Schema) cctx {
	for _, s := range []*jsv.Schema{o, n} {
		if s.UnevaluatedProperties != nil && !isTrue(s.UnevaluatedProperties) {
			c.unevalProps = true
		}
		if s.UnevaluatedItems != nil && !isTrue(s.UnevaluatedItems) {
			c.unevalItems = true
		}
	}
	return c
}

// evaluationRules are the changes that alter which properties or items a
// subschema evaluates; under an enclosing unevaluated* keyword they can go
// either way.
var evaluationRules = map[string]string{
	"property-added-to-open-model": "p", "property-removed-from-open-model": "p",
	"property-added-to-closed-model": "p", "property-removed-from-closed-model": "p",
	"property-added-to-partially-open-model": "p", "property-removed-from-partially-open-model": "p",
	"additional-properties-narrowed": "p", "additional-properties-extended": "p",
	"pattern-property-added": "p", "pattern-property-removed": "p",
	"tuple-item-added-to-open-model": "i", "tuple-item-removed-from-open-model": "i",
	"tuple-item-added-to-closed-model": "i", "tuple-item-removed-from-closed-model": "i",
	"tuple-item-added-to-partially-open-model": "i", "tuple-item-removed-from-partially-open-model": "i",
	"items-narrowed": "i", "items-extended": "i",
	"all-of-member-added": "b", "all-of-member-removed": "b", "any-of-member-added": "b", "any-of-member-removed": "b",
	"one-of-member-added": "b", "one-of-member-removed": "b", "any-of-added": "b", "any-of-removed": "b",
	"one-of-added": "b", "one-of-removed": "b", "not-added": "b", "not-removed": "b", "ref-added": "b", "ref-removed": "b",
	"dependent-schema-added": "b", "dependent-schema-removed": "b", "composition-method-changed": "b",
	"schema-wrapped-in-combinator": "b", "schema-unwrapped-from-combinator": "b",
}

func (c cctx) eff(d Direction) Direction {
	if c.neg {
		d = d.flip()
	}
	if c.overlap && (d == Widen || d == Narrow) {
		d = Both
	}
	return d
}

type memoKey struct {
	o, n *jsv.Schema
	c    cctx
}

// change is a change before the mode turns its direction into an impact.
type change struct {
	id   string
	dir  Direction
	path string
	loc  *compat.Location
	msg  string
	// o and n are the schemas compared when the change was found, at
	// instance location ipath: where the witness search starts.
	o, n  *jsv.Schema
	ipath []pathTok
	// oLoc and nLoc are the change's keyword location in each side (schema
	// location and keyword suffix), to tell which witness shows this change.
	oLoc, nLoc string
	// focus is the property the change names (added, removed, required),
	// varied first by the witness search.
	focus string
	// lenient is the direction under the lenient policy when it is not
	// simply "compatible": a property added to or removed from a partially
	// open model is judged, as Confluent's LENIENT does, by what the
	// comparison with the model found besides lenient rules (a type
	// conflict still breaks). hasLenient says it is set.
	lenient    Direction
	hasLenient bool
}

type differ struct {
	old, new *side
	memo     map[memoKey]bool
	changes  []change
	// scratch differs only count changes (to match composition members).
	scratch bool
	budget  *budget
	// canSplit: the next objects() with many properties may compare them
	// on two goroutines (set for a top-level differ of two fast-compiled sides).
	canSplit bool
	// ipath is the instance location of the schemas being compared (a
	// property name or array index per step), for witness searches.
	ipath []pathTok
	// extremes caches extremeOf (always/never) by side and schema.
	extremes map[extKey]extreme
}

// budget bounds the work of scratch comparisons (matching members); a
// comparison that runs out of it is judged "both" (fail closed).
type budget struct {
	left      int
	exhausted bool
}

func newDiffer(o, n *side) *differ {
	// A fast-compiled side knows its schemas: about two memo entries per
	// pair (the schema and what its $ref leads to).
	return &differ{old: o, new: n, memo: make(map[memoKey]bool, 2*min(len(o.raw), len(n.raw))),
		canSplit: o.rawComplete && n.rawComplete}
}

func (d *differ) sub() *differ {
	b := d.budget
	if b == nil {
		b = &budget{left: 20000}
	}
	return &differ{old: d.old, new: d.new, memo: map[memoKey]bool{}, scratch: true, budget: b}
}

// where returns the path and location of a schema (plus a keyword suffix,
// escaped JSON pointer tokens) in a side.
func (d *differ) where(s *side, sch *jsv.Schema, suffix string) (string, *compat.Location) {
	if sch == nil {
		return suffix, nil
	}
	r := s.rawOf(sch)
	if r.doc == nil {
		return "#" + suffix, nil
	}
	ptr := r.ptr + suffix
	p := "#" + ptr
	if !r.doc.isRoot {
		p = r.doc.display + p
	}
	if d.scratch {
		return p, nil
	}
	loc := &compat.Location{File: r.doc.display}
	if ps, ok := r.doc.lookupPos(ptr); ok {
		loc.Line, loc.Column = int(ps.line), int(ps.col)
	}
	return p, loc
}

// emit records a change of a fixed-direction rule.
func (d *differ) emit(c cctx, id string, o, n *jsv.Schema, suffix, format string, args ...any) {
	r := rules[id]
	if r == nil {
		panic("unknown rule " + id)
	}
	d.emitDir(c, id, r.Direction, o, n, suffix, format, args...)
}

// emitLenient records a change whose direction under the lenient policy
// comes from sub-changes: the lenient rules among them are left out.
func (d *differ) emitLenient(c cctx, id string, dir Direction, chs []change, o, n *jsv.Schema, suffix, format string, args ...any) {
	var strict []change
	for _, ch := range chs {
		if r := rules[ch.id]; r == nil || !r.Lenient {
			strict = append(strict, ch)
		}
	}
	before := len(d.changes)
	d.emitDir(c, id, dir, o, n, suffix, format, args...)
	if d.scratch || len(d.changes) == before {
		return
	}
	last := &d.changes[len(d.changes)-1]
	ld := meet(c.eff(combine(strict)), c.bound)
	if ld == Neutral && last.dir == Both && dir != Both {
		// the unevaluated* context made it both: keep that
		ld = Both
	}
	last.lenient, last.hasLenient = ld, true
}

// emitDir records a change with an explicit direction (Contextual rules).
func (d *differ) emitDir(c cctx, id string, dir Direction, o, n *jsv.Schema, suffix, format string, args ...any) {
	r := rules[id]
	if r == nil {
		panic("unknown rule " + id)
	}
	if dir == Contextual {
		dir = Both
	}
	if k := evaluationRules[id]; (k == "p" || k == "b") && c.unevalProps || (k == "i" || k == "b") && c.unevalItems {
		if dir == Widen || dir == Narrow || dir == Neutral {
			dir = Both
		}
	}
	dir = c.eff(dir)
	proven := ""
	if c.bound != 0 && (dir == Widen || dir == Narrow || dir == Both) {
		was := dir
		if dir = meet(dir, c.bound); dir == Neutral {
			return // refuted: the exact relation of an enclosing pair excludes it
		}
		if dir != was {
			proven = "; proven to " + map[Direction]string{Widen: "only widen", Narrow: "only narrow"}[dir] + " (see the exact rules of docs/compat-jsonschema.md)"
		}
	}
	if d.scratch {
		d.changes = append(d.changes, change{id: id, dir: dir})
		return
	}
	s, sch := d.new, n
	if (r.OnOld && o != nil) || n == nil {
		s, sch = d.old, o
	}
	p, loc := d.where(s, sch, suffix)
	d.changes = append(d.changes, change{id: id, dir: dir, path: p, loc: loc, msg: fmt.Sprintf(format, args...) + proven,
		o: o, n: n, ipath: append([]pathTok(nil), d.ipath...), oLoc: kwLoc(o, suffix), nLoc: kwLoc(n, suffix), focus: focusName(o, n, suffix)})
}

// at compares o and n at a child instance location t (a property or an
// array position).
func (d *differ) at(t pathTok, o, n *jsv.Schema, c cctx) {
	d.ipath = append(d.ipath, t)
	d.node(o, n, c)
	d.ipath = d.ipath[:len(d.ipath)-1]
}

// focusName returns the property a change's keyword suffix names:
// /properties/NAME, /required/I, /dependentRequired/NAME…
func focusName(o, n *jsv.Schema, suffix string) string {
	parts := strings.Split(strings.TrimPrefix(suffix, "/"), "/")
	if len(parts) < 2 {
		return ""
	}
	switch parts[0] {
	case "properties", "dependentRequired", "dependencies", "dependentSchemas":
		return unescapeToken(parts[1])
	case "required":
		i, err := strconv.Atoi(parts[1])
		if err != nil {
			return ""
		}
		for _, s := range []*jsv.Schema{n, o} {
			if s != nil && i < len(s.Required) {
				return s.Required[i]
			}
		}
	}
	return ""
}

func kwLoc(s *jsv.Schema, suffix string) string {
	if s == nil {
		return ""
	}
	return s.Location + suffix
}

func nameTok(name string) pathTok { return pathTok{name: name, idx: -1} }
func idxTok(i int) pathTok        { return pathTok{idx: i} }

// impact maps a direction to a bump in a mode and policy.
func impact(r *Rule, dir Direction, opts compat.Options) compat.Impact {
	return impactOf(r, dir, opts, Neutral, false)
}

func impactOf(r *Rule, dir Direction, opts compat.Options, lenDir Direction, hasLen bool) compat.Impact {
	if opts.Policy == compat.Lenient && r.Lenient && dir != Annotation {
		if !hasLen {
			return compat.Minor
		}
		dir = lenDir
	}
	mode := opts.Mode.Base()
	switch dir {
	case Annotation:
		return compat.Patch
	case Neutral:
		return compat.Minor
	case Widen:
		if mode == compat.Forward || mode == compat.Full {
			return compat.Major
		}
		return compat.Minor
	case Narrow:
		if mode == compat.Forward {
			return compat.Minor
		}
		return compat.Major
	default:
		return compat.Major
	}
}

func (d *differ) result(opts compat.Options) []compat.Change {
	if opts.Mode == "" {
		opts.Mode = compat.Backward
	}
	seen := map[string]bool{}
	out := make([]compat.Change, 0, len(d.changes))
	wb := diffWitnessBudget
	for _, ch := range d.changes {
		key := ch.id + "\x00" + ch.path + "\x00" + ch.msg
		if seen[key] {
			continue
		}
		seen[key] = true
		imp := impactOf(rules[ch.id], ch.dir, opts, ch.lenient, ch.hasLenient)
		cc := compat.Change{
			ID: ch.id, Path: ch.path, Impact: imp, Breaking: imp == compat.Major,
			Message: ch.msg, Location: ch.loc,
		}
		if imp == compat.Major {
			cc.Witness, cc.NoWitness = d.witness(ch, opts, &wb)
		}
		out = append(out, cc)
	}
	compat.SortChanges(out)
	return out
}

// --- node comparison ---

// node compares two schemas in context c.
func (d *differ) node(o, n *jsv.Schema, c cctx) {
	if o == nil || n == nil {
		return
	}
	if d.budget != nil {
		if d.budget.left <= 0 {
			d.budget.exhausted = true
			return
		}
		d.budget.left--
	}
	k := memoKey{o, n, c}
	if d.memo[k] {
		return
	}
	d.memo[k] = true
	d.annotations(o, n)
	o2, n2 := deref(o), deref(n)
	if o2 != o || n2 != n {
		k2 := memoKey{o2, n2, c}
		if d.memo[k2] {
			return
		}
		d.memo[k2] = true
		if o2 != o || n2 != n {
			d.annotations(o2, n2)
		}
	}
	d.assertions(o2, n2, c)
}

// deref follows $refs of schemas that have nothing but the $ref.
func deref(s *jsv.Schema) *jsv.Schema {
	for i := 0; i < 64 && s.Ref != nil && !hasAssertions(s, true); i++ {
		s = s.Ref
	}
	return s
}

func isFalse(s *jsv.Schema) bool { return s != nil && s.Bool != nil && !*s.Bool }

// isTrue reports whether s accepts everything as written ({} or true).
func isTrue(s *jsv.Schema) bool {
	s = deref(s)
	if s.Bool != nil {
		return *s.Bool
	}
	return !hasAssertions(s, false)
}

func hasAssertions(s *jsv.Schema, ignoreRef bool) bool {
	if s.Bool != nil {
		return !*s.Bool
	}
	if s.Ref != nil && !ignoreRef {
		return true
	}
	return s.Types != nil || s.Enum != nil || s.Const != nil || s.Not != nil ||
		len(s.AllOf) > 0 || len(s.AnyOf) > 0 || len(s.OneOf) > 0 ||
		s.If != nil || s.Then != nil || s.Else != nil || s.Format != nil ||
		s.MaxProperties != nil || s.MinProperties != nil || len(s.Required) > 0 ||
		s.PropertyNames != nil || len(s.Properties) > 0 || len(s.PatternProperties) > 0 ||
		s.AdditionalProperties != nil || len(s.Dependencies) > 0 || len(s.DependentRequired) > 0 ||
		len(s.DependentSchemas) > 0 || s.UnevaluatedProperties != nil ||
		s.MinItems != nil || s.MaxItems != nil || s.UniqueItems || s.Contains != nil ||
		s.MinContains != nil || s.MaxContains != nil || s.Items != nil || s.AdditionalItems != nil ||
		len(s.PrefixItems) > 0 || s.Items2020 != nil || s.UnevaluatedItems != nil ||
		s.MinLength != nil || s.MaxLength != nil || s.Pattern != nil ||
		s.Maximum != nil || s.Minimum != nil || s.ExclusiveMaximum != nil || s.ExclusiveMinimum != nil ||
		s.MultipleOf != nil || s.DynamicRef != nil || s.RecursiveRef != nil
}

func (d *differ) assertions(o, n *jsv.Schema, c cctx) {
	if !c.unevalProps && !c.unevalItems {
		// a schema that accepts everything or nothing, however written
		oe, ne := d.extremeOf(d.old, o, 0), d.extremeOf(d.new, n, 0)
		switch {
		case oe == ne && oe != extUnknown:
			return // the same set
		case oe == extNever || ne == extAlways:
			c.bound = meet(c.eff(Widen), c.bound)
		case oe == extAlways || ne == extNever:
			c.bound = meet(c.eff(Narrow), c.bound)
		}
	}
	of, nf := isFalse(o), isFalse(n)
	switch {
	case of && nf:
		return
	case of:
		d.emit(c, "false-schema-removed", o, n, "", "schema was false (nothing valid) and now accepts instances")
		return
	case nf:
		d.emit(c, "false-schema-added", o, n, "", "schema became false: nothing validates")
		return
	}
	if done, bc := d.finiteOld(o, n, c); done {
		return
	} else {
		c = bc
	}
	if d.wrapping(o, n, c) {
		return
	}
	d.types(o, n, c)
	d.values(o, n, c)
	// A keyword constrains the values of its type only: a change to it
	// matters only where both sides admit that type (type-extended and
	// type-narrowed report the rest).
	common := typeMask(o) & typeMask(n)
	if common&tString != 0 {
		d.strings(o, n, c)
	}
	d.format(o, n, c, common&tString != 0)
	if common&(tInt|tNonInt) != 0 {
		d.numbers(o, n, c)
	}
	if common&tObject != 0 {
		d.objects(o, n, c)
	}
	if common&tArray != 0 {
		d.arrays(o, n, c)
	}
	d.composition(o, n, c)
	d.conditional(o, n, c)
	d.refs(o, n, c)
}

// maxFiniteValues bounds the values of a finite side judged one by one.
const maxFiniteValues = 64

// finiteValues returns the values s accepts when that set is finite and
// found cheaply: the values of its const or enum, or what its type and
// keywords pin (type null; boolean; integer between two bounds; a number
// with minimum = maximum), each checked against s itself. ok is false when
// the set is not finite, too large, or admits cannot decide a value.
func finiteValues(a admitter, s *jsv.Schema) (vals []any, ok bool) {
	cands, ok := candidates(s, 0)
	if !ok || len(cands) > maxFiniteValues {
		return nil, false
	}
	vals = make([]any, 0, len(cands))
	for _, v := range cands {
		switch a.admits(s, v) {
		case triUnknown:
			return nil, false
		case triYes:
			vals = append(vals, v)
		}
	}
	return vals, true
}

// candidates returns a finite superset of the values s accepts, when one
// is found cheaply: a const or enum, a pinned type (pinnedCandidates), a
// $ref or allOf member that has one, or anyOf/oneOf members that all have
// one (their union).
func candidates(s *jsv.Schema, depth int) ([]any, bool) {
	if depth > 8 {
		return nil, false
	}
	s = deref(s)
	if s.Bool != nil {
		return nil, !*s.Bool
	}
	if vs, _, ok := valueSet(s); ok {
		return vs, true
	}
	if c, ok := pinnedCandidates(s); ok {
		return c, true
	}
	if s.Ref != nil {
		if c, ok := candidates(s.Ref, depth+1); ok {
			return c, true
		}
	}
	for _, m := range s.AllOf {
		if c, ok := candidates(m, depth+1); ok {
			return c, true
		}
	}
	for _, ms := range [][]*jsv.Schema{s.AnyOf, s.OneOf} {
		if len(ms) == 0 {
			continue
		}
		var out []any
		seen := map[string]bool{}
		ok := true
		for _, m := range ms {
			c, k := candidates(m, depth+1)
			if !k {
				ok = false
				break
			}
			for _, v := range c {
				if key := canonical(v); !seen[key] {
					seen[key] = true
					out = append(out, v)
				}
			}
			if len(out) > maxFiniteValues {
				ok = false
				break
			}
		}
		if ok {
			return out, true
		}
	}
	return nil, false
}

// pinnedCandidates returns a finite superset of the values s accepts when
// its type keyword allows only null, booleans and numbers whose bounds
// leave finitely many integers (or, for number, one value).
func pinnedCandidates(s *jsv.Schema) ([]any, bool) {
	if s.Types == nil {
		return nil, false
	}
	m := typeMask(s)
	if m&(tObject|tArray|tString) != 0 {
		return nil, false
	}
	var out []any
	if m&tNull != 0 {
		out = append(out, nil)
	}
	if m&tBool != 0 {
		out = append(out, false, true)
	}
	if m&(tInt|tNonInt) == 0 {
		return out, true
	}
	if m&tNonInt != 0 {
		// number: only minimum = maximum pins it
		if s.Minimum == nil || s.Maximum == nil || s.Minimum.Cmp(s.Maximum) != 0 || !s.Minimum.IsInt() {
			return nil, false
		}
		return append(out, json.Number(s.Minimum.Num().String())), true
	}
	// integer: the integers between the bounds
	if s.Minimum == nil && s.ExclusiveMinimum == nil || s.Maximum == nil && s.ExclusiveMaximum == nil {
		return nil, false
	}
	var lo, hi *big.Int
	if s.Minimum != nil {
		lo = ceilRat(s.Minimum)
	}
	if s.ExclusiveMinimum != nil {
		if e := new(big.Int).Add(floorRat(s.ExclusiveMinimum), big.NewInt(1)); lo == nil || e.Cmp(lo) > 0 {
			lo = e
		}
	}
	if s.Maximum != nil {
		hi = floorRat(s.Maximum)
	}
	if s.ExclusiveMaximum != nil {
		if e := new(big.Int).Sub(ceilRat(s.ExclusiveMaximum), big.NewInt(1)); hi == nil || e.Cmp(hi) < 0 {
			hi = e
		}
	}
	if lo == nil || hi == nil {
		return nil, false
	}
	if n := new(big.Int).Sub(hi, lo); n.Cmp(big.NewInt(maxFiniteValues)) >= 0 {
		return nil, false
	}
	for i := new(big.Int).Set(lo); i.Cmp(hi) <= 0; i.Add(i, big.NewInt(1)) {
		out = append(out, json.Number(i.String()))
	}
	return out, true
}

func floorRat(r *big.Rat) *big.Int {
	q, _ := new(big.Int).DivMod(r.Num(), r.Denom(), new(big.Int))
	return q // Euclidean division: the floor for a positive divisor
}

func ceilRat(r *big.Rat) *big.Int {
	f := floorRat(r)
	if !r.IsInt() {
		f.Add(f, big.NewInt(1))
	}
	return f
}

// finiteOld decides the relation of o and n exactly where OLD admits a
// finite set of values (see finiteValues): each value is checked against
// NEW, and, when NEW is finite too, each of NEW's against OLD. Equal sets:
// no change (it reports true: nothing more to compare). Otherwise the
// relation found bounds the direction of every change the keyword
// comparison then reports at this node and below (c.bound): {const: "x"}
// to {type: string} is a widening, so the type-narrowed the keywords alone
// would report is refuted and dropped. A value OLD accepts and NEW rejects
// is a witness; the keyword comparison names the change and the witness
// search finds it. Positions under an enclosing unevaluated* keyword (where
// what a schema evaluates matters beside what it accepts) are left to the
// keyword comparison.
func (d *differ) finiteOld(o, n *jsv.Schema, c cctx) (bool, cctx) {
	if c.unevalProps || c.unevalItems {
		return false, c
	}
	oa, na := admitter{side: d.old}, admitter{side: d.new}
	ov, ok := finiteValues(oa, o)
	if !ok {
		return false, c
	}
	oSub := true
	for _, v := range ov {
		switch na.admits(n, v) {
		case triUnknown:
			return false, c
		case triNo:
			oSub = false
		}
	}
	nv, nfin := finiteValues(na, n)
	nSub := nfin
	if nfin {
		for _, v := range nv {
			switch oa.admits(o, v) {
			case triUnknown:
				return false, c
			case triNo:
				nSub = false
			}
		}
	}
	var rel Direction
	switch {
	case oSub && nSub:
		return true, c // the same values
	case oSub:
		rel = Widen
	case nSub:
		rel = Narrow
	default:
		return false, c
	}
	c.bound = meet(c.eff(rel), c.bound)
	return false, c
}

// meet narrows direction d to what bound b allows: b is an upper bound
// proven for the node (Widen: NEW accepts all OLD did). A widening or
// narrowing the bound excludes becomes Neutral (refuted); 0 means no bound.
func meet(d, b Direction) Direction {
	if b == 0 || b == Both {
		return d
	}
	switch d {
	case Both:
		return b
	case Widen, Narrow:
		if d == b {
			return d
		}
		return Neutral
	}
	return d
}

// --- types ---

const (
	tNull = 1 << iota
	tBool
	tObject
	tArray
	tString
	tNonInt
	tInt
	tAll = tNull | tBool | tObject | tArray | tString | tNonInt | tInt
)

func typeMask(s *jsv.Schema) int {
	if s == nil {
		return tAll
	}
	s = deref(s)
	if s.Bool != nil {
		if *s.Bool {
			return tAll
		}
		return 0
	}
	if s.Types == nil {
		return tAll
	}
	if metaTypesAgree {
		// the bits of jsv.Types, without ToStrings' allocations
		tt, m := int(*s.Types), 0
		for _, b := range [...]struct {
			t metaType
			m int
		}{
			{mtNull, tNull}, {mtBoolean, tBool}, {mtObject, tObject}, {mtArray, tArray},
			{mtString, tString}, {mtNumber, tNonInt | tInt}, {mtInteger, tInt},
		} {
			if tt&int(b.t) != 0 {
				m |= b.m
			}
		}
		return m
	}
	m := 0
	for _, t := range s.Types.ToStrings() {
		switch t {
		case "null":
			m |= tNull
		case "boolean":
			m |= tBool
		case "object":
			m |= tObject
		case "array":
			m |= tArray
		case "string":
			m |= tString
		case "number":
			m |= tNonInt | tInt
		case "integer":
			m |= tInt
		}
	}
	return m
}

func typeNames(s *jsv.Schema) string {
	if s.Types == nil {
		return "any"
	}
	return strings.Join(s.Types.ToStrings(), ", ")
}

func (d *differ) types(o, n *jsv.Schema, c cctx) {
	om, nm := typeMask(o), typeMask(n)
	if om == nm {
		return
	}
	msg := fmt.Sprintf("type changed from [%s] to [%s]", typeNames(o), typeNames(n))
	switch {
	case om&nm == om:
		d.emit(c, "type-extended", o, n, "/type", "%s", msg)
	case om&nm == nm:
		d.emit(c, "type-narrowed", o, n, "/type", "%s", msg)
	default:
		d.emit(c, "type-changed", o, n, "/type", "%s", msg)
	}
}

// --- enum / const ---

// valueSet returns the values an enum/const allows (nil, false when unconstrained)
// and the keyword they come from.
func valueSet(s *jsv.Schema) ([]any, string, bool) {
	switch {
	case s.Const != nil && s.Enum != nil:
		for _, v := range s.Enum.Values {
			if jsonEqual(v, *s.Const) {
				return []any{*s.Const}, "const", true
			}
		}
		return nil, "const", true
	case s.Const != nil:
		return []any{*s.Const}, "const", true
	case s.Enum != nil:
		return s.Enum.Values, "enum", true
	}
	return nil, "", false
}

func (d *differ) values(o, n *jsv.Schema, c cctx) {
	ov, okw, oset := valueSet(o)
	nv, nkw, nset := valueSet(n)
	switch {
	case !oset && !nset:
		return
	case !oset:
		d.emit(c, nkw+"-added", o, n, "/"+nkw, "%s added: only %s allowed", nkw, listValues(nv))
		return
	case !nset:
		d.emit(c, okw+"-removed", o, n, "/"+okw, "%s removed: no longer limited to %s", okw, listValues(ov))
		return
	}
	if len(ov) == len(nv) {
		same := true
		for i := range ov {
			if same = jsonEqual(ov[i], nv[i]); !same {
				break
			}
		}
		if same {
			return // the same values in the same order: nothing added or removed
		}
	}
	if okw == "const" && nkw == "const" && len(ov) == 1 && len(nv) == 1 {
		if !jsonEqual(ov[0], nv[0]) {
			d.emit(c, "const-changed", o, n, "/const", "const changed from %s to %s", showValue(ov[0]), showValue(nv[0]))
		}
		return
	}
	oKeys := map[string]bool{}
	for _, v := range ov {
		oKeys[canonical(v)] = true
	}
	nKeys := map[string]bool{}
	for _, v := range nv {
		nKeys[canonical(v)] = true
	}
	for i, v := range nv {
		if !oKeys[canonical(v)] {
			suffix := "/" + nkw
			if nkw == "enum" {
				suffix += fmt.Sprintf("/%d", i)
			}
			d.emit(c, "enum-value-added", o, n, suffix, "value %s added to %s", showValue(v), nkw)
		}
	}
	for i, v := range ov {
		if !nKeys[canonical(v)] {
			suffix := "/" + okw
			if okw == "enum" {
				suffix += fmt.Sprintf("/%d", i)
			}
			d.emit(c, "enum-value-removed", o, n, suffix, "value %s removed from %s", showValue(v), okw)
		}
	}
}

func listValues(vs []any) string {
	if len(vs) == 0 {
		return "no value"
	}
	parts := make([]string, 0, len(vs))
	for i, v := range vs {
		if i == 8 {
			parts = append(parts, fmt.Sprintf("… (%d more)", len(vs)-i))
			break
		}
		parts = append(parts, showValue(v))
	}
	return strings.Join(parts, ", ")
}

// --- strings ---

func rawString(s *side, sch *jsv.Schema, kw string) (string, bool) {
	r := s.rawOf(sch)
	if r.obj == nil {
		return "", false
	}
	v, ok := r.obj[kw].(string)
	return v, ok
}

func (d *differ) strings(o, n *jsv.Schema, c cctx) {
	d.bound(c, "max-length", "maxLength", o, n, o.MaxLength, n.MaxLength)
	d.bound(c, "min-length", "minLength", o, n, o.MinLength, n.MinLength)
	switch {
	case o.Pattern == nil && n.Pattern != nil:
		d.emit(c, "pattern-added", o, n, "/pattern", "pattern %q added", n.Pattern.String())
	case o.Pattern != nil && n.Pattern == nil:
		d.emit(c, "pattern-removed", o, n, "/pattern", "pattern %q removed", o.Pattern.String())
	case o.Pattern != nil && o.Pattern.String() != n.Pattern.String():
		d.emit(c, "pattern-changed", o, n, "/pattern", "pattern changed from %q to %q", o.Pattern.String(), n.Pattern.String())
	}
	d.content(o, n, c)
}

// format compares the format keyword. A format the validator knows
// constrains strings only and is compared only when both sides admit
// strings (strs); another (int32, a vendor's) is compared whatever the
// types, as it may constrain any.
func (d *differ) format(o, n *jsv.Schema, c cctx, strs bool) {
	of, oh := rawString(d.old, o, "format")
	nf, nh := rawString(d.new, n, "format")
	if !oh && !nh {
		return
	}
	if !strs && (!oh || stringFormat(of)) && (!nh || stringFormat(nf)) {
		return
	}
	switch {
	case !oh && nh:
		d.emit(c, "format-added", o, n, "/format", "format %q added", nf)
	case oh && !nh:
		d.emit(c, "format-removed", o, n, "/format", "format %q removed", of)
	case oh && of != nf:
		d.emit(c, "format-changed", o, n, "/format", "format changed from %q to %q", of, nf)
	}
}

// bound compares an integer bound keyword (maxLength, minItems…); the rule
// table holds which of added/removed/increased/decreased widens.
func (d *differ) bound(c cctx, id, kw string, o, n *jsv.Schema, ov, nv *int) {
	switch {
	case ov == nil && nv == nil:
	case ov == nil:
		d.emit(c, id+"-added", o, n, "/"+kw, "%s %d added", kw, *nv)
	case nv == nil:
		d.emit(c, id+"-removed", o, n, "/"+kw, "%s %d removed", kw, *ov)
	case *nv > *ov:
		d.emit(c, id+"-increased", o, n, "/"+kw, "%s increased from %d to %d", kw, *ov, *nv)
	case *nv < *ov:
		d.emit(c, id+"-decreased", o, n, "/"+kw, "%s decreased from %d to %d", kw, *ov, *nv)
	}
}

// sortedKeys returns the keys of a map in order.
func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
