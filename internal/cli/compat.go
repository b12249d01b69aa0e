package cli

import "github.com/spf13/cobra"

func newCompatCmd(app *App) *cobra.Command {
	cmd := newGroupCmd("compat", "Check compatibility between contract versions and derive the semver bump", "")
	return cmd
}
