package cli

import (
	"context"
	"strings"

	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/compat/report"
	"github.com/dsctl/dsctl/compat/source"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/spf13/cobra"
)

func newCmdCompatCheck(app *App, runF func(*compatOptions) error) *cobra.Command {
	var f compatFlags
	cmd := &cobra.Command{
		Use:   "check OLD... NEW",
		Short: "Report every change from OLD to NEW and the semver bump it needs",
		Long: `check compares OLD with NEW, prints every change with its rule id, impact (major,
minor, patch), location and message, and the version bump the changes require.

The version is checked when --from or --to is given, when OLD and NEW declare
different versions (an OpenAPI info.version, a JSON Schema's x-version, a package's
version), or with --require-bump: the check then fails when NEW's version is too small
and prints the smallest version that is large enough. Otherwise (a change that leaves
the version alone) it fails when a change is at least --fail-on (major by default), and
only suggests the next version. Mode none reports and never fails. On exit 1, stderr
says why in one line.

The text report lists major changes first and ends with one summary line;
--only-breaking lists the major changes alone (in every format). A major change of a
JSON Schema carries a witness: an instance OLD accepts and NEW rejects (or the reverse,
forward).

Several OLDs are an ordered history, oldest first: *-transitive modes check NEW
against each of them; the other modes against the last.

` + compatInputsHelp,
		Example: `  dsctl compat check git:origin/main:schemas/order.json schemas/order.json
  dsctl compat check v1.json v2.json --from 1.2.0 --to 1.3.0
  dsctl compat check api-v1.yaml api-v2.yaml --format github
  dsctl compat check v1.json v2.json v3.json --mode backward-transitive
  cat new.json | dsctl compat check old.json - -o json`,
		Args: argsWant(2, -1, "OLD... NEW: the earlier version(s), then the new one"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := f.options(cmd, app)
			if err != nil {
				return err
			}
			opts.Ctx, opts.Olds, opts.New = cmd.Context(), args[:len(args)-1], args[len(args)-1]
			return runOr(&opts, runF, compatCheckRun)
		},
	}
	f.bind(cmd, true)
	return cmd
}

// compatCheckRun compares opts.Olds with opts.New and prints the report.
func compatCheckRun(opts *compatOptions) error {
	ctx, app := opts.Ctx, opts.App
	v, err := decide(opts)
	if err != nil {
		return err
	}
	if err := printReports(ctx, app, opts, v.Reports); err != nil {
		return err
	}
	if v.Failed {
		// The report is on stdout; stderr says why the exit status is 1.
		return errkind.Findingf("%s", strings.Join(v.Reasons, "\n"))
	}
	return nil
}

// printReports prints the reports in opts.Format with the printer compat
// check and compat bump share.
func printReports(ctx context.Context, app *App, opts *compatOptions, reports []*compat.Report) error {
	ropts := report.Options{Style: app.IO.Style(), OnlyBreaking: opts.OnlyBreaking}
	switch opts.Format {
	case "github", "junit", "sarif":
		// These name files from the repository root, also when dsctl runs in a sub folder.
		ropts.RepoPrefix = source.RepoPrefix(ctx, source.Options{})
	}
	p, err := report.New(opts.Format, ropts)
	if err != nil {
		return usageErr(err)
	}
	if err := p.Print(app.IO.Out, reports); err != nil {
		return errkind.Envf("write report: %w", err)
	}
	return nil
}
