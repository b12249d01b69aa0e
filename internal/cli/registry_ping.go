package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/dsctl/dsctl/contracts/registry"
	"github.com/dsctl/dsctl/internal/output"
	"github.com/spf13/cobra"
)

// registryPingOptions are the arguments and flags of registry ping.
type registryPingOptions struct {
	App *App
	Ctx context.Context
	// Ref is the registry; empty pings dsctl.yaml's.
	Ref string
	netFlags
}

func newCmdRegistryPing(app *App, runF func(*registryPingOptions) error) *cobra.Command {
	opts := &registryPingOptions{App: app}
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
			opts.Ctx, opts.Ref = cmd.Context(), argOr(args, "")
			return runOr(opts, runF, registryPingRun)
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

func registryPingRun(opts *registryPingOptions) error {
	app := opts.App
	res, err := registryPing(opts)
	if err != nil {
		if app.JSON() {
			// The kind and hint are those Main prints the error with.
			c := classify(err)
			f := pingFailure{PingResult: res, Error: oneLine(err.Error()), Kind: c.Kind.String(), Hint: c.Hint}
			if perr := app.Print(f); perr != nil {
				return perr
			}
		}
		return err
	}
	return app.printDone(pingReport{res})
}

// registryPing pings opts.Ref (or the registry of dsctl.yaml); on failure the
// result holds what is known (the reference, the URL, the attempts).
func registryPing(opts *registryPingOptions) (registry.PingResult, error) {
	app := opts.App
	// Ref stays empty until the reference parses: a bad one may hold a
	// password (oci://me:secret@host), which is never echoed.
	res := registry.PingResult{Credentials: "none"}
	ref, err := remoteRefArg(app, opts.Ref)
	if err != nil {
		return res, err
	}
	res.Ref = ref.String()
	ropts, err := opts.remoteOptions(app)
	if err != nil {
		return res, err
	}
	// Without an argument the registry is dsctl.yaml's: a repository file.
	ropts.FromRepository = opts.Ref == ""
	r, err := registry.NewRemote(ref, ropts)
	if err != nil {
		return res, err
	}
	return r.Ping(opts.Ctx)
}
