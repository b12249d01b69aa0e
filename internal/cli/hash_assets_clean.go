package cli

import (
	"fmt"
	"io"

	"github.com/dsctl/dsctl/hashasset"
	"github.com/dsctl/dsctl/internal/output"
	"github.com/spf13/cobra"
)

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

// hashAssetsCleanOptions are the arguments and flags of hash-assets clean.
type hashAssetsCleanOptions struct {
	App           *App
	Dir, Manifest string
	DryRun        bool
	Retention     hashasset.Retention
	keep          int
	keepAge       string
}

func newCmdHashAssetsClean(app *App, runF func(*hashAssetsCleanOptions) error) *cobra.Command {
	o := &hashAssetsCleanOptions{App: app}
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
			o.Dir = args[0]
			var err error
			if o.Retention, err = retentionFlags(cmd, o.keep, o.keepAge, "hash-assets clean"); err != nil {
				return err
			}
			return runOr(o, runF, hashAssetsCleanRun)
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.keep, "keep", 0, "keep the newest N older versions of each asset")
	f.StringVar(&o.keepAge, "keep-age", "", "also keep older versions younger than this (e.g. 72h, 7d)")
	f.StringVar(&o.Manifest, "manifest", "", "manifest file (default DIR/assets-manifest.json)")
	f.BoolVar(&o.DryRun, "dry-run", false, "list what would be removed, remove nothing")
	return cmd
}

func hashAssetsCleanRun(o *hashAssetsCleanOptions) error {
	app := o.App
	removed, err := hashasset.Clean(hashasset.CleanOptions{Dir: o.Dir, Manifest: o.Manifest, Keep: o.Retention.Keep, KeepAge: o.Retention.KeepAge, DryRun: o.DryRun})
	if err != nil {
		return err
	}
	res := cleanResult{Removed: removed, DryRun: o.DryRun}
	if o.DryRun {
		res = cleanResult{Removed: []string{}, DryRun: true, cleanWould: &cleanWould{WouldRemove: removed}}
	}
	return app.Print(res)
}
