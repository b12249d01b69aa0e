package cli

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/dsctl/dsctl/contracts"
	"github.com/dsctl/dsctl/contracts/registry"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/output"
	"github.com/spf13/cobra"
)

// contractPullOptions are the arguments and flags of contract pull.
type contractPullOptions struct {
	App  *App
	Ctx  context.Context
	Refs []string
	Reg  registryFlags
	Dir  string
}

type pullResults []*contracts.PullResult

func (rs pullResults) WriteText(w io.Writer, st output.Style) error {
	for _, r := range rs {
		line := fmt.Sprintf("pulled %s@%s (%s) into %s", r.Name, r.Version, r.Digest, filepath.ToSlash(r.Dir))
		if !r.Changed {
			line = fmt.Sprintf("%s@%s (%s) is up to date in %s", r.Name, r.Version, r.Digest, filepath.ToSlash(r.Dir))
		}
		if r.Yanked {
			line += " " + st.Yellow("(yanked: "+r.YankReason+"; pinned exactly)")
		}
		if _, err := fmt.Fprintln(w, line); err != nil {
			return err
		}
	}
	return nil
}

func newCmdContractPull(app *App, runF func(*contractPullOptions) error) *cobra.Command {
	o := &contractPullOptions{App: app}
	cmd := &cobra.Command{
		Use:   "pull NAME[@CONSTRAINT]... [--registry REF] [--dir contracts/vendor]",
		Short: "Vendor the highest matching version and pin it in dsctl.lock",
		Long: `pull resolves NAME@CONSTRAINT (^1.2, ~1.4.0, >=1.2 <2, 1.4.0) to the highest matching
version that is not yanked (a yanked version is used only when pinned exactly),
fetches it by digest, verifies it, unpacks it safely into contracts/vendor/NAME
(atomically) and records version and digests in dsctl.lock (atomically). A locked
version whose tag now points at another digest is an error. The lock records the
constraint too; a bare NAME resolves with dsctl.yaml's dependency, else with that
recorded constraint, so it never crosses a major already locked. To vendor what
dsctl.yaml's dependencies: and dsctl.lock say, use 'dsctl contract install'.`,
		Example: `  dsctl contract pull 'orders@^1'
  dsctl contract pull 'orders@~1.4.0' 'billing@>=2.1 <3'
  dsctl contract pull orders@1.4.2 --dir third_party/contracts`,
		Args: argsWant(1, -1, "NAME[@CONSTRAINT]...: at least one contract, such as 'orders@^1'"),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Refs = args
			o.Ctx = cmd.Context()
			return runOr(o, runF, contractPullRun)
		},
	}
	o.Reg.bind(cmd)
	cmd.Flags().StringVar(&o.Dir, "dir", "", "vendor folder (default contracts/vendor beside dsctl.yaml)")
	return cmd
}

func contractPullRun(o *contractPullOptions) error {
	ctx, app := o.Ctx, o.App
	var refs []pullRef
	for _, a := range o.Refs {
		n, c, err := contracts.ParseRef(a)
		if err != nil {
			return usageErr(err)
		}
		refs = append(refs, pullRef{n, c})
	}
	lockPath, vendor, err := app.vendorPaths(o.Dir)
	if err != nil {
		return err
	}
	if err := bareConstraints(app, lockPath, o.Refs, refs); err != nil {
		return err
	}
	store, lockRef, err := app.openStore(o.Reg)
	if err != nil {
		return err
	}
	// Resolve every reference before changing anything: a contract or version
	// that is not there leaves the vendor folder and dsctl.lock as they were.
	for _, r := range refs {
		if !registry.ValidName(r.name) {
			return errkind.Inputf("invalid contract name %q", r.name)
		}
		if _, _, err := contracts.ResolveIn(ctx, store, r.name, r.constraint); err != nil {
			return err
		}
	}
	// Text reports each pull as it is done (a later failure does not hide
	// what was already written); JSON prints them all at the end.
	var results pullResults
	for _, r := range refs {
		res, err := contracts.Pull(ctx, r.name, r.constraint, contracts.PullOptions{
			Store: store, LockPath: lockPath, VendorDir: vendor, RegistryRef: lockRef})
		if err != nil {
			if app.JSON() && len(results) > 0 {
				if perr := app.Print(results); perr != nil {
					return perr
				}
			}
			return err
		}
		if len(res.Skipped) > 0 {
			app.IO.Infof("skipped yanked %s@%s", r.name, strings.Join(res.Skipped, ", "))
		}
		results = append(results, res)
		if !app.JSON() {
			if err := app.printDone(pullResults{res}); err != nil {
				return err
			}
		}
	}
	if app.JSON() {
		return app.Print(results)
	}
	return nil
}
