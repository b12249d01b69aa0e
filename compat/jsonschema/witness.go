package jsonschema

import (
	"encoding/json"
	"fmt"
	"math/big"
	"regexp"
	"regexp/syntax"
	"sort"
	"strconv"
	"strings"

	"github.com/dsctl/dsctl/compat"
	jsv "github.com/santhosh-tekuri/jsonschema/v6"
)

// Budget bounds one witness search. It counts instances, not time, so that
// the same schemas give the same witness on every run and every machine.
type Budget struct {
	// Candidates is the most instances validated against both schemas.
	Candidates int
}

// DefaultBudget is the budget of a search for one change.
var DefaultBudget = Budget{Candidates: 300}

// diffWitnessBudget bounds the witness searches of one diff together: once
// it is spent, later major changes say so instead of searching.
const diffWitnessBudget = 6000

// FindWitness searches for a small instance that shows old and new differ in
// mode: backward, one OLD accepts and NEW rejects; forward, one NEW accepts and
// OLD rejects; full (and the transitive modes' bases) either. Candidates are
// generated from both schemas (const and enum values, values at and beyond
// every bound, objects with and without each property, wrong types, extra
// properties and items, arrays of every length a bound names…) and checked with
// jsonschema v6. The witness is the instance as JSON (sorted keys); ok is false
// when none was found within the budget. The search is deterministic.
func FindWitness(old, new *Compiled, mode compat.Mode, b Budget) (json.RawMessage, bool) {
	if !witnessable(old.s) || !witnessable(new.s) {
		return nil, false
	}
	left := b.Candidates
	for _, dir := range modeDirs(mode, Both) {
		acc, rej := old.s.root, new.s.root
		if dir == Widen {
			acc, rej = rej, acc
		}
		ws := newWitnessSearch(acc, rej, left)
		w, _ := ws.run(nil, acc, rej, "", "")
		if w != nil {
			return w, true
		}
		left = ws.left
	}
	return nil, false
}

// witnessable reports whether jsonschema v6 can validate with a side's
// compiled schemas: the engine's own compiler for large documents builds
// schemas that v6 can walk but not validate with (enum checks need state
// only v6's compiler sets).
func witnessable(s *side) bool { return !s.rawComplete }

// modeDirs lists the directions a witness may show in a mode, for a change
// of direction dir: Narrow means OLD accepts what NEW rejects, Widen the
// reverse.
func modeDirs(mode compat.Mode, dir Direction) []Direction {
	switch mode.Base() {
	case compat.Forward:
		return []Direction{Widen}
	case compat.Full:
		switch dir {
		case Narrow:
			return []Direction{Narrow}
		case Widen:
			return []Direction{Widen}
		}
		return []Direction{Narrow, Widen}
	}
	return []Direction{Narrow}
}

// pathTok is one step of an instance location: a property name or, when
// idx >= 0, an array index.
type pathTok struct {
	name string
	idx  int
}

type witnessSearch struct {
	acc, rej *jsv.Schema // roots: acc must accept the witness, rej reject it
	left     int
	tried    map[string]bool
	memo     map[string][]any
	samples  map[string]any
	local    int // local validations left (samples)
}

func newWitnessSearch(acc, rej *jsv.Schema, left int) *witnessSearch {
	return &witnessSearch{acc: acc, rej: rej, left: left, tried: map[string]bool{},
		memo: map[string][]any{}, samples: map[string]any{}, local: 4 * left}
}

// valid runs v6 on a schema, a panic counting as "not valid" (the search
// must never take the diff down).
func valid(s *jsv.Schema, v any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("validator panic: %v", r)
		}
	}()
	return s.Validate(v)
}

// run searches for a witness: instances built along path (from the roots)
// whose value at the end of path comes from the leaf schemas accLeaf and
// rejLeaf. A witness whose rejection names a keyword under attrib (a schema
// location) is preferred; the first witness found otherwise.
func (ws *witnessSearch) run(path []pathTok, accLeaf, rejLeaf *jsv.Schema, attrib, focus string) (json.RawMessage, bool) {
	var first, found json.RawMessage
	// the accepting side's schemas at each level of path, for the values around the leaf
	levels := make([]hints, len(path)+1)
	levels[0] = hintsOf(ws.acc)
	for i, t := range path {
		levels[i+1] = childHints(levels[i], t)
	}
	ws.each(hintsOf(accLeaf), hintsOf(rejLeaf), 0, focus, func(v any) bool {
		if ws.left <= 0 {
			return false
		}
		inst := v
		for i := len(path) - 1; i >= 0; i-- {
			inst = ws.wrap(levels[i], path[i], inst)
		}
		data, err := json.Marshal(inst)
		if err != nil {
			return true
		}
		key := string(data)
		if ws.tried[key] {
			return true
		}
		ws.tried[key] = true
		ws.left--
		if valid(ws.acc, inst) != nil {
			return true
		}
		err = valid(ws.rej, inst)
		if err == nil {
			return true
		}
		if attrib == "" || blames(err, attrib) {
			found = data
			return false
		}
		if first == nil {
			first = data
		}
		return true
	})
	if found != nil {
		return found, true
	}
	return first, first != nil
}

// blames reports whether a validation error has a cause at the keyword
// location loc (a schema location and keyword path, as a change names
// it): a failing keyword at or under loc, or a keyword loc lies under (a
// change at /required/1 is blamed by a failing /required).
func blames(err error, loc string) bool {
	ve, ok := err.(*jsv.ValidationError)
	if !ok {
		return false
	}
	var walk func(e *jsv.ValidationError) bool
	walk = func(e *jsv.ValidationError) bool {
		if len(e.Causes) == 0 {
			kp := e.ErrorKind.KeywordPath()
			el := e.SchemaURL
			for _, k := range kp {
				el += "/" + escapeToken(k)
			}
			if underPtr(el, loc) || len(kp) > 0 && underPtr(loc, el) {
				return true
			}
		}
		for _, c := range e.Causes {
			if walk(c) {
				return true
			}
		}
		return false
	}
	return walk(ve)
}

// underPtr reports whether the location a is b or lies under it.
func underPtr(a, b string) bool {
	return a == b || strings.HasPrefix(a, b) && (strings.HasSuffix(b, "#") || a[len(b)] == '/')
}

// wrap puts v at t inside an instance the schemas at this level accept
// otherwise (their required properties, their tuple positions).
func (ws *witnessSearch) wrap(h hints, t pathTok, v any) any {
	if t.idx >= 0 {
		arr := ws.baseArray(h, 1)
		out := make([]any, 0, t.idx+1)
		for i := 0; i < t.idx; i++ {
			if i < len(arr) {
				out = append(out, arr[i])
			} else {
				out = append(out, ws.sample(childHints(h, pathTok{idx: i}), 1))
			}
		}
		return append(out, v)
	}
	obj := ws.baseObject(h, 1)
	obj[t.name] = v
	return obj
}

// hints are the schemas that constrain one instance location: the schema,
// what its $ref leads to, its allOf members (all of them apply) and, as
// further sources of values, its anyOf/oneOf members and then/else.
type hints struct {
	conj []*jsv.Schema // every one applies
	alt  []*jsv.Schema // one may apply
}

const maxHints = 32

func hintsOf(ss ...*jsv.Schema) hints {
	var h hints
	seen := map[*jsv.Schema]bool{}
	var add func(s *jsv.Schema, alt bool, depth int)
	add = func(s *jsv.Schema, alt bool, depth int) {
		if s == nil || seen[s] || depth > 8 || len(h.conj)+len(h.alt) >= maxHints {
			return
		}
		seen[s] = true
		if alt {
			h.alt = append(h.alt, s)
		} else {
			h.conj = append(h.conj, s)
		}
		add(s.Ref, alt, depth+1)
		if s.DynamicRef != nil {
			add(s.DynamicRef.Ref, alt, depth+1)
		}
		add(s.RecursiveRef, alt, depth+1)
		for _, m := range s.AllOf {
			add(m, alt, depth+1)
		}
		for _, m := range s.AnyOf {
			add(m, true, depth+1)
		}
		for _, m := range s.OneOf {
			add(m, true, depth+1)
		}
		add(s.Then, true, depth+1)
		add(s.Else, true, depth+1)
		for _, m := range s.DependentSchemas {
			add(m, true, depth+1)
		}
	}
	for _, s := range ss {
		add(s, false, 0)
	}
	return h
}

func (h hints) all() []*jsv.Schema { return append(append([]*jsv.Schema{}, h.conj...), h.alt...) }

func (h hints) key() string {
	var b strings.Builder
	for _, s := range h.conj {
		fmt.Fprintf(&b, "%p,", s)
	}
	b.WriteByte('|')
	for _, s := range h.alt {
		fmt.Fprintf(&b, "%p,", s)
	}
	return b.String()
}

// childHints returns the schemas that constrain the value at t.
func childHints(h hints, t pathTok) hints {
	var out hints
	pick := func(ss []*jsv.Schema) []*jsv.Schema {
		var r []*jsv.Schema
		for _, s := range ss {
			r = append(r, childOf(s, t)...)
		}
		return r
	}
	c := hintsOf(pick(h.conj)...)
	a := hintsOf(pick(h.alt)...)
	out.conj = c.conj
	out.alt = append(c.alt, a.all()...)
	return out
}

// childOf returns the subschemas of s that apply at t.
func childOf(s *jsv.Schema, t pathTok) []*jsv.Schema {
	if t.idx >= 0 {
		sh := shapeOf(s)
		if t.idx < len(sh.prefix) {
			return []*jsv.Schema{sh.prefix[t.idx]}
		}
		var out []*jsv.Schema
		if r, ok := sh.rest.(*jsv.Schema); ok {
			out = append(out, r)
		} else if b, ok := sh.rest.(bool); ok && !b {
			f := false
			out = append(out, &jsv.Schema{Bool: &f})
		}
		if len(out) == 0 && s.UnevaluatedItems != nil {
			out = append(out, s.UnevaluatedItems)
		}
		return out
	}
	if p, ok := s.Properties[t.name]; ok {
		return []*jsv.Schema{p}
	}
	var out []*jsv.Schema
	for _, re := range sortedPatterns(s) {
		if re.MatchString(t.name) {
			out = append(out, s.PatternProperties[re])
		}
	}
	if len(out) > 0 {
		return out
	}
	if ap, ok := s.AdditionalProperties.(*jsv.Schema); ok {
		return []*jsv.Schema{ap}
	}
	if b, ok := s.AdditionalProperties.(bool); ok && !b {
		f := false
		return []*jsv.Schema{{Bool: &f}}
	}
	if s.UnevaluatedProperties != nil {
		return []*jsv.Schema{s.UnevaluatedProperties}
	}
	return nil
}

func sortedPatterns(s *jsv.Schema) []jsv.Regexp {
	res := make([]jsv.Regexp, 0, len(s.PatternProperties))
	for re := range s.PatternProperties {
		res = append(res, re)
	}
	sort.Slice(res, func(i, j int) bool { return res[i].String() < res[j].String() })
	return res
}

// perLevel is how many values a level of nesting contributes per property
// or position; deeper levels contribute fewer.
func perLevel(depth int) int { return max(2, 8-3*depth) }

const maxWitnessDepth = 4

// maxSampleDepth bounds the nesting of the values built around the value
// being varied (required properties of required properties…).
const maxSampleDepth = 16

// emitter hands candidates to the search one by one; it returns false to
// stop the generation (a witness was found or the budget is spent).
type emitter func(v any) bool

// values returns the first n candidates of each, remembered: nested
// locations need a few values each, generated once per search.
func (ws *witnessSearch) values(a, r hints, depth, n int) []any {
	key := a.key() + "/" + r.key() + "/" + strconv.Itoa(depth) + "/" + strconv.Itoa(n)
	if v, ok := ws.memo[key]; ok {
		return v
	}
	ws.memo[key] = nil // a recursive schema sees no values at the recursion
	out := make([]any, 0, n)
	ws.each(a, r, depth, "", func(v any) bool {
		out = append(out, v)
		return len(out) < n
	})
	ws.memo[key] = out
	return out
}

// each generates candidate values for a location, small and likely ones
// first: the const and enum values of either side, scalars at and around
// every bound, objects and arrays varied one property or position at a
// time (the property focus first), and a value of every JSON type. It
// returns false when yield stopped it.
func (ws *witnessSearch) each(a, r hints, depth int, focus string, yield emitter) bool {
	seen := map[string]bool{}
	scalar := func(v any) bool {
		k := canonical(v)
		if seen[k] {
			return true
		}
		seen[k] = true
		return yield(v)
	}
	all := append(a.all(), r.all()...)
	for _, s := range all {
		if s.Const != nil && !scalar(*s.Const) {
			return false
		}
		if s.Enum != nil {
			for _, v := range s.Enum.Values {
				if !scalar(v) {
					return false
				}
			}
		}
	}
	types := 0
	for _, s := range all {
		types |= typeMask(s)
	}
	if len(all) == 0 {
		types = tAll
	}
	if types&tString != 0 {
		for _, v := range stringValues(all) {
			if !scalar(v) {
				return false
			}
		}
	}
	if types&(tInt|tNonInt) != 0 {
		for _, v := range numberValues(all) {
			if !scalar(v) {
				return false
			}
		}
	}
	if depth < maxWitnessDepth {
		if types&tObject != 0 && !ws.objectValues(a, r, depth, focus, yield) {
			return false
		}
		if types&tArray != 0 && !ws.arrayValues(a, r, depth, yield) {
			return false
		}
	}
	// a value of every type
	for _, v := range []any{nil, true, false, json.Number("0"), json.Number("0.5"), "", map[string]any{}, []any{}} {
		if !scalar(v) {
			return false
		}
	}
	return true
}

// sample returns a value the schemas of h likely accept (the first candidate
// that all of them accept), for the parts of an instance around the value
// being varied.
func (ws *witnessSearch) sample(h hints, depth int) any {
	key := h.key()
	if v, ok := ws.samples[key]; ok {
		return v
	}
	ws.samples[key] = map[string]any{} // recursion: an empty object
	var pick, first any
	found := false
	n := 0
	accept := func(v any) bool {
		if n == 0 {
			first = v
		}
		n++
		if ws.local <= 0 || n > 64 {
			return false
		}
		for _, s := range h.conj {
			ws.local--
			if valid(s, v) != nil {
				return true
			}
		}
		if len(h.alt) > 0 {
			// some alternative (anyOf/oneOf member) must accept it too
			ok := false
			for _, s := range h.alt {
				ws.local--
				if valid(s, v) == nil {
					ok = true
					break
				}
			}
			if !ok {
				return true
			}
		}
		pick, found = v, true
		return false
	}
	// a sample is one value, not a set of variants: objects and arrays
	// are built whatever the depth (the variants stop at maxWitnessDepth)
	types := 0
	for _, s := range h.all() {
		types |= typeMask(s)
	}
	more := true
	if depth >= maxWitnessDepth && depth < maxSampleDepth {
		if types&tObject != 0 {
			more = accept(ws.baseObject(h, depth))
		}
		if more && types&tArray != 0 {
			more = accept(ws.baseArray(h, depth))
		}
	}
	if more {
		ws.each(h, hints{}, depth, "", func(v any) bool { return accept(v) })
	}
	switch {
	case found:
	case n > 0:
		pick = first
	default:
		pick = map[string]any{}
	}
	ws.samples[key] = pick
	return pick
}

// baseObject is an object with the required properties of the schemas of
// h, each with a sample value.
func (ws *witnessSearch) baseObject(h hints, depth int) map[string]any {
	obj := map[string]any{}
	for _, s := range h.conj {
		for _, name := range s.Required {
			if _, ok := obj[name]; !ok {
				obj[name] = nil
				obj[name] = ws.sample(childHints(h, pathTok{name: name, idx: -1}), depth+1)
			}
		}
		for k, req := range s.DependentRequired {
			if _, ok := obj[k]; ok {
				for _, name := range req {
					if _, ok := obj[name]; !ok {
						obj[name] = ws.sample(childHints(h, pathTok{name: name, idx: -1}), depth+1)
					}
				}
			}
		}
	}
	for _, s := range h.conj {
		if s.MinProperties != nil {
			for i := 0; len(obj) < *s.MinProperties && i < 64; i++ {
				name := "p" + strconv.Itoa(i)
				if _, ok := obj[name]; !ok {
					obj[name] = ws.sample(childHints(h, pathTok{name: name, idx: -1}), depth+1)
				}
			}
		}
	}
	return obj
}

func copyObj(m map[string]any) map[string]any {
	out := make(map[string]any, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

func (ws *witnessSearch) objectValues(a, r hints, depth int, focus string, yield emitter) bool {
	k := perLevel(depth)
	base := ws.baseObject(a, depth)
	if !yield(base) {
		return false
	}
	all := append(a.all(), r.all()...)
	// properties either side declares or requires; the focus first
	names := map[string]bool{}
	for _, s := range all {
		for n := range s.Properties {
			names[n] = true
		}
		for _, n := range s.Required {
			names[n] = true
		}
		for n := range s.DependentRequired {
			names[n] = true
		}
	}
	for _, s := range all {
		for _, re := range sortedPatterns(s) {
			if n, ok := nameFor(re); ok {
				names[n] = true
			}
		}
	}
	// a name no side declares: additionalProperties / unevaluatedProperties
	extra := "x"
	for i := 0; names[extra]; i++ {
		extra = "x" + strconv.Itoa(i)
	}
	list := sortedKeys(names)
	if focus != "" && names[focus] {
		rest := []string{focus}
		for _, n := range list {
			if n != focus {
				rest = append(rest, n)
			}
		}
		list = rest
	}
	list = append(list, extra)
	property := func(n string) bool {
		t := pathTok{name: n, idx: -1}
		if _, ok := base[n]; ok {
			o := copyObj(base)
			delete(o, n)
			if !yield(o) {
				return false
			}
		}
		ca, cr := childHints(a, t), childHints(r, t)
		if _, ok := base[n]; !ok {
			o := copyObj(base)
			o[n] = ws.sample(ca, depth+1)
			if !yield(o) {
				return false
			}
		}
		for _, v := range ws.values(ca, cr, depth+1, k) {
			o := copyObj(base)
			o[n] = v
			if !yield(o) {
				return false
			}
		}
		return true
	}
	for _, n := range list {
		if !property(n) {
			return false
		}
	}
	// each anyOf/oneOf member of the accepting side may need other properties
	for i, s := range a.alt {
		if i >= 4 {
			break
		}
		if !yield(ws.baseObject(hints{conj: append(append([]*jsv.Schema{}, a.conj...), hintsOf(s).conj...)}, depth)) {
			return false
		}
	}
	// too many properties
	for _, s := range all {
		if s.MaxProperties != nil {
			o := copyObj(base)
			for i := 0; len(o) <= *s.MaxProperties && i < 64; i++ {
				o["p"+strconv.Itoa(i)] = ws.sample(childHints(a, pathTok{name: "p" + strconv.Itoa(i), idx: -1}), depth+1)
			}
			if !yield(o) {
				return false
			}
		}
	}
	return true
}

// baseArray is an array with a sample value in every tuple position and as
// many items as minItems asks.
func (ws *witnessSearch) baseArray(h hints, depth int) []any {
	n := 0
	for _, s := range h.conj {
		n = max(n, len(shapeOf(s).prefix))
		if s.MinItems != nil {
			n = max(n, *s.MinItems)
		}
		if s.Contains != nil {
			m := 1
			if s.MinContains != nil {
				m = *s.MinContains
			}
			n = max(n, m)
		}
	}
	n = min(n, 64)
	arr := make([]any, 0, n)
	for i := 0; i < n; i++ {
		arr = append(arr, ws.sample(childHints(h, pathTok{idx: i}), depth+1))
	}
	return arr
}

func (ws *witnessSearch) arrayValues(a, r hints, depth int, yield emitter) bool {
	k := perLevel(depth)
	base := ws.baseArray(a, depth)
	if !yield(base) {
		return false
	}
	all := append(a.all(), r.all()...)
	tuple := 0
	var lengths []int
	for _, s := range all {
		tuple = max(tuple, len(shapeOf(s).prefix))
		if s.MinItems != nil {
			lengths = append(lengths, *s.MinItems-1, *s.MinItems)
		}
		if s.MaxItems != nil {
			lengths = append(lengths, *s.MaxItems, *s.MaxItems+1)
		}
	}
	// each position up to one beyond the longest tuple
	for i := 0; i <= tuple; i++ {
		t := pathTok{idx: i}
		for _, v := range ws.values(childHints(a, t), childHints(r, t), depth+1, k) {
			arr := append([]any{}, base...)
			for len(arr) < i {
				arr = append(arr, ws.sample(childHints(a, pathTok{idx: len(arr)}), depth+1))
			}
			if i < len(arr) {
				arr[i] = v
			} else {
				arr = append(arr, v)
			}
			if !yield(arr) {
				return false
			}
		}
	}
	// contains: arrays of one contained candidate
	for _, s := range all {
		if s.Contains != nil {
			for _, v := range ws.values(hintsOf(s.Contains), hints{}, depth+1, k) {
				if !yield(append(append([]any{}, base...), v)) {
					return false
				}
			}
		}
	}
	sort.Ints(lengths)
	for _, n := range lengths {
		if n < 0 || n > 64 {
			continue
		}
		arr := append([]any{}, base...)
		if len(arr) > n {
			arr = arr[:n]
		}
		for len(arr) < n {
			arr = append(arr, ws.sample(childHints(a, pathTok{idx: len(arr)}), depth+1))
		}
		if !yield(arr) {
			return false
		}
	}
	// duplicates, for uniqueItems
	if len(base) > 0 {
		return yield(append(append([]any{}, base...), base[len(base)-1]))
	}
	v := ws.sample(childHints(a, pathTok{idx: 0}), depth+1)
	return yield([]any{v, v})
}

// formatSamples are values of common formats.
var formatSamples = map[string]string{
	"date-time": "2024-01-02T03:04:05Z", "date": "2024-01-02", "time": "03:04:05Z",
	"duration": "P1D", "email": "a@example.com", "idn-email": "a@example.com",
	"hostname": "example.com", "idn-hostname": "example.com", "ipv4": "192.0.2.1",
	"ipv6": "2001:db8::1", "uri": "https://example.com/a", "uri-reference": "/a",
	"iri": "https://example.com/a", "iri-reference": "/a", "uuid": "123e4567-e89b-12d3-a456-426614174000",
	"uri-template": "/a/{b}", "json-pointer": "/a", "relative-json-pointer": "0/a", "regex": "^a$",
}

func stringValues(all []*jsv.Schema) []any {
	var out []any
	// strings that match each pattern, then format samples
	for _, s := range all {
		if s.Pattern != nil {
			if v, ok := stringFor(goSyntax(s.Pattern)); ok && s.Pattern.MatchString(v) {
				out = append(out, v)
			}
		}
	}
	for _, s := range all {
		if f, ok := rawFormat(s); ok {
			if v, ok := formatSamples[f]; ok {
				out = append(out, v)
			}
		}
	}
	lengths := []int{0, 1}
	for _, s := range all {
		if s.MinLength != nil {
			lengths = append(lengths, *s.MinLength-1, *s.MinLength)
		}
		if s.MaxLength != nil {
			lengths = append(lengths, *s.MaxLength, *s.MaxLength+1)
		}
	}
	sort.Ints(lengths)
	for _, n := range lengths {
		if n >= 0 && n <= 1024 {
			out = append(out, strings.Repeat("a", n))
		}
	}
	out = append(out, "A", "0", "-", "a b")
	return out
}

func rawFormat(s *jsv.Schema) (string, bool) {
	if s.Format != nil {
		return s.Format.Name, true
	}
	return "", false
}

func numberValues(all []*jsv.Schema) []any {
	var out []any
	one, half := big.NewRat(1, 1), big.NewRat(1, 2)
	addR := func(r *big.Rat) { out = append(out, ratNumber(r)) }
	for _, v := range []*big.Rat{big.NewRat(0, 1), one, big.NewRat(-1, 1), half} {
		addR(v)
	}
	for _, s := range all {
		for _, b := range []*big.Rat{s.Minimum, s.Maximum, s.ExclusiveMinimum, s.ExclusiveMaximum} {
			if b == nil || hugeRat(b) {
				continue
			}
			addR(b)
			addR(new(big.Rat).Sub(b, one))
			addR(new(big.Rat).Add(b, one))
			addR(new(big.Rat).Sub(b, half))
			addR(new(big.Rat).Add(b, half))
		}
		if m := s.MultipleOf; m != nil && !hugeRat(m) {
			addR(m)
			addR(new(big.Rat).Mul(m, big.NewRat(2, 1)))
			addR(new(big.Rat).Mul(m, big.NewRat(3, 1)))
			addR(new(big.Rat).Mul(m, half))
		}
	}
	return out
}

// hugeRat reports whether a bound is too large (or too fine) to make
// candidates from: 1e999999 would make a million-digit number.
func hugeRat(r *big.Rat) bool { return r.Num().BitLen() > 256 || r.Denom().BitLen() > 256 }

// ratNumber writes a rational as a JSON number (exactly when it has a finite
// decimal expansion of at most 12 digits, else rounded).
func ratNumber(r *big.Rat) json.Number {
	if r.IsInt() {
		return json.Number(r.Num().String())
	}
	s := r.FloatString(12)
	s = strings.TrimRight(s, "0")
	s = strings.TrimSuffix(s, ".")
	return json.Number(s)
}

// nameFor returns a property name the pattern matches, if it can make one.
func nameFor(re jsv.Regexp) (string, bool) {
	v, ok := stringFor(goSyntax(re))
	if ok && re.MatchString(v) {
		return v, true
	}
	for _, c := range []string{"a", "x", "ab", "a1", "x_1", "A", "0"} {
		if re.MatchString(c) {
			return c, true
		}
	}
	return "", false
}

// stringFor makes a short string a regular expression matches: the
// shortest path through its syntax tree (Go's syntax, which ECMA-262's
// common subset shares).
func stringFor(pattern string) (string, bool) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return "", false
	}
	var b strings.Builder
	var walk func(r *syntax.Regexp, depth int) bool
	walk = func(r *syntax.Regexp, depth int) bool {
		if depth > 64 || b.Len() > 256 {
			return false
		}
		switch r.Op {
		case syntax.OpLiteral:
			b.WriteString(string(r.Rune))
		case syntax.OpCharClass:
			if len(r.Rune) == 0 {
				return false
			}
			lo := r.Rune[0]
			// prefer a letter or digit inside the class
			for i := 0; i+1 < len(r.Rune); i += 2 {
				if r.Rune[i] <= 'a' && 'a' <= r.Rune[i+1] {
					lo = 'a'
					break
				}
			}
			b.WriteRune(lo)
		case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
			b.WriteByte('a')
		case syntax.OpCapture:
			return walk(r.Sub[0], depth+1)
		case syntax.OpConcat:
			for _, s := range r.Sub {
				if !walk(s, depth+1) {
					return false
				}
			}
		case syntax.OpAlternate:
			return walk(r.Sub[0], depth+1)
		case syntax.OpPlus:
			return walk(r.Sub[0], depth+1)
		case syntax.OpRepeat:
			for i := 0; i < r.Min; i++ {
				if !walk(r.Sub[0], depth+1) {
					return false
				}
			}
		case syntax.OpStar, syntax.OpQuest, syntax.OpEmptyMatch,
			syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
			syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		default:
			return false
		}
		return true
	}
	if !walk(re.Simplify(), 0) {
		return "", false
	}
	s := b.String()
	if _, err := regexp.Compile(pattern); err != nil {
		return "", false
	}
	return s, true
}

// Reasons a major change carries no witness.
const (
	noWitnessBudget     = "not proven: no witness found within the search budget; major because the engine cannot show the change is safe, not because it found a break"
	noWitnessDiffBudget = "not searched: the witness budget of this comparison was spent on earlier changes"
	noWitnessLarge      = "not searched: documents of 256 KB and more are compiled by the engine's own compiler, which the validator cannot run"
	noWitnessFormat     = "not searched: the validator treats format as an annotation in this draft, so no instance is rejected for it"
	noWitnessContent    = "not searched: the validator treats content keywords as annotations, so no instance is rejected for them"
	noWitnessPattern    = "not proven: no witness found (the engine cannot generate strings from every regular expression); major because the engine cannot show the change is safe"
)

// witness searches for an instance that shows a major change: the change's
// own schemas give the values at its instance location, the roots of both
// sides are the judges. left is the budget the diff has left.
func (d *differ) witness(ch change, opts compat.Options, left *int) (json.RawMessage, string) {
	if !witnessable(d.old) || !witnessable(d.new) {
		return nil, noWitnessLarge
	}
	if strings.HasPrefix(ch.id, "format-") && formatUnasserted(ch) {
		return nil, noWitnessFormat
	}
	if strings.HasPrefix(ch.id, "content-") {
		return nil, noWitnessContent
	}
	if *left <= 0 {
		return nil, noWitnessDiffBudget
	}
	mode := opts.Mode
	if mode.Base() == compat.NoneMode {
		mode = compat.Backward
	}
	var first json.RawMessage
	for _, dir := range modeDirs(mode, ch.dir) {
		acc, rej := d.old.root, d.new.root
		accLeaf, rejLeaf := ch.o, ch.n
		if dir == Widen {
			acc, rej = rej, acc
			accLeaf, rejLeaf = rejLeaf, accLeaf
		}
		budget := min(DefaultBudget.Candidates, *left)
		ws := newWitnessSearch(acc, rej, budget)
		attrib := ch.nLoc
		if dir == Widen {
			attrib = ch.oLoc
		}
		w, ok := ws.run(ch.ipath, accLeaf, rejLeaf, attrib, ch.focus)
		if ok && ws.left > 0 && len(ch.ipath) > 0 && !blamesWitness(rej, w, attrib) {
			// try the whole instance as well, with the rest of the budget
			w2, ok2 := ws.run(nil, acc, rej, attrib, "")
			if ok2 && blamesWitness(rej, w2, attrib) {
				w = w2
			}
		} else if !ok && ws.left > 0 && len(ch.ipath) > 0 {
			w, ok = ws.run(nil, acc, rej, attrib, "")
		}
		*left -= budget - ws.left
		if ok {
			if blamesWitness(rej, w, attrib) {
				return w, ""
			}
			if first == nil {
				first = w
			}
		}
		if *left <= 0 {
			break
		}
	}
	if first != nil {
		return first, ""
	}
	if strings.HasPrefix(ch.id, "pattern-") {
		return nil, noWitnessPattern
	}
	return nil, noWitnessBudget
}

// blamesWitness reports whether rej rejects the witness w with a cause at
// or under the schema location loc.
func blamesWitness(rej *jsv.Schema, w json.RawMessage, loc string) bool {
	if loc == "" {
		return true
	}
	v, err := jsv.UnmarshalJSON(strings.NewReader(string(w)))
	if err != nil {
		return false
	}
	return blames(valid(rej, v), loc)
}

// formatUnasserted reports whether the validator ignores the format of the
// change's schemas (draft 2019-09 and later treat it as an annotation).
func formatUnasserted(ch change) bool {
	for _, s := range []*jsv.Schema{ch.o, ch.n} {
		if s != nil && s.Format != nil {
			return false
		}
	}
	return true
}
