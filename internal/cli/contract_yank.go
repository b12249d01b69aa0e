package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/dsctl/dsctl/contracts"
	"github.com/dsctl/dsctl/contracts/registry"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/output"
	"github.com/spf13/cobra"
)

type yankResult struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	// Reason is the reason of the tombstone: the first yank's when the
	// version was already yanked (yanking again changes nothing).
	Reason        string `json:"reason"`
	AlreadyYanked bool   `json:"alreadyYanked,omitempty"`
}

func (r yankResult) WriteText(w io.Writer, st output.Style) error {
	if r.AlreadyYanked {
		_, err := fmt.Fprintf(w, "%s@%s is already %s: %s (nothing to do)\n", r.Name, r.Version, st.Yellow("yanked"), r.Reason)
		return err
	}
	_, err := fmt.Fprintf(w, "%s %s@%s: %s\n", st.Yellow("yanked"), r.Name, r.Version, r.Reason)
	return err
}

// contractYankOptions are the arguments and flags of contract yank.
type contractYankOptions struct {
	App    *App
	Ctx    context.Context
	Ref    string
	Reason string
	Reg    registryFlags
}

func newCmdContractYank(app *App, runF func(*contractYankOptions) error) *cobra.Command {
	o := &contractYankOptions{App: app}
	cmd := &cobra.Command{
		Use:   "yank NAME@VERSION --reason TEXT",
		Short: "Withdraw a version (a tombstone, never a deletion)",
		Long: `yank attaches a tombstone to a published version (an OCI referrer artifact with the
reason). The version stays fetchable and listed, marked yanked; pull skips it unless
it is pinned exactly. Yanking again is a no-op.`,
		Example: `  dsctl contract yank orders@1.4.1 --reason "notes.maxLength broke the warehouse import"`,
		Args:    argsWant(1, 1, "NAME@VERSION: one exact version, such as orders@1.2.0"),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Ctx = cmd.Context()
			o.Ref = args[0]
			return runOr(o, runF, contractYankRun)
		},
	}
	o.Reg.bind(cmd)
	cmd.Flags().StringVar(&o.Reason, "reason", "", "why the version is withdrawn (required)")
	return cmd
}

func contractYankRun(o *contractYankOptions) error {
	app := o.App
	name, version, ok := strings.Cut(o.Ref, "@")
	if !ok || !registry.ValidName(name) || !contracts.Pinned(version) {
		return usageErr(fmt.Errorf("want NAME@VERSION with an exact version, such as orders@1.2.0 (got %q)", o.Ref))
	}
	version = strings.TrimPrefix(strings.TrimSpace(version), "=")
	if strings.TrimSpace(o.Reason) == "" {
		return usageErr(errors.New("--reason is required: say why, for the people who pinned it"))
	}
	store, _, err := app.openStore(o.Reg)
	if err != nil {
		return err
	}
	notFound := func(err error) error {
		if errors.Is(err, registry.ErrNotFound) {
			return errkind.Inputf("%s@%s is not in %s", name, version, store.Ref())
		}
		return err
	}
	// Yanking again is a no-op: say so, with the reason on record.
	if v, err := store.Lookup(o.Ctx, name, version); err != nil {
		return notFound(err)
	} else if v.Yanked {
		return app.printDone(yankResult{Name: name, Version: version, Reason: v.YankReason, AlreadyYanked: true})
	}
	if err := store.Yank(o.Ctx, name, version, o.Reason); err != nil {
		return notFound(err)
	}
	return app.printDone(yankResult{Name: name, Version: version, Reason: o.Reason})
}
