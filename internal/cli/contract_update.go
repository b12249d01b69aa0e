package cli

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/dsctl/dsctl/contracts"
	"github.com/dsctl/dsctl/contracts/registry"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/output"
	"github.com/spf13/cobra"
)

// ---- update

type contractUpdateOptions struct {
	App   *App
	Ctx   context.Context
	Names []string
	Reg   registryFlags
	Dir   string
}

func newCmdContractUpdate(app *App, runF func(*contractUpdateOptions) error) *cobra.Command {
	opts := &contractUpdateOptions{App: app}
	cmd := &cobra.Command{
		Use:   "update [NAME...] [--registry REF] [--dir contracts/vendor]",
		Short: "Move dependencies to the newest versions their constraints allow and rewrite dsctl.lock",
		Long: `update resolves each NAME (every dependency and locked contract without NAME) to the
newest version that is not yanked within its constraint (dsctl.yaml's dependency,
else the constraint dsctl.lock recorded, else ^MAJOR of the locked version, so it
never crosses a major), vendors it and rewrites dsctl.lock atomically. It prints what
moved (old -> new). To cross a major, change the constraint in dsctl.yaml and run
dsctl contract install.`,
		Example: `  dsctl contract update
  dsctl contract update orders
  dsctl contract outdated    # what update would move, and newer majors`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Names = args
			opts.Ctx = cmd.Context()
			return runOr(opts, runF, contractUpdateRun)
		},
	}
	opts.Reg.bind(cmd)
	cmd.Flags().StringVar(&opts.Dir, "dir", "", "vendor folder (default contracts/vendor beside dsctl.yaml)")
	return cmd
}

func contractUpdateRun(opts *contractUpdateOptions) error {
	ctx := opts.Ctx
	for _, n := range opts.Names {
		if !registry.ValidName(n) {
			return usageErr(fmt.Errorf("invalid contract name %q (update takes names; the constraint is in dsctl.yaml)", n))
		}
	}
	o, err := installOptions(opts.App, opts.Reg, opts.Dir)
	if err != nil {
		return err
	}
	rs, err := contracts.Update(ctx, opts.Names, o)
	if err != nil {
		return err
	}
	return opts.App.printDone(updateResults(rs))
}

// updateResults prints what moved (old -> new) and what stayed.
type updateResults []*contracts.InstallResult

func (rs updateResults) WriteText(w io.Writer, st output.Style) error {
	if len(rs) == 0 {
		_, err := fmt.Fprintln(w, "no dependencies in dsctl.yaml or dsctl.lock: nothing to update")
		return err
	}
	for _, r := range rs {
		var line string
		switch r.Status {
		case contracts.InstallUpdated:
			line = fmt.Sprintf("%s %s -> %s (%s)", r.Name, r.From, st.Green(r.Version), r.Constraint)
		case contracts.InstallAdded:
			line = fmt.Sprintf("%s (none) -> %s (%s)", r.Name, st.Green(r.Version), r.Constraint)
		default:
			line = fmt.Sprintf("%s %s is the newest matching %s", r.Name, r.Version, r.Constraint)
		}
		if _, err := fmt.Fprintln(w, line); err != nil {
			return err
		}
	}
	return nil
}

// MarshalJSON prints the results as install does.
func (rs updateResults) MarshalJSON() ([]byte, error) { return installResults(rs).MarshalJSON() }

// ---- outdated

type contractOutdatedOptions struct {
	App *App
	Ctx context.Context
	Reg registryFlags
	Dir string
}

func newCmdContractOutdated(app *App, runF func(*contractOutdatedOptions) error) *cobra.Command {
	opts := &contractOutdatedOptions{App: app}
	cmd := &cobra.Command{
		Use:   "outdated [--registry REF]",
		Short: "List each dependency's locked, wanted (newest within its constraint) and latest version",
		Long: `outdated lists every dependency of dsctl.yaml and every contract in dsctl.lock: the
version the lock pins, the newest version its constraint allows (what update would
move to) and the newest version overall, not counting yanked ones. A latest version
that is a breaking release from the locked one (another major; another minor below
1.0.0) is marked "major": update will not reach it, the constraint must change.
It writes nothing and exits 0 (2 when the store lacks a contract: not found).`,
		Example: `  dsctl contract outdated
  dsctl contract outdated -o json | jq '.[] | select(.major)'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ctx = cmd.Context()
			return runOr(opts, runF, contractOutdatedRun)
		},
	}
	opts.Reg.bind(cmd)
	return cmd
}

func contractOutdatedRun(opts *contractOutdatedOptions) error {
	ctx := opts.Ctx
	app := opts.App
	lockPath, _, err := app.vendorPaths(opts.Dir)
	if err != nil {
		return err
	}
	lock, err := contracts.LoadLock(lockPath)
	if err != nil {
		return err
	}
	deps, _, err := projectDeps(app)
	if err != nil {
		return err
	}
	store, _, err := app.openStore(opts.Reg)
	if err != nil {
		return err
	}
	es, err := contracts.Outdated(ctx, store, deps, lock)
	if err != nil {
		return err
	}
	return app.Print(outdatedReport(es))
}

type outdatedReport []contracts.OutdatedEntry

func (r outdatedReport) WriteText(w io.Writer, st output.Style) error {
	if len(r) == 0 {
		_, err := fmt.Fprintln(w, "no dependencies in dsctl.yaml or dsctl.lock")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tCONSTRAINT\tLOCKED\tWANTED\tLATEST")
	for _, e := range r {
		latest := e.Latest
		if e.Major {
			latest += " " + st.Yellow("(major)")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.Name, e.Constraint, dash(e.Locked), dash(e.Wanted), latest)
	}
	if err := tw.Flush(); err != nil {
		return errkind.Envf("write: %w", err)
	}
	return nil
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
