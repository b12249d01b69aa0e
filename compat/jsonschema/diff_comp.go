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
			d.emit(c, id+"-added", o, n, "/"+kw, "%s added with %d members", kw, len(nm))
			return
		}
		if len(nm) == 0 {
			d.emit(c, id+"-removed", o, n, "/"+kw, "%s with %d members removed", kw, len(om))
			return
		}
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
		suffix := fmt.Sprintf("/%s/%d", kw, j)
		switch kw {
		case "allOf":
			dir := Narrow
			if isTrue(nm[j]) {
				dir = Neutral
			}
			d.emitDir(c, "all-of-member-added", dir, o, n, suffix, "allOf member %d added", j)
		case "anyOf":
			d.emit(mc, "any-of-member-added", o, n, suffix, "anyOf member %d added", j)
		default:
			d.emitDir(mc, "one-of-member-added", Widen, o, n, suffix, "oneOf member %d added%s", j, overlapNote(overlap))
		}
	}
	for _, i := range onlyOld {
		suffix := fmt.Sprintf("/%s/%d", kw, i)
		switch kw {
		case "allOf":
			if !isTrue(om[i]) {
				d.emit(c, "all-of-member-removed", o, n, suffix, "allOf member %d removed", i)
			}
		case "anyOf":
			d.emit(mc, "any-of-member-removed", o, n, suffix, "anyOf member %d removed", i)
		default:
			d.emitDir(mc, "one-of-member-removed", Narrow, o, n, suffix, "oneOf member %d removed%s", i, overlapNote(overlap))
		}
	}
}

func overlapNote(overlap bool) string {
	if overlap {
		return " (members are not provably disjoint: an instance may now match none or two)"
	}
	return ""
}

// methodChanged compares allOf/anyOf/oneOf that became another one.
func (d *differ) methodChanged(c cctx, o, n *jsv.Schema, oc, nc combinator) {
	od, nd := disjoint(oc.members), disjoint(nc.members)
	var dir Direction
	switch oc.kw + ">" + nc.kw {
	case "anyOf>oneOf":
		dir = Narrow
		if nd {
			dir = Neutral
		}
	case "oneOf>anyOf":
		dir = Widen
		if od {
			dir = Neutral
		}
	case "allOf>anyOf":
		dir = Widen
	case "anyOf>allOf":
		dir = Narrow
	default: // allOf <-> oneOf
		dir = Both
	}
	if len(oc.members) == 1 && len(nc.members) == 1 {
		dir = Neutral
	}
	d.emitDir(c, "composition-method-changed", dir, o, n, "/"+nc.kw, "%s changed to %s", oc.kw, nc.kw)
	mc := c
	if oc.kw == "oneOf" && !od || nc.kw == "oneOf" && !nd {
		mc.overlap = true
	}
	pairs, onlyOld, onlyNew := d.match(oc.members, nc.members)
	for _, p := range pairs {
		d.node(oc.members[p[0]], nc.members[p[1]], mc)
	}
	// A member without a counterpart changes a different combinator: the
	// engine does not judge that one way (fail closed).
	for _, j := range onlyNew {
		d.emitDir(c, combIDs[nc.kw]+"-member-added", Both, o, n, fmt.Sprintf("/%s/%d", nc.kw, j),
			"%s member %d added while %s became %s", nc.kw, j, oc.kw, nc.kw)
	}
	for _, i := range onlyOld {
		d.emitDir(c, combIDs[oc.kw]+"-member-removed", Both, o, n, fmt.Sprintf("/%s/%d", oc.kw, i),
			"%s member %d removed while %s became %s", oc.kw, i, oc.kw, nc.kw)
	}
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
		if !equalJSON(rawKey(or, kw), rawKey(nr, kw)) {
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
		if !equalJSON(ov, nv) {
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
