package jsonschema

import (
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"

	jsv "github.com/santhosh-tekuri/jsonschema/v6"
)

// --- numbers ---

func (d *differ) numbers(o, n *jsv.Schema, c cctx) {
	d.rat(c, "maximum", "maximum", o, n, o.Maximum, n.Maximum)
	d.rat(c, "minimum", "minimum", o, n, o.Minimum, n.Minimum)
	d.rat(c, "exclusive-maximum", "exclusiveMaximum", o, n, o.ExclusiveMaximum, n.ExclusiveMaximum)
	d.rat(c, "exclusive-minimum", "exclusiveMinimum", o, n, o.ExclusiveMinimum, n.ExclusiveMinimum)
	om, nm := o.MultipleOf, n.MultipleOf
	switch {
	case om == nil && nm == nil:
	case om == nil:
		d.emit(c, "multiple-of-added", o, n, "/multipleOf", "multipleOf %s added", ratString(nm))
	case nm == nil:
		d.emit(c, "multiple-of-removed", o, n, "/multipleOf", "multipleOf %s removed", ratString(om))
	case om.Cmp(nm) == 0:
	case isInt(new(big.Rat).Quo(nm, om)):
		d.emit(c, "multiple-of-expanded", o, n, "/multipleOf", "multipleOf changed from %s to its multiple %s", ratString(om), ratString(nm))
	case isInt(new(big.Rat).Quo(om, nm)):
		d.emit(c, "multiple-of-reduced", o, n, "/multipleOf", "multipleOf changed from %s to its divisor %s", ratString(om), ratString(nm))
	default:
		d.emit(c, "multiple-of-changed", o, n, "/multipleOf", "multipleOf changed from %s to %s", ratString(om), ratString(nm))
	}
}

func isInt(r *big.Rat) bool { return r.IsInt() }

func ratString(r *big.Rat) string {
	if r.IsInt() {
		return r.Num().String()
	}
	f, _ := r.Float64()
	return fmt.Sprint(f)
}

func (d *differ) rat(c cctx, id, kw string, o, n *jsv.Schema, ov, nv *big.Rat) {
	switch {
	case ov == nil && nv == nil:
	case ov == nil:
		d.emit(c, id+"-added", o, n, "/"+kw, "%s %s added", kw, ratString(nv))
	case nv == nil:
		d.emit(c, id+"-removed", o, n, "/"+kw, "%s %s removed", kw, ratString(ov))
	case nv.Cmp(ov) > 0:
		d.emit(c, id+"-increased", o, n, "/"+kw, "%s increased from %s to %s", kw, ratString(ov), ratString(nv))
	case nv.Cmp(ov) < 0:
		d.emit(c, id+"-decreased", o, n, "/"+kw, "%s decreased from %s to %s", kw, ratString(ov), ratString(nv))
	}
}

// --- objects ---

// model is how an object treats a property name it does not declare.
type model struct {
	kind    int // modelOpen, modelClosed, modelPartial
	schemas []*jsv.Schema
	kw      string // the keyword that sets it
}

const (
	modelOpen = iota
	modelPartial
	modelClosed
)

var modelNames = [...]string{"open", "partially open", "closed"}

// additionalModel is the model additionalProperties (or, without it,
// unevaluatedProperties) gives names that no property or pattern covers.
func additionalModel(s *jsv.Schema) model {
	if m, ok := apModel(s.AdditionalProperties, "additionalProperties"); ok {
		return m
	}
	if s.UnevaluatedProperties != nil {
		m, _ := apModel(s.UnevaluatedProperties, "unevaluatedProperties")
		return m
	}
	return model{kind: modelOpen}
}

func apModel(v any, kw string) (model, bool) {
	switch x := v.(type) {
	case nil:
		return model{}, false
	case bool:
		if x {
			return model{kind: modelOpen, kw: kw}, true
		}
		return model{kind: modelClosed, kw: kw}, true
	case *jsv.Schema:
		if x == nil {
			return model{}, false
		}
		if isFalse(deref(x)) {
			return model{kind: modelClosed, kw: kw}, true
		}
		if isTrue(x) {
			return model{kind: modelOpen, kw: kw}, true
		}
		return model{kind: modelPartial, schemas: []*jsv.Schema{x}, kw: kw}, true
	}
	return model{}, false
}

// inPlace says whether a subschema applied in place of s (allOf, $ref and
// the like, anyOf, oneOf, if/then/else, dependent schemas) evaluates the
// property name, which unevaluatedProperties then leaves alone.
type inPlace int

const (
	evalNever  inPlace = iota
	evalMaybe          // some branch that may not apply evaluates it
	evalAlways         // a subschema that always applies evaluates it
)

// evaluatedInPlace is how s's in-place subschemas evaluate name.
func evaluatedInPlace(s *jsv.Schema, name string) inPlace {
	return inPlaceOf(s, name, map[*jsv.Schema]bool{})
}

func inPlaceOf(s *jsv.Schema, name string, seen map[*jsv.Schema]bool) inPlace {
	if s == nil || seen[s] {
		return evalNever
	}
	seen[s] = true
	res := evalNever
	if s.DynamicRef != nil || s.RecursiveRef != nil {
		res = evalMaybe
	}
	always := append([]*jsv.Schema{s.Ref}, s.AllOf...)
	for _, sub := range always {
		if sub == nil {
			continue
		}
		if evaluates(sub, name) {
			return evalAlways
		}
		res = max(res, inPlaceOf(sub, name, seen))
	}
	maybe := append(append(append([]*jsv.Schema{}, s.AnyOf...), s.OneOf...), s.If, s.Then, s.Else)
	for _, k := range sortedKeys(s.DependentSchemas) {
		maybe = append(maybe, s.DependentSchemas[k])
	}
	for _, k := range sortedKeys(s.Dependencies) {
		if d, ok := s.Dependencies[k].(*jsv.Schema); ok {
			maybe = append(maybe, d)
		}
	}
	for _, sub := range maybe {
		if sub == nil {
			continue
		}
		if evaluates(sub, name) || inPlaceOf(sub, name, seen) != evalNever {
			res = max(res, evalMaybe)
		}
	}
	return res
}

// evaluates reports whether s's own object keywords evaluate name.
func evaluates(s *jsv.Schema, name string) bool {
	if _, ok := s.Properties[name]; ok {
		return true
	}
	for re := range s.PatternProperties {
		if re.MatchString(name) {
			return true
		}
	}
	return s.AdditionalProperties != nil || s.UnevaluatedProperties != nil
}

// inPlaceChange records the change for a property declared on one side
// only (declared, its schema), under unevaluatedProperties, when a
// subschema applied in place on the other side (other) evaluates it, so
// that unevaluatedProperties does not apply to it: the declaration is one
// constraint more there (added) or one less (removed), or either when only
// some branches evaluate it. It reports false, recording nothing, when no
// subschema does.
func (d *differ) inPlaceChange(c cctx, other, declared *jsv.Schema, name string, added bool, o, n *jsv.Schema, suffix string) bool {
	id, verb, dir := "property-removed-from-partially-open-model", "removed", Widen
	if added {
		id, verb, dir = "property-added-to-partially-open-model", "added", Narrow
	}
	switch evaluatedInPlace(other, name) {
	case evalAlways:
		if isTrue(declared) {
			dir = Neutral
		}
		d.emitDir(c, id, dir, o, n, suffix, "property %q %s; a subschema applied in place evaluates it, so unevaluatedProperties does not apply to it", name, verb)
	case evalMaybe:
		d.emitDir(c, id, Both, o, n, suffix, "property %q %s; a subschema of anyOf, oneOf, if or a dependency may evaluate it, so unevaluatedProperties may not apply to it", name, verb)
	default:
		return false
	}
	return true
}

// nameModel is the model for an undeclared property name.
func nameModel(s *jsv.Schema, name string) model {
	var pats []*jsv.Schema
	for re, ps := range s.PatternProperties {
		if re.MatchString(name) {
			pats = append(pats, ps)
		}
	}
	if len(pats) > 0 {
		allTrue, anyFalse := true, false
		for _, p := range pats {
			if !isTrue(p) {
				allTrue = false
			}
			if isFalse(deref(p)) {
				anyFalse = true
			}
		}
		switch {
		case anyFalse:
			return model{kind: modelClosed, kw: "patternProperties"}
		case allTrue:
			return model{kind: modelOpen, kw: "patternProperties"}
		}
		sort.Slice(pats, func(i, j int) bool { return pats[i].Location < pats[j].Location })
		return model{kind: modelPartial, schemas: pats, kw: "patternProperties"}
	}
	return additionalModel(s)
}

// combine folds the directions of changes into one.
func combine(chs []change) Direction {
	w, n := false, false
	for _, ch := range chs {
		switch ch.dir {
		case Widen:
			w = true
		case Narrow:
			n = true
		case Both:
			w, n = true, true
		}
	}
	switch {
	case w && n:
		return Both
	case w:
		return Widen
	case n:
		return Narrow
	}
	return Neutral
}

func idsOf(chs []change) string {
	seen := map[string]bool{}
	var ids []string
	for _, ch := range chs {
		if !seen[ch.id] && ch.dir != Annotation {
			seen[ch.id] = true
			ids = append(ids, ch.id)
		}
	}
	sort.Strings(ids)
	if len(ids) == 0 {
		return "no difference"
	}
	return strings.Join(ids, ", ")
}

// probe compares pairs in a scratch differ and returns the combined direction.
func (d *differ) probe(pairs ...[2]*jsv.Schema) (Direction, []change) {
	sd := d.sub()
	for _, p := range pairs {
		sd.node(p[0], p[1], cctx{})
	}
	if sd.budget.exhausted {
		return Both, sd.changes
	}
	return combine(sd.changes), sd.changes
}

// parallelProperties is the number of declared properties from which the
// first object compared (the root, usually) splits its properties between
// two goroutines, when both sides were fast-compiled (see objects).
const parallelProperties = 512

func (d *differ) objects(o, n *jsv.Schema, c cctx) {
	// declared properties
	names := sortedKeys(n.Properties)
	if d.canSplit && len(names) >= parallelProperties {
		// The second half of the properties is compared by a differ of its
		// own, beside this one; its changes follow the first half's, in the
		// order one differ would have found them. It does not see this
		// differ's memo, so it may compare again a pair already compared
		// here (a definition both halves reference): that finds the very
		// changes found the first time, later in the list, and result()
		// keeps the first of each. Both sides are read-only by then (their
		// raw objects were all recorded when compiling).
		d.canSplit = false
		half := len(names) / 2
		other := &differ{old: d.old, new: d.new, memo: make(map[memoKey]bool, len(d.memo)), ipath: append([]pathTok(nil), d.ipath...)}
		done := make(chan struct{})
		go func() {
			defer close(done)
			for _, name := range names[half:] {
				other.property(o, n, name, c)
			}
		}()
		for _, name := range names[:half] {
			d.property(o, n, name, c)
		}
		<-done
		d.changes = append(d.changes, other.changes...)
		for k := range other.memo {
			d.memo[k] = true
		}
	} else {
		for _, name := range names {
			d.property(o, n, name, c)
		}
	}
	d.removedProperties(o, n, c)
}

// property compares the declared property name of NEW with OLD's.
func (d *differ) property(o, n *jsv.Schema, name string, c cctx) {
	np := n.Properties[name]
	if op, ok := o.Properties[name]; ok {
		d.at(nameTok(name), op, np, c.child())
		return
	}
	suffix := "/properties/" + escapeToken(name)
	m := nameModel(o, name)
	if m.kw == "unevaluatedProperties" && d.inPlaceChange(c, o, np, name, true, o, n, suffix) {
		return
	}
	switch m.kind {
	case modelOpen:
		dir := Narrow
		if isTrue(np) {
			dir = Neutral
		}
		d.emitDir(c, "property-added-to-open-model", dir, o, n, suffix, "property %q added to an open content model", name)
	case modelClosed:
		d.emit(c, "property-added-to-closed-model", o, n, suffix, "property %q added to a closed content model (%s)", name, m.kw)
	default:
		var pairs [][2]*jsv.Schema
		for _, ms := range m.schemas {
			pairs = append(pairs, [2]*jsv.Schema{ms, np})
		}
		dir, chs := d.probe(pairs...)
		d.emitLenient(c, "property-added-to-partially-open-model", dir, chs, o, n, suffix,
			"property %q added; it was covered by %s (compared: %s)", name, m.kw, idsOf(chs))
	}
}

// removedProperties reports OLD's declared properties NEW no longer
// declares, then compares the rest of the two objects' keywords.
func (d *differ) removedProperties(o, n *jsv.Schema, c cctx) {
	for _, name := range sortedKeys(o.Properties) {
		if _, ok := n.Properties[name]; ok {
			continue
		}
		op := o.Properties[name]
		suffix := "/properties/" + escapeToken(name)
		m := nameModel(n, name)
		if m.kw == "unevaluatedProperties" && d.inPlaceChange(c, n, op, name, false, o, n, suffix) {
			continue
		}
		switch m.kind {
		case modelOpen:
			d.emit(c, "property-removed-from-open-model", o, n, suffix, "property %q removed from an open content model: any value is allowed now", name)
		case modelClosed:
			dir := Narrow
			if isFalse(deref(op)) {
				dir = Neutral
			}
			d.emitDir(c, "property-removed-from-closed-model", dir, o, n, suffix, "property %q removed from a closed content model (%s): objects that have it are rejected now", name, m.kw)
		default:
			var pairs [][2]*jsv.Schema
			for _, ms := range m.schemas {
				pairs = append(pairs, [2]*jsv.Schema{op, ms})
			}
			dir, chs := d.probe(pairs...)
			d.emitLenient(c, "property-removed-from-partially-open-model", dir, chs, o, n, suffix,
				"property %q removed; %s covers it now (compared: %s)", name, m.kw, idsOf(chs))
		}
	}

	// required
	oreq := map[string]bool{}
	for _, r := range o.Required {
		oreq[r] = true
	}
	nreq := map[string]bool{}
	for i, r := range n.Required {
		nreq[r] = true
		if oreq[r] {
			continue
		}
		suffix := fmt.Sprintf("/required/%d", i)
		if p, ok := n.Properties[r]; ok && deref(p).Default != nil {
			d.emit(c, "required-with-default-added", o, n, suffix, "property %q became required (it has a default, which validation does not fill in)", r)
		} else {
			d.emit(c, "required-added", o, n, suffix, "property %q became required", r)
		}
	}
	for i, r := range o.Required {
		if !nreq[r] {
			d.emit(c, "required-removed", o, n, fmt.Sprintf("/required/%d", i), "property %q is no longer required", r)
		}
	}

	// additionalProperties (or unevaluatedProperties without it): the model
	// for names no property or pattern covers
	d.openness(c, o, n)

	// patternProperties
	opat := patternMap(o)
	npat := patternMap(n)
	for _, re := range sortedKeys(npat) {
		np := npat[re]
		suffix := "/patternProperties/" + escapeToken(re)
		if op, ok := opat[re]; ok {
			if name, ok := nameFor(np.rx); ok {
				d.at(nameTok(name), op.s, np.s, c.child())
			} else {
				d.node(op.s, np.s, c.child())
			}
			continue
		}
		dir := d.patternDir(o, n, np, additionalModel(o), true)
		d.emitDir(c, "pattern-property-added", dir, o, n, suffix, "patternProperties %q added", re)
	}
	for _, re := range sortedKeys(opat) {
		if _, ok := npat[re]; ok {
			continue
		}
		op := opat[re]
		dir := d.patternDir(n, o, op, additionalModel(n), false)
		d.emitDir(c, "pattern-property-removed", dir, o, n, "/patternProperties/"+escapeToken(re), "patternProperties %q removed", re)
	}

	// dependencies
	odr, odrKw := dependentRequired(o)
	ndr, ndrKw := dependentRequired(n)
	for _, k := range sortedKeys(ndr) {
		have := map[string]bool{}
		for _, x := range odr[k] {
			have[x] = true
		}
		for _, x := range ndr[k] {
			if !have[x] {
				d.emit(c, "dependent-required-added", o, n, "/"+ndrKw+"/"+escapeToken(k), "%q now requires %q", k, x)
			}
		}
	}
	for _, k := range sortedKeys(odr) {
		have := map[string]bool{}
		for _, x := range ndr[k] {
			have[x] = true
		}
		for _, x := range odr[k] {
			if !have[x] {
				d.emit(c, "dependent-required-removed", o, n, "/"+odrKw+"/"+escapeToken(k), "%q no longer requires %q", k, x)
			}
		}
	}
	ods, odsKw := dependentSchemas(o)
	nds, ndsKw := dependentSchemas(n)
	for _, k := range sortedKeys(nds) {
		if os, ok := ods[k]; ok {
			d.node(os, nds[k], c.inplace(o, n))
			continue
		}
		if !isTrue(nds[k]) {
			d.emit(c.inplace(o, n), "dependent-schema-added", o, n, "/"+ndsKw+"/"+escapeToken(k), "dependent schema for %q added", k)
		}
	}
	for _, k := range sortedKeys(ods) {
		if _, ok := nds[k]; !ok && !isTrue(ods[k]) {
			d.emit(c.inplace(o, n), "dependent-schema-removed", o, n, "/"+odsKw+"/"+escapeToken(k), "dependent schema for %q removed", k)
		}
	}

	// propertyNames
	switch {
	case o.PropertyNames != nil && n.PropertyNames != nil:
		d.node(o.PropertyNames, n.PropertyNames, c.child())
	case n.PropertyNames != nil && !isTrue(n.PropertyNames):
		d.emit(c, "property-names-added", o, n, "/propertyNames", "propertyNames added")
	case o.PropertyNames != nil && !isTrue(o.PropertyNames):
		d.emit(c, "property-names-removed", o, n, "/propertyNames", "propertyNames removed")
	}

	d.bound(c, "max-properties", "maxProperties", o, n, o.MaxProperties, n.MaxProperties)
	d.bound(c, "min-properties", "minProperties", o, n, o.MinProperties, n.MinProperties)
}

// openness compares the models for undeclared names: additionalProperties,
// or unevaluatedProperties when additionalProperties is absent; each nil/true
// (open), a schema (partially open) or false (closed).
func (d *differ) openness(c cctx, o, n *jsv.Schema) {
	om, nm := additionalModel(o), additionalModel(n)
	kw := nm.kw
	if kw == "" {
		kw = om.kw
	}
	id := "additional-properties"
	if kw == "unevaluatedProperties" {
		id = "unevaluated-properties"
	}
	if om.kind == modelPartial && nm.kind == modelPartial {
		d.at(nameTok(undeclaredName(o, n)), om.schemas[0], nm.schemas[0], c.child())
		return
	}
	switch {
	case nm.kind > om.kind:
		d.emit(c, id+"-narrowed", o, n, "/"+kw, "%s narrowed from %s to %s", kw, modelNames[om.kind], modelNames[nm.kind])
	case nm.kind < om.kind:
		d.emit(c, id+"-extended", o, n, "/"+kw, "%s extended from %s to %s", kw, modelNames[om.kind], modelNames[nm.kind])
	}
}

// undeclaredName returns a property name neither schema declares or
// matches with a pattern: one additionalProperties governs on both sides.
func undeclaredName(o, n *jsv.Schema) string {
	taken := func(name string) bool {
		for _, s := range []*jsv.Schema{o, n} {
			if _, ok := s.Properties[name]; ok {
				return true
			}
			for re := range s.PatternProperties {
				if re.MatchString(name) {
					return true
				}
			}
		}
		return false
	}
	name := "x"
	for i := 0; taken(name) && i < 100; i++ {
		name = "x" + strconv.Itoa(i)
	}
	return name
}

type patEntry struct {
	re string
	rx jsv.Regexp
	s  *jsv.Schema
}

func patternMap(s *jsv.Schema) map[string]patEntry {
	if len(s.PatternProperties) == 0 {
		return nil
	}
	m := map[string]patEntry{}
	for re, ps := range s.PatternProperties {
		m[re.String()] = patEntry{re: re.String(), rx: re, s: ps}
	}
	return m
}

// patternDir works out the direction of adding (added=true, other is OLD,
// same is NEW) or removing (other is NEW, same is OLD) a pattern property.
func (d *differ) patternDir(other, same *jsv.Schema, p patEntry, m model, added bool) Direction {
	// properties both sides declare that the pattern also covers gain (or
	// lose) its constraint; a name only one side declares is judged once,
	// as a property added or removed, against the model that governs it
	named := false
	for name := range other.Properties {
		if _, both := same.Properties[name]; both && p.rx.MatchString(name) {
			named = true
			break
		}
	}
	var dir Direction
	switch m.kind {
	case modelOpen:
		if added {
			dir = Narrow
		} else {
			dir = Widen
		}
		if isTrue(p.s) {
			dir = Neutral
		}
	case modelClosed:
		if added {
			dir = Widen
		} else {
			dir = Narrow
		}
		if isFalse(deref(p.s)) {
			dir = Neutral
		}
	default:
		if added {
			dir, _ = d.probe([2]*jsv.Schema{m.schemas[0], p.s})
		} else {
			dir, _ = d.probe([2]*jsv.Schema{p.s, m.schemas[0]})
		}
	}
	if named && !isTrue(p.s) {
		// declared properties gain (or lose) the pattern's constraint too
		extra := Narrow
		if !added {
			extra = Widen
		}
		dir = combine([]change{{dir: dir}, {dir: extra}})
	}
	return dir
}

func dependentRequired(s *jsv.Schema) (map[string][]string, string) {
	out := map[string][]string{}
	kw := "dependentRequired"
	for k, v := range s.DependentRequired {
		out[k] = v
	}
	for k, v := range s.Dependencies {
		if arr, ok := v.([]string); ok {
			out[k] = arr
			kw = "dependencies"
		}
	}
	return out, kw
}

func dependentSchemas(s *jsv.Schema) (map[string]*jsv.Schema, string) {
	out := map[string]*jsv.Schema{}
	kw := "dependentSchemas"
	for k, v := range s.DependentSchemas {
		out[k] = v
	}
	for k, v := range s.Dependencies {
		if sch, ok := v.(*jsv.Schema); ok {
			out[k] = sch
			kw = "dependencies"
		}
	}
	return out, kw
}
