package cli

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/dsctl/dsctl/contracts/consumers"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/fsx"
	"github.com/spf13/cobra"
)

// contractGraphOptions are the arguments and flags of contract graph.
type contractGraphOptions struct {
	App    *App
	Ctx    context.Context
	Format string
	Out    string
	Reg    registryFlags
}

func newCmdContractGraph(app *App, runF func(*contractGraphOptions) error) *cobra.Command {
	o := &contractGraphOptions{App: app}
	cmd := &cobra.Command{
		Use:   "graph [--format mermaid|dot|json|html] [--out FILE]",
		Short: "Draw who produces and who consumes each event, at which versions",
		Long: `graph reads every package of the store (every non-yanked version) and draws, for each
event, the package that produces it with the versions that have it, and the packages
that declare (consumes:) that they read it: their highest version, the range they
accept and the producer version that range resolves to.

Formats: mermaid (the default; GitHub renders it in Markdown), dot (Graphviz), json,
and html: one self-contained page that draws the graph as SVG, with no network access
(its Content-Security-Policy forbids any). -o json is --format json.`,
		Example: `  dsctl contract graph
  dsctl contract graph --format dot | dot -Tsvg > contracts.svg
  dsctl contract graph --format html --out contracts.html`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Ctx = cmd.Context()
			return runOr(o, runF, contractGraphRun)
		},
	}
	o.Reg.bind(cmd)
	cmd.Flags().StringVar(&o.Format, "format", "mermaid", "mermaid, dot, json or html")
	cmd.Flags().StringVar(&o.Out, "out", "", "write to FILE (atomically) instead of standard output")
	return cmd
}

func contractGraphRun(o *contractGraphOptions) error {
	app := o.App
	f := o.Format
	if app.JSON() {
		f = "json"
	}
	if !slices.Contains(consumers.Formats, f) {
		return usageErr(fmt.Errorf("invalid value %q for --format: want %s", f, strings.Join(consumers.Formats, ", ")))
	}
	store, _, err := app.openStore(o.Reg)
	if err != nil {
		return err
	}
	g, err := consumers.NewIndex(store).Graph(o.Ctx)
	if err != nil {
		return err
	}
	for _, s := range g.Skipped {
		app.IO.Warnf("%s@%s not read: %s", s.Name, s.Version, s.Error)
	}
	if o.Out == "" {
		return g.Write(app.IO.Out, f)
	}
	var b bytes.Buffer
	if err := g.Write(&b, f); err != nil {
		return err
	}
	if err := fsx.WriteFileAtomic(o.Out, b.Bytes(), 0o644); err != nil {
		return errkind.Wrap(errkind.Env, fmt.Errorf("write %s: %w", o.Out, err))
	}
	return nil
}
