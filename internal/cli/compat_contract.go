package cli

import (
	"context"
	"strings"

	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/compat/source"
	"github.com/dsctl/dsctl/contracts"
	"github.com/dsctl/dsctl/internal/errkind"
)

// compatContract compares contract packages: olds and newArg are package
// folders or registry:NAME@VERSION references (several olds: an ordered
// history, oldest first, for the *-transitive modes). It returns one report per
// compared document (each event schema, each API) and one "contract" report for
// events and APIs added or removed, with Kind, Mode, Policy, Old, New, Changes
// and the package versions in From and To filled in. opts.ModeSet says whether
// --mode was given; otherwise the package's own compatibility (contract.yaml)
// applies. The caller then applies --from/--to, the waivers and the version
// gate, prints the reports and sets the exit code.
var compatContract = func(ctx context.Context, app *App, olds []string, newArg string, opts compatOptions) ([]*compat.Report, error) {
	newC, err := loadContractArg(ctx, app, newArg, opts.Reg)
	if err != nil {
		return nil, err
	}
	mode := newC.Mode()
	if opts.ModeSet {
		mode = opts.Mode
	}
	policy := newC.PolicyOrDefault()
	if opts.Policy == compat.Lenient {
		policy = compat.Lenient
	}
	var out []*compat.Report
	for _, oldArg := range olds {
		oldC, err := loadContractArg(ctx, app, oldArg, opts.Reg)
		if err != nil {
			return nil, err
		}
		if oldC.Name != newC.Name {
			app.IO.Warnf("comparing different packages: %s and %s", oldC.Name, newC.Name)
		}
		against := ""
		if len(olds) > 1 {
			against = oldC.Version
		}
		reports, err := contracts.DiffPackages(ctx, oldC, newC, contracts.DiffOptions{
			Engines: compatEngines(), Mode: mode, Policy: policy, Against: against})
		if err != nil {
			return nil, err
		}
		for i := range reports {
			r := reports[i]
			if r.Kind == "contract" && len(r.Changes) == 0 {
				continue // no event or API added or removed
			}
			r.From, r.To = oldC.Version, newC.Version
			r.Mode, r.Policy = mode, policy
			out = append(out, &r)
		}
	}
	return out, nil
}

// isContractArg reports whether arg names a contract package: a folder,
// registry:NAME@VERSION, or git:REF:PATH whose PATH is a folder at REF. A git
// argument that git cannot read is not a package here: opening it as a
// document reports git's error.
func isContractArg(ctx context.Context, arg string) bool {
	if source.Classify(arg) == source.Git {
		_, isDir, err := source.GitTree(ctx, arg, source.Options{})
		return err == nil && isDir
	}
	return source.IsContract(arg)
}

// loadContractArg loads a package folder, git:REF:FOLDER (the package as it
// is at REF) or registry:NAME@VERSION (from the store named by dsctl.yaml,
// else the default store; --registry overrides both).
func loadContractArg(ctx context.Context, app *App, arg string, reg registryFlags) (*contracts.Contract, error) {
	if source.Classify(arg) == source.Git {
		fsys, isDir, err := source.GitTree(ctx, arg, source.Options{})
		if err != nil {
			return nil, err
		}
		if !isDir {
			return nil, usageErr(errkind.Inputf("%s: a single document, not a contract package folder", arg))
		}
		return contracts.LoadFS(fsys, strings.TrimSuffix(arg, "/"))
	}
	if ref, ok := strings.CutPrefix(arg, "registry:"); ok {
		name, version, found := strings.Cut(ref, "@")
		if !found || !contracts.Pinned(version) {
			return nil, usageErr(errkind.Inputf("%s: want registry:NAME@VERSION with an exact version", arg))
		}
		store, _, err := app.openStore(reg)
		if err != nil {
			return nil, err
		}
		return contracts.LoadPublished(ctx, store, name, strings.TrimPrefix(version, "="))
	}
	return contracts.Load(arg)
}
