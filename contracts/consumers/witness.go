package consumers

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/dsctl/dsctl/internal/fsx"
	"github.com/dsctl/dsctl/internal/jsonnum"

	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/contracts"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// seeded sets the witness of breaking changes from the producer's own
// examples of the event, in place of the engine's generated one where an
// example shows the change: a real event the producer documents tells the
// reader more than a generated instance, and building one from a schema full
// of patterns and formats is where a generic search runs out of budget. For
// each change, each example is tried as it is, then with the value at the
// change's instance location replaced by each enum/const value the
// producer's schema allows there, then with it removed; the first variant
// the producer's schema accepts and the reader schema rejects is the
// witness. Failing to compile either schema leaves the changes as they are.
func seeded(producer, consumer *contracts.Contract, ev *contracts.Event, d contracts.Consume, changes []compat.Change) {
	if len(ev.Examples) == 0 {
		return
	}
	ps, err := producer.Schemas()
	if err != nil {
		return
	}
	psch, err := ps.Compile(ev.Schema)
	if err != nil {
		return
	}
	rs, err := consumer.Schemas()
	if err != nil {
		return
	}
	rsch, err := rs.Compile(d.Schema)
	if err != nil {
		return
	}
	var seeds []any
	for _, ex := range ev.Examples {
		data, err := fsx.ReadLimited(producer.FS, ex, contracts.MaxFileSize)
		if err != nil {
			continue
		}
		if off, _ := jsonnum.Scan(data); off >= 0 {
			continue // exact arithmetic on it would not end (or crash the validator)
		}
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil || psch.Validate(v) != nil {
			continue
		}
		seeds = append(seeds, v)
	}
	shows := func(v any) bool { return psch.Validate(v) == nil && rsch.Validate(v) != nil }
	for i := range changes {
		ch := &changes[i]
		ptr := instancePointer(ch.Path)
		for _, seed := range seeds {
			var found any
			if shows(seed) {
				found = seed
			}
			if found == nil && ptr != nil {
				for _, val := range allowedAt(psch, ptr) {
					if v, ok := setAt(clone(seed), ptr, val, false); ok && shows(v) {
						found = v
						break
					}
				}
				if found == nil {
					if v, ok := setAt(clone(seed), ptr, nil, true); ok && shows(v) {
						found = v
					}
				}
			}
			if found != nil {
				if b, err := json.Marshal(found); err == nil {
					ch.Witness, ch.NoWitness = b, ""
				}
				break
			}
		}
	}
}

// instancePointer turns a schema path ("#/properties/channel/enum/4",
// "#/properties/lines/items/properties/sku") into the instance location it
// constrains (["channel"], ["lines", "0", "sku"]), or nil when the path goes
// through a keyword other than properties and items.
func instancePointer(path string) []string {
	segs := strings.Split(strings.TrimPrefix(strings.TrimPrefix(path, "#"), "/"), "/")
	out := []string{}
	for i := 0; i < len(segs); i++ {
		switch segs[i] {
		case "properties":
			if i+1 >= len(segs) {
				return nil
			}
			out = append(out, strings.NewReplacer("~1", "/", "~0", "~").Replace(segs[i+1]))
			i++
		case "items":
			out = append(out, "0")
		case "required", "enum", "const", "type":
			return out
		default:
			return nil
		}
	}
	return out
}

// allowedAt returns the enum and const values the schema lists at an
// instance location (through $ref, allOf, properties and items).
func allowedAt(s *jsonschema.Schema, ptr []string) []any {
	var out []any
	var walk func(s *jsonschema.Schema, ptr []string, depth int)
	walk = func(s *jsonschema.Schema, ptr []string, depth int) {
		if s == nil || depth > 32 {
			return
		}
		walk(s.Ref, ptr, depth+1)
		for _, x := range s.AllOf {
			walk(x, ptr, depth+1)
		}
		if len(ptr) == 0 {
			if s.Enum != nil {
				out = append(out, s.Enum.Values...)
			}
			if s.Const != nil {
				out = append(out, *s.Const)
			}
			return
		}
		if _, err := strconv.Atoi(ptr[0]); err == nil && s.Items2020 != nil {
			walk(s.Items2020, ptr[1:], depth+1)
		}
		if p, ok := s.Properties[ptr[0]]; ok {
			walk(p, ptr[1:], depth+1)
		}
	}
	walk(s, ptr, 0)
	sort.SliceStable(out, func(i, j int) bool {
		a, _ := json.Marshal(out[i])
		b, _ := json.Marshal(out[j])
		return string(a) < string(b)
	})
	return out
}

// setAt sets (or deletes) the value at ptr in v; false when the location's
// parent is not there.
func setAt(v any, ptr []string, val any, del bool) (any, bool) {
	if len(ptr) == 0 {
		return val, !del
	}
	switch x := v.(type) {
	case map[string]any:
		if len(ptr) == 1 {
			if del {
				if _, ok := x[ptr[0]]; !ok {
					return v, false
				}
				delete(x, ptr[0])
			} else {
				x[ptr[0]] = val
			}
			return x, true
		}
		child, ok := x[ptr[0]]
		if !ok {
			return v, false
		}
		nc, ok := setAt(child, ptr[1:], val, del)
		x[ptr[0]] = nc
		return x, ok
	case []any:
		i, err := strconv.Atoi(ptr[0])
		if err != nil || i >= len(x) {
			return v, false
		}
		if len(ptr) == 1 {
			if del {
				return v, false
			}
			x[i] = val
			return x, true
		}
		nc, ok := setAt(x[i], ptr[1:], val, del)
		x[i] = nc
		return x, ok
	}
	return v, false
}

func clone(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = clone(e)
		}
		return m
	case []any:
		a := make([]any, len(x))
		for i, e := range x {
			a[i] = clone(e)
		}
		return a
	}
	return v
}
