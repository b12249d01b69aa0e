// Package cli wires dsctl's commands with cobra: it parses flags into option
// structs, calls the domain libraries (contracts, codegen, compat, hashasset)
// and turns their results into output and their errors into one exit code.
//
// Every command has one shape: newCmdX(app, runF) fills an xOptions struct
// from the flags and arguments, and xRun(opts) holds the logic, callable
// without cobra. Each verb lives in its own file (contract_publish.go,
// compat_check.go, …), every command is added explicitly in root.go, and
// errors stay values until Main, where classify (exit.go) alone picks the
// exit code. Main is the only entry point.
package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/internal/config"
	"github.com/dsctl/dsctl/internal/output"
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
	// engines are the compatibility engines --kind auto asks, in order
	// (defaultEngines; tests put their own).
	engines []compat.Engine
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

// Main runs dsctl with args and the given streams and returns the exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return newApp().run(args, stdin, stdout, stderr)
}

// newApp returns the App of one run with dsctl's compatibility engines.
func newApp() *App {
	return &App{engines: defaultEngines()}
}

// run executes the command line args on app. Commands return errors as
// values; this is the one place that prints an error and picks the exit code
// (classify).
func (a *App) run(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
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
	root := newRootCmd(a, stdin, stdout, stderr)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return 0
	}
	err = cobraUsage(err)
	usageLine, helpHint := "", ""
	if cmd != nil {
		if cmd != root {
			helpHint = "Run '" + cmd.CommandPath() + " --help' for usage."
		}
		err = inVoice(err, cmd)
		usageLine = synopsis(cmd, err)
	}
	return reportErr(stderr, a.NoColor, err, usageLine, helpHint)
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
