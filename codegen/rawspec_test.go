package codegen

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"go.yaml.in/yaml/v3"
)

// asJSONSpec writes the YAML spec at path as JSON into a temp folder and
// loads it: the raw fast path.
func asJSONSpec(t testing.TB, path string) *Spec {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	j, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "spec.json")
	if err := os.WriteFile(out, j, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := LoadSpec(out, false)
	if err != nil {
		t.Fatal(err)
	}
	if s.raw == nil {
		t.Fatalf("%s did not take the raw path", path)
	}
	return s
}

// TestRawClosureAgreesWithTyped checks the fast path against the typed walk
// on every crafted selection and on the examples' services.
func TestRawClosureAgreesWithTyped(t *testing.T) {
	sels := map[string][]Selection{
		"testdata/closure/spec.yaml": {
			{}, {Operations: []string{"listPets"}}, {Operations: []string{"listPets"}, ExcludeErrorResponses: true},
			{Operations: []string{"createPet"}}, {Operations: []string{"onPetCreated"}}, {Operations: []string{"getTree"}},
			{Operations: []string{"getShape"}}, {Operations: []string{"getChain"}}, {Schemas: []string{"Unused"}},
			{Tags: []string{"admin"}}, {Tags: []string{"pets"}, Schemas: []string{"A"}},
		},
		"testdata/v31.yaml": {{Operations: []string{"thingChanged"}}, {Operations: []string{"getThing"}}, {}},
		"../examples/orders/contract/openapi.yaml": {
			{Operations: []string{"getOrder", "listPayments", "capturePayment", "refundPayment"}},
			{Operations: []string{"getOrder", "createShipment", "getShipment", "listShipmentEvents"}, ExcludeErrorResponses: true},
			{Tags: []string{"ops"}}, {Tags: []string{"orders"}, ExcludeErrorResponses: true},
		},
	}
	for path, list := range sels {
		typed := mustLoad(t, path)
		if typed.raw != nil {
			t.Fatalf("%s: YAML took the raw path", path)
		}
		raw := asJSONSpec(t, path)
		for _, sel := range list {
			want, err := Closure(typed, sel)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Closure(raw, sel)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s %+v:\nraw   %v\ntyped %v", path, sel, got, want)
			}
			// And the generated code is the same.
			a, err := Generate(typed, Options{Package: "p", SpecName: "s", Selection: sel, Rename: map[string]string{}})
			if err != nil {
				t.Fatal(err)
			}
			b, err := Generate(raw, Options{Package: "p", SpecName: "s", Selection: sel})
			if err != nil {
				t.Fatal(err)
			}
			ac := string(a.Code[len(Header("", "", typed.Digest)):])
			bc := string(b.Code[len(Header("", "", raw.Digest)):])
			if ac != bc {
				t.Errorf("%s %+v: raw and typed output differ:\n%s", path, sel, UnifiedDiff("typed", "raw", []byte(ac), []byte(bc)))
			}
		}
	}
}

func TestRawPathRefusesExternalRefs(t *testing.T) {
	for _, doc := range []string{
		`{"openapi":"3.0.3","components":{"schemas":{"A":{"$ref":"other.json#/A"}}}}`,
		`{"openapi":"3.0.3","components":{"schemas":{"A":{"$ref":"#/definitions/A"}}}}`,
		`openapi: 3.0.3`,
		`[1]`,
	} {
		if _, ok := decodeRaw([]byte(doc)); ok {
			t.Errorf("raw path taken for %s", doc)
		}
	}
	if _, ok := decodeRaw([]byte(` {"openapi":"3.0.3","components":{"schemas":{"A":{"$ref":"#/components/schemas/B"},"B":{}}}}`)); !ok {
		t.Error("raw path refused a self-contained spec")
	}
}

// TestStripeClosureAgrees compares both paths on Stripe's spec (slow; set
// DSCTL_STRIPE=1).
func TestStripeClosureAgrees(t *testing.T) {
	if os.Getenv("DSCTL_STRIPE") == "" {
		t.Skip("set DSCTL_STRIPE=1")
	}
	p := filepath.Join(os.Getenv("HOME"), "go", "pkg", "mod", "github.com", "stripe", "stripe-mock@v0.203.0", "embedded", "openapi", "spec3.json")
	raw, err := LoadSpec(p, false)
	if err != nil {
		t.Fatal(err)
	}
	typed := &Spec{Path: p, data: raw.data}
	doc, _, err := typed.load(false)
	if err != nil {
		t.Fatal(err)
	}
	typed.Doc = doc
	for _, sel := range []Selection{
		{Schemas: []string{"balance"}}, {Schemas: []string{"customer"}}, {Operations: []string{"PostCharges"}},
		{Operations: []string{"GetCustomers"}, ExcludeErrorResponses: true}, {},
	} {
		want, err := Closure(typed, sel)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Closure(raw, sel)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%+v: raw kept %d, typed %d", sel, len(got), len(want))
		}
		t.Logf("%+v: kept %d", sel, len(got))
	}
}
