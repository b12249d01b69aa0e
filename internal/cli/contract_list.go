package cli

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/dsctl/dsctl/contracts/registry"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/output"
	"github.com/spf13/cobra"
)

type listEntry struct {
	Name     string             `json:"name"`
	Versions []registry.Version `json:"versions"`
}

type listResult struct {
	Registry  string      `json:"registry"`
	Contracts []listEntry `json:"contracts"`
	// tty aligns the columns for people; off a terminal they are tab-separated for scripts.
	tty bool
}

func (r listResult) WriteText(w io.Writer, st output.Style) error {
	if len(r.Contracts) == 0 {
		_, err := fmt.Fprintf(w, "no contracts in %s\n", r.Registry)
		return err
	}
	if r.tty {
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		defer tw.Flush()
		w = tw
	}
	for _, c := range r.Contracts {
		for _, v := range c.Versions {
			line := fmt.Sprintf("%s\t%s\t%s", c.Name, v.Version, v.Digest)
			if v.Yanked {
				line += "\t" + st.Yellow("yanked") + ": " + v.YankReason
			}
			if _, err := fmt.Fprintln(w, line); err != nil {
				return err
			}
		}
	}
	return nil
}

// contractListOptions are the arguments and flags of contract list.
type contractListOptions struct {
	App *App
	Ctx context.Context
	// Name is the one contract to list, unless All.
	Name string
	All  bool
	Reg  registryFlags
}

func newCmdContractList(app *App, runF func(*contractListOptions) error) *cobra.Command {
	o := &contractListOptions{App: app}
	cmd := &cobra.Command{
		Use:   "list [NAME] [--registry REF]",
		Short: "List published versions with their digests and yank marks",
		Long: `list prints every published version of NAME (of every contract without NAME), one per
line: name, version, manifest digest, and the reason when it is yanked. -o json adds
the archive digests. A NAME that is not in the store exits 2.`,
		Example: `  dsctl contract list
  dsctl contract list orders --registry oci://registry.example.com/contracts
  dsctl contract list orders -o json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Ctx = cmd.Context()
			o.Name, o.All = argOr(args, ""), len(args) == 0
			return runOr(o, runF, contractListRun)
		},
	}
	o.Reg.bind(cmd)
	return cmd
}

func contractListRun(o *contractListOptions) error {
	app := o.App
	ctx := o.Ctx
	store, _, err := app.openStore(o.Reg)
	if err != nil {
		return err
	}
	var names []string
	if !o.All {
		if !registry.ValidName(o.Name) {
			return errkind.Inputf("invalid contract name %q", o.Name)
		}
		names = []string{o.Name}
	} else if names, err = store.Names(ctx); err != nil {
		return err
	}
	res := listResult{Registry: store.Ref(), Contracts: []listEntry{}, tty: app.IO.OutTTY}
	for _, n := range names {
		vs, err := store.List(ctx, n)
		if err != nil {
			return err
		}
		if !o.All && len(vs) == 0 {
			return noSuchContract(store, n)
		}
		if vs == nil {
			vs = []registry.Version{}
		}
		res.Contracts = append(res.Contracts, listEntry{Name: n, Versions: vs})
	}
	return app.Print(res)
}
