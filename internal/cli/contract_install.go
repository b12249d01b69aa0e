package cli

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/dsctl/dsctl/contracts"
	"github.com/dsctl/dsctl/internal/output"
	"github.com/spf13/cobra"
)

// projectDeps returns dsctl.yaml's dependencies (none without dsctl.yaml)
// and whether it declares the dependencies: key.
func projectDeps(app *App) ([]contracts.Dependency, bool, error) {
	cfg, err := app.Config()
	if err != nil || cfg == nil {
		return nil, false, err
	}
	deps := make([]contracts.Dependency, 0, len(cfg.Dependencies))
	for _, d := range cfg.Dependencies {
		deps = append(deps, contracts.Dependency{Name: d.Name, Constraint: d.Version,
			Pos: fmt.Sprintf("%s:%d:%d", filepath.ToSlash(cfg.Path), d.Line, d.Column)})
	}
	return deps, cfg.HasDependencies, nil
}

// installOptions are what install and update need: the store, the lock, the
// vendor folder and dsctl.yaml's dependencies.
func installOptions(app *App, reg registryFlags, dir string) (contracts.InstallOptions, error) {
	var o contracts.InstallOptions
	lockPath, vendor, err := app.vendorPaths(dir)
	if err != nil {
		return o, err
	}
	deps, declared, err := projectDeps(app)
	if err != nil {
		return o, err
	}
	store, lockRef, err := app.openStore(reg)
	if err != nil {
		return o, err
	}
	o.PullOptions = contracts.PullOptions{Store: store, LockPath: lockPath, VendorDir: vendor, RegistryRef: lockRef}
	o.Deps, o.Declared = deps, declared
	return o, nil
}

// installResults prints what install and update did, one line per contract.
type installResults []*contracts.InstallResult

func (rs installResults) WriteText(w io.Writer, st output.Style) error {
	if len(rs) == 0 {
		_, err := fmt.Fprintln(w, "no dependencies in dsctl.yaml or dsctl.lock: nothing to install")
		return err
	}
	for _, r := range rs {
		dir := filepath.ToSlash(r.Dir)
		var line string
		switch r.Status {
		case contracts.InstallUpToDate:
			line = fmt.Sprintf("%s@%s is up to date in %s", r.Name, r.Version, dir)
			if r.Constraint != "" {
				line = fmt.Sprintf("%s@%s (%s) is up to date in %s", r.Name, r.Version, r.Constraint, dir)
			}
		case contracts.InstallRestored:
			line = fmt.Sprintf("%s %s@%s (%s) into %s", st.Green("installed"), r.Name, r.Version, r.Digest, dir)
		case contracts.InstallAdded:
			line = fmt.Sprintf("%s %s@%s (%s, %s) into %s", st.Green("added"), r.Name, r.Version, r.Constraint, r.Digest, dir)
		case contracts.InstallUpdated:
			line = fmt.Sprintf("%s %s %s -> %s (%s)", st.Green("updated"), r.Name, r.From, r.Version, r.Constraint)
		case contracts.InstallRemoved:
			line = fmt.Sprintf("%s %s@%s: no longer a dependency in dsctl.yaml", st.Yellow("removed"), r.Name, r.Version)
		}
		if _, err := fmt.Fprintln(w, line); err != nil {
			return err
		}
	}
	return nil
}

// MarshalJSON prints the results with slash-separated folders.
func (rs installResults) MarshalJSON() ([]byte, error) {
	out := make([]contracts.InstallResult, len(rs))
	for i, r := range rs {
		out[i] = *r
		out[i].Dir = filepath.ToSlash(r.Dir)
	}
	return output.MarshalJSON(out)
}

// ---- install

type contractInstallOptions struct {
	App    *App
	Ctx    context.Context
	Reg    registryFlags
	Dir    string
	Locked bool
}

func newCmdContractInstall(app *App, runF func(*contractInstallOptions) error) *cobra.Command {
	opts := &contractInstallOptions{App: app}
	cmd := &cobra.Command{
		Use:   "install [--locked] [--registry REF] [--dir contracts/vendor]",
		Short: "Vendor exactly what dsctl.lock pins (resolving dsctl.yaml's dependencies first)",
		Long: `install makes contracts/vendor hold exactly what dsctl.lock pins, each package
fetched by its locked version and checked against the lock's manifest, archive and
per-file digests (a store that serves other content is a finding: exit 1). A package
already vendored as locked is not fetched again.

First it brings the lock in line with dsctl.yaml's dependencies: a dependency that is
not locked, or whose version constraint changed, is resolved to the newest matching
version that is not yanked; a locked contract that is no longer a dependency is
removed, with its vendored folder. Without a dependencies: key in dsctl.yaml the lock
is restored as it is. Everything is fetched before anything is written; the vendored
folders and dsctl.lock are replaced atomically.

--locked (for CI, like npm ci) changes no lock: it fails (exit 1, naming each one)
when dsctl.yaml and dsctl.lock disagree: a dependency missing from the lock, a lock
entry that is no dependency, a changed constraint, or a locked version outside its
constraint.`,
		Example: `  dsctl contract install
  dsctl contract install --locked      # CI: the lock must agree with dsctl.yaml
  dsctl contract install --registry oci://registry.example.com/contracts`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ctx = cmd.Context()
			return runOr(opts, runF, contractInstallRun)
		},
	}
	opts.Reg.bind(cmd)
	cmd.Flags().StringVar(&opts.Dir, "dir", "", "vendor folder (default contracts/vendor beside dsctl.yaml)")
	cmd.Flags().BoolVar(&opts.Locked, "locked", false, "fail when dsctl.yaml and dsctl.lock disagree; never write dsctl.lock (CI)")
	return cmd
}

func contractInstallRun(opts *contractInstallOptions) error {
	ctx := opts.Ctx
	o, err := installOptions(opts.App, opts.Reg, opts.Dir)
	if err != nil {
		return err
	}
	o.Locked = opts.Locked
	rs, err := contracts.Install(ctx, o)
	if err != nil {
		return err
	}
	return opts.App.printDone(installResults(rs))
}

// pullRef is one NAME@CONSTRAINT of contract pull.
type pullRef struct{ name, constraint string }

// bareConstraints gives each bare NAME of pull (args[i] without @) the
// constraint it resolves with: dsctl.yaml's dependency, else the one
// dsctl.lock recorded (or ^MAJOR of the locked version), so a bare name never
// crosses a major already locked. An explicit constraint that differs from
// dsctl.yaml's is used, with a warning.
func bareConstraints(app *App, lockPath string, args []string, refs []pullRef) error {
	lock, err := contracts.LoadLock(lockPath)
	if err != nil {
		return err
	}
	deps, _, err := projectDeps(app)
	if err != nil {
		return err
	}
	for i := range refs {
		if !strings.Contains(args[i], "@") {
			refs[i].constraint = contracts.BareConstraint(deps, lock, refs[i].name)
			continue
		}
		for _, d := range deps {
			if d.Name == refs[i].name && d.Constraint != refs[i].constraint {
				app.IO.Warnf("%s: pulling %s, but dsctl.yaml's dependency says %s (%s): 'dsctl contract install --locked' fails until they agree", d.Name, refs[i].constraint, d.Constraint, d.Pos)
			}
		}
	}
	return nil
}
