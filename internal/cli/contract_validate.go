package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/dsctl/dsctl/internal/fsx"

	"github.com/dsctl/dsctl/compat/source"
	"github.com/dsctl/dsctl/contracts"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/output"
	"github.com/spf13/cobra"
)

type validateResult struct {
	*contracts.ValidateReport
	// quiet (--quiet) prints only the violations.
	quiet bool
}

func (r validateResult) WriteText(w io.Writer, st output.Style) error {
	for _, res := range r.Results {
		if res.Valid && r.quiet {
			continue
		}
		if res.Valid {
			fmt.Fprintf(w, "%s: %s\n", res.File, st.Green("valid "+r.Event))
			continue
		}
		for _, v := range res.Violations {
			ptr := v.Pointer
			if ptr == "" {
				ptr = "/"
			}
			pos := res.File
			if v.Line > 0 {
				pos += fmt.Sprintf(":%d", v.Line)
				if v.Column > 0 {
					pos += fmt.Sprintf(":%d", v.Column)
				}
			}
			fmt.Fprintf(w, "%s: %s %s: %s\n", pos, st.Red("invalid"), ptr, v.Message)
		}
	}
	return nil
}

// contractValidateOptions are the arguments and flags of contract validate.
type contractValidateOptions struct {
	App       *App
	Ctx       context.Context
	Contract  string
	Event     string
	Files     []string
	Reg       registryFlags
	VendorDir string
}

func newCmdContractValidate(app *App, runF func(*contractValidateOptions) error) *cobra.Command {
	o := &contractValidateOptions{App: app}
	cmd := &cobra.Command{
		Use:   "validate NAME[@VERSION] EVENT FILE...",
		Short: "Validate event instances (raw JSON or CloudEvents) against a contract",
		Long: `validate checks event instances against EVENT's schema in contract NAME: the vendored
copy pinned in dsctl.lock, else NAME@VERSION (or the highest non-yanked version) from
the store; NAME may also be a package folder. A file may be the event itself or a
CloudEvents envelope (JSON with specversion and type): its data is validated, its type
must name the event and its dataschema, when given, must be the event's schema.
FILE - reads standard input.`,
		Example: `  dsctl contract validate orders OrderPlaced message.json cloudevent.json
  dsctl contract validate orders@1.4.0 OrderPlaced - < message.json
  dsctl contract validate contracts/orders OrderCancelled examples/*.json -o json`,
		Args: argsWant(3, -1, "NAME[@VERSION] EVENT FILE...: the contract, the event, and at least one file (- for stdin)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Ctx = cmd.Context()
			o.Contract, o.Event, o.Files = args[0], args[1], args[2:]
			return runOr(o, runF, contractValidateRun)
		},
	}
	o.Reg.bind(cmd)
	cmd.Flags().StringVar(&o.VendorDir, "dir", "", "vendor folder of a pulled NAME (default contracts/vendor beside dsctl.yaml; as given to pull --dir)")
	return cmd
}

func contractValidateRun(o *contractValidateOptions) error {
	app := o.App
	c, err := resolveContract(o.Ctx, app, o.Reg, o.VendorDir, o.Contract)
	if err != nil {
		return err
	}
	var insts []contracts.Instance
	stdinUsed := false
	for _, f := range o.Files {
		var data []byte
		name := f
		if f == "-" {
			if stdinUsed {
				return usageErr(errors.New("standard input (-) can be given only once"))
			}
			stdinUsed, name = true, source.StdinDisplay
			if data, err = io.ReadAll(io.LimitReader(app.IO.In, source.MaxDocument+1)); err == nil && int64(len(data)) > source.MaxDocument {
				err = fmt.Errorf("larger than %d MiB", source.MaxDocument>>20)
			}
		} else {
			data, err = fsx.ReadFileLimited(f, source.MaxDocument)
		}
		if err != nil {
			return errkind.InputAt(name, 0, 0, fmt.Errorf("read: %w", fsx.PathCause(err)))
		}
		insts = append(insts, contracts.Instance{Name: name, Data: data})
	}
	r, err := contracts.ValidateInstances(c, o.Event, insts)
	if err != nil {
		return err
	}
	return app.printReport(validateResult{r, app.Quiet}, r.Valid)
}

// resolveContract finds a contract by a folder, NAME (vendored, else the
// highest non-yanked version in the store) or NAME@VERSION (from the store).
func resolveContract(ctx context.Context, app *App, reg registryFlags, vendorDir, arg string) (*contracts.Contract, error) {
	// A folder: a path, or a folder holding contract.yaml (a bare name like
	// "orders" may also be a service folder; then it is a contract name).
	if fi, err := os.Stat(arg); err == nil && fi.IsDir() {
		if strings.ContainsAny(arg, `/\`) || arg == "." || arg == ".." {
			return contracts.Load(arg)
		}
		if _, err := os.Stat(filepath.Join(arg, contracts.FileName)); err == nil {
			return contracts.Load(arg)
		}
	}
	name, constraint, err := contracts.ParseRef(arg)
	if err != nil {
		return nil, usageErr(err)
	}
	lockPath, _, err := app.vendorPaths(vendorDir)
	if err != nil {
		return nil, err
	}
	if !strings.Contains(arg, "@") {
		lock, err := contracts.LoadLock(lockPath)
		if err != nil {
			return nil, err
		}
		if _, ok := lock.Contracts[name]; ok {
			c, _, err := contracts.Vendored(lockPath, vendorDir, name, "")
			return c, err
		}
	}
	store, _, err := app.openStore(reg)
	if err != nil {
		return nil, err
	}
	v, _, err := contracts.ResolveIn(ctx, store, name, constraint)
	if err != nil {
		return nil, err
	}
	return contracts.LoadPublished(ctx, store, name, v.Version)
}
