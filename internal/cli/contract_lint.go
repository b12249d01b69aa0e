package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/dsctl/dsctl/contracts"
	"github.com/dsctl/dsctl/contracts/consumers"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/output"
	"github.com/spf13/cobra"
)

type lintResult struct {
	*contracts.LintReport
	// quiet (--quiet) leaves out the verdict line of a package that passed.
	quiet bool
}

func (r lintResult) WriteText(w io.Writer, st output.Style) error {
	for _, f := range r.Findings {
		sev := st.Yellow(f.Severity)
		if f.Severity == contracts.SeverityError {
			sev = st.Red(f.Severity)
		}
		fmt.Fprintf(w, "%s: %s [%s] %s\n", st.Cyan(f.Position()), sev, f.Rule, f.Message)
	}
	if r.quiet && !r.Failed() {
		return nil
	}
	verdict := st.Green("ok")
	if r.Failed() {
		verdict = st.Red("failed")
	}
	_, err := fmt.Fprintf(w, "%s@%s: %s (%s, %s)\n", r.Name, r.Version, verdict, plural(r.Errors, "error"), plural(r.Warnings, "warning"))
	return err
}

// contractLintOptions are the arguments and flags of contract lint.
type contractLintOptions struct {
	App *App
	Ctx context.Context
	Dir string
	Reg registryFlags
}

func newCmdContractLint(app *App, runF func(*contractLintOptions) error) *cobra.Command {
	o := &contractLintOptions{App: app}
	cmd := &cobra.Command{
		Use:   "lint [DIR]",
		Short: "Check a package: schemas compile, examples validate, event design rules",
		Long: `lint decodes contract.yaml strictly, compiles every schema, validates every example
against its event's schema, and applies rules from distributed-systems practice:

` + rulesHelp() + `
Silence a rule for one event in contract.yaml:

  events:
    - name: LegacyThingHappened
      lint: {ignore: [id-integer]}

A package's consumes: entries are also checked against the producers in the store
(--registry, else dsctl.yaml's): the version each range pins must have the event and
send only events the reader schema accepts. An unreadable store is a warning.`,
		Example: `  dsctl contract lint contracts/orders
  dsctl contract lint contracts/orders -o json | jq '.findings[] | .rule'`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Ctx = cmd.Context()
			o.Dir = argOr(args, ".")
			return runOr(o, runF, contractLintRun)
		},
	}
	o.Reg.bind(cmd)
	return cmd
}

func contractLintRun(o *contractLintOptions) error {
	app := o.App
	c, err := contracts.Load(o.Dir)
	if err != nil {
		return err
	}
	r, err := contracts.LintWith(o.Ctx, c, app.engines)
	if err != nil {
		return err
	}
	if err := lintConsumes(o.Ctx, app, o.Reg, c, r); err != nil {
		return err
	}
	return app.printReport(lintResult{r, app.Quiet}, !r.Failed())
}

func rulesHelp() string {
	var b strings.Builder
	for _, r := range contracts.Rules {
		fmt.Fprintf(&b, "  %-24s %s\n", r.ID, r.Why)
	}
	return b.String()
}

// lintConsumes adds the checks of c's consumes: entries against the store
// to r; a store that cannot be read is a warning, not a failure.
func lintConsumes(ctx context.Context, app *App, reg registryFlags, c *contracts.Contract, r *contracts.LintReport) error {
	if len(c.Consumes) == 0 {
		return nil
	}
	store, _, err := app.openStore(reg)
	if err != nil {
		if errkind.Of(err) == errkind.Input {
			return err
		}
		r.Add(contracts.Finding{Rule: contracts.RuleConsumesUnchecked, File: c.File(contracts.FileName),
			Message: "consumes: not checked against the producers: " + oneLine(err.Error())})
		return nil
	}
	fs, err := consumers.NewIndex(store).Lint(ctx, c)
	if err != nil {
		return err
	}
	r.Add(fs...)
	return nil
}
