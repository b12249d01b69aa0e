package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/dsctl/dsctl/contracts/registry"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/spf13/cobra"
)

// registryLoginOptions are the arguments and flags of registry login.
type registryLoginOptions struct {
	App           *App
	Ctx           context.Context
	Ref           string
	Username      string
	PasswordStdin bool
	netFlags
}

func newCmdRegistryLogin(app *App, runF func(*registryLoginOptions) error) *cobra.Command {
	o := &registryLoginOptions{App: app}
	cmd := &cobra.Command{
		Use:   "login oci://HOST[:PORT]",
		Short: "Check credentials and store them in the Docker config",
		Long: `Login checks the username and password against the registry and stores them
where docker login would (the Docker config, or its credential helper). The
password is read from stdin (--password-stdin) or DSCTL_REGISTRY_PASSWORD,
never from a flag, so it stays out of shell history and process lists.`,
		Example: `  echo "$TOKEN" | dsctl registry login oci://ghcr.io --username me --password-stdin`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Ctx = cmd.Context()
			o.Ref = args[0]
			return runOr(o, runF, registryLoginRun)
		},
	}
	o.bind(cmd.Flags())
	cmd.Flags().StringVarP(&o.Username, "username", "u", "", "user name (default $"+registry.EnvRegistryUsername+")")
	cmd.Flags().BoolVar(&o.PasswordStdin, "password-stdin", false, "read the password or token from stdin")
	return cmd
}

func registryLoginRun(o *registryLoginOptions) error {
	app := o.App
	ref, err := remoteRefArg(app, o.Ref)
	if err != nil {
		return err
	}
	ropts, err := o.remoteOptions(app)
	if err != nil {
		return err
	}
	user := o.Username
	if user == "" {
		user = os.Getenv(registry.EnvRegistryUsername)
	}
	if user == "" {
		return usageErr(fmt.Errorf("--username is required (or %s)", registry.EnvRegistryUsername))
	}
	pass := os.Getenv(registry.EnvRegistryPassword)
	if o.PasswordStdin {
		line, err := bufio.NewReader(app.IO.In).ReadString('\n')
		if err != nil && err != io.EOF {
			return errkind.Envf("read password from stdin: %w", err)
		}
		pass = strings.TrimRight(line, "\r\n")
	}
	if pass == "" {
		return usageErr(fmt.Errorf("no password: use --password-stdin or %s", registry.EnvRegistryPassword))
	}
	if err := registry.Login(o.Ctx, ref, ropts, user, pass); err != nil {
		return err
	}
	app.IO.Infof("logged in to %s", ref.Host)
	return nil
}

// registryLogoutOptions are the arguments of registry logout.
type registryLogoutOptions struct {
	App *App
	Ctx context.Context
	Ref string
}

func newCmdRegistryLogout(app *App, runF func(*registryLogoutOptions) error) *cobra.Command {
	o := &registryLogoutOptions{App: app}
	return &cobra.Command{
		Use:   "logout oci://HOST[:PORT]",
		Short: "Remove stored credentials of a registry from the Docker config",
		Long: `Logout removes the credentials of a registry host that dsctl registry login
(or docker login) stored in the Docker config or its credential helper.
Logging out of a host with no stored credentials says so and exits 0.`,
		Example: `  dsctl registry logout oci://ghcr.io`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Ctx, o.Ref = cmd.Context(), args[0]
			return runOr(o, runF, registryLogoutRun)
		},
	}
}

func registryLogoutRun(o *registryLogoutOptions) error {
	app := o.App
	ref, err := remoteRefArg(app, o.Ref)
	if err != nil {
		return err
	}
	had, err := registry.Logout(o.Ctx, ref, os.Getenv)
	if err != nil {
		return err
	}
	if !had {
		app.IO.Infof("not logged in to %s (nothing to do)", ref.Host)
		return nil
	}
	app.IO.Infof("logged out of %s", ref.Host)
	return nil
}
