package cli

import "github.com/spf13/cobra"

func newContractCmd(app *App) *cobra.Command {
	cmd := newGroupCmd("contract", "Publish, pull and verify versioned contract packages", "")
	return cmd
}
