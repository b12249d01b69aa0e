package asyncapi

import (
	"context"
	"os"
	"reflect"
	"testing"

	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/internal/errkind"
)

// FuzzDiff: on any pair of documents Diff does not panic, fails only with an
// input error, and gives the same changes twice.
func FuzzDiff(f *testing.F) {
	for _, p := range []string{"orders.v1.yaml", "orders.v2.yaml", "orders-2.6.v1.yaml", "orders-2.6.v2.yaml"} {
		b, err := os.ReadFile("../../examples/asyncapi/" + p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, b)
	}
	for _, c := range dirCases[:6] {
		f.Add([]byte(c.old.v3()), []byte(c.new.v3()))
		f.Add([]byte(c.old.v2()), []byte(c.new.v2()))
	}
	f.Fuzz(func(t *testing.T, oldDoc, newDoc []byte) {
		o := src(map[string]string{"asyncapi.yaml": string(oldDoc)})
		n := src(map[string]string{"asyncapi.yaml": string(newDoc)})
		cs, err := Diff(context.Background(), o, n, compat.Options{Policy: compat.Strict})
		if err != nil {
			if errkind.Of(err) != errkind.Input {
				t.Fatalf("not an input error: %v", err)
			}
			return
		}
		again, err := Diff(context.Background(), o, n, compat.Options{Policy: compat.Strict})
		if err != nil || !reflect.DeepEqual(cs, again) {
			t.Fatalf("not deterministic: %v\n%s\n%s", err, describe(cs), describe(again))
		}
	})
}
