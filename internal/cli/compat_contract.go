package cli

import (
	"context"

	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/internal/errkind"
)

// compatContract compares contract packages: olds and newArg are package
// folders or registry:NAME@VERSION references (several olds: an ordered
// history, oldest first, for the *-transitive modes). It returns one report per
// compared document (each event schema, each API), with Kind, Mode, Policy, Old,
// New, Changes and the package versions in From and To filled in. opts.ModeSet
// says whether --mode was given; otherwise the package's own compatibility
// (contract.yaml) applies. The caller then applies --from/--to, the waivers
// and the version gate, prints the reports and sets the exit code.
//
// The contract packages code owns this file and replaces the stub.
var compatContract = func(ctx context.Context, app *App, olds []string, newArg string, opts compatOptions) ([]*compat.Report, error) {
	return nil, errkind.Inputf("contract packages are not supported yet by compat check (%s)", newArg)
}
