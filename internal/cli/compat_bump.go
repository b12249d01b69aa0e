package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/compat/report"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/output"
	"github.com/spf13/cobra"
)

func newCmdCompatBump(app *App, runF func(*compatOptions) error) *cobra.Command {
	var f compatFlags
	cmd := &cobra.Command{
		Use:   "bump OLD NEW --from VERSION",
		Short: "Print the smallest version NEW can be released as",
		Long: `bump compares OLD with NEW and prints the smallest version after --from (default: the
version OLD declares) that the changes allow: 1.4.2 becomes 2.0.0 for a breaking change,
1.5.0 for a compatible addition, 1.4.3 for annotations only, and stays 1.4.2 when nothing
changed. Below 1.0.0 every bump shifts down one level (0.3.1 + breaking = 0.4.0).

` + compatInputsHelp,
		Example: `  dsctl compat bump git:v1.4.2:schemas/order.json schemas/order.json --from 1.4.2
  dsctl compat bump old.yaml new.yaml -o json`,
		Args: argsWant(2, 2, "OLD NEW: the earlier version, then the new one"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := f.options(cmd, app)
			if err != nil {
				return err
			}
			opts.Ctx, opts.Olds, opts.New = cmd.Context(), args[:1], args[1]
			return runOr(&opts, runF, compatBumpRun)
		},
	}
	f.bind(cmd, false)
	return cmd
}

// compatBumpRun compares opts.Olds[0] with opts.New and prints the version NEW needs.
func compatBumpRun(o *compatOptions) error {
	// bump never fails on the changes: it says which version they need.
	opts := *o
	opts.To, opts.FailOn, opts.RequireBump = "", compat.None, false
	ctx, app, newArg := opts.Ctx, opts.App, opts.New
	v, err := decide(&opts)
	if err != nil {
		return err
	}
	if len(v.Expired) > 0 {
		return errkind.Findingf("%s", strings.Join(v.Reasons, "\n"))
	}
	if v.From == "" {
		return usageErr(errors.New("compat bump needs --from VERSION: OLD declares no version"))
	}
	kind := ""
	if opts.Kind == "contract" || isContractArg(ctx, newArg) {
		// A package: one report per event and API, and the bump is the package's.
		kind = "contract"
	}
	switch opts.Format {
	case "text":
		// The version alone, for scripts.
		_, err := fmt.Fprintln(app.IO.Out, v.Suggested)
		return err
	case "json":
		b, err := output.MarshalJSON(report.NewBump(kind, v.Mode, v.From, v.RequiredBump, v.Suggested, v.Reports))
		if err != nil {
			return err
		}
		_, err = app.IO.Out.Write(b)
		return err
	}
	// A report of the changes, its verdict naming the next version.
	return printReports(ctx, app, &opts, report.Ungated(v.Reports))
}
