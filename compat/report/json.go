package report

import (
	"io"

	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/internal/output"
)

// JSON prints DESIGN.md's report object for one comparison, and for several an
// object with the overall requiredBump, whether any failed, and the reports.
// A major change's witness is the instance itself ("witness"), or
// "noWitness" says why there is none.
type JSON struct {
	// OnlyBreaking lists the major changes alone; requiredBump still covers all.
	OnlyBreaking bool
}

// Set is the JSON shape of several reports.
type Set struct {
	RequiredBump compat.Impact    `json:"requiredBump"`
	Failed       bool             `json:"failed"`
	Reports      []*compat.Report `json:"reports"`
}

// Print implements Printer.
func (j JSON) Print(w io.Writer, reports []*compat.Report) error {
	failed := AnyFailed(reports)
	reports = filtered(reports, j.OnlyBreaking)
	var v any
	if len(reports) == 1 {
		v = plain(reports[0])
	} else {
		rs := make([]*plainReport, len(reports))
		for i, r := range reports {
			rs[i] = plain(r)
		}
		v = struct {
			RequiredBump compat.Impact  `json:"requiredBump"`
			Failed       bool           `json:"failed"`
			Reports      []*plainReport `json:"reports"`
		}{MaxBump(reports), failed, rs}
	}
	b, err := output.MarshalJSON(v)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// plainReport is compat.Report without its MarshalJSON method: encoding/json
// then writes it in one pass instead of re-compacting the method's output
// (a third of the time on a 24 MB report). Same fields, same shape.
type plainReport compat.Report

func plain(r *compat.Report) *plainReport {
	p := plainReport(*r)
	if p.Changes == nil {
		p.Changes = []compat.Change{}
	}
	return &p
}
