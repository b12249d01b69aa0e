package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/dsctl/dsctl/contracts"
	"github.com/dsctl/dsctl/contracts/consumers"
	"github.com/dsctl/dsctl/contracts/registry"
	"github.com/dsctl/dsctl/internal/errkind"
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

// compatConsumersOptions are the arguments and flags of compat consumers.
type compatConsumersOptions struct {
	App *App
	Ctx context.Context
	Dir string
	Reg registryFlags
}

func newCmdCompatConsumers(app *App, runF func(*compatConsumersOptions) error) *cobra.Command {
	o := &compatConsumersOptions{App: app}
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
			o.Ctx = cmd.Context()
			o.Dir = args[0]
			return runOr(o, runF, compatConsumersRun)
		},
	}
	o.Reg.bind(cmd)
	return cmd
}

func compatConsumersRun(o *compatConsumersOptions) error {
	app := o.App
	c, err := contracts.Load(o.Dir)
	if err != nil {
		return err
	}
	store, _, err := app.openStore(o.Reg)
	if err != nil {
		return err
	}
	r, err := consumers.NewIndex(store).Check(o.Ctx, c)
	if err != nil {
		return err
	}
	return app.printReport(consumerReport{r}, len(r.Broken()) == 0)
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
