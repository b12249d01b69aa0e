package cli

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/dsctl/dsctl/hashasset"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/output"
	"github.com/spf13/cobra"
)

// hashAssetsOptions are the flags of "hash-assets SRC --out DIR".
type hashAssetsOptions struct {
	app             *App
	src, out        string
	hashLength      int
	manifest        string
	prefix          string
	strict          bool
	keep            int
	keepAge         string
	precompress     string
	plan            string
	exclude         []string
	keepOriginal    []string
	dryRun          bool
	noSync          bool
	digestedPattern string
	integrity       string
}

func newHashAssetsCmd(app *App) *cobra.Command {
	opts := &hashAssetsOptions{app: app}
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
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.src = args[0]
			if !cmd.Flags().Changed("keep") {
				opts.keep = -1
			}
			return hashAssetsRun(cmd, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.out, "out", "", "output folder (required)")
	f.IntVar(&opts.hashLength, "hash-length", hashasset.DefaultHashLength, "hex digits of the sha256 in file names (7..64)")
	f.StringVar(&opts.manifest, "manifest", "", "manifest file (default DIR/assets-manifest.json)")
	f.StringVar(&opts.prefix, "prefix", "", "URL written before every rewritten reference (a CDN or base URL)")
	f.BoolVar(&opts.strict, "strict", false, "a reference to a missing file is an error, not a warning")
	f.IntVar(&opts.keep, "keep", 0, "prune older versions beyond the newest N of each asset")
	f.StringVar(&opts.keepAge, "keep-age", "", "keep older versions younger than this (e.g. 72h, 7d) even beyond --keep")
	f.StringVar(&opts.precompress, "precompress", "", "write compressed copies beside text assets where smaller: a comma-separated list of gzip, br and zstd")
	f.StringVar(&opts.plan, "plan", "", "write an upload plan (JSON) to this file")
	f.StringArrayVar(&opts.exclude, "exclude", nil, "glob of source paths to leave out (repeatable; ** spans folders)")
	f.StringArrayVar(&opts.keepOriginal, "keep-original", nil, "glob of source paths also written under their original names, for URLs built at run time (repeatable)")
	f.BoolVar(&opts.dryRun, "dry-run", false, "compute and report, write nothing")
	f.BoolVar(&opts.noSync, "no-sync", false, "do not wait for the assets to reach the disk before writing the manifest (throwaway CI output)")
	f.StringVar(&opts.digestedPattern, "digested-pattern", "", "regular expression for files already digested by a bundler (added to the default)")
	f.StringVar(&opts.integrity, "integrity", "", "algorithm of the manifest's SRI integrity values: sha384 (default), sha512, or sha256 (the content hash itself: one digest per file, about twice as fast)")
	_ = cmd.MarkFlagRequired("out")

	cmd.AddCommand(newHashAssetsVerifyCmd(app), newHashAssetsCleanCmd(app), newHashAssetsUploadCmd(app))
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

func hashAssetsRun(cmd *cobra.Command, o *hashAssetsOptions) error {
	app := o.app
	age, err := parseAge(o.keepAge)
	if err != nil {
		return usageErr(fmt.Errorf("--keep-age: %w", err))
	}
	if o.keep < -1 {
		return usageErr(fmt.Errorf("--keep %d: want 0 or more", o.keep))
	}
	opts := hashasset.Options{
		Src: o.src, Out: o.out, HashLength: o.hashLength, Manifest: o.manifest, Prefix: o.prefix,
		Strict: o.strict, Precompress: o.precompress, Plan: o.plan,
		Exclude: o.exclude, KeepOriginal: o.keepOriginal, DigestedPattern: o.digestedPattern, DryRun: o.dryRun, NoSync: o.noSync,
		Integrity: o.integrity,
	}
	if o.keep >= 0 || age > 0 {
		opts.Retain = &hashasset.Retention{Keep: o.keep, KeepAge: age}
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
	res, err := hashasset.Build(cmd.Context(), opts)
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

type hashAssetsVerifyOptions struct {
	app      *App
	dir      string
	manifest string
	remote   string
}

func newHashAssetsVerifyCmd(app *App) *cobra.Command {
	o := &hashAssetsVerifyOptions{app: app}
	cmd := &cobra.Command{
		Use:   "verify DIR",
		Short: "Check that every hashed file matches its name and the manifest",
		Long: `verify reads DIR/assets-manifest.json and checks every file it lists: current
files must have the size, sha256 and sha384 integrity of the manifest, and every
hashed file, current or previous, must have content whose sha256 starts with the
hash in its name, and each precompressed copy (PATH.gz, .br, .zst) must
decompress to the file's bytes.
It exits 1 and lists the mismatches otherwise.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.dir = args[0]
			verify := func() (*hashasset.VerifyReport, error) {
				if o.remote != "" {
					return hashasset.VerifyRemote(cmd.Context(), o.dir, o.manifest, o.remote, nil)
				}
				return hashasset.Verify(cmd.Context(), o.dir, o.manifest)
			}
			rep, err := verify()
			if err != nil {
				return err
			}
			if err := app.Print(rep); err != nil {
				return err
			}
			if !rep.OK() {
				return errkind.SilentFinding()
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&o.manifest, "manifest", "", "manifest file (default DIR/assets-manifest.json)")
	cmd.Flags().StringVar(&o.remote, "remote", "", "check the uploaded objects at s3://BUCKET/PREFIX instead: each must hold the local file's bytes")
	return cmd
}

// uploadSummary is what hash-assets upload prints.
type uploadSummary struct{ *hashasset.UploadResult }

func (s uploadSummary) WriteText(w io.Writer, st output.Style) error {
	verb, n, bytes, deleted := "uploaded", s.Uploaded, s.Bytes, s.Deleted
	if d := s.WouldUpload; d != nil {
		verb, n, bytes, deleted = "would upload", d.WouldUpload, d.WouldBytes, d.WouldDelete
	}
	_, err := fmt.Fprintf(w, "%s %d files (%s) to %s, %d already there; build %d\n", st.Green(verb), n, humanBytes(bytes), s.To, s.Skipped, s.Build)
	if err == nil && len(deleted) > 0 {
		verb = "deleted"
		if s.DryRun {
			verb = "would delete"
		}
		_, err = fmt.Fprintf(w, "%s %d files of older builds\n", verb, len(deleted))
	}
	return err
}

func newHashAssetsUploadCmd(app *App) *cobra.Command {
	var (
		to, manifest, keepAge string
		keep                  int
		dryRun, prune         bool
	)
	cmd := &cobra.Command{
		Use:   "upload DIR --to s3://BUCKET/PREFIX",
		Short: "Upload a build to S3-compatible object storage in a safe order",
		Long: `upload carries out the upload plan of DIR against S3-compatible object storage
(AWS S3, Cloudflare R2, GCS interoperability, MinIO, Ceph RGW, SeaweedFS, Versity):
hashed files first with "Cache-Control: public, max-age=31536000, immutable", the
right Content-Type and Content-Encoding on precompressed copies, then the pages
and the manifest last with a short cache. An object already there with the same
sha256 is not sent again. Configuration is the standard AWS one: AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL_S3
or AWS_ENDPOINT_URL. --prune then deletes from the store what "hash-assets clean"
with the same --keep/--keep-age would delete locally, and nothing else.`,
		Example: `  dsctl hash-assets upload dist --to s3://my-bucket/assets
  AWS_ENDPOINT_URL=https://ACCOUNT.r2.cloudflarestorage.com dsctl hash-assets upload dist --to s3://site/ --prune --keep 3`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if to == "" {
				return usageErr(fmt.Errorf("hash-assets upload needs --to s3://BUCKET/PREFIX"))
			}
			opts := hashasset.UploadOptions{Dir: args[0], Manifest: manifest, To: to, DryRun: dryRun}
			if prune {
				r, err := retentionFlags(cmd, keep, keepAge, "--prune")
				if err != nil {
					return err
				}
				opts.Prune = &r
			}
			var bar *output.Progress
			opts.Started = func(files int, bytes int64) {
				if bytes > 0 {
					bar = app.IO.NewProgress(bytes, "uploading", true)
				}
			}
			opts.Progress = func(n int64) { bar.Add(n) }
			res, err := hashasset.UploadBuild(cmd.Context(), opts)
			bar.Finish()
			if err != nil {
				return err
			}
			return app.Print(uploadSummary{res})
		},
	}
	f := cmd.Flags()
	f.StringVar(&to, "to", "", "destination s3://BUCKET/PREFIX (required)")
	f.StringVar(&manifest, "manifest", "", "manifest file (default DIR/assets-manifest.json)")
	f.BoolVar(&dryRun, "dry-run", false, "compare with the store and report, send and delete nothing")
	f.BoolVar(&prune, "prune", false, "delete from the store what hash-assets clean --keep/--keep-age would delete")
	f.IntVar(&keep, "keep", 0, "with --prune: keep the newest N older versions of each asset")
	f.StringVar(&keepAge, "keep-age", "", "with --prune: also keep older versions younger than this (e.g. 72h, 7d)")
	return cmd
}

// cleanResult is what hash-assets clean prints: on a dry run Removed is
// empty and wouldRemove lists what a real run would remove.
type cleanResult struct {
	Removed []string `json:"removed"`
	DryRun  bool     `json:"dryRun"`
	*cleanWould
}

type cleanWould struct {
	WouldRemove []string `json:"wouldRemove"`
}

func (c cleanResult) WriteText(w io.Writer, st output.Style) error {
	verb, files := "removed", c.Removed
	if c.cleanWould != nil {
		verb, files = "would remove", c.WouldRemove
	}
	for _, p := range files {
		if _, err := fmt.Fprintf(w, "%s %s\n", verb, p); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(w, "%s %d files of older builds\n", verb, len(files))
	return err
}

func newHashAssetsCleanCmd(app *App) *cobra.Command {
	var (
		manifest, keepAge string
		keep              int
		dryRun            bool
	)
	cmd := &cobra.Command{
		Use:   "clean DIR --keep N [--keep-age DUR]",
		Short: "Prune files of older builds by the retention rule",
		Long: `clean removes files of older builds listed under "previous" in the manifest:
for each asset it keeps the newest N older versions and any version younger than
--keep-age (the age of a version is the time since the file that replaced it was
written). Files of the current build are never removed. The manifest is rewritten
first, atomically, then the files are deleted.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := retentionFlags(cmd, keep, keepAge, "hash-assets clean")
			if err != nil {
				return err
			}
			removed, err := hashasset.Clean(hashasset.CleanOptions{Dir: args[0], Manifest: manifest, Keep: r.Keep, KeepAge: r.KeepAge, DryRun: dryRun})
			if err != nil {
				return err
			}
			res := cleanResult{Removed: removed, DryRun: dryRun}
			if dryRun {
				res = cleanResult{Removed: []string{}, DryRun: true, cleanWould: &cleanWould{WouldRemove: removed}}
			}
			return app.Print(res)
		},
	}
	f := cmd.Flags()
	f.IntVar(&keep, "keep", 0, "keep the newest N older versions of each asset")
	f.StringVar(&keepAge, "keep-age", "", "also keep older versions younger than this (e.g. 72h, 7d)")
	f.StringVar(&manifest, "manifest", "", "manifest file (default DIR/assets-manifest.json)")
	f.BoolVar(&dryRun, "dry-run", false, "list what would be removed, remove nothing")
	return cmd
}
