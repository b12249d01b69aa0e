package cli

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/dsctl/dsctl/contracts"
	"github.com/dsctl/dsctl/internal/output"
	"github.com/spf13/cobra"
)

type verifyResult struct {
	*contracts.VerifyReport
	// tty aligns the columns for people; off a terminal they are tab-separated for scripts.
	tty bool
	// quiet (--quiet) prints only the contracts that do not match.
	quiet bool
}

func (r verifyResult) WriteText(w io.Writer, st output.Style) error {
	if len(r.Contracts) == 0 {
		if r.quiet {
			return nil
		}
		_, err := fmt.Fprintln(w, "no vendored contracts in dsctl.lock")
		return err
	}
	if r.tty {
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		defer tw.Flush()
		w = tw
	}
	for _, c := range r.Contracts {
		if r.quiet && c.Status == contracts.VerifyOK {
			continue
		}
		status := st.Green(c.Status)
		if c.Status != contracts.VerifyOK {
			status = st.Red(c.Status)
		}
		line := fmt.Sprintf("%s\t%s\t%s", c.Name, c.Version, status)
		if c.Detail != "" {
			line += ": " + c.Detail
		}
		if _, err := fmt.Fprintln(w, line); err != nil {
			return err
		}
	}
	return nil
}

// contractVerifyOptions are the arguments and flags of contract verify.
type contractVerifyOptions struct {
	App *App
	Dir string
}

func newCmdContractVerify(app *App, runF func(*contractVerifyOptions) error) *cobra.Command {
	o := &contractVerifyOptions{App: app}
	cmd := &cobra.Command{
		Use:   "verify [--dir contracts/vendor]",
		Short: "Check that vendored packages match dsctl.lock",
		Long: `verify compares every vendored package with the per-file sha256 digests dsctl.lock
recorded at pull time: an edited, added or removed file is a mismatch (exit 1), named
with the pull command that restores it. Hidden files are ignored, as pack ignores
them. Vendored folders the lock does not list are reported too.`,
		Example: `  dsctl contract verify
  dsctl contract verify --dir third_party/contracts -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runOr(o, runF, contractVerifyRun)
		},
	}
	cmd.Flags().StringVar(&o.Dir, "dir", "", "vendor folder (default contracts/vendor beside dsctl.yaml)")
	return cmd
}

func contractVerifyRun(o *contractVerifyOptions) error {
	app := o.App
	lockPath, vendor, err := app.vendorPaths(o.Dir)
	if err != nil {
		return err
	}
	r, err := contracts.Verify(lockPath, vendor)
	if err != nil {
		return err
	}
	return app.printReport(verifyResult{r, app.IO.OutTTY, app.Quiet}, r.OK)
}
