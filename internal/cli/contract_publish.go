package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/Masterminds/semver/v3"
	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/compat/report"
	"github.com/dsctl/dsctl/contracts"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/output"
	"github.com/spf13/cobra"
)

// contractPublishOptions are the arguments and flags of contract publish.
type contractPublishOptions struct {
	App    *App
	Ctx    context.Context
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

func newCmdContractPublish(app *App, runF func(*contractPublishOptions) error) *cobra.Command {
	o := &contractPublishOptions{App: app}
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
			o.Ctx = cmd.Context()
			return runOr(o, runF, contractPublishRun)
		},
	}
	o.Reg.creates = true
	o.Reg.bind(cmd)
	cmd.Flags().BoolVar(&o.DryRun, "dry-run", false, "check and report, push nothing")
	cmd.Flags().IntVarP(&o.Jobs, "jobs", "j", 0, fmt.Sprintf("packages of different names published at a time (0: %d)", contracts.DefaultJobs))
	cmd.Flags().BoolVar(&o.NoConsumers, "no-consumers", false, "do not judge the package against the registered consumers of its events")
	return cmd
}

func contractPublishRun(o *contractPublishOptions) error {
	ctx, app := o.Ctx, o.App
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
		errs           []error
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
		errs = append(errs, err)
		return nil
	}
	// The gate is compat check's decision, with the same compat.ignore waivers.
	waivers, waiverFile, err := compatWaivers(app)
	if err != nil {
		return err
	}
	if err := contracts.PublishAll(ctx, cs, contracts.PublishAllOptions{
		PublishOptions: contracts.PublishOptions{Store: store, Engines: app.engines, DryRun: o.DryRun,
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
	if len(errs) == 0 {
		return nil
	}
	if len(failed) == 1 {
		return errs[0]
	}
	// Main prints each package's error, then this summary; the exit code is
	// the first failure's.
	msg := fmt.Sprintf("%d of %d packages not published", len(failed), total)
	if skipped > 0 {
		msg += fmt.Sprintf(" (%d of them skipped)", skipped)
	}
	return &failures{each: errs, summary: &errkind.Error{Kind: errkind.Of(errs[0]),
		Err: fmt.Errorf("%s: %s", msg, strings.Join(failed, ", "))}}
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
