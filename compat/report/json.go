package report

import (
	"io"

	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/internal/output"
)

// JSON prints DESIGN.md's report object for one comparison, and for several an
// object with the overall requiredBump, whether any failed, and the reports.
type JSON struct{}

// Set is the JSON shape of several reports.
type Set struct {
	RequiredBump compat.Impact    `json:"requiredBump"`
	Failed       bool             `json:"failed"`
	Reports      []*compat.Report `json:"reports"`
}

// Print implements Printer.
func (JSON) Print(w io.Writer, reports []*compat.Report) error {
	var v any
	if len(reports) == 1 {
		v = reports[0]
	} else {
		rs := reports
		if rs == nil {
			rs = []*compat.Report{}
		}
		v = Set{RequiredBump: MaxBump(reports), Failed: AnyFailed(reports), Reports: rs}
	}
	b, err := output.MarshalJSON(v)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}
