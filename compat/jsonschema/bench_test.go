package jsonschema

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/dsctl/dsctl/compat"
)

// eventSchema builds a realistic event schema (an envelope, a payload with
// nested objects, arrays of line items, enums, formats and $defs) from a
// seed; evolve makes the next version of it with a few typical changes.
func eventSchema(r *rand.Rand, i int) map[string]any {
	str := func(max int) map[string]any {
		return map[string]any{"type": "string", "maxLength": max, "description": "a text field"}
	}
	address := map[string]any{
		"type": "object",
		"properties": map[string]any{
			"line1": str(120), "line2": str(120), "city": str(80),
			"postcode": map[string]any{"type": "string", "pattern": "^[A-Z0-9 -]{3,10}$"},
			"country":  map[string]any{"type": "string", "enum": []any{"DE", "FR", "GB", "NL", "US"}},
		},
		"required":             []any{"line1", "city", "country"},
		"additionalProperties": false,
	}
	money := map[string]any{
		"type": "object",
		"properties": map[string]any{
			"amount":   map[string]any{"type": "number", "minimum": 0, "multipleOf": 0.01},
			"currency": map[string]any{"type": "string", "enum": []any{"EUR", "USD", "GBP"}},
		},
		"required": []any{"amount", "currency"},
	}
	item := map[string]any{
		"type": "object",
		"properties": map[string]any{
			"sku":      map[string]any{"type": "string", "minLength": 3, "maxLength": 32},
			"quantity": map[string]any{"type": "integer", "minimum": 1, "maximum": 1000},
			"price":    map[string]any{"$ref": "#/definitions/money"},
			"tags":     map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "uniqueItems": true, "maxItems": 10},
		},
		"required": []any{"sku", "quantity", "price"},
	}
	props := map[string]any{
		"eventId":    map[string]any{"type": "string", "format": "uuid"},
		"occurredAt": map[string]any{"type": "string", "format": "date-time"},
		"orderId":    map[string]any{"type": "string", "pattern": "^ord_[a-z0-9]{12}$"},
		"customer": map[string]any{
			"type": "object",
			"properties": map[string]any{
				"id":    str(64),
				"email": map[string]any{"type": "string", "format": "email"},
				"name":  str(200),
			},
			"required": []any{"id"},
		},
		"billingAddress":  map[string]any{"$ref": "#/definitions/address"},
		"shippingAddress": map[string]any{"$ref": "#/definitions/address"},
		"items":           map[string]any{"type": "array", "items": map[string]any{"$ref": "#/definitions/item"}, "minItems": 1},
		"total":           map[string]any{"$ref": "#/definitions/money"},
		"channel":         map[string]any{"type": "string", "enum": []any{"web", "app", "store"}},
		"payment": map[string]any{
			"oneOf": []any{
				map[string]any{"type": "object", "properties": map[string]any{"kind": map[string]any{"const": "card"}, "last4": str(4)}, "required": []any{"kind"}},
				map[string]any{"type": "object", "properties": map[string]any{"kind": map[string]any{"const": "invoice"}, "dueDays": map[string]any{"type": "integer"}}, "required": []any{"kind"}},
			},
		},
	}
	for k := 0; k < r.IntN(8); k++ {
		props[fmt.Sprintf("extra%d", k)] = str(50 + k)
	}
	return map[string]any{
		"$schema":     "http://json-schema.org/draft-07/schema#",
		"title":       fmt.Sprintf("Event%d", i),
		"type":        "object",
		"properties":  props,
		"required":    []any{"eventId", "occurredAt", "orderId", "items", "total"},
		"definitions": map[string]any{"address": address, "money": money, "item": item},
		"x-version":   "1.0.0",
		"description": "An order was placed.",
	}
}

// evolve returns a changed copy of an event schema.
func evolve(r *rand.Rand, s map[string]any) map[string]any {
	data, _ := json.Marshal(s)
	var out map[string]any
	_ = json.Unmarshal(data, &out)
	props := out["properties"].(map[string]any)
	defs := out["definitions"].(map[string]any)
	switch r.IntN(6) {
	case 0:
		props["note"] = map[string]any{"type": "string"}
	case 1:
		defs["address"].(map[string]any)["properties"].(map[string]any)["city"].(map[string]any)["maxLength"] = 60
	case 2:
		ch := props["channel"].(map[string]any)
		ch["enum"] = append(ch["enum"].([]any), "partner")
	case 3:
		out["required"] = append(out["required"].([]any), "channel")
	case 4:
		props["customer"].(map[string]any)["description"] = "who ordered"
	case 5:
		defs["item"].(map[string]any)["properties"].(map[string]any)["quantity"].(map[string]any)["maximum"] = 5000
	}
	out["x-version"] = "1.1.0"
	return out
}

// benchPairs returns n deterministic (old, new) JSON schema pairs.
func benchPairs(n int) [][2][]byte {
	r := rand.New(rand.NewPCG(42, 1))
	out := make([][2][]byte, n)
	for i := range out {
		s := eventSchema(r, i)
		a, _ := json.MarshalIndent(s, "", "  ")
		b, _ := json.MarshalIndent(evolve(r, s), "", "  ")
		out[i] = [2][]byte{a, b}
	}
	return out
}

func BenchmarkDiff1000(b *testing.B) {
	pairs := benchPairs(1000)
	ctx := context.Background()
	opts := compat.Options{Mode: compat.Backward, Policy: compat.Strict}
	b.ReportAllocs()
	b.ResetTimer()
	start := cpuTime()
	defer func() { b.ReportMetric(float64(cpuTime()-start)/1e6/float64(b.N), "cpu-ms/op") }()
	for b.Loop() {
		for _, p := range pairs {
			if _, err := DiffFS(ctx, fstest.MapFS{"e.json": {Data: p[0]}}, "e.json",
				fstest.MapFS{"e.json": {Data: p[1]}}, "e.json", opts); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// bigSchema is a schema of about size bytes: many definitions, each an
// object of several properties, all referenced from the root.
func bigSchema(size int, variant int) []byte {
	defs := map[string]any{}
	props := map[string]any{}
	for i := 0; ; i++ {
		name := fmt.Sprintf("def%05d", i)
		max := 40
		if variant == 1 && i%97 == 0 {
			max = 30
		}
		defs[name] = map[string]any{
			"type":        "object",
			"description": "A generated definition used to make the schema large.",
			"properties": map[string]any{
				"id":     map[string]any{"type": "string", "maxLength": max},
				"count":  map[string]any{"type": "integer", "minimum": 0},
				"status": map[string]any{"type": "string", "enum": []any{"new", "active", "closed"}},
				"when":   map[string]any{"type": "string", "format": "date-time"},
			},
			"required":             []any{"id"},
			"additionalProperties": false,
		}
		props[fmt.Sprintf("p%05d", i)] = map[string]any{"$ref": "#/definitions/" + name}
		if i%50 == 49 {
			data, _ := json.Marshal(map[string]any{"type": "object", "properties": props, "definitions": defs})
			if len(data) >= size {
				out, _ := json.MarshalIndent(map[string]any{"type": "object", "properties": props, "definitions": defs}, "", " ")
				return out
			}
		}
	}
}

func BenchmarkDiff1MB(b *testing.B) {
	oldData, newData := bigSchema(1<<20, 0), bigSchema(1<<20, 1)
	b.SetBytes(int64(len(oldData) + len(newData)))
	ctx := context.Background()
	opts := compat.Options{Mode: compat.Backward}
	b.ReportAllocs()
	b.ResetTimer()
	start := cpuTime()
	defer func() { b.ReportMetric(float64(cpuTime()-start)/1e6/float64(b.N), "cpu-ms/op") }()
	for b.Loop() {
		docCache.reset() // measure a cold run, as a new process does
		changes, err := DiffFS(ctx, fstest.MapFS{"big.json": {Data: oldData}}, "big.json",
			fstest.MapFS{"big.json": {Data: newData}}, "big.json", opts)
		if err != nil {
			b.Fatal(err)
		}
		if len(changes) == 0 {
			b.Fatal("no changes")
		}
	}
}

// TestWriteBenchPairs writes the benchmark pairs to $DSCTL_BENCH_PAIRS
// (old/NNNN.json, new/NNNN.json) for bench/compat-jsonschema.sh.
func TestWriteBenchPairs(t *testing.T) {
	dir := os.Getenv("DSCTL_BENCH_PAIRS")
	if dir == "" {
		t.Skip("DSCTL_BENCH_PAIRS not set")
	}
	for _, side := range []string{"old", "new"} {
		if err := os.MkdirAll(filepath.Join(dir, side), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for i, p := range benchPairs(1000) {
		name := fmt.Sprintf("%04d.json", i)
		if err := os.WriteFile(filepath.Join(dir, "old", name), p[0], 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "new", name), p[1], 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "big-old.json"), bigSchema(1<<20, 0), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "big-new.json"), bigSchema(1<<20, 1), 0o644); err != nil {
		t.Fatal(err)
	}
}
