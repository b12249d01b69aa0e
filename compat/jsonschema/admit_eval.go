package jsonschema

import (
	jsv "github.com/santhosh-tekuri/jsonschema/v6"
)

// ann is what a successful evaluation evaluated of an object or array
// instance, for an enclosing unevaluatedProperties/unevaluatedItems.
type ann struct {
	props    map[string]bool
	allProps bool
	items    map[int]bool
	allItems bool
	// unsure: a subschema at this instance was undecided, so what it
	// evaluated is not known.
	unsure bool
}

func (x *ann) merge(y *ann) {
	if x == nil || y == nil {
		return
	}
	x.allProps = x.allProps || y.allProps
	x.allItems = x.allItems || y.allItems
	x.unsure = x.unsure || y.unsure
	for p := range y.props {
		x.prop(p)
	}
	for i := range y.items {
		x.item(i)
	}
}

func (x *ann) prop(p string) {
	if x.props == nil {
		x.props = map[string]bool{}
	}
	x.props[p] = true
}

func (x *ann) item(i int) {
	if x.items == nil {
		x.items = map[int]bool{}
	}
	x.items[i] = true
}

// admits reports whether s accepts v.
func (a admitter) admits(s *jsv.Schema, v any) tri {
	left := admitBudget
	a.left = &left
	t, _ := a.eval(s, v, 0)
	return t
}

// eval is admits, with what s evaluated of v when v is an object or an
// array and s accepts it.
func (a admitter) eval(s *jsv.Schema, v any, depth int) (tri, *ann) {
	if s == nil {
		return triYes, nil
	}
	if depth > maxAdmitDepth {
		return triUnknown, nil
	}
	if a.left != nil {
		if *a.left <= 0 {
			return triUnknown, nil
		}
		*a.left--
	}
	if s.Bool != nil {
		return triOf(*s.Bool), nil
	}
	if len(s.Extensions) > 0 || s.DynamicRef != nil || s.RecursiveRef != nil {
		return triUnknown, nil
	}
	var an *ann
	switch v.(type) {
	case map[string]any, []any:
		an = &ann{}
	}
	res := triYes
	// and folds one keyword's answer into res; it reports whether the
	// evaluation can stop (a definite no).
	and := func(t tri) bool {
		switch t {
		case triNo:
			res = triNo
			return true
		case triUnknown:
			res = triUnknown
		}
		return false
	}
	// inplace folds a subschema applied to the same instance: its answer,
	// and what it evaluated when it holds.
	inplace := func(t tri, sub *ann) bool {
		switch t {
		case triYes:
			an.merge(sub)
		case triUnknown:
			if an != nil {
				an.unsure = true
			}
		}
		return and(t)
	}
	if s.Ref != nil {
		if inplace(a.eval(s.Ref, v, depth+1)) || s.DraftVersion < 2019 {
			return res, an
		}
	}
	if s.Types != nil && !s.Types.IsEmpty() && typeMask(s)&valueClass(v) == 0 {
		return triNo, nil
	}
	if s.Const != nil && !jsonEqual(v, *s.Const) {
		return triNo, nil
	}
	if s.Enum != nil {
		found := false
		for _, e := range s.Enum.Values {
			if jsonEqual(v, e) {
				found = true
				break
			}
		}
		if !found {
			return triNo, nil
		}
	}
	switch x := v.(type) {
	case string:
		if and(a.str(s, x)) {
			return res, an
		}
	case map[string]any:
		if and(a.obj(s, x, depth, an)) {
			return res, an
		}
	case []any:
		if and(a.arr(s, x, depth, an)) {
			return res, an
		}
	case nil, bool:
	default:
		r, ok := ratOf(v)
		if !ok {
			return triUnknown, nil
		}
		if and(num(s, r)) {
			return res, an
		}
	}
	if s.Not != nil {
		t, _ := a.eval(s.Not, v, depth+1)
		if and(notTri(t)) {
			return res, an
		}
	}
	for _, m := range s.AllOf {
		if inplace(a.eval(m, v, depth+1)) {
			return res, an
		}
	}
	if len(s.AnyOf) > 0 {
		got := triNo
		for _, m := range s.AnyOf {
			t, sa := a.eval(m, v, depth+1)
			switch t {
			case triYes:
				got = triYes
				an.merge(sa)
			case triUnknown:
				if got == triNo {
					got = triUnknown
				}
				if an != nil {
					an.unsure = true
				}
			}
			if got == triYes && an == nil {
				break // nothing to collect from the other members
			}
		}
		if and(got) {
			return res, an
		}
	}
	if len(s.OneOf) > 0 {
		yes, unknown := 0, false
		var one *ann
		for _, m := range s.OneOf {
			switch t, sa := a.eval(m, v, depth+1); t {
			case triYes:
				yes++
				one = sa
			case triUnknown:
				unknown = true
			}
		}
		switch {
		case yes > 1:
			return triNo, nil
		case unknown:
			inplace(triUnknown, nil)
		case yes == 0:
			return triNo, nil
		default:
			an.merge(one)
		}
	}
	if s.If != nil {
		ti, ia := a.eval(s.If, v, depth+1)
		switch ti {
		case triYes:
			an.merge(ia)
			if inplace(a.eval(s.Then, v, depth+1)) {
				return res, an
			}
		case triNo:
			if inplace(a.eval(s.Else, v, depth+1)) {
				return res, an
			}
		default:
			tt, _ := a.eval(s.Then, v, depth+1)
			te, _ := a.eval(s.Else, v, depth+1)
			if tt == triNo && te == triNo {
				return triNo, nil
			}
			inplace(triUnknown, nil)
		}
	}
	// unevaluated*: what no other keyword evaluated
	if x, ok := v.(map[string]any); ok && s.UnevaluatedProperties != nil {
		if an.unsure {
			and(triUnknown)
		} else {
			for p, pv := range x {
				if an.allProps || an.props[p] {
					continue
				}
				if t, _ := a.eval(s.UnevaluatedProperties, pv, depth+1); and(t) {
					return res, an
				}
			}
			an.allProps = true
		}
	}
	if x, ok := v.([]any); ok && s.UnevaluatedItems != nil {
		if an.unsure {
			and(triUnknown)
		} else {
			for i, e := range x {
				if an.allItems || an.items[i] {
					continue
				}
				if t, _ := a.eval(s.UnevaluatedItems, e, depth+1); and(t) {
					return res, an
				}
			}
			an.allItems = true
		}
	}
	return res, an
}

func (a admitter) obj(s *jsv.Schema, x map[string]any, depth int, an *ann) tri {
	if s.MinProperties != nil && len(x) < *s.MinProperties || s.MaxProperties != nil && len(x) > *s.MaxProperties {
		return triNo
	}
	for _, r := range s.Required {
		if _, ok := x[r]; !ok {
			return triNo
		}
	}
	res := triYes
	and := func(t tri) bool {
		if t == triNo {
			res = triNo
			return true
		}
		if t == triUnknown {
			res = triUnknown
		}
		return false
	}
	// inplace: a subschema applied to the object itself
	inplace := func(t tri, sub *ann) bool {
		switch t {
		case triYes:
			an.merge(sub)
		case triUnknown:
			an.unsure = true
		}
		return and(t)
	}
	for p, dep := range s.Dependencies {
		if _, ok := x[p]; !ok {
			continue
		}
		switch dep := dep.(type) {
		case []string:
			for _, r := range dep {
				if _, ok := x[r]; !ok {
					return triNo
				}
			}
		case *jsv.Schema:
			if inplace(a.eval(dep, x, depth+1)) {
				return res
			}
		}
	}
	for p, pv := range x {
		evaluated := false
		if ps, ok := s.Properties[p]; ok {
			evaluated = true
			if t, _ := a.eval(ps, pv, depth+1); and(t) {
				return res
			}
		}
		for re, ps := range s.PatternProperties {
			if !regexPortable(p) {
				return triUnknown
			}
			if re.MatchString(p) {
				evaluated = true
				if t, _ := a.eval(ps, pv, depth+1); and(t) {
					return res
				}
			}
		}
		if !evaluated {
			switch ap := s.AdditionalProperties.(type) {
			case bool:
				if !ap {
					return triNo
				}
				evaluated = true
			case *jsv.Schema:
				evaluated = true
				if t, _ := a.eval(ap, pv, depth+1); and(t) {
					return res
				}
			}
		}
		if evaluated {
			an.prop(p)
		}
	}
	if s.DraftVersion == 4 {
		return res
	}
	if s.PropertyNames != nil {
		for p := range x {
			if t, _ := a.eval(s.PropertyNames, p, depth+1); and(t) {
				return res
			}
		}
	}
	if s.DraftVersion == 6 {
		return res
	}
	for p, ds := range s.DependentSchemas {
		if _, ok := x[p]; ok {
			if inplace(a.eval(ds, x, depth+1)) {
				return res
			}
		}
	}
	for p, reqd := range s.DependentRequired {
		if _, ok := x[p]; !ok {
			continue
		}
		for _, r := range reqd {
			if _, ok := x[r]; !ok {
				return triNo
			}
		}
	}
	return res
}

func (a admitter) arr(s *jsv.Schema, x []any, depth int, an *ann) tri {
	if s.MinItems != nil && len(x) < *s.MinItems || s.MaxItems != nil && len(x) > *s.MaxItems {
		return triNo
	}
	if s.UniqueItems {
		for i := range x {
			for j := i + 1; j < len(x); j++ {
				if jsonEqual(x[i], x[j]) {
					return triNo
				}
			}
		}
	}
	res := triYes
	and := func(t tri) bool {
		if t == triNo {
			res = triNo
			return true
		}
		if t == triUnknown {
			res = triUnknown
		}
		return false
	}
	each := func(sch *jsv.Schema, vs []any) bool {
		for _, e := range vs {
			if t, _ := a.eval(sch, e, depth+1); and(t) {
				return true
			}
		}
		return false
	}
	if s.DraftVersion < 2020 {
		evaluated := 0
		switch items := s.Items.(type) {
		case *jsv.Schema:
			if each(items, x) {
				return res
			}
			evaluated = len(x)
			an.allItems = true
		case []*jsv.Schema:
			evaluated = min(len(x), len(items))
			for i := 0; i < evaluated; i++ {
				if t, _ := a.eval(items[i], x[i], depth+1); and(t) {
					return res
				}
				an.item(i)
			}
		}
		switch ai := s.AdditionalItems.(type) {
		case bool:
			if !ai && evaluated != len(x) {
				return triNo
			}
			an.allItems = true
		case *jsv.Schema:
			if each(ai, x[evaluated:]) {
				return res
			}
			an.allItems = true
		}
	} else {
		evaluated := min(len(s.PrefixItems), len(x))
		for i := 0; i < evaluated; i++ {
			if t, _ := a.eval(s.PrefixItems[i], x[i], depth+1); and(t) {
				return res
			}
			an.item(i)
		}
		if s.Items2020 != nil {
			if each(s.Items2020, x[evaluated:]) {
				return res
			}
			an.allItems = true
		}
	}
	if s.Contains != nil {
		matched, unknown := 0, 0
		for i, e := range x {
			switch t, _ := a.eval(s.Contains, e, depth+1); t {
			case triYes:
				matched++
				if s.DraftVersion >= 2020 {
					an.item(i)
				}
			case triUnknown:
				unknown++
				if s.DraftVersion >= 2020 {
					an.unsure = true
				}
			}
		}
		lo := 1
		if s.MinContains != nil {
			lo = *s.MinContains
		}
		hi := len(x)
		if s.MaxContains != nil {
			hi = *s.MaxContains
		}
		switch {
		case matched+unknown < lo, matched > hi:
			return triNo
		case matched < lo || matched+unknown > hi:
			and(triUnknown)
		}
	}
	return res
}
