package jsonschema

import (
	"fmt"
	"sort"

	jsv "github.com/santhosh-tekuri/jsonschema/v6"
)

type combinator struct {
	kw      string // allOf, anyOf, oneOf
	members []*jsv.Schema
}

func combinators(s *jsv.Schema) []combinator {
	var cs []combinator
	if len(s.AllOf) > 0 {
		cs = append(cs, combinator{"allOf", s.AllOf})
	}
	if len(s.AnyOf) > 0 {
		cs = append(cs, combinator{"anyOf", s.AnyOf})
	}
	if len(s.OneOf) > 0 {
		cs = append(cs, combinator{"oneOf", s.OneOf})
	}
	return cs
}

var combIDs = map[string]string{"allOf": "all-of", "anyOf": "any-of", "oneOf": "one-of"}

func (d *differ) composition(o, n *jsv.Schema, c cctx) {
	c = c.inplace(o, n)
	oc, nc := combinators(o), combinators(n)
	if len(oc) == 1 && len(nc) == 1 && oc[0].kw != nc[0].kw {
		d.methodChanged(c, o, n, oc[0], nc[0])
	} else {
		d.members(c, o, n, "allOf", o.AllOf, n.AllOf)
		d.members(c, o, n, "anyOf", o.AnyOf, n.AnyOf)
		d.members(c, o, n, "oneOf", o.OneOf, n.OneOf)
	}
	switch {
	case o.Not != nil && n.Not != nil:
		nc := c
		nc.neg = !nc.neg
		d.node(o.Not, n.Not, nc)
	case n.Not != nil:
		d.emit(c, "not-added", o, n, "/not", "not added")
	case o.Not != nil:
		d.emit(c, "not-removed", o, n, "/not", "not removed")
	}
}

// members compares the member lists of one combinator.
func (d *differ) members(c cctx, o, n *jsv.Schema, kw string, om, nm []*jsv.Schema) {
	if len(om) == 0 && len(nm) == 0 {
		return
	}
	id := combIDs[kw]
	if kw != "allOf" {
		if len(om) == 0 {
			// a new conjunct never widens; it changes nothing when the old
			// schema as a whole fits one member (of provably disjoint
			// members, for oneOf)
			dir := Narrow
			if kw == "anyOf" || len(nm) == 1 || disjoint(nm) {
				for _, m := range nm {
					if subDir(d.probeDir(o, m)) {
						dir = Neutral
						break
					}
				}
			}
			d.emitDir(c, id+"-added", dir, o, n, "/"+kw, "%s added with %d members", kw, len(nm))
			return
		}
		if len(nm) == 0 {
			// a conjunct removed never narrows; it changes nothing when
			// the new schema as a whole fits one old member
			dir := Widen
			if kw == "anyOf" || len(om) == 1 || disjoint(om) {
				for _, m := range om {
					if superDir(d.probeDir(m, n)) {
						dir = Neutral
						break
					}
				}
			}
			d.emitDir(c, id+"-removed", dir, o, n, "/"+kw, "%s with %d members removed", kw, len(om))
			return
		}
	}
	var omIdx, nmIdx []int
	if kw != "oneOf" {
		// a repeated allOf/anyOf member changes nothing: compare the
		// first of each
		om, omIdx = d.dedupe(d.old, om)
		nm, nmIdx = d.dedupe(d.new, nm)
	} else {
		omIdx, nmIdx = identity(len(om)), identity(len(nm))
	}
	mc := c
	overlap := kw == "oneOf" && !(disjoint(om) && disjoint(nm))
	if overlap {
		mc.overlap = true
	}
	pairs, onlyOld, onlyNew := d.match(om, nm)
	for _, p := range pairs {
		d.node(om[p[0]], nm[p[1]], mc)
	}
	for _, j := range onlyNew {
		jj := nmIdx[j]
		suffix := fmt.Sprintf("/%s/%d", kw, jj)
		switch kw {
		case "allOf":
			// neutral when the old schema as a whole implies the member
			dir := Narrow
			if isTrue(nm[j]) || subDir(d.probeDir(o, nm[j])) {
				dir = Neutral
			}
			d.emitDir(c, "all-of-member-added", dir, o, n, suffix, "allOf member %d added", jj)
		case "anyOf":
			d.emit(mc, "any-of-member-added", o, n, suffix, "anyOf member %d added", jj)
		default:
			d.emitDir(mc, "one-of-member-added", Widen, o, n, suffix, "oneOf member %d added%s", jj, overlapNote(overlap))
		}
	}
	for _, i := range onlyOld {
		ii := omIdx[i]
		suffix := fmt.Sprintf("/%s/%d", kw, ii)
		switch kw {
		case "allOf":
			// neutral when the new schema as a whole implies the member
			if isTrue(om[i]) {
				continue
			}
			dir := Widen
			if superDir(d.probeDir(om[i], n)) {
				dir = Neutral
			}
			d.emitDir(c, "all-of-member-removed", dir, o, n, suffix, "allOf member %d removed", ii)
		case "anyOf":
			// neutral when a new member covers it
			dir := Narrow
			for _, m := range nm {
				if subDir(d.probeDir(om[i], m)) {
					dir = Neutral
					break
				}
			}
			d.emitDir(mc, "any-of-member-removed", dir, o, n, suffix, "anyOf member %d removed", ii)
		default:
			d.emitDir(mc, "one-of-member-removed", Narrow, o, n, suffix, "oneOf member %d removed%s", ii, overlapNote(overlap))
		}
	}
}

// dedupe drops members whose source text repeats an earlier one's and
// returns the rest with their indexes in the original list.
func (d *differ) dedupe(s *side, ms []*jsv.Schema) ([]*jsv.Schema, []int) {
	seen := map[string]bool{}
	var out []*jsv.Schema
	var idx []int
	for i, m := range ms {
		k := canonical(s.rawValue(m))
		if r := s.rawOf(m); r.doc == nil {
			k = fmt.Sprintf("%p", m)
		}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, m)
		idx = append(idx, i)
	}
	return out, idx
}

func identity(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// probeDir compares two schemas as wholes in a scratch differ.
func (d *differ) probeDir(o, n *jsv.Schema) Direction {
	dir, _ := d.probe([2]*jsv.Schema{o, n})
	return dir
}

// subDir: the probe found OLD ⊆ NEW (nothing narrowed).
func subDir(d Direction) bool { return d == Neutral || d == Widen || d == Annotation }

// superDir: the probe found NEW ⊆ OLD (nothing widened).
func superDir(d Direction) bool { return d == Neutral || d == Narrow || d == Annotation }

// onlyCombinator returns the one allOf/anyOf/oneOf of a schema that has no
// other assertion beside it.
func onlyCombinator(s *jsv.Schema) (combinator, bool) {
	cs := combinators(s)
	if len(cs) != 1 {
		return combinator{}, false
	}
	cp := *s
	cp.AllOf, cp.AnyOf, cp.OneOf = nil, nil, nil
	if hasAssertions(&cp, false) {
		return combinator{}, false
	}
	return cs[0], true
}

// wrapping compares a schema with a combinator (and nothing else) that
// replaced it, or the reverse, as wholes: the old schema against each new
// member, by inclusion. It reports whether it judged the pair.
func (d *differ) wrapping(o, n *jsv.Schema, c cctx) bool {
	nc, nOnly := onlyCombinator(n)
	oc, oOnly := onlyCombinator(o)
	switch {
	case nOnly && len(combinators(o)) == 0:
		c = c.inplace(o, n)
		dir, note := d.inclusion(combinator{"allOf", []*jsv.Schema{o}}, nc)
		d.emitDir(c, "schema-wrapped-in-combinator", dir, o, n, "/"+nc.kw, "the schema became %s with %d members%s", nc.kw, len(nc.members), note)
		return true
	case oOnly && len(combinators(n)) == 0:
		c = c.inplace(o, n)
		dir, note := d.inclusion(oc, combinator{"allOf", []*jsv.Schema{n}})
		d.emitDir(c, "schema-unwrapped-from-combinator", dir, o, n, "/"+oc.kw, "%s with %d members became a schema%s", oc.kw, len(oc.members), note)
		return true
	}
	return false
}

// inclusion judges combinator x (OLD) against y (NEW) as wholes from the
// directions of every member pair: OLD ⊆ NEW and NEW ⊆ OLD each hold when
// a sufficient member-wise condition does (an anyOf is included in another
// when each of its members is in one of the other's; an allOf when one of
// its members is in each of the other's…). A oneOf is an anyOf when its
// members are provably disjoint or one; otherwise it is only known to be
// included in the anyOf of its members.
func (d *differ) inclusion(x, y combinator) (Direction, string) {
	if len(x.members)*len(y.members) > maxMatchPairs {
		return Both, " (too many members to compare)"
	}
	m := make([][]Direction, len(x.members))
	for i, xm := range x.members {
		m[i] = make([]Direction, len(y.members))
		for j, ym := range y.members {
			m[i][j] = d.probeDir(xm, ym)
		}
	}
	kindOf := func(cb combinator, asSuper bool) string {
		switch {
		case cb.kw == "allOf" || len(cb.members) == 1:
			return "all"
		case cb.kw == "anyOf" || disjoint(cb.members):
			return "any"
		case !asSuper:
			return "any" // oneOf ⊆ anyOf of the same members
		}
		return "" // an overlapping oneOf: inclusion in it is not provable
	}
	// in reports whether A ⊆ B given sub(i, j) = "A_i ⊆ B_j"
	in := func(ak, bk string, na, nb int, sub func(i, j int) bool) bool {
		if ak == "" || bk == "" {
			return false
		}
		exists := func(i int) bool {
			for j := 0; j < nb; j++ {
				if sub(i, j) {
					return true
				}
			}
			return false
		}
		switch ak + bk {
		case "anyany":
			for i := 0; i < na; i++ {
				if !exists(i) {
					return false
				}
			}
			return true
		case "anyall":
			for i := 0; i < na; i++ {
				for j := 0; j < nb; j++ {
					if !sub(i, j) {
						return false
					}
				}
			}
			return true
		case "allany":
			for i := 0; i < na; i++ {
				if exists(i) {
					return true
				}
			}
			return false
		default: // allall: each B member is implied by some A member
			for j := 0; j < nb; j++ {
				ok := false
				for i := 0; i < na && !ok; i++ {
					ok = sub(i, j)
				}
				if !ok {
					return false
				}
			}
			return true
		}
	}
	back := in(kindOf(x, false), kindOf(y, true), len(x.members), len(y.members), func(i, j int) bool { return subDir(m[i][j]) })
	fwd := in(kindOf(y, false), kindOf(x, true), len(y.members), len(x.members), func(j, i int) bool { return superDir(m[i][j]) })
	switch {
	case back && fwd:
		return Neutral, ": it accepts the same instances"
	case back:
		return Widen, ": it accepts every instance it accepted, and more"
	case fwd:
		return Narrow, ": it accepts only instances it accepted"
	}
	return Both, ": the engine cannot show either includes the other"
}

func overlapNote(overlap bool) string {
	if overlap {
		return " (members are not provably disjoint: an instance may now match none or two)"
	}
	return ""
}

// methodChanged compares allOf/anyOf/oneOf that became another one, as
// wholes: by inclusion, member against member.
func (d *differ) methodChanged(c cctx, o, n *jsv.Schema, oc, nc combinator) {
	dir, note := d.inclusion(oc, nc)
	d.emitDir(c, "composition-method-changed", dir, o, n, "/"+nc.kw, "%s changed to %s%s", oc.kw, nc.kw, note)
}

// maxMatchPairs bounds best-fit matching of composition members.
const maxMatchPairs = 1024

// match pairs old and new members by best fit: the pairs with the fewest
// (weighted) differences first, never pairing members whose types are
// disjoint. It returns the pairs and the unmatched indexes of each side.
func (d *differ) match(om, nm []*jsv.Schema) (pairs [][2]int, onlyOld, onlyNew []int) {
	type cand struct{ i, j, cost int }
	var cands []cand
	usedO := make([]bool, len(om))
	usedN := make([]bool, len(nm))
	// identical source text first: cheap and nearly always right
	newText := make([]string, len(nm))
	for j := range nm {
		newText[j] = canonical(d.new.rawValue(nm[j]))
	}
	for i := range om {
		ci := canonical(d.old.rawValue(om[i]))
		for j := range nm {
			if usedN[j] {
				continue
			}
			if ci == newText[j] {
				usedO[i], usedN[j] = true, true
				pairs = append(pairs, [2]int{i, j})
				break
			}
		}
	}
	// Large unions: comparing every pair would be quadratic in comparisons
	// of whole subschemas; pair the rest by position instead.
	if len(om)*len(nm) > maxMatchPairs {
		for i, j := 0, 0; i < len(om) && j < len(nm); i, j = i+1, j+1 {
			for i < len(om) && usedO[i] {
				i++
			}
			for j < len(nm) && usedN[j] {
				j++
			}
			if i < len(om) && j < len(nm) {
				usedO[i], usedN[j] = true, true
				pairs = append(pairs, [2]int{i, j})
			}
		}
	}
	for i := range om {
		if usedO[i] {
			continue
		}
		for j := range nm {
			if usedN[j] || typeMask(om[i])&typeMask(nm[j]) == 0 {
				continue
			}
			_, chs := d.probe([2]*jsv.Schema{om[i], nm[j]})
			cost := 0
			for _, ch := range chs {
				switch ch.dir {
				case Annotation:
					cost++
				case Both:
					cost += 6
				default:
					cost += 3
				}
			}
			cands = append(cands, cand{i, j, cost})
		}
	}
	sort.SliceStable(cands, func(a, b int) bool {
		if cands[a].cost != cands[b].cost {
			return cands[a].cost < cands[b].cost
		}
		if cands[a].i != cands[b].i {
			return cands[a].i < cands[b].i
		}
		return cands[a].j < cands[b].j
	})
	for _, cd := range cands {
		if usedO[cd.i] || usedN[cd.j] {
			continue
		}
		usedO[cd.i], usedN[cd.j] = true, true
		pairs = append(pairs, [2]int{cd.i, cd.j})
	}
	sort.Slice(pairs, func(a, b int) bool { return pairs[a][1] < pairs[b][1] })
	for i, u := range usedO {
		if !u {
			onlyOld = append(onlyOld, i)
		}
	}
	for j, u := range usedN {
		if !u {
			onlyNew = append(onlyNew, j)
		}
	}
	return pairs, onlyOld, onlyNew
}

// disjoint reports whether no instance can match two of the members: their
// types are disjoint, or they require a common property whose const/enum
// values are disjoint (a discriminator).
func disjoint(ms []*jsv.Schema) bool {
	for i := range ms {
		for j := i + 1; j < len(ms); j++ {
			if !disjointPair(deref(ms[i]), deref(ms[j])) {
				return false
			}
		}
	}
	return true
}

func disjointPair(a, b *jsv.Schema) bool {
	if typeMask(a)&typeMask(b) == 0 {
		return true
	}
	if av, _, ok := valueSet(a); ok {
		if bv, _, ok := valueSet(b); ok && !intersects(av, bv) {
			return true
		}
	}
	req := map[string]bool{}
	for _, r := range a.Required {
		req[r] = true
	}
	for _, r := range b.Required {
		if !req[r] {
			continue
		}
		pa, pb := a.Properties[r], b.Properties[r]
		if pa == nil || pb == nil {
			continue
		}
		av, _, aok := valueSet(deref(pa))
		bv, _, bok := valueSet(deref(pb))
		if aok && bok && !intersects(av, bv) {
			return true
		}
	}
	return false
}

func intersects(a, b []any) bool {
	keys := map[string]bool{}
	for _, v := range a {
		keys[canonical(v)] = true
	}
	for _, v := range b {
		if keys[canonical(v)] {
			return true
		}
	}
	return false
}

// --- conditionals, dynamic references, $ref beside keywords ---

func (d *differ) conditional(o, n *jsv.Schema, c cctx) {
	if o.If == nil && n.If == nil && o.Then == nil && n.Then == nil && o.Else == nil && n.Else == nil {
		return
	}
	or, nr := d.old.rawOf(o), d.new.rawOf(n)
	same := true
	for _, kw := range []string{"if", "then", "else"} {
		if !jsonEqual(rawKey(or, kw), rawKey(nr, kw)) {
			same = false
		}
	}
	if !same {
		d.emit(c, "conditional-changed", o, n, "/if", "if/then/else changed; the engine cannot judge conditionals")
		return
	}
	// same text: what they reference may still differ
	c = c.inplace(o, n)
	ic := c
	ic.overlap = true
	d.node(o.If, n.If, ic)
	d.node(o.Then, n.Then, c)
	d.node(o.Else, n.Else, c)
}

func rawKey(r rawNode, kw string) any {
	if r.obj == nil {
		return nil
	}
	return r.obj[kw]
}

func (d *differ) refs(o, n *jsv.Schema, c cctx) {
	c = c.inplace(o, n)
	or, nr := d.old.rawOf(o), d.new.rawOf(n)
	for _, kw := range []string{"$dynamicRef", "$recursiveRef"} {
		ov, nv := rawKey(or, kw), rawKey(nr, kw)
		if !jsonEqual(ov, nv) {
			d.emit(c, "dynamic-ref-changed", o, n, "/"+kw, "%s changed; the engine cannot judge dynamic references", kw)
		}
	}
	if o.DynamicRef != nil && n.DynamicRef != nil {
		dc := c
		dc.overlap = true
		d.node(o.DynamicRef.Ref, n.DynamicRef.Ref, dc)
	}
	if o.RecursiveRef != nil && n.RecursiveRef != nil {
		dc := c
		dc.overlap = true
		d.node(o.RecursiveRef, n.RecursiveRef, dc)
	}
	switch {
	case o.Ref != nil && n.Ref != nil:
		d.node(o.Ref, n.Ref, c)
	case n.Ref != nil:
		if !isTrue(n.Ref) {
			d.emit(c, "ref-added", o, n, "/$ref", "$ref added beside other keywords")
		}
	case o.Ref != nil:
		if !isTrue(o.Ref) {
			d.emit(c, "ref-removed", o, n, "/$ref", "$ref beside other keywords removed")
		}
	}
}
