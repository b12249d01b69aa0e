package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/dsctl/dsctl/contracts"
	"github.com/dsctl/dsctl/contracts/consumers"
	"github.com/dsctl/dsctl/contracts/registry"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/fsx"
	"github.com/dsctl/dsctl/internal/output"
	"github.com/spf13/cobra"
)

// consumerReport prints a consumers.Check report.
type consumerReport struct{ *contracts.ConsumerReport }

func (r consumerReport) WriteText(w io.Writer, st output.Style) error {
	if len(r.Consumers) == 0 {
		_, err := fmt.Fprintf(w, "no package in %s declares that it consumes %s\n", r.Registry, r.Producer)
		return err
	}
	fmt.Fprintf(w, "%s@%s against its registered consumers in %s:\n", r.Producer, r.Version, r.Registry)
	broken, judged := 0, 0
	for _, c := range r.Consumers {
		var verdict string
		switch c.Status {
		case contracts.ConsumerCompatible:
			judged++
			verdict = st.Green("compatible")
		case contracts.ConsumerBroken:
			judged++
			broken++
			verdict = st.Red("BROKEN")
		case contracts.ConsumerOlderMajor:
			verdict = st.Gray("older major (not judged)")
		default:
			verdict = st.Gray("out of range (not judged)")
		}
		fmt.Fprintf(w, "  %s@%s  %s (%s)  %s\n", c.Name, c.Version, c.Event, c.Range, verdict)
		for _, ch := range c.Changes {
			fmt.Fprintf(w, "      %s  %s  %s\n", st.Red(ch.ID), st.Cyan(ch.Location.String()), ch.Path)
			fmt.Fprintf(w, "        %s\n", ch.Message)
			switch {
			case len(ch.Witness) > 0:
				fmt.Fprintf(w, "        witness (the producer may send it, %s rejects it): %s\n", c.Name, oneLine(string(ch.Witness)))
			case ch.NoWitness != "":
				fmt.Fprintf(w, "        no witness: %s\n", ch.NoWitness)
			}
		}
	}
	for _, s := range r.Skipped {
		fmt.Fprintf(w, "  %s@%s  %s\n", s.Name, s.Version, st.Yellow("not read: "+s.Error))
	}
	var err error
	if broken > 0 {
		_, err = fmt.Fprintf(w, "%s of %d judged consumers broken\n", st.Red(fmt.Sprint(broken)), judged)
	} else {
		_, err = fmt.Fprintf(w, "%s: %d judged consumers compatible\n", st.Green("ok"), judged)
	}
	return err
}

func newCompatConsumersCmd(app *App) *cobra.Command {
	var reg registryFlags
	cmd := &cobra.Command{
		Use:   "consumers PRODUCER_DIR [--registry REF]",
		Short: "Judge a producer package against every registered consumer of its events",
		Long: `consumers judges the producer package in PRODUCER_DIR, as it stands on disk, against
every published package whose contract.yaml declares (consumes:) that it reads the
producer's events: the highest non-yanked version of each package in the store.

A consumer whose version range contains the producer's version is judged, per event:
it is compatible when every event valid under the producer's schema is accepted by
its reader schema (the JSON Schema engine, forward mode, reader schema as OLD), and
broken otherwise, with the changes that break it and, where the engine finds one, a
witness event. Consumers whose range stops at an older major are listed as such and
not judged; so are ranges that leave the version out otherwise (out of range).

Exit 1 when a consumer breaks, 0 otherwise. See docs/consumers.md.`,
		Example: `  dsctl compat consumers contracts/orders
  dsctl compat consumers contracts/orders --registry oci://registry.example.com/contracts -o json`,
		Args: argsWant(1, 1, "PRODUCER_DIR: the producer's contract package folder"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := contracts.Load(args[0])
			if err != nil {
				return err
			}
			store, _, err := app.openStore(reg)
			if err != nil {
				return err
			}
			r, err := consumers.NewIndex(store).Check(cmd.Context(), c)
			if err != nil {
				return err
			}
			return app.printReport(consumerReport{r}, len(r.Broken()) == 0)
		},
	}
	reg.bind(cmd)
	return cmd
}

// consumerCheck returns the publish hook that judges a package against its
// registered consumers, or nil when --no-consumers turned it off. A store
// that cannot list its packages skips the check with a warning.
func consumerCheck(app *App, store registry.Store, off bool) func(context.Context, *contracts.Contract) (*contracts.ConsumerReport, error) {
	if off {
		return nil
	}
	idx := consumers.NewIndex(store)
	return func(ctx context.Context, c *contracts.Contract) (*contracts.ConsumerReport, error) {
		r, err := idx.Check(ctx, c)
		if errors.Is(err, consumers.ErrNoCatalog) && ctx.Err() == nil {
			app.IO.Warnf("%s@%s: registered consumers not checked: %v", c.Name, c.Version, err)
			return nil, nil
		}
		return r, err
	}
}

// consumersError prints the consumer report of a refused package and
// returns the error to print on stderr.
func consumersError(app *App, res *contracts.PublishResult) error {
	if !app.JSON() {
		if err := app.Print(consumerReport{res.Consumers}); err != nil {
			return printErr{err}
		}
	}
	return &errkind.Error{Kind: errkind.Finding,
		Err:  fmt.Errorf("%s@%s: not published: it breaks registered consumers: %s", res.Name, res.Version, res.Consumers.BrokenText()),
		Hint: "change the consumers first, or publish a new major (their ranges then leave it out); --no-consumers skips the check"}
}

// lintConsumes adds the checks of c's consumes: entries against the store
// to r; a store that cannot be read is a warning, not a failure.
func lintConsumes(ctx context.Context, app *App, reg registryFlags, c *contracts.Contract, r *contracts.LintReport) error {
	if len(c.Consumes) == 0 {
		return nil
	}
	store, _, err := app.openStore(reg)
	if err != nil {
		if errkind.Of(err) == errkind.Input || isUsage(err) {
			return err
		}
		r.Add(contracts.Finding{Rule: contracts.RuleConsumesUnchecked, File: c.File(contracts.FileName),
			Message: "consumes: not checked against the producers: " + oneLine(err.Error())})
		return nil
	}
	fs, err := consumers.NewIndex(store).Lint(ctx, c)
	if err != nil {
		return err
	}
	r.Add(fs...)
	return nil
}

func isUsage(err error) bool {
	var ue *usageError
	return errors.As(err, &ue) || strings.HasPrefix(err.Error(), "unknown flag")
}

func newContractGraphCmd(app *App) *cobra.Command {
	var reg registryFlags
	format := "mermaid"
	var out string
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
			f := format
			if app.JSON() {
				f = "json"
			}
			if !slices.Contains(consumers.Formats, f) {
				return usageErr(fmt.Errorf("invalid value %q for --format: want %s", f, strings.Join(consumers.Formats, ", ")))
			}
			store, _, err := app.openStore(reg)
			if err != nil {
				return err
			}
			g, err := consumers.NewIndex(store).Graph(cmd.Context())
			if err != nil {
				return err
			}
			for _, s := range g.Skipped {
				app.IO.Warnf("%s@%s not read: %s", s.Name, s.Version, s.Error)
			}
			if out == "" {
				return g.Write(app.IO.Out, f)
			}
			var b bytes.Buffer
			if err := g.Write(&b, f); err != nil {
				return err
			}
			if err := fsx.WriteFileAtomic(out, b.Bytes(), 0o644); err != nil {
				return errkind.Wrap(errkind.Env, fmt.Errorf("write %s: %w", out, err))
			}
			return nil
		},
	}
	reg.bind(cmd)
	cmd.Flags().StringVar(&format, "format", format, "mermaid, dot, json or html")
	cmd.Flags().StringVar(&out, "out", "", "write to FILE (atomically) instead of standard output")
	return cmd
}

// consumersText sums up a passed consumer check for publish's line ("" when
// no consumer was judged).
func consumersText(r *contracts.ConsumerReport) string {
	if r == nil {
		return ""
	}
	judged := 0
	for _, c := range r.Consumers {
		if c.Compatible != nil {
			judged++
		}
	}
	if judged == 0 {
		return ""
	}
	return plural(judged, "registered consumer") + " compatible"
}
