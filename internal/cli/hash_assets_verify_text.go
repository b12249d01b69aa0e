package cli

import (
	"fmt"
	"io"

	"github.com/dsctl/dsctl/hashasset"
	"github.com/dsctl/dsctl/internal/output"
)

// verifyText is how hash-assets verify prints its report for people; -o json
// prints the report itself (the embedded fields).
type verifyText struct{ *hashasset.VerifyReport }

func (r verifyText) WriteText(w io.Writer, st output.Style) error {
	for _, m := range r.Mismatches {
		if _, err := fmt.Fprintf(w, "%s %s: %s\n", st.Red("mismatch"), st.Cyan(m.Path), m.Problem); err != nil {
			return err
		}
	}
	if r.OK() {
		_, err := fmt.Fprintf(w, "%s %d files match build %d of %s\n", st.Green("ok"), r.Checked, r.Build, r.Manifest)
		return err
	}
	problems := ""
	if n := len(r.Mismatches); n != r.Failed {
		problems = fmt.Sprintf(" (%d problems)", n)
	}
	_, err := fmt.Fprintf(w, "%d of %d files do not match %s%s\n", r.Failed, r.Checked, r.Manifest, problems)
	return err
}
