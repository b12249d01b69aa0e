package cli

import (
	"context"
	"strings"

	"github.com/dsctl/dsctl/compat/source"
	"github.com/dsctl/dsctl/contracts"
	"github.com/dsctl/dsctl/internal/errkind"
)

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
