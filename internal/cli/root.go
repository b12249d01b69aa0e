package cli

import (
	"errors"
	"fmt"
	"io"

	"github.com/dsctl/dsctl/internal/output"
	"github.com/spf13/cobra"
)

const exitCodesHelp = `EXIT STATUS
  0  success; nothing to report
  1  the command ran and found a problem: breaking change, insufficient version bump,
     lint error, drift, verify mismatch, immutability conflict
  2  usage or input error: bad flag or argument, unreadable or invalid file (the message
     names the file, and line:column where known), a contract or version not found
  3  environment error: registry or git unreachable after retries, permission denied,
     disk full
`

func newRootCmd(app *App, stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "dsctl",
		Short: "Contracts between services, and their versions",
		Long: `dsctl publishes versioned, content-addressed contract packages, generates each
service's own DTOs, tells whether a contract change is breaking and which semver bump
it needs, and hashes static assets for rolling deploys.`,
		SilenceErrors:     true,
		SilenceUsage:      true,
		CompletionOptions: cobra.CompletionOptions{HiddenDefaultCmd: true},
		// Without a subcommand the root prints its help, or the version with --version.
		RunE: func(cmd *cobra.Command, args []string) error {
			if v, _ := cmd.Flags().GetBool("version"); v {
				return app.Print(readVersion())
			}
			return cmd.Help()
		},
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			switch app.Output {
			case "text", "json":
			default:
				return usageErr(fmt.Errorf("invalid value %q for --output: want text or json", app.Output))
			}
			app.IO = output.NewStreams(stdin, stdout, stderr, app.NoColor)
			app.IO.Quiet = app.Quiet
			if !cmd.HasParent() {
				return nil // help and --version need no dsctl.yaml
			}
			// The config is decoded up front so that a broken dsctl.yaml is reported
			// the same way by every command.
			_, err := app.Config()
			return err
		},
	}
	// Streams exist before PersistentPreRun too (help, flag errors).
	app.IO = output.NewStreams(stdin, stdout, stderr, false)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	pf := root.PersistentFlags()
	pf.StringVarP(&app.Output, "output", "o", "text", "output format: text or json (machine output on stdout, diagnostics on stderr)")
	pf.BoolVar(&app.NoColor, "no-color", false, "disable colour (also NO_COLOR)")
	pf.BoolVarP(&app.Quiet, "quiet", "q", false, "print only results and errors")
	pf.StringVar(&app.ConfigPath, "config", "", "config file (default $DSCTL_CONFIG, else ./dsctl.yaml if present)")
	root.Flags().Bool("version", false, "print the dsctl version (what 'dsctl version' prints)")

	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageErr(flagVoice(c, err)) })

	root.AddGroup(
		&cobra.Group{ID: "contract", Title: "Contract packages:"},
		&cobra.Group{ID: "gen", Title: "Code generation:"},
		&cobra.Group{ID: "compat", Title: "Compatibility:"},
		&cobra.Group{ID: "assets", Title: "Static assets:"},
	)
	add := func(group string, c *cobra.Command) {
		c.GroupID = group
		root.AddCommand(c)
	}
	add("contract", newCmdContract(app))
	add("gen", newCmdGen(app))
	add("compat", newCmdCompat(app))
	add("assets", newCmdHashAssets(app, nil))
	root.AddCommand(newCmdRegistry(app), newCmdVersion(app, nil), newCmdCompletion(app, nil))

	root.SetHelpTemplate(root.HelpTemplate() + "\n" + exitCodesHelp)
	setUsageOnAll(root)
	return root
}

func setUsageOnAll(c *cobra.Command) {
	for _, sub := range c.Commands() {
		if sub.Args == nil {
			sub.Args = cobra.NoArgs
		}
		wrapArgs(sub)
		setUsageOnAll(sub)
	}
}

// wrapArgs turns cobra's argument errors into usage errors (exit 2).
func wrapArgs(c *cobra.Command) {
	orig := c.Args
	if orig == nil {
		return
	}
	c.Args = func(cmd *cobra.Command, args []string) error {
		if err := orig(cmd, args); err != nil {
			return usageErr(fmt.Errorf("%s: %s", cmd.CommandPath(), argsVoice(cmd, args, err)))
		}
		return nil
	}
}

// newGroupCmd returns a command that only holds subcommands: without a
// subcommand it prints its help; with an unknown one it is a usage error.
func newGroupCmd(use, short, long string) *cobra.Command {
	return &cobra.Command{
		Use:   use,
		Short: short,
		Long:  long,
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageErr(errors.New(unknownCommand(cmd, args[0])))
			}
			return cmd.Help()
		},
	}
}
