package jsonschema

import (
	"fmt"

	jsv "github.com/santhosh-tekuri/jsonschema/v6"
)

// arrayShape is an array schema's tuple positions and the schema of the rest.
type arrayShape struct {
	prefix    []*jsv.Schema
	prefixKw  string // "prefixItems" or "items"
	rest      any    // nil, bool or *jsv.Schema
	restKw    string // "items" or "additionalItems"
	hasPrefix bool
}

func shapeOf(s *jsv.Schema) arrayShape {
	if len(s.PrefixItems) > 0 || s.Items2020 != nil {
		sh := arrayShape{prefix: s.PrefixItems, prefixKw: "prefixItems", restKw: "items", hasPrefix: len(s.PrefixItems) > 0}
		if s.Items2020 != nil {
			sh.rest = s.Items2020
		}
		return sh
	}
	switch it := s.Items.(type) {
	case []*jsv.Schema:
		sh := arrayShape{prefix: it, prefixKw: "items", restKw: "additionalItems", hasPrefix: true}
		if s.AdditionalItems != nil {
			sh.rest = s.AdditionalItems
		}
		return sh
	case *jsv.Schema:
		return arrayShape{rest: it, restKw: "items"}
	}
	return arrayShape{restKw: "items"}
}

// restModel is the model for the items after the tuple: items /
// additionalItems, or, without them, unevaluatedItems (which then judges
// every position the schema itself does not evaluate), or open.
func restModel(s *jsv.Schema, sh arrayShape) model {
	if m, ok := apModel(sh.rest, sh.restKw); ok {
		return m
	}
	if s.UnevaluatedItems != nil {
		m, _ := apModel(s.UnevaluatedItems, "unevaluatedItems")
		return m
	}
	return model{kind: modelOpen}
}

func (d *differ) arrays(o, n *jsv.Schema, c cctx) {
	os, ns := shapeOf(o), shapeOf(n)
	orest, nrest := restModel(o, os), restModel(n, ns)
	max := len(os.prefix)
	if len(ns.prefix) > max {
		max = len(ns.prefix)
	}
	for i := 0; i < max; i++ {
		switch {
		case i < len(os.prefix) && i < len(ns.prefix):
			d.at(idxTok(i), os.prefix[i], ns.prefix[i], c.child())
		case i < len(ns.prefix):
			np := ns.prefix[i]
			suffix := fmt.Sprintf("/%s/%d", ns.prefixKw, i)
			switch orest.kind {
			case modelOpen:
				dir := Narrow
				if isTrue(np) {
					dir = Neutral
				}
				d.emitDir(c, "tuple-item-added-to-open-model", dir, o, n, suffix, "tuple position %d added where any item was allowed", i)
			case modelClosed:
				d.emit(c, "tuple-item-added-to-closed-model", o, n, suffix, "tuple position %d added where no more items were allowed", i)
			default:
				dir, chs := d.probe([2]*jsv.Schema{orest.schemas[0], np})
				d.emitDir(c, "tuple-item-added-to-partially-open-model", dir, o, n, suffix, "tuple position %d added; %s covered it (compared: %s)", i, orest.kw, idsOf(chs))
			}
		default:
			op := os.prefix[i]
			suffix := fmt.Sprintf("/%s/%d", os.prefixKw, i)
			switch nrest.kind {
			case modelOpen:
				d.emit(c, "tuple-item-removed-from-open-model", o, n, suffix, "tuple position %d removed; any item is allowed there now", i)
			case modelClosed:
				dir := Narrow
				if isFalse(deref(op)) {
					dir = Neutral
				}
				d.emitDir(c, "tuple-item-removed-from-closed-model", dir, o, n, suffix, "tuple position %d removed and no more items are allowed", i)
			default:
				dir, chs := d.probe([2]*jsv.Schema{op, nrest.schemas[0]})
				d.emitDir(c, "tuple-item-removed-from-partially-open-model", dir, o, n, suffix, "tuple position %d removed; %s covers it now (compared: %s)", i, nrest.kw, idsOf(chs))
			}
		}
	}
	// the rest: only comparable beyond the longer tuple; positions covered
	// by one side's tuple were compared above. unevaluatedItems stands in
	// for a missing items/additionalItems (restModel), as
	// unevaluatedProperties does for additionalProperties.
	kw, id := ns.restKw, "items"
	if nrest.kw == "unevaluatedItems" || nrest.kw == "" && orest.kw == "unevaluatedItems" {
		kw, id = "unevaluatedItems", "unevaluated-items"
	}
	if orest.kind == modelPartial && nrest.kind == modelPartial {
		d.at(idxTok(max), orest.schemas[0], nrest.schemas[0], c.child())
	} else if nrest.kind > orest.kind {
		d.emit(c, id+"-narrowed", o, n, "/"+kw, "%s narrowed from %s to %s", kw, modelNames[orest.kind], modelNames[nrest.kind])
	} else if nrest.kind < orest.kind {
		d.emit(c, id+"-extended", o, n, "/"+kw, "%s extended from %s to %s", kw, modelNames[orest.kind], modelNames[nrest.kind])
	}
	// unevaluatedItems beside items/additionalItems on both sides evaluates
	// nothing the schema itself declares; compared as a keyword (what
	// in-place members evaluate is judged by the unevalItems context)
	if orest.kw != "unevaluatedItems" && nrest.kw != "unevaluatedItems" {
		var ou, nu any
		if o.UnevaluatedItems != nil {
			ou = o.UnevaluatedItems
		}
		if n.UnevaluatedItems != nil {
			nu = n.UnevaluatedItems
		}
		om, _ := apModel(ou, "unevaluatedItems")
		nm, _ := apModel(nu, "unevaluatedItems")
		if om.kind == modelPartial && nm.kind == modelPartial {
			d.at(idxTok(max), om.schemas[0], nm.schemas[0], c.child())
		} else if nm.kind > om.kind {
			d.emit(c, "unevaluated-items-narrowed", o, n, "/unevaluatedItems", "unevaluatedItems narrowed from %s to %s", modelNames[om.kind], modelNames[nm.kind])
		} else if nm.kind < om.kind {
			d.emit(c, "unevaluated-items-extended", o, n, "/unevaluatedItems", "unevaluatedItems extended from %s to %s", modelNames[om.kind], modelNames[nm.kind])
		}
	}

	d.bound(c, "max-items", "maxItems", o, n, o.MaxItems, n.MaxItems)
	d.bound(c, "min-items", "minItems", o, n, o.MinItems, n.MinItems)
	switch {
	case !o.UniqueItems && n.UniqueItems:
		d.emit(c, "unique-items-added", o, n, "/uniqueItems", "uniqueItems added")
	case o.UniqueItems && !n.UniqueItems:
		d.emit(c, "unique-items-removed", o, n, "/uniqueItems", "uniqueItems removed")
	}

	switch {
	case o.Contains != nil && n.Contains != nil:
		cc := c.child()
		if o.MaxContains != nil || n.MaxContains != nil {
			cc.overlap = true
		}
		d.at(idxTok(0), o.Contains, n.Contains, cc)
		d.bound(c, "max-contains", "maxContains", o, n, o.MaxContains, n.MaxContains)
		d.minContains(c, o, n)
	case n.Contains != nil:
		d.emit(c, "contains-added", o, n, "/contains", "contains added")
	case o.Contains != nil:
		d.emit(c, "contains-removed", o, n, "/contains", "contains removed")
	}
}

// minContains compares minContains, whose absence means 1.
func (d *differ) minContains(c cctx, o, n *jsv.Schema) {
	om, nm := o.MinContains, n.MinContains
	ov, nv := 1, 1
	if om != nil {
		ov = *om
	}
	if nm != nil {
		nv = *nm
	}
	dir := Neutral
	switch {
	case nv > ov:
		dir = Narrow
	case nv < ov:
		dir = Widen
	}
	switch {
	case om == nil && nm == nil:
	case om == nil:
		if dir != Neutral {
			d.emitDir(c, "min-contains-added", dir, o, n, "/minContains", "minContains %d added (the default is 1)", nv)
		}
	case nm == nil:
		if dir != Neutral {
			d.emitDir(c, "min-contains-removed", dir, o, n, "/minContains", "minContains %d removed (the default is 1)", ov)
		}
	default:
		d.bound(c, "min-contains", "minContains", o, n, om, nm)
	}
}
