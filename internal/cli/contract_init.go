package cli

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/dsctl/dsctl/contracts"
	"github.com/dsctl/dsctl/contracts/registry"
	"github.com/dsctl/dsctl/internal/cmdline"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/output"
	"github.com/spf13/cobra"
)

type contractInitOptions struct {
	App       *App
	Dir, Name string
}

type initResult struct {
	Name  string   `json:"name"`
	Dir   string   `json:"dir"`
	Files []string `json:"files"`
}

func (r initResult) WriteText(w io.Writer, st output.Style) error {
	fmt.Fprintf(w, "created contract package %s in %s:\n", st.Bold(r.Name), r.Dir)
	for _, f := range r.Files {
		fmt.Fprintf(w, "  %s\n", f)
	}
	_, err := fmt.Fprintf(w, "next: edit the event, then run: %s\n", cmdline.Join("dsctl", "contract", "lint", r.Dir))
	return err
}

func newCmdContractInit(app *App, runF func(*contractInitOptions) error) *cobra.Command {
	o := &contractInitOptions{App: app}
	cmd := &cobra.Command{
		Use:   "init DIR [--name NAME]",
		Short: "Scaffold a contract package (contract.yaml, an event schema, an example, a README)",
		Long: `init writes a new contract package into DIR, created if needed: contract.yaml
(version 0.1.0, compatibility backward), one event schema, an example of it and a
README. DIR is required: pass . for the current folder. The package lints clean as
it is; edit the event, then lint and publish it. init never overwrites: an existing
file is an error (exit 2).`,
		Example: `  dsctl contract init contracts/payments
  dsctl contract init . --name payments      # into the current folder
  dsctl contract lint contracts/payments`,
		Args: argsWant(1, 1, "DIR: the folder of the new package (. for the current folder)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Dir = args[0]
			return runOr(o, runF, contractInitRun)
		},
	}
	cmd.Flags().StringVar(&o.Name, "name", "", "package name ([a-z0-9][a-z0-9.-]*; default: the folder's name)")
	return cmd
}

func contractInitRun(o *contractInitOptions) error {
	app := o.App
	name := o.Name
	if name == "" {
		abs, err := filepath.Abs(o.Dir)
		if err != nil {
			return errkind.Inputf("folder %s: %w", o.Dir, err)
		}
		name = filepath.Base(abs)
		if !registry.ValidName(name) {
			return usageErr(fmt.Errorf("folder name %q is not a valid package name; pass --name", name))
		}
	}
	files, err := contracts.Init(o.Dir, name)
	if err != nil {
		return err
	}
	return app.printDone(initResult{Name: name, Dir: o.Dir, Files: files})
}
