package cli

import "github.com/spf13/cobra"

func newGenCmd(app *App) *cobra.Command {
	cmd := newGroupCmd("gen", "Generate each service's own DTOs and event types", "")
	return cmd
}
