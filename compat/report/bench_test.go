package report

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"testing"

	"github.com/dsctl/dsctl/compat"
)

// BenchmarkPrinters prints a report of 10,000 changes (a large OpenAPI diff)
// in every format.
func BenchmarkPrinters(b *testing.B) {
	r := &compat.Report{Kind: "openapi", Mode: compat.Backward, Policy: compat.Strict, Old: "a.yaml", New: "b.yaml",
		From: "1.0.0", To: "1.1.0", FailOn: compat.Major}
	for i := 0; i < 10000; i++ {
		r.Changes = append(r.Changes, compat.Change{
			ID: fmt.Sprintf("rule-%d", i%300), Path: fmt.Sprintf("#/components/schemas/S%d", i), Impact: compat.Impact(1 + i%3),
			Message: "a property changed in a way that matters", Location: &compat.Location{File: "b.yaml", Line: i + 1, Column: 5},
			Operations: []string{"GET /a", "POST /a"},
		})
	}
	if err := compat.Gate(r); err != nil {
		b.Fatal(err)
	}
	for _, f := range Formats {
		b.Run(f, func(b *testing.B) {
			p, _ := New(f, Options{})
			for b.Loop() {
				if err := p.Print(io.Discard, []*compat.Report{r}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPrintersFromJSON prints a saved json report (DSCTL_REPORT_JSON, for
// example the Stripe spec3.json comparison) in every format.
func BenchmarkPrintersFromJSON(b *testing.B) {
	p := os.Getenv("DSCTL_REPORT_JSON")
	if p == "" {
		b.Skip("set DSCTL_REPORT_JSON to a report written by compat check -o json")
	}
	data, err := os.ReadFile(p)
	if err != nil {
		b.Fatal(err)
	}
	var r compat.Report
	if err := json.Unmarshal(data, &r); err != nil {
		b.Fatal(err)
	}
	r.FailOn = compat.Major
	b.Logf("%d changes", len(r.Changes))
	for _, f := range Formats {
		b.Run(f, func(b *testing.B) {
			pr, _ := New(f, Options{})
			for b.Loop() {
				if err := pr.Print(io.Discard, []*compat.Report{&r}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
