package cli

import "github.com/spf13/cobra"

func newHashAssetsCmd(app *App) *cobra.Command {
	cmd := newGroupCmd("hash-assets", "Rename static assets by content hash and rewrite references", "")
	return cmd
}
