package cli

import (
	"github.com/spf13/cobra"
)

func newCmdContract(app *App) *cobra.Command {
	cmd := newGroupCmd("contract", "Publish, pull and verify versioned contract packages",
		`A contract package is a folder with contract.yaml, one JSON Schema per event, examples,
and optionally OpenAPI specs. It is packed deterministically (same files, same sha256
digest on every machine) and published to a store as an OCI artifact, tag = version.

Publishing rules:
  - the same version with the same content is a no-op ("already published");
  - the same version with other content is refused: a published version is immutable;
  - a new version is compared with the highest earlier one (every earlier version of
    the same major in *-transitive modes) and refused when it is smaller than the
    changes need (a breaking change needs a new major);
  - yank marks a version withdrawn (a tombstone, never a deletion): pull skips it
    unless it is pinned exactly.`)
	cmd.Example = `  dsctl contract init contracts/orders --name orders
  dsctl contract publish contracts/orders --dry-run
  dsctl contract pull 'orders@^1' && dsctl contract verify
  dsctl contract install --locked   # CI: vendor what dsctl.lock pins`
	cmd.AddCommand(
		newCmdContractInit(app, nil), newCmdContractLint(app, nil), newCmdContractPack(app, nil),
		newCmdContractPublish(app, nil), newCmdContractList(app, nil), newCmdContractPull(app, nil),
		newCmdContractVerify(app, nil), newCmdContractYank(app, nil), newCmdContractValidate(app, nil),
		newCmdContractGraph(app, nil),
		newCmdContractInstall(app, nil), newCmdContractUpdate(app, nil), newCmdContractOutdated(app, nil),
	)
	return cmd
}
