package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/Masterminds/semver/v3"
	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/compat/report"
	"github.com/dsctl/dsctl/compat/source"
	"github.com/dsctl/dsctl/contracts"
	"github.com/dsctl/dsctl/contracts/registry"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/fsx"
	"github.com/dsctl/dsctl/internal/output"
	"github.com/spf13/cobra"
)

// registryFlags are the store flags of the contract commands: --registry and
// the network flags shared with the registry commands (netFlags).
type registryFlags struct {
	ref string
	net netFlags
	// creates is set by the commands that create the store (publish).
	creates bool
}

func (f *registryFlags) bind(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.ref, "registry", "", "store: a folder, oci-layout:PATH or oci://HOST[:PORT]/PREFIX (default: dsctl.yaml's registry, else .dsctl/registry beside dsctl.yaml or in the current folder)")
	f.net.bind(fl)
}

// workspace returns the folder of dsctl.yaml, or "." without one.
func (a *App) workspace() (string, error) {
	cfg, err := a.Config()
	if err != nil {
		return "", err
	}
	if cfg == nil {
		return ".", nil
	}
	return cfg.Dir, nil
}

// openStore opens the store the flags, dsctl.yaml or the default name: the
// default is .dsctl/registry in the project folder (beside dsctl.yaml, else
// the current folder). The second value is the reference to record in
// dsctl.lock (as the user wrote it). A folder that exists but is not a store
// is refused unless the command creates one (f.creates).
func (a *App) openStore(f registryFlags) (registry.Store, string, error) {
	cfg, err := a.Config()
	if err != nil {
		return nil, "", err
	}
	if f.net.Retries < -1 {
		return nil, "", usageErr(fmt.Errorf("--retries must be -1 or more, got %d", f.net.Retries))
	}
	ref, lockRef := f.ref, f.ref
	fromRepo := false
	switch {
	case ref != "":
	case cfg != nil && cfg.Registry != "":
		ref, lockRef, fromRepo = cfg.Resolve(cfg.Registry), cfg.Registry, true
	default:
		ws, err := a.workspace()
		if err != nil {
			return nil, "", err
		}
		// dsctl.lock is committed: it names the default store the same on
		// every machine, relative to the project folder.
		ref, lockRef = registry.DefaultRef(ws), registry.DefaultDir
	}
	opts := registry.Options{PlainHTTP: f.net.PlainHTTP, Retries: f.net.Retries, Timeout: f.net.Timeout, FromRepository: fromRepo, Create: f.creates}
	if !a.Quiet {
		opts.Log = a.IO.Err
	}
	s, err := registry.Open(ref, opts)
	if err != nil {
		return nil, "", err
	}
	return s, lockRef, nil
}

// noSuchContract returns the error for a contract that has no version in
// store: a finding (exit 1).
func noSuchContract(store registry.Store, name string) error {
	return errkind.Findingf("contract %s is not in %s", name, store.Ref())
}

func newContractCmd(app *App) *cobra.Command {
	cmd := newGroupCmd("contract", "Publish, pull and verify versioned contract packages",
		`A contract package is a folder with contract.yaml, one JSON Schema per event, examples,
and optionally OpenAPI specs. It is packed deterministically (same files, same sha256
digest on every machine) and published to a store as an OCI artifact, tag = version.

Publishing rules:
  - the same version with the same content is a no-op ("already published");
  - the same version with other content is refused: a published version is immutable;
  - a new version is compared with the highest earlier one (every earlier version of
    the same major in *-transitive modes) and refused when it is smaller than the
    changes need (a breaking change needs a new major);
  - yank marks a version withdrawn (a tombstone, never a deletion): pull skips it
    unless it is pinned exactly.`)
	cmd.Example = `  dsctl contract init contracts/orders --name orders
  dsctl contract publish contracts/orders --dry-run
  dsctl contract pull 'orders@^1' && dsctl contract verify`
	cmd.AddCommand(
		newContractInitCmd(app), newContractLintCmd(app), newContractPackCmd(app),
		newContractPublishCmd(app), newContractListCmd(app), newContractPullCmd(app),
		newContractVerifyCmd(app), newContractYankCmd(app), newContractValidateCmd(app),
		newContractGraphCmd(app),
		newCmdContractInstall(app, nil), newCmdContractUpdate(app, nil), newCmdContractOutdated(app, nil),
	)
	return cmd
}

func argOr(args []string, def string) string {
	if len(args) > 0 {
		return args[0]
	}
	return def
}

// printDone prints the result of a command whose result is what it did
// (init, publish, pull, yank): in the --output format, but nothing in text
// with --quiet, whose errors and refusals still go to stderr. -o json always
// prints: it is the machine's result, not a message.
func (a *App) printDone(v any) error {
	if a.Quiet && !a.JSON() {
		return nil
	}
	return a.Print(v)
}

// printReport prints a report whose findings make the command fail: exit 1
// (the report said why) unless ok.
func (a *App) printReport(v any, ok bool) error {
	if err := a.Print(v); err != nil {
		return err
	}
	if !ok {
		return errkind.SilentFinding()
	}
	return nil
}

// vendorPaths returns dsctl.lock beside dsctl.yaml (else in the current
// folder) and the vendor folder: dir, else contracts/vendor beside it.
func (a *App) vendorPaths(dir string) (lockPath, vendor string, err error) {
	ws, err := a.workspace()
	if err != nil {
		return "", "", err
	}
	vendor = dir
	if vendor == "" {
		vendor = filepath.Join(ws, filepath.FromSlash(contracts.DefaultVendorDir))
	}
	return filepath.Join(ws, contracts.LockFileName), vendor, nil
}

// ---- init

type contractInitOptions struct {
	Dir, Name string
}

type initResult struct {
	Name  string   `json:"name"`
	Dir   string   `json:"dir"`
	Files []string `json:"files"`
}

func (r initResult) WriteText(w io.Writer, st output.Style) error {
	fmt.Fprintf(w, "created contract package %s in %s:\n", st.Bold(r.Name), r.Dir)
	for _, f := range r.Files {
		fmt.Fprintf(w, "  %s\n", f)
	}
	_, err := fmt.Fprintf(w, "next: edit the event, then 'dsctl contract lint %s'\n", r.Dir)
	return err
}

func newContractInitCmd(app *App) *cobra.Command {
	o := &contractInitOptions{}
	cmd := &cobra.Command{
		Use:   "init [DIR] --name NAME",
		Short: "Scaffold a contract package (contract.yaml, an event schema, an example, a README)",
		Long: `init writes a new contract package into DIR (default: the current folder):
contract.yaml (version 0.1.0, compatibility backward), one event schema, an example
of it and a README. The package lints clean as it is; edit the event, then lint and
publish it. init never overwrites: an existing file is an error (exit 2).`,
		Example: `  dsctl contract init contracts/payments --name payments
  dsctl contract lint contracts/payments`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Dir = argOr(args, ".")
			return contractInitRun(app, o)
		},
	}
	cmd.Flags().StringVar(&o.Name, "name", "", "package name ([a-z0-9][a-z0-9.-]*; default: the folder's name)")
	return cmd
}

func contractInitRun(app *App, o *contractInitOptions) error {
	name := o.Name
	if name == "" {
		abs, err := filepath.Abs(o.Dir)
		if err != nil {
			return errkind.Inputf("folder %s: %w", o.Dir, err)
		}
		name = filepath.Base(abs)
		if !registry.ValidName(name) {
			return usageErr(fmt.Errorf("folder name %q is not a valid package name; pass --name", name))
		}
	}
	files, err := contracts.Init(o.Dir, name)
	if err != nil {
		return err
	}
	return app.printDone(initResult{Name: name, Dir: o.Dir, Files: files})
}

// ---- lint

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

func newContractLintCmd(app *App) *cobra.Command {
	var reg registryFlags
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
			c, err := contracts.Load(argOr(args, "."))
			if err != nil {
				return err
			}
			r, err := contracts.LintWith(cmd.Context(), c, compatEngines())
			if err != nil {
				return err
			}
			if err := lintConsumes(cmd.Context(), app, reg, c, r); err != nil {
				return err
			}
			return app.printReport(lintResult{r, app.Quiet}, !r.Failed())
		},
	}
	reg.bind(cmd)
	return cmd
}

func rulesHelp() string {
	var b strings.Builder
	for _, r := range contracts.Rules {
		fmt.Fprintf(&b, "  %-24s %s\n", r.ID, r.Why)
	}
	return b.String()
}

// ---- pack

type packResult struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Digest  string `json:"digest"`
	Size    int    `json:"size"`
	Out     string `json:"out,omitempty"`
}

func (r packResult) WriteText(w io.Writer, _ output.Style) error {
	_, err := fmt.Fprintln(w, r.Digest)
	return err
}

func newContractPackCmd(app *App) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "pack [DIR] [--out FILE]",
		Short: "Build the deterministic package archive and print its sha256 digest",
		Long: `pack writes the package as a gzipped tar: files in byte order, mode 0644, uid/gid 0,
mtime 0, no folders, no links, hidden files left out, and a gzip header without name or
time. The same files give the same sha256 digest on every machine. A package with lint
errors is not packed (exit 1): what is packed can be published.`,
		Example: `  dsctl contract pack contracts/orders
  dsctl contract pack contracts/orders --out orders.tgz -o json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := argOr(args, ".")
			c, err := contracts.Load(dir)
			if err != nil {
				return err
			}
			if out != "" && packsItself(dir, out) {
				// The next pack (and publish) would take the archive in as a
				// package file and give another digest.
				return usageErr(fmt.Errorf("--out %s is inside the package folder %s: the archive would become part of the package; write it elsewhere (or name it with a leading dot)", out, filepath.ToSlash(dir)))
			}
			lr, err := contracts.LintWith(cmd.Context(), c, compatEngines())
			if err != nil {
				return err
			}
			if lr.Failed() {
				if err := app.Print(lintResult{lr, app.Quiet}); err != nil {
					return err
				}
				return errkind.Findingf("%s@%s: not packed: the package has %s", c.Name, c.Version, plural(lr.Errors, "lint error"))
			}
			data, err := contracts.Pack(c.FS, c.Dir)
			if err != nil {
				return err
			}
			if out != "" {
				if err := fsx.WriteFileAtomic(out, data, 0o644); err != nil {
					return errkind.Envf("write %s: %w", out, err)
				}
			}
			return app.Print(packResult{Name: c.Name, Version: c.Version, Digest: contracts.Digest(data), Size: len(data), Out: out})
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "write the archive to FILE")
	return cmd
}

// ---- publish

type contractPublishOptions struct {
	Dirs   []string
	Reg    registryFlags
	DryRun bool
	// Jobs bounds the packages of different names published at a time.
	Jobs int
	// NoConsumers skips the check against the registered consumers.
	NoConsumers bool
}

type publishResults []*contracts.PublishResult

func (rs publishResults) WriteText(w io.Writer, st output.Style) error {
	for _, r := range rs {
		var err error
		switch r.Status {
		case contracts.StatusAlreadyPublished:
			_, err = fmt.Fprintf(w, "%s@%s is already published (%s): nothing to do\n", r.Name, r.Version, r.Digest)
		case contracts.StatusWouldPublish:
			_, err = fmt.Fprintf(w, "would publish %s@%s (%s) to %s%s\n", r.Name, r.Version, r.Digest, r.Registry, againstText(r))
		default:
			_, err = fmt.Fprintf(w, "%s %s@%s (%s) to %s%s\n", st.Green("published"), r.Name, r.Version, r.Digest, r.Registry, againstText(r))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func againstText(r *contracts.PublishResult) string {
	var parts []string
	switch {
	case r.Gate == nil:
	case r.Gate.RequiredBump == compat.None:
		parts = append(parts, fmt.Sprintf("compared with %s: no changes to its events or APIs", strings.Join(r.Against, ", ")))
	default:
		parts = append(parts, fmt.Sprintf("compared with %s: %s changes", strings.Join(r.Against, ", "), r.Gate.RequiredBump))
	}
	if s := consumersText(r.Consumers); s != "" {
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, "; ") + ")"
}

func newContractPublishCmd(app *App) *cobra.Command {
	o := &contractPublishOptions{}
	cmd := &cobra.Command{
		Use:   "publish [DIR]... [--registry REF] [--dry-run]",
		Short: "Publish a package: idempotent, immutable, gated by the compatibility diff",
		Long: `publish lints and packs the package and pushes it to the store (blobs, manifest, and
the version tag last). The same version with the same content is a no-op; with other
content it is refused (exit 1). A new version is compared with the highest earlier
version in the package's compatibility mode (every earlier version of the same major
in *-transitive modes) and refused, with the report, when it is smaller than the
changes need. Without DIR it publishes dsctl.yaml's contracts, else the current folder.

Several packages: every contract.yaml is read first (a broken one publishes nothing,
exit 2). Packages of different names are published --jobs at a time; the versions of
one name one after the other, in the order given. Each is reported in argument order.
A refused package does not stop the others, but the later versions of its name are
skipped; an environment error (registry unreachable after retries) starts nothing
more. The exit code is that of the first failure in argument order.`,
		Example: `  dsctl contract publish contracts/orders --dry-run
  dsctl contract publish contracts/orders
  dsctl contract publish --registry oci://registry.example.com/contracts   # dsctl.yaml's contracts`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Dirs = args
			return contractPublishRun(cmd.Context(), app, o)
		},
	}
	o.Reg.creates = true
	o.Reg.bind(cmd)
	cmd.Flags().BoolVar(&o.DryRun, "dry-run", false, "check and report, push nothing")
	cmd.Flags().IntVarP(&o.Jobs, "jobs", "j", 0, fmt.Sprintf("packages of different names published at a time (0: %d)", contracts.DefaultJobs))
	cmd.Flags().BoolVar(&o.NoConsumers, "no-consumers", false, "do not judge the package against the registered consumers of its events")
	return cmd
}

func contractPublishRun(ctx context.Context, app *App, o *contractPublishOptions) error {
	if o.Jobs < 0 {
		return usageErr(fmt.Errorf("--jobs must be 0 (the default, %d) or more, got %d", contracts.DefaultJobs, o.Jobs))
	}
	dirs := o.Dirs
	if len(dirs) == 0 {
		cfg, err := app.Config()
		if err != nil {
			return err
		}
		if cfg != nil && len(cfg.Contracts) > 0 {
			for _, c := range cfg.Contracts {
				dirs = append(dirs, cfg.Resolve(c))
			}
		} else {
			dirs = []string{"."}
		}
	}
	// Every package is read before anything is published: a broken
	// contract.yaml (exit 2) leaves the store as it was.
	cs := make([]*contracts.Contract, len(dirs))
	for i, dir := range dirs {
		c, err := contracts.Load(dir)
		if err != nil {
			return err
		}
		cs[i] = c
	}
	store, _, err := app.openStore(o.Reg)
	if err != nil {
		return err
	}
	cfg, err := app.Config()
	if err != nil {
		return err
	}
	consumerAware := cfg != nil && cfg.Compat.ConsumerAware
	// Packages of different names are published concurrently; each is
	// reported in argument order as soon as it and those before it are done.
	// Text reports each package then (a refused one with its lint or gate
	// report on stdout and its error on stderr); JSON prints one array with a
	// status for every package at the end, even on failure.
	var (
		results        publishResults
		failed         []string
		first          error
		firstKind      errkind.Kind
		skipped, total int
	)
	emit := func(it contracts.PublishItem) error {
		res := it.Result
		total++
		if res != nil && res.Status != "" {
			results = append(results, res)
		}
		if it.Err == nil {
			if app.JSON() {
				return nil // one array at the end
			}
			return app.printDone(publishResults{res})
		}
		if errors.Is(it.Err, contracts.ErrSkipped) {
			skipped++
			failed = append(failed, res.Name+"@"+res.Version)
			app.IO.Warnf("%s", it.Err)
			return nil
		}
		err := publishError(app, it)
		if err == nil {
			return nil
		}
		var perr printErr
		if errors.As(err, &perr) {
			return perr.err
		}
		failed = append(failed, res.Name+"@"+res.Version)
		app.exit(err, app.IO.Err) // prints it as it would be printed last
		if first == nil {
			first, firstKind = err, exitKind(err)
		}
		return nil
	}
	// The gate is compat check's decision, with the same compat.ignore waivers.
	waivers, waiverFile, err := compatWaivers(app)
	if err != nil {
		return err
	}
	if err := contracts.PublishAll(ctx, cs, contracts.PublishAllOptions{
		PublishOptions: contracts.PublishOptions{Store: store, Engines: compatEngines(), DryRun: o.DryRun,
			Consumers: consumerCheck(app, store, o.NoConsumers), ConsumerAware: consumerAware,
			Waivers: waivers, WaiverFile: waiverFile},
		Jobs: o.Jobs,
	}, emit); err != nil {
		return err
	}
	if app.JSON() && len(results) > 0 {
		if err := app.Print(results); err != nil {
			return err
		}
	}
	if first == nil {
		return nil
	}
	if len(failed) == 1 {
		// Its error is printed already, where it happened.
		return &errkind.Silent{Kind: firstKind}
	}
	msg := fmt.Sprintf("%d of %d packages not published", len(failed), total)
	if skipped > 0 {
		msg += fmt.Sprintf(" (%d of them skipped)", skipped)
	}
	return &errkind.Error{Kind: firstKind, Err: fmt.Errorf("%s: %s", msg, strings.Join(failed, ", "))}
}

// printErr is an error writing the output, which stops the run.
type printErr struct{ err error }

func (e printErr) Error() string { return e.err.Error() }

// publishError prints the report of a refused package (its lint or gate
// report, in text) and returns the error to print on stderr.
func publishError(app *App, it contracts.PublishItem) error {
	res := it.Result
	switch {
	case errors.Is(it.Err, contracts.ErrLintFailed):
		if !app.JSON() {
			if err := app.Print(lintResult{res.Lint, app.Quiet}); err != nil {
				return printErr{err}
			}
		}
		return errkind.Findingf("%s@%s: not published: the package has %s", res.Name, res.Version, plural(res.Lint.Errors, "lint error"))
	case errors.Is(it.Err, contracts.ErrConsumersBroken):
		return consumersError(app, res)
	case errors.Is(it.Err, contracts.ErrVersionTooSmall):
		if !app.JSON() {
			if err := printGate(app, res); err != nil {
				return printErr{err}
			}
			if len(res.Consumers.Broken()) > 0 {
				if err := app.Print(consumerReport{res.Consumers}); err != nil {
					return printErr{err}
				}
			}
		}
		return &errkind.Error{Kind: errkind.Finding,
			Err:  fmt.Errorf("%s@%s: not published: the changes since %s are %s and need at least %s", res.Name, res.Version, res.Gate.From, res.Gate.RequiredBump, res.Gate.Suggested),
			Hint: versionHint(res.Version, res.Gate.Suggested)}
	}
	return it.Err
}

func printGate(app *App, res *contracts.PublishResult) error {
	var rs []*compat.Report
	for _, r := range res.Verdict.Reports {
		if len(r.Changes) > 0 {
			rs = append(rs, r)
		}
	}
	p, err := report.New("text", report.Options{Style: app.IO.Style()})
	if err != nil {
		return err
	}
	return p.Print(app.IO.Out, rs)
}

// ---- list

type listEntry struct {
	Name     string             `json:"name"`
	Versions []registry.Version `json:"versions"`
}

type listResult struct {
	Registry  string      `json:"registry"`
	Contracts []listEntry `json:"contracts"`
	// tty aligns the columns for people; off a terminal they are tab-separated for scripts.
	tty bool
}

func (r listResult) WriteText(w io.Writer, st output.Style) error {
	if len(r.Contracts) == 0 {
		_, err := fmt.Fprintf(w, "no contracts in %s\n", r.Registry)
		return err
	}
	if r.tty {
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		defer tw.Flush()
		w = tw
	}
	for _, c := range r.Contracts {
		for _, v := range c.Versions {
			line := fmt.Sprintf("%s\t%s\t%s", c.Name, v.Version, v.Digest)
			if v.Yanked {
				line += "\t" + st.Yellow("yanked") + ": " + v.YankReason
			}
			if _, err := fmt.Fprintln(w, line); err != nil {
				return err
			}
		}
	}
	return nil
}

func newContractListCmd(app *App) *cobra.Command {
	var reg registryFlags
	cmd := &cobra.Command{
		Use:   "list [NAME] [--registry REF]",
		Short: "List published versions with their digests and yank marks",
		Long: `list prints every published version of NAME (of every contract without NAME), one per
line: name, version, manifest digest, and the reason when it is yanked. -o json adds
the archive digests. A NAME that is not in the store exits 1.`,
		Example: `  dsctl contract list
  dsctl contract list orders --registry oci://registry.example.com/contracts
  dsctl contract list orders -o json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			store, _, err := app.openStore(reg)
			if err != nil {
				return err
			}
			var names []string
			if len(args) == 1 {
				if !registry.ValidName(args[0]) {
					return errkind.Inputf("invalid contract name %q", args[0])
				}
				names = args
			} else if names, err = store.Names(ctx); err != nil {
				return err
			}
			res := listResult{Registry: store.Ref(), Contracts: []listEntry{}, tty: app.IO.OutTTY}
			for _, n := range names {
				vs, err := store.List(ctx, n)
				if err != nil {
					return err
				}
				if len(args) == 1 && len(vs) == 0 {
					return noSuchContract(store, n)
				}
				if vs == nil {
					vs = []registry.Version{}
				}
				res.Contracts = append(res.Contracts, listEntry{Name: n, Versions: vs})
			}
			return app.Print(res)
		},
	}
	reg.bind(cmd)
	return cmd
}

// ---- pull

type contractPullOptions struct {
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

func newContractPullCmd(app *App) *cobra.Command {
	o := &contractPullOptions{}
	cmd := &cobra.Command{
		Use:   "pull NAME@CONSTRAINT... [--registry REF] [--dir contracts/vendor]",
		Short: "Vendor the highest matching version and pin it in dsctl.lock",
		Long: `pull resolves NAME@CONSTRAINT (^1.2, ~1.4.0, >=1.2 <2, 1.4.0) to the highest matching
version that is not yanked (a yanked version is used only when pinned exactly),
fetches it by digest, verifies it, unpacks it safely into contracts/vendor/NAME
(atomically) and records version and digests in dsctl.lock (atomically). A locked
version whose tag now points at another digest is an error.`,
		Example: `  dsctl contract pull 'orders@^1'
  dsctl contract pull 'orders@~1.4.0' 'billing@>=2.1 <3'
  dsctl contract pull orders@1.4.2 --dir third_party/contracts`,
		Args: argsWant(1, -1, "NAME@CONSTRAINT...: at least one contract, such as 'orders@^1'"),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Refs = args
			return contractPullRun(cmd.Context(), app, o)
		},
	}
	o.Reg.bind(cmd)
	cmd.Flags().StringVar(&o.Dir, "dir", "", "vendor folder (default contracts/vendor beside dsctl.yaml)")
	return cmd
}

func contractPullRun(ctx context.Context, app *App, o *contractPullOptions) error {
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

// ---- verify

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

func newContractVerifyCmd(app *App) *cobra.Command {
	var dir string
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
			lockPath, vendor, err := app.vendorPaths(dir)
			if err != nil {
				return err
			}
			r, err := contracts.Verify(lockPath, vendor)
			if err != nil {
				return err
			}
			return app.printReport(verifyResult{r, app.IO.OutTTY, app.Quiet}, r.OK)
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "", "vendor folder (default contracts/vendor beside dsctl.yaml)")
	return cmd
}

// ---- yank

type yankResult struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	// Reason is the reason of the tombstone: the first yank's when the
	// version was already yanked (yanking again changes nothing).
	Reason        string `json:"reason"`
	AlreadyYanked bool   `json:"alreadyYanked,omitempty"`
}

func (r yankResult) WriteText(w io.Writer, st output.Style) error {
	if r.AlreadyYanked {
		_, err := fmt.Fprintf(w, "%s@%s is already %s: %s (nothing to do)\n", r.Name, r.Version, st.Yellow("yanked"), r.Reason)
		return err
	}
	_, err := fmt.Fprintf(w, "%s %s@%s: %s\n", st.Yellow("yanked"), r.Name, r.Version, r.Reason)
	return err
}

func newContractYankCmd(app *App) *cobra.Command {
	var reg registryFlags
	var reason string
	cmd := &cobra.Command{
		Use:   "yank NAME@VERSION --reason TEXT",
		Short: "Withdraw a version (a tombstone, never a deletion)",
		Long: `yank attaches a tombstone to a published version (an OCI referrer artifact with the
reason). The version stays fetchable and listed, marked yanked; pull skips it unless
it is pinned exactly. Yanking again is a no-op.`,
		Example: `  dsctl contract yank orders@1.4.1 --reason "notes.maxLength broke the warehouse import"`,
		Args:    argsWant(1, 1, "NAME@VERSION: one exact version, such as orders@1.2.0"),
		RunE: func(cmd *cobra.Command, args []string) error {
			name, version, ok := strings.Cut(args[0], "@")
			if !ok || !registry.ValidName(name) || !contracts.Pinned(version) {
				return usageErr(fmt.Errorf("want NAME@VERSION with an exact version, such as orders@1.2.0 (got %q)", args[0]))
			}
			version = strings.TrimPrefix(strings.TrimSpace(version), "=")
			if strings.TrimSpace(reason) == "" {
				return usageErr(errors.New("--reason is required: say why, for the people who pinned it"))
			}
			store, _, err := app.openStore(reg)
			if err != nil {
				return err
			}
			notFound := func(err error) error {
				if errors.Is(err, registry.ErrNotFound) {
					return errkind.Findingf("%s@%s is not in %s", name, version, store.Ref())
				}
				return err
			}
			// Yanking again is a no-op: say so, with the reason on record.
			if v, err := store.Lookup(cmd.Context(), name, version); err != nil {
				return notFound(err)
			} else if v.Yanked {
				return app.printDone(yankResult{Name: name, Version: version, Reason: v.YankReason, AlreadyYanked: true})
			}
			if err := store.Yank(cmd.Context(), name, version, reason); err != nil {
				return notFound(err)
			}
			return app.printDone(yankResult{Name: name, Version: version, Reason: reason})
		},
	}
	reg.bind(cmd)
	cmd.Flags().StringVar(&reason, "reason", "", "why the version is withdrawn (required)")
	return cmd
}

// ---- validate

type validateResult struct {
	*contracts.ValidateReport
	// quiet (--quiet) prints only the violations.
	quiet bool
}

func (r validateResult) WriteText(w io.Writer, st output.Style) error {
	for _, res := range r.Results {
		if res.Valid && r.quiet {
			continue
		}
		if res.Valid {
			fmt.Fprintf(w, "%s: %s\n", res.File, st.Green("valid "+r.Event))
			continue
		}
		for _, v := range res.Violations {
			ptr := v.Pointer
			if ptr == "" {
				ptr = "/"
			}
			pos := res.File
			if v.Line > 0 {
				pos += fmt.Sprintf(":%d", v.Line)
				if v.Column > 0 {
					pos += fmt.Sprintf(":%d", v.Column)
				}
			}
			fmt.Fprintf(w, "%s: %s %s: %s\n", pos, st.Red("invalid"), ptr, v.Message)
		}
	}
	return nil
}

func newContractValidateCmd(app *App) *cobra.Command {
	var reg registryFlags
	var vendorDir string
	cmd := &cobra.Command{
		Use:   "validate NAME[@VERSION] EVENT FILE...",
		Short: "Validate event instances (raw JSON or CloudEvents) against a contract",
		Long: `validate checks event instances against EVENT's schema in contract NAME: the vendored
copy pinned in dsctl.lock, else NAME@VERSION (or the highest non-yanked version) from
the store; NAME may also be a package folder. A file may be the event itself or a
CloudEvents envelope (JSON with specversion and type): its data is validated, its type
must name the event and its dataschema, when given, must be the event's schema.
FILE - reads standard input.`,
		Example: `  dsctl contract validate orders OrderPlaced message.json cloudevent.json
  dsctl contract validate orders@1.4.0 OrderPlaced - < message.json
  dsctl contract validate contracts/orders OrderCancelled examples/*.json -o json`,
		Args: argsWant(3, -1, "NAME[@VERSION] EVENT FILE...: the contract, the event, and at least one file (- for stdin)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := resolveContract(cmd.Context(), app, reg, vendorDir, args[0])
			if err != nil {
				return err
			}
			var insts []contracts.Instance
			stdinUsed := false
			for _, f := range args[2:] {
				var data []byte
				name := f
				if f == "-" {
					if stdinUsed {
						return usageErr(errors.New("standard input (-) can be given only once"))
					}
					stdinUsed, name = true, source.StdinDisplay
					data, err = io.ReadAll(app.IO.In)
				} else {
					data, err = os.ReadFile(f)
				}
				if err != nil {
					return errkind.InputAt(name, 0, 0, fmt.Errorf("read: %w", unwrapPathErr(err)))
				}
				insts = append(insts, contracts.Instance{Name: name, Data: data})
			}
			r, err := contracts.ValidateInstances(c, args[1], insts)
			if err != nil {
				return err
			}
			return app.printReport(validateResult{r, app.Quiet}, r.Valid)
		},
	}
	reg.bind(cmd)
	cmd.Flags().StringVar(&vendorDir, "dir", "", "vendor folder of a pulled NAME (default contracts/vendor beside dsctl.yaml; as given to pull --dir)")
	return cmd
}

// resolveContract finds a contract by a folder, NAME (vendored, else the
// highest non-yanked version in the store) or NAME@VERSION (from the store).
func resolveContract(ctx context.Context, app *App, reg registryFlags, vendorDir, arg string) (*contracts.Contract, error) {
	// A folder: a path, or a folder holding contract.yaml (a bare name like
	// "orders" may also be a service folder; then it is a contract name).
	if fi, err := os.Stat(arg); err == nil && fi.IsDir() {
		if strings.ContainsAny(arg, `/\`) || arg == "." || arg == ".." {
			return contracts.Load(arg)
		}
		if _, err := os.Stat(filepath.Join(arg, contracts.FileName)); err == nil {
			return contracts.Load(arg)
		}
	}
	name, constraint, err := contracts.ParseRef(arg)
	if err != nil {
		return nil, usageErr(err)
	}
	lockPath, _, err := app.vendorPaths(vendorDir)
	if err != nil {
		return nil, err
	}
	if !strings.Contains(arg, "@") {
		lock, err := contracts.LoadLock(lockPath)
		if err != nil {
			return nil, err
		}
		if _, ok := lock.Contracts[name]; ok {
			c, _, err := contracts.Vendored(lockPath, vendorDir, name, "")
			return c, err
		}
	}
	store, _, err := app.openStore(reg)
	if err != nil {
		return nil, err
	}
	v, _, err := contracts.ResolveIn(ctx, store, name, constraint)
	if err != nil {
		return nil, err
	}
	return contracts.LoadPublished(ctx, store, name, v.Version)
}

// plural formats n and a noun, with an s unless n is 1: "1 error", "2 errors".
func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// packsItself reports whether writing the archive to out would put it in the
// package folder dir as a file pack takes in (hidden files are left out).
func packsItself(dir, out string) bool {
	d, err1 := filepath.Abs(dir)
	o, err2 := filepath.Abs(out)
	if err1 != nil || err2 != nil {
		return false
	}
	if strings.HasPrefix(filepath.Base(o), ".") {
		return false
	}
	rel, err := filepath.Rel(d, o)
	if err != nil || !fsx.Within(d, o) {
		return false
	}
	for _, part := range strings.Split(filepath.ToSlash(rel), "/") {
		if strings.HasPrefix(part, ".") {
			return false // in a hidden folder
		}
	}
	return true
}

// unwrapPathErr drops the *fs.PathError around err (its path is already named).
func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// versionHint tells how to take the suggested version; a new major also
// changes the v<MAJOR> segment the schema-id rule wants in every $id.
func versionHint(declared, suggested string) string {
	hint := fmt.Sprintf("set version: %s in contract.yaml (or undo the breaking changes)", suggested)
	d, err1 := semver.NewVersion(declared)
	g, err2 := semver.NewVersion(suggested)
	if err1 == nil && err2 == nil && g.Major() != d.Major() {
		hint += fmt.Sprintf(", and /v%d/ for /v%d/ in the schemas' $id", g.Major(), d.Major())
	}
	return hint
}
