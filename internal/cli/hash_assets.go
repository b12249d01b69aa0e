package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/dsctl/dsctl/hashasset"
	"github.com/dsctl/dsctl/internal/output"
	"github.com/spf13/cobra"
)

// hashAssetsOptions are the arguments and flags of "hash-assets SRC --out DIR".
type hashAssetsOptions struct {
	App             *App
	Ctx             context.Context
	Src, Out        string
	HashLength      int
	Manifest        string
	Prefix          string
	Strict          bool
	Keep            int
	KeepAge         string
	Precompress     string
	Plan            string
	Exclude         []string
	KeepOriginal    []string
	DryRun          bool
	NoSync          bool
	DigestedPattern string
	Integrity       string
}

func newCmdHashAssets(app *App, runF func(*hashAssetsOptions) error) *cobra.Command {
	opts := &hashAssetsOptions{App: app}
	cmd := &cobra.Command{
		Use:   "hash-assets SRC --out DIR",
		Short: "Rename static assets by content hash and rewrite references",
		Long: `hash-assets copies the files of SRC into DIR with a content hash in each name
(css/site.css -> css/site-3f2a9c1b7d.css), rewrites the references between them
(CSS url() and @import, HTML src/href/srcset/poster/meta, JavaScript imports,
source maps) leaves first, and writes DIR/assets-manifest.json last, atomically.
HTML pages keep their names; files already digested by a bundler
(name-<hash>.digested.ext) are copied as they are.

A second run into the same DIR keeps the files of earlier builds (listed under
"previous" in the manifest) so that old and new servers can run side by side;
--keep and --keep-age, or "hash-assets clean", prune them. Running again on an
unchanged SRC writes nothing.`,
		Example: `  dsctl hash-assets web --out dist
  dsctl hash-assets web --out dist --prefix https://cdn.example.com/assets --plan plan.json --precompress gzip,br,zstd
  dsctl hash-assets verify dist
  dsctl hash-assets clean dist --keep 3 --keep-age 168h`,
		Args: orSubcommand(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Src = args[0]
			if !cmd.Flags().Changed("keep") {
				opts.Keep = -1
			}
			opts.Ctx = cmd.Context()
			return runOr(opts, runF, hashAssetsRun)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Out, "out", "", "output folder (required)")
	f.IntVar(&opts.HashLength, "hash-length", hashasset.DefaultHashLength, "hex digits of the sha256 in file names (7..64)")
	f.StringVar(&opts.Manifest, "manifest", "", "manifest file (default DIR/assets-manifest.json)")
	f.StringVar(&opts.Prefix, "prefix", "", "URL written before every rewritten reference (a CDN or base URL)")
	f.BoolVar(&opts.Strict, "strict", false, "a reference to a missing file is an error, not a warning")
	f.IntVar(&opts.Keep, "keep", 0, "prune older versions beyond the newest N of each asset")
	f.StringVar(&opts.KeepAge, "keep-age", "", "keep older versions younger than this (e.g. 72h, 7d) even beyond --keep")
	f.StringVar(&opts.Precompress, "precompress", "", "write compressed copies beside text assets where smaller: a comma-separated list of gzip, br and zstd")
	f.StringVar(&opts.Plan, "plan", "", "write an upload plan (JSON) to this file")
	f.StringArrayVar(&opts.Exclude, "exclude", nil, "glob of source paths to leave out (repeatable; ** spans folders)")
	f.StringArrayVar(&opts.KeepOriginal, "keep-original", nil, "glob of source paths also written under their original names, for URLs built at run time (repeatable)")
	f.BoolVar(&opts.DryRun, "dry-run", false, "compute and report, write nothing")
	f.BoolVar(&opts.NoSync, "no-sync", false, "do not wait for the assets to reach the disk before writing the manifest (throwaway CI output)")
	f.StringVar(&opts.DigestedPattern, "digested-pattern", "", "regular expression for files already digested by a bundler (added to the default)")
	f.StringVar(&opts.Integrity, "integrity", "", "algorithm of the manifest's SRI integrity values: sha384 (default), sha512, or sha256 (the content hash itself: one digest per file, about twice as fast)")
	_ = cmd.MarkFlagRequired("out")

	cmd.AddCommand(newCmdHashAssetsVerify(app, nil), newCmdHashAssetsClean(app, nil), newCmdHashAssetsUpload(app, nil))
	return cmd
}

// parseAge parses a duration, also in days ("7d").
// retentionFlags reads --keep and --keep-age, shared by clean and upload
// --prune: at least one must be given (what names the command or flag that
// needs them); without --keep only the age decides (Keep -1).
func retentionFlags(cmd *cobra.Command, keep int, keepAge, what string) (hashasset.Retention, error) {
	if !cmd.Flags().Changed("keep") && keepAge == "" {
		return hashasset.Retention{}, usageErr(fmt.Errorf("%s needs --keep N or --keep-age DUR", what))
	}
	if !cmd.Flags().Changed("keep") {
		keep = -1
	} else if keep < 0 {
		return hashasset.Retention{}, usageErr(fmt.Errorf("--keep %d: want 0 or more", keep))
	}
	age, err := parseAge(keepAge)
	if err != nil {
		return hashasset.Retention{}, usageErr(fmt.Errorf("--keep-age: %w", err))
	}
	return hashasset.Retention{Keep: keep, KeepAge: age}, nil
}

func parseAge(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	if d, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseFloat(d, 64)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("invalid duration %q", s)
		}
		return time.Duration(n * float64(24*time.Hour)), nil
	}
	v, err := time.ParseDuration(s)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("invalid duration %q (want e.g. 90m, 72h, 7d)", s)
	}
	return v, nil
}

// hashAssetsSummary is what hash-assets prints.
type hashAssetsSummary struct {
	*hashasset.Result
	quiet bool // -q: no summary in text (JSON is still printed)
}

func (s hashAssetsSummary) WriteText(w io.Writer, st output.Style) error {
	if s.quiet {
		return nil
	}
	r := s.Result
	_, err := fmt.Fprintf(w, "%s %d files (%s): %d hashed, %d digested, %d pages; %d references rewritten\n",
		st.Green("hashed"), r.Files, humanBytes(r.Bytes), r.Hashed, r.Digested, r.Unhashed, r.Rewritten)
	if err != nil {
		return err
	}
	verb, written, manifest, pruned := "wrote", r.Written, r.ManifestWritten, r.Pruned
	if d := r.WouldDo; d != nil {
		verb, written, manifest, pruned = "would write", d.WouldWrite, d.ManifestWouldChange, d.WouldPrune
	}
	switch {
	case written == 0 && !manifest:
		nothing := "nothing written"
		if r.DryRun {
			nothing = "nothing would be written"
		}
		_, err = fmt.Fprintf(w, "unchanged: build %d, %s\n", r.Build, nothing)
	default:
		m := ""
		if manifest {
			m = " and " + r.Manifest
		}
		_, err = fmt.Fprintf(w, "build %d: %s %d files%s\n", r.Build, verb, written, m)
	}
	if err == nil && len(pruned) > 0 {
		verb = "pruned"
		if r.DryRun {
			verb = "would prune"
		}
		_, err = fmt.Fprintf(w, "%s %d files of older builds\n", verb, len(pruned))
	}
	return err
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func hashAssetsRun(o *hashAssetsOptions) error {
	app := o.App
	age, err := parseAge(o.KeepAge)
	if err != nil {
		return usageErr(fmt.Errorf("--keep-age: %w", err))
	}
	if o.Keep < -1 {
		return usageErr(fmt.Errorf("--keep %d: want 0 or more", o.Keep))
	}
	opts := hashasset.Options{
		Src: o.Src, Out: o.Out, HashLength: o.HashLength, Manifest: o.Manifest, Prefix: o.Prefix,
		Strict: o.Strict, Precompress: o.Precompress, Plan: o.Plan,
		Exclude: o.Exclude, KeepOriginal: o.KeepOriginal, DigestedPattern: o.DigestedPattern, DryRun: o.DryRun, NoSync: o.NoSync,
		Integrity: o.Integrity,
	}
	if o.Keep >= 0 || age > 0 {
		opts.Retain = &hashasset.Retention{Keep: o.Keep, KeepAge: age}
	}
	cfg, err := app.Config()
	if err != nil {
		return err
	}
	if cfg != nil {
		opts.Exclude = append(append([]string(nil), cfg.HashAssets.Exclude...), opts.Exclude...)
		if opts.DigestedPattern == "" {
			opts.DigestedPattern = cfg.HashAssets.DigestedPattern
		}
		if opts.Integrity == "" {
			opts.Integrity = cfg.HashAssets.Integrity
		}
	}
	// The bar appears for large trees only, once their size is known; it
	// draws on a terminal only (output.Streams decides).
	var bar *output.Progress
	opts.Started = func(files int, bytes int64) {
		if files >= 200 || bytes >= 64<<20 {
			bar = app.IO.NewProgress(bytes, "hashing", true)
		}
	}
	opts.Progress = func(n int64) { bar.Add(n) }
	// Files are streamed; a soft memory limit keeps the garbage of a huge
	// bundle's references from inflating the heap (GOMEMLIMIT overrides).
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(128 << 20)
	}
	res, err := hashasset.Build(o.Ctx, opts)
	bar.Finish()
	if err != nil {
		return err
	}
	for _, w := range res.Warnings {
		app.IO.Warnf("%s", w)
	}
	if os.Getenv("DSCTL_TIMINGS") != "" {
		for _, p := range res.Phases {
			fmt.Fprintf(app.IO.Err, "timing %s %.4f\n", p.Name, p.Duration.Seconds())
		}
	}
	return app.Print(hashAssetsSummary{Result: res, quiet: app.Quiet})
}
