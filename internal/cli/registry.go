package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/dsctl/dsctl/contracts/registry"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/output"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

func init() { extraCommands = append(extraCommands, newRegistryCmd) }

// netFlags are the network flags of the registry commands. They match the
// contract commands' --plain-http and --retries (registryFlags in contract.go).
type netFlags struct {
	PlainHTTP bool
	Retries   int
	Timeout   time.Duration
}

// bind adds --plain-http, --retries and --registry-timeout to fs.
func (f *netFlags) bind(fs *pflag.FlagSet) {
	fs.BoolVar(&f.PlainHTTP, "plain-http", false, "talk plain HTTP to an oci:// registry (loopback hosts only, unless "+registry.EnvInsecureRegistries+" lists the host)")
	fs.IntVar(&f.Retries, "retries", 0, fmt.Sprintf("retries of a failed registry call (0: the default, %d; -1: none)", registry.DefaultRetries))
	fs.DurationVar(&f.Timeout, "registry-timeout", registry.DefaultTimeout, "timeout of one registry request")
}

// remoteOptions turns the flags into registry.RemoteOptions; retry warnings
// go to stderr unless --quiet.
func (f *netFlags) remoteOptions(app *App) (registry.RemoteOptions, error) {
	if f.Retries < -1 {
		return registry.RemoteOptions{}, usageErr(fmt.Errorf("--retries must be -1 or more, got %d", f.Retries))
	}
	if f.Timeout <= 0 {
		return registry.RemoteOptions{}, usageErr(fmt.Errorf("--registry-timeout must be positive, got %s", f.Timeout))
	}
	o := registry.RemoteOptions{
		PlainHTTP: f.PlainHTTP,
		Retry:     registry.RetryPolicy{Retries: f.Retries, Timeout: f.Timeout},
	}
	if !app.Quiet {
		o.Log = app.IO.Err
	}
	return o, nil
}

// remoteRefArg returns the oci:// reference of args[0], else the registry of dsctl.yaml.
func remoteRefArg(app *App, args []string) (registry.RemoteRef, error) {
	ref := ""
	if len(args) > 0 {
		ref = args[0]
	} else if cfg, err := app.Config(); err != nil {
		return registry.RemoteRef{}, err
	} else if cfg != nil {
		ref = cfg.Registry
	}
	if ref == "" {
		return registry.RemoteRef{}, usageErr(fmt.Errorf("name a registry: oci://HOST[:PORT]/PREFIX (or set registry: in dsctl.yaml)"))
	}
	if !registry.IsRemoteRef(ref) {
		return registry.RemoteRef{}, errkind.Inputf("%s is a local store folder, not a remote registry (want oci://HOST[:PORT]/PREFIX)", ref)
	}
	return registry.ParseRemoteRef(ref)
}

func newRegistryCmd(app *App) *cobra.Command {
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
	cmd.AddCommand(newRegistryPingCmd(app), newRegistryLoginCmd(app), newRegistryLogoutCmd(app))
	return cmd
}

type registryPingOptions struct {
	netFlags
}

func newRegistryPingCmd(app *App) *cobra.Command {
	opts := &registryPingOptions{}
	cmd := &cobra.Command{
		Use:   "ping [oci://HOST[:PORT]/PREFIX]",
		Short: "Check that a registry is reachable and accepts the credentials",
		Long: `Ping calls the registry's /v2/ endpoint (with retries) and reports whether it
answers and whether the credentials are accepted. Without an argument it pings
the registry of dsctl.yaml. Exit 3 when the registry is unreachable or refuses
the credentials.`,
		Example: `  dsctl registry ping oci://ghcr.io/acme/contracts
  dsctl registry ping oci://127.0.0.1:5000/dev --plain-http -o json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return registryPingRun(cmd, app, opts, args)
		},
	}
	opts.bind(cmd.Flags())
	return cmd
}

// pingReport is ping's result for text and JSON output.
type pingReport struct{ registry.PingResult }

func (p pingReport) MarshalJSON() ([]byte, error) { return output.MarshalJSON(p.PingResult) }

// WriteText prints one line a person can read.
func (p pingReport) WriteText(w io.Writer, st output.Style) error {
	_, err := fmt.Fprintf(w, "%s: %s at %s (%s; credentials: %s)\n", p.Ref, st.Green("reachable"), p.URL, p.Auth, p.Credentials)
	return err
}

// pingFailure is ping's -o json result when it fails: the keys of a success
// (as far as they are known), reachable false, and the error as stderr says
// it, its kind (input: exit 2; environment: exit 3) and hint.
type pingFailure struct {
	registry.PingResult
	Error string `json:"error"`
	Kind  string `json:"kind"`
	Hint  string `json:"hint,omitempty"`
}

func registryPingRun(cmd *cobra.Command, app *App, opts *registryPingOptions, args []string) error {
	res, err := registryPing(cmd, app, opts, args)
	if err != nil {
		if app.JSON() {
			f := pingFailure{PingResult: res, Error: oneLine(err.Error()), Kind: exitKind(err).String()}
			var ke *errkind.Error
			if errors.As(err, &ke) {
				f.Hint = ke.Hint
			}
			if perr := app.Print(f); perr != nil {
				return perr
			}
		}
		return err
	}
	return app.printDone(pingReport{res})
}

// registryPing pings the registry of args (or dsctl.yaml); on failure the
// result holds what is known (the reference, the URL, the attempts).
func registryPing(cmd *cobra.Command, app *App, opts *registryPingOptions, args []string) (registry.PingResult, error) {
	// Ref stays empty until the reference parses: a bad one may hold a
	// password (oci://me:secret@host), which is never echoed.
	res := registry.PingResult{Credentials: "none"}
	ref, err := remoteRefArg(app, args)
	if err != nil {
		return res, err
	}
	res.Ref = ref.String()
	ropts, err := opts.remoteOptions(app)
	if err != nil {
		return res, err
	}
	// Without an argument the registry is dsctl.yaml's: a repository file.
	ropts.FromRepository = len(args) == 0
	r, err := registry.NewRemote(ref, ropts)
	if err != nil {
		return res, err
	}
	return r.Ping(cmd.Context())
}

// exitKind returns the kind of error err exits with (see App.exit): a usage
// error is input, an unclassified error is the environment's.
func exitKind(err error) errkind.Kind {
	var ue *usageError
	if errors.As(err, &ue) || isCobraUsage(err) {
		return errkind.Input
	}
	if k := errkind.Of(err); k != errkind.Unknown {
		return k
	}
	return errkind.Env
}

type registryLoginOptions struct {
	netFlags
	Username      string
	PasswordStdin bool
}

func newRegistryLoginCmd(app *App) *cobra.Command {
	opts := &registryLoginOptions{}
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
			ref, err := remoteRefArg(app, args)
			if err != nil {
				return err
			}
			ropts, err := opts.remoteOptions(app)
			if err != nil {
				return err
			}
			user := opts.Username
			if user == "" {
				user = os.Getenv(registry.EnvRegistryUsername)
			}
			if user == "" {
				return usageErr(fmt.Errorf("--username is required (or %s)", registry.EnvRegistryUsername))
			}
			pass := os.Getenv(registry.EnvRegistryPassword)
			if opts.PasswordStdin {
				line, err := bufio.NewReader(app.IO.In).ReadString('\n')
				if err != nil && err != io.EOF {
					return errkind.Envf("read password from stdin: %w", err)
				}
				pass = strings.TrimRight(line, "\r\n")
			}
			if pass == "" {
				return usageErr(fmt.Errorf("no password: use --password-stdin or %s", registry.EnvRegistryPassword))
			}
			if err := registry.Login(cmd.Context(), ref, ropts, user, pass); err != nil {
				return err
			}
			app.IO.Infof("logged in to %s", ref.Host)
			return nil
		},
	}
	opts.bind(cmd.Flags())
	cmd.Flags().StringVarP(&opts.Username, "username", "u", "", "user name (default $"+registry.EnvRegistryUsername+")")
	cmd.Flags().BoolVar(&opts.PasswordStdin, "password-stdin", false, "read the password or token from stdin")
	return cmd
}

func newRegistryLogoutCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "logout oci://HOST[:PORT]",
		Short: "Remove stored credentials of a registry from the Docker config",
		Long: `Logout removes the credentials of a registry host that dsctl registry login
(or docker login) stored in the Docker config or its credential helper.
Logging out of a host with no stored credentials says so and exits 0.`,
		Example: `  dsctl registry logout oci://ghcr.io`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ref, err := remoteRefArg(app, args)
			if err != nil {
				return err
			}
			had, err := registry.Logout(cmd.Context(), ref, os.Getenv)
			if err != nil {
				return err
			}
			if !had {
				app.IO.Infof("not logged in to %s (nothing to do)", ref.Host)
				return nil
			}
			app.IO.Infof("logged out of %s", ref.Host)
			return nil
		},
	}
}
