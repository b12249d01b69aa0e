package openapi

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/dsctl/dsctl/compat"
)

// syntheticAPI writes an API of n resources, each with list, get, create and
// delete operations whose payloads embed the shared Money and Address
// schemas; v2 removes Money.currency and adds an Address.kind enum value.
func syntheticAPI(n int, v2 bool) string {
	var b strings.Builder
	b.WriteString("openapi: 3.0.3\ninfo:\n  title: Synthetic\n  version: 1.0.0\npaths:\n")
	for i := range n {
		fmt.Fprintf(&b, `  /r%[1]d:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: array
                items:
                  $ref: "#/components/schemas/R%[1]d"
        default:
          description: error
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Error"
    post:
      requestBody:
        content:
          application/json:
            schema:
              $ref: "#/components/schemas/R%[1]d"
      responses:
        "201":
          description: created
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/R%[1]d"
  /r%[1]d/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/R%[1]d"
    delete:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/R%[1]d"
`, i)
	}
	b.WriteString("components:\n  schemas:\n")
	money := "    Money:\n      type: object\n      required: [amount, currency]\n      properties:\n        amount: {type: integer}\n        currency: {type: string}\n"
	kinds := "[home, work]"
	if v2 {
		money = "    Money:\n      type: object\n      required: [amount]\n      properties:\n        amount: {type: integer}\n"
		kinds = "[home, work, other]"
	}
	b.WriteString(money)
	fmt.Fprintf(&b, "    Address:\n      type: object\n      properties:\n        street: {type: string}\n        kind: {type: string, enum: %s}\n", kinds)
	b.WriteString("    Error:\n      type: object\n      properties:\n        code: {type: string}\n")
	for i := range n {
		fmt.Fprintf(&b, "    R%d:\n      type: object\n      properties:\n        id: {type: string}\n        price: {$ref: \"#/components/schemas/Money\"}\n        tax: {$ref: \"#/components/schemas/Money\"}\n        ship_to: {$ref: \"#/components/schemas/Address\"}\n", i)
	}
	return b.String()
}

// BenchmarkDiff compares two versions of a 100-resource API (400 operations
// reaching two shared schemas), with the plain check (each shared response
// schema walked per operation, as oasdiff's CLI does) and the deduplicated one.
func BenchmarkDiff(b *testing.B) {
	fsys := fstest.MapFS{
		"old.yaml": {Data: []byte(syntheticAPI(100, false))},
		"new.yaml": {Data: []byte(syntheticAPI(100, true))},
	}
	old := compat.Source{Name: "old.yaml", FS: fsys, Path: "old.yaml"}
	new := compat.Source{Name: "new.yaml", FS: fsys, Path: "new.yaml"}
	for _, mode := range []string{"plain", "deduplicated"} {
		b.Run(mode, func(b *testing.B) {
			plainCheck = mode == "plain"
			defer func() { plainCheck = false }()
			var res *result
			for b.Loop() {
				var err error
				res, err = Engine{}.run(context.Background(), old, new, compat.Options{})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(res.findings), "findings")
			b.ReportMetric(float64(len(res.changes)), "changes")
		})
	}
}

func TestSyntheticAPI(t *testing.T) {
	fsys := fstest.MapFS{
		"old.yaml": {Data: []byte(syntheticAPI(5, false))},
		"new.yaml": {Data: []byte(syntheticAPI(5, true))},
	}
	checkLosesNothing(t, compat.Source{Name: "old.yaml", FS: fsys, Path: "old.yaml"}, compat.Source{Name: "new.yaml", FS: fsys, Path: "new.yaml"})
	changes, err := Engine{}.Diff(context.Background(), compat.Source{Name: "old.yaml", FS: fsys, Path: "old.yaml"}, compat.Source{Name: "new.yaml", FS: fsys, Path: "new.yaml"}, compat.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range changes {
		if c.Path == "#/components/schemas/Money/properties/currency" && c.ID == "response-required-property-removed" {
			if len(c.Operations) != 20 {
				t.Errorf("Money.currency: want 20 operations (4 response operations x 5 resources), got %d", len(c.Operations))
			}
			return
		}
	}
	t.Errorf("no grouped Money.currency change in %+v", changes)
}

// BenchmarkDiffModes compares the cost of the modes on the 400-operation
// synthetic API: forward and full run oasdiff twice (once each way) and pair
// the runs' changes.
func BenchmarkDiffModes(b *testing.B) {
	fsys := fstest.MapFS{
		"old.yaml": {Data: []byte(syntheticAPI(100, false))},
		"new.yaml": {Data: []byte(syntheticAPI(100, true))},
	}
	old := compat.Source{Name: "old.yaml", FS: fsys, Path: "old.yaml"}
	new := compat.Source{Name: "new.yaml", FS: fsys, Path: "new.yaml"}
	for _, mode := range []compat.Mode{compat.Backward, compat.Forward, compat.Full} {
		b.Run(string(mode), func(b *testing.B) {
			var res *result
			for b.Loop() {
				var err error
				res, err = Engine{}.run(context.Background(), old, new, compat.Options{Mode: mode})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(res.changes)), "changes")
		})
	}
}
