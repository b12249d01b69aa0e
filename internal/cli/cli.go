// Package cli wires dsctl's commands with cobra: it parses flags into option
// structs, calls the domain libraries (contracts, codegen, compat, hashasset)
// and turns their results into output and their errors into one exit code.
//
// Each command group lives in its own file; Main is the only entry point.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/dsctl/dsctl/internal/config"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/output"
	"github.com/spf13/cobra"
)

// App is the state shared by the commands of one run: streams, global flags
// and the lazily loaded config.
type App struct {
	IO *output.Streams

	// Global flags.
	Output     string
	NoColor    bool
	Quiet      bool
	ConfigPath string

	cfg       *config.Config
	cfgLoaded bool
	helpHint  string
	// usageLine is the synopsis of the command a usage error came from.
	usageLine string
}

// Config returns the loaded dsctl.yaml, or nil when there is none. An explicit
// --config that does not exist is an error.
func (a *App) Config() (*config.Config, error) {
	if a.cfgLoaded {
		return a.cfg, nil
	}
	path := config.Find(a.ConfigPath)
	if path == "" {
		a.cfgLoaded = true
		return nil, nil
	}
	c, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	a.cfg, a.cfgLoaded = c, true
	return c, nil
}

// JSON reports whether machine output was asked for.
func (a *App) JSON() bool { return a.Output == string(output.JSON) }

// Print writes v to stdout in the --output format.
func (a *App) Print(v any) error {
	f, err := output.ForFormat(output.Format(a.Output), a.IO.Style())
	if err != nil {
		return usageErr(err)
	}
	return f.Write(a.IO.Out, v)
}

const exitCodesHelp = `EXIT STATUS
  0  success; nothing to report
  1  the command ran and found a problem: breaking change, insufficient version bump,
     lint error, drift, verify mismatch, immutability conflict
  2  usage or input error: bad flag, unreadable or invalid file (the message names the
     file, and line:column where known)
  3  environment error: registry or git unreachable after retries, permission denied,
     disk full
`

// Main runs dsctl with args and the given streams and returns the exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	// A panic is a bug in dsctl; the user gets one line and exit 3, not a stack
	// trace (DSCTL_TRACEBACK=1 re-panics for debugging).
	defer func() {
		if r := recover(); r != nil {
			if os.Getenv("DSCTL_TRACEBACK") == "1" {
				panic(r)
			}
			fmt.Fprintf(stderr, "error: internal error: %v (this is a bug in dsctl; rerun with DSCTL_TRACEBACK=1 and report it)\n", r)
			code = 3
		}
	}()
	ctx, stop := interruptible(stderr)
	defer stop()
	app := &App{}
	root := newRootCmd(app, stdin, stdout, stderr)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if cmd != nil && cmd != root {
		app.helpHint = "Run '" + cmd.CommandPath() + " --help' for usage."
	}
	if err != nil && cmd != nil {
		err = inVoice(err, cmd)
		app.usageLine = synopsis(cmd, err)
	}
	return app.exit(err, stderr)
}

// interruptGrace is how long a command may take to stop after SIGINT or
// SIGTERM cancelled its context before the process exits anyway.
const interruptGrace = 500 * time.Millisecond

// interruptible returns the context of one run: SIGINT or SIGTERM cancels it,
// and if the command has not returned interruptGrace later (CPU-bound work
// that does not look at its context), the process exits with code 3, as a
// kill would stop it: every write dsctl makes is atomic (temp file and
// rename), so what is on disk is the old state or the new. A second signal
// exits at once.
func interruptible(stderr io.Writer) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
		case <-done:
			return
		}
		cancel()
		select {
		case <-done:
			return
		case <-sigs:
		case <-time.After(interruptGrace):
		}
		fmt.Fprintln(stderr, "error: interrupted")
		os.Exit(3)
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel()
	}
}

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

	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageErr(err) })

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
	add("contract", newContractCmd(app))
	add("gen", newGenCmd(app))
	add("compat", newCompatCmd(app))
	add("assets", newHashAssetsCmd(app))
	for _, c := range extraCommands {
		root.AddCommand(c(app))
	}
	root.AddCommand(newVersionCmd(app), newCompletionCmd(app))

	root.SetHelpTemplate(root.HelpTemplate() + "\n" + exitCodesHelp)
	setUsageOnAll(root)
	return root
}

// extraCommands are top-level commands outside the four groups, registered by
// the files that define them (for example "registry").
var extraCommands []func(*App) *cobra.Command

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

// usageError is a bad flag or argument; the CLI prints it with a hint to --help.
type usageError struct{ err error }

func (u *usageError) Error() string { return u.err.Error() }
func (u *usageError) Unwrap() error { return u.err }

func usageErr(err error) error {
	if err == nil {
		return nil
	}
	return &usageError{err: err}
}

// exit prints err (once, on one line where possible) and maps it to the exit code.
func (a *App) exit(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	// Error text may come from outside (a registry's message, an entry name):
	// control characters are escaped, newlines included, so it cannot fake a
	// line or steer the terminal.
	stderr = output.SafeWriter(stderr)
	st := output.Style{Color: output.IsTerminal(stderr) && !a.NoColor && os.Getenv("NO_COLOR") == ""}
	var silent *errkind.Silent
	if errors.As(err, &silent) {
		return silent.Kind.ExitCode()
	}
	var ue *usageError
	if errors.As(err, &ue) || isCobraUsage(err) {
		fmt.Fprintf(stderr, "%s %s\n", st.Red("error:"), oneLine(err.Error()))
		if a.usageLine != "" {
			fmt.Fprintf(stderr, "usage: %s\n", a.usageLine)
		}
		hint := a.helpHint
		if hint == "" {
			hint = "Run 'dsctl --help' for usage."
		}
		fmt.Fprintln(stderr, hint)
		return 2
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintf(stderr, "%s interrupted\n", st.Red("error:"))
		return 3
	}
	kind := errkind.Of(err)
	if kind == errkind.Unknown {
		kind = errkind.Env
	}
	fmt.Fprintf(stderr, "%s %s\n", st.Red("error:"), output.Escape(err.Error()))
	var ke *errkind.Error
	if errors.As(err, &ke) && ke.Hint != "" {
		fmt.Fprintf(stderr, "hint: %s\n", output.Escape(ke.Hint))
	}
	return kind.ExitCode()
}

func isCobraUsage(err error) bool {
	m := err.Error()
	return strings.HasPrefix(m, "unknown command") || strings.HasPrefix(m, "unknown flag") ||
		strings.HasPrefix(m, "unknown shorthand flag") || strings.HasPrefix(m, "invalid argument") ||
		strings.Contains(m, "flag needs an argument") || strings.HasPrefix(m, "required flag")
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
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
