package cli

import (
	"context"

	"github.com/dsctl/dsctl/hashasset"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/spf13/cobra"
)

// hashAssetsVerifyOptions are the arguments and flags of hash-assets verify.
type hashAssetsVerifyOptions struct {
	App                   *App
	Ctx                   context.Context
	Dir, Manifest, Remote string
}

func newCmdHashAssetsVerify(app *App, runF func(*hashAssetsVerifyOptions) error) *cobra.Command {
	o := &hashAssetsVerifyOptions{App: app}
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
			o.Ctx = cmd.Context()
			o.Dir = args[0]
			return runOr(o, runF, hashAssetsVerifyRun)
		},
	}
	cmd.Flags().StringVar(&o.Manifest, "manifest", "", "manifest file (default DIR/assets-manifest.json)")
	cmd.Flags().StringVar(&o.Remote, "remote", "", "check the uploaded objects at s3://BUCKET/PREFIX instead: each must hold the local file's bytes")
	return cmd
}

func hashAssetsVerifyRun(o *hashAssetsVerifyOptions) error {
	app := o.App
	verify := func() (*hashasset.VerifyReport, error) {
		if o.Remote != "" {
			return hashasset.VerifyRemote(o.Ctx, o.Dir, o.Manifest, o.Remote, nil)
		}
		return hashasset.Verify(o.Ctx, o.Dir, o.Manifest)
	}
	rep, err := verify()
	if err != nil {
		return err
	}
	if err := app.Print(verifyText{rep}); err != nil {
		return err
	}
	if !rep.OK() {
		return errkind.SilentFinding()
	}
	return nil
}
