package cli

import (
	"github.com/spf13/cobra"
)

func newCmdRegistry(app *App) *cobra.Command {
	cmd := newGroupCmd("registry", "Check and log in to remote OCI registries", `Remote registries are named oci://HOST[:PORT]/PREFIX; contract NAME lives in
the repository PREFIX/NAME and each version is a tag. Credentials come from
DSCTL_REGISTRY_USERNAME and DSCTL_REGISTRY_PASSWORD (sent only to the host
DSCTL_REGISTRY_HOST names or, without it, to a registry named on the command
line, never to one named only by dsctl.yaml), else from the Docker
config ($DOCKER_CONFIG/config.json or ~/.docker/config.json, with its credential
helpers). dsctl never prints them and never writes them into dsctl.yaml or
dsctl.lock.`)
	cmd.Example = `  dsctl registry ping oci://ghcr.io/acme/contracts
  echo "$TOKEN" | dsctl registry login oci://ghcr.io --username me --password-stdin
  dsctl contract publish orders --registry oci://ghcr.io/acme/contracts`
	cmd.AddCommand(newCmdRegistryPing(app, nil), newCmdRegistryLogin(app, nil), newCmdRegistryLogout(app, nil))
	return cmd
}
