package cli

import (
	"github.com/spf13/cobra"
)

func newCmdGen(app *App) *cobra.Command {
	cmd := newGroupCmd("gen", "Generate each service's own DTOs and event types",
		`Each consuming service keeps its own copy of the types it uses, generated
from the provider's OpenAPI spec (gen dtos) or contract package (gen events),
instead of sharing a DTO library. Generated files name the spec's sha256 in
their header; --check in CI fails when one is stale.`)
	cmd.Example = `  dsctl gen dtos                    # every service of dsctl.yaml
  dsctl gen dtos --check            # CI: exit 1 with a diff when a file is stale
  dsctl gen events orders/contract --package orderevents --out billing/orderevents/events.gen.go`
	cmd.AddCommand(newCmdGenDTOs(app, nil), newCmdGenEvents(app, nil))
	return cmd
}
