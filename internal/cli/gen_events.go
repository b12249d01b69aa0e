package cli

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/dsctl/dsctl/codegen"
	"github.com/dsctl/dsctl/contracts"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/spf13/cobra"
)

// genEventsOptions are the flags of gen events.
type genEventsOptions struct {
	App       *App
	Source    string
	Package   string
	Out       string
	Check     bool
	VendorDir string
	// Operations and Channels select the messages of the package's AsyncAPI
	// document that an operation sends or receives, or a channel carries.
	Operations []string
	Channels   []string

	// fix is the command that updates a stale file: this one without --check.
	fix string
}

func newCmdGenEvents(app *App, runF func(*genEventsOptions) error) *cobra.Command {
	opts := &genEventsOptions{App: app}
	cmd := &cobra.Command{
		Use:   "events [DIR|NAME@VERSION]",
		Short: "Generate Go types for a contract package's event schemas",
		Long: `Generate Go types for the event schemas of a contract package: a folder with
contract.yaml (default: the current folder), or NAME@VERSION of a package pulled
into contracts/vendor (as pinned in dsctl.lock). Each event also gets a constant
with its name and one with its schema's $id. The messages of the package's
AsyncAPI document are events too; --operation and --channel generate only the
messages an operation sends or receives, or a channel carries.

With --check nothing is written; a stale file prints a unified diff and exits 1.`,
		Example: `  dsctl gen events orders/contract --package orderevents --out billing/orderevents/events.gen.go
  dsctl gen events orders@1.0.0 --package orderevents --out orderevents/events.gen.go --check
  dsctl gen events orders/contract --operation consumeCancelRequests --package cancels --out cancels/events.gen.go`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Source = args[0]
			}
			if opts.Package == "" || opts.Out == "" {
				return usageErr(errors.New("gen events needs --package and --out"))
			}
			opts.fix = rerunCommand(cmd, args, "check")
			return runOr(opts, runF, genEventsRun)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Package, "package", "", "Go package name")
	f.StringVar(&opts.Out, "out", "", "output file")
	f.BoolVar(&opts.Check, "check", false, "write nothing; exit 1 with a diff when the file is stale")
	f.StringVar(&opts.VendorDir, "dir", "", "folder NAME@VERSION was pulled into (default contracts/vendor beside dsctl.lock)")
	f.StringSliceVar(&opts.Operations, "operation", nil, "only the messages this AsyncAPI operation sends or receives (repeatable)")
	f.StringSliceVar(&opts.Channels, "channel", nil, "only the messages this AsyncAPI channel carries (repeatable)")
	return cmd
}

func genEventsRun(opts *genEventsOptions) error {
	app := opts.App
	cfg, err := app.Config()
	if err != nil {
		return err
	}
	lock := contracts.LockFileName
	if cfg != nil {
		lock = filepath.Join(cfg.Dir, contracts.LockFileName)
	}
	pkg, source, err := loadEventsSource(opts.Source, lock, opts.VendorDir)
	if err != nil {
		return err
	}
	res, err := codegen.GenerateEvents(pkg, codegen.EventsOptions{Package: opts.Package, Source: source, Operations: opts.Operations, Channels: opts.Channels})
	if err != nil {
		return err
	}
	// Like gen dtos: relative to the working folder, never an absolute path.
	res.Output = codegen.DisplayPath("", opts.Out)
	res.Path = opts.Out
	if err := res.CheckPath(); err != nil {
		return err
	}
	if opts.Check {
		err = res.Compare()
	} else {
		err = res.Write()
	}
	if err != nil {
		return err
	}
	if err := app.Print(&dtosReport{Check: opts.Check, Services: []*codegen.JobResult{res}, quiet: app.Quiet}); err != nil {
		return err
	}
	if res.Status == "stale" || res.Status == "missing" {
		return &errkind.Error{Kind: errkind.Finding, Label: "drift",
			Err: fmt.Errorf("%s is stale; regenerate and commit it: %s", res.Output, opts.fix)}
	}
	return nil
}

// loadEventsSource loads a contract package from a folder or, for
// NAME@VERSION, from the vendored copy pinned in dsctl.lock.
func loadEventsSource(src, lock, vendorDir string) (*contracts.Contract, string, error) {
	if src == "" {
		src = "."
	}
	if name, version, ok := strings.Cut(src, "@"); ok && !strings.ContainsAny(name, `/\`) {
		c, entry, err := contracts.Vendored(lock, vendorDir, name, version)
		if err != nil {
			return nil, "", err
		}
		return c, fmt.Sprintf("%s@%s", name, entry.Version), nil
	}
	c, err := contracts.Load(src)
	if err != nil {
		return nil, "", err
	}
	return c, fmt.Sprintf("%s@%s", c.Name, c.Version), nil
}
