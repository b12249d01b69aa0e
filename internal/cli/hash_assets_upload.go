package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/dsctl/dsctl/hashasset"
	"github.com/dsctl/dsctl/internal/output"
	"github.com/spf13/cobra"
)

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

// hashAssetsUploadOptions are the arguments and flags of hash-assets upload.
type hashAssetsUploadOptions struct {
	App               *App
	Ctx               context.Context
	Dir, To, Manifest string
	DryRun            bool
	// Prune is the retention rule of --prune; nil without it.
	Prune   *hashasset.Retention
	prune   bool
	keep    int
	keepAge string
}

func newCmdHashAssetsUpload(app *App, runF func(*hashAssetsUploadOptions) error) *cobra.Command {
	o := &hashAssetsUploadOptions{App: app}
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
			o.Ctx = cmd.Context()
			o.Dir = args[0]
			if o.To == "" {
				return usageErr(fmt.Errorf("hash-assets upload needs --to s3://BUCKET/PREFIX"))
			}
			if o.prune {
				r, err := retentionFlags(cmd, o.keep, o.keepAge, "--prune")
				if err != nil {
					return err
				}
				o.Prune = &r
			}
			return runOr(o, runF, hashAssetsUploadRun)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.To, "to", "", "destination s3://BUCKET/PREFIX (required)")
	f.StringVar(&o.Manifest, "manifest", "", "manifest file (default DIR/assets-manifest.json)")
	f.BoolVar(&o.DryRun, "dry-run", false, "compare with the store and report, send and delete nothing")
	f.BoolVar(&o.prune, "prune", false, "delete from the store what hash-assets clean --keep/--keep-age would delete")
	f.IntVar(&o.keep, "keep", 0, "with --prune: keep the newest N older versions of each asset")
	f.StringVar(&o.keepAge, "keep-age", "", "with --prune: also keep older versions younger than this (e.g. 72h, 7d)")
	return cmd
}

func hashAssetsUploadRun(o *hashAssetsUploadOptions) error {
	app := o.App
	opts := hashasset.UploadOptions{Dir: o.Dir, Manifest: o.Manifest, To: o.To, DryRun: o.DryRun, Prune: o.Prune}
	var bar *output.Progress
	opts.Started = func(files int, bytes int64) {
		if bytes > 0 {
			bar = app.IO.NewProgress(bytes, "uploading", true)
		}
	}
	opts.Progress = func(n int64) { bar.Add(n) }
	res, err := hashasset.UploadBuild(o.Ctx, opts)
	bar.Finish()
	if err != nil {
		return err
	}
	return app.Print(uploadSummary{res})
}
