package cli

import (
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/compat/source"
	"github.com/dsctl/dsctl/compat/verdict"
	"github.com/dsctl/dsctl/contracts"
	"github.com/dsctl/dsctl/internal/errkind"
)

// decide runs the comparison through compat/verdict, the decision every
// compatibility command shares, and prints its warnings and notes on stderr.
func decide(opts *compatOptions) (*verdict.Verdict, error) {
	ctx, app, olds, newArg := opts.Ctx, opts.App, opts.Olds, opts.New
	packages := 0
	for _, a := range append(slices.Clone(olds), newArg) {
		if isContractArg(ctx, a) {
			packages++
		}
	}
	waivers, waiverFile, err := compatWaivers(app)
	if err != nil {
		return nil, err
	}
	var mode compat.Mode
	if opts.ModeSet {
		mode = opts.Mode
	}
	var policy compat.Policy
	if opts.Policy == compat.Lenient {
		policy = compat.Lenient
	}
	today := time.Now().UTC().Format(time.DateOnly)
	var v *verdict.Verdict
	switch {
	case opts.Kind == "contract" || packages == len(olds)+1:
		newC, err := loadContractArg(ctx, app, newArg, opts.Reg)
		if err != nil {
			return nil, err
		}
		var history []*contracts.Contract
		for _, a := range olds {
			c, err := loadContractArg(ctx, app, a, opts.Reg)
			if err != nil {
				return nil, err
			}
			history = append(history, c)
		}
		v, err = verdict.Decide(ctx, verdict.Request[*contracts.Contract]{
			Comparer: contracts.Packages{Engines: app.engines}, History: history, New: newC,
			Mode: mode, Policy: policy, From: opts.From, To: opts.To, FailOn: opts.FailOn, RequireBump: opts.RequireBump,
			Waivers: waivers, WaiverFile: waiverFile, Today: today,
		})
		if err != nil {
			return nil, err
		}
	case packages > 0:
		// A git:REF:PATH that git cannot read is not a package; say why.
		for _, a := range append(slices.Clone(olds), newArg) {
			if source.Classify(a) == source.Git {
				if _, _, err := source.GitTree(ctx, a, source.Options{}); err != nil {
					return nil, err
				}
			}
		}
		return nil, usageErr(errors.New("cannot compare a contract package (a folder, git:REF:FOLDER or registry:NAME@VERSION) with a single document; give two packages or two documents"))
	default:
		newSrc, history, err := openDocuments(ctx, app, olds, newArg)
		if err != nil {
			return nil, err
		}
		eng, err := pickEngine(app.engines, opts.Kind, newSrc)
		if err != nil {
			return nil, err
		}
		v, err = verdict.Decide(ctx, verdict.Request[compat.Source]{
			Comparer: verdict.Documents{Engine: eng, AllowRemoteRefs: opts.AllowRemoteRefs, SpecWarning: opts.SpecWarning, DefaultDraft: opts.DefaultDraft}, History: history, New: newSrc,
			Mode: mode, Policy: policy, From: opts.From, To: opts.To, FailOn: opts.FailOn, RequireBump: opts.RequireBump,
			Waivers: waivers, WaiverFile: waiverFile, Today: today,
		})
		if err != nil {
			return nil, err
		}
	}
	for _, w := range v.Warnings {
		app.IO.Warnf("%s", w)
	}
	for _, n := range v.Notes {
		app.IO.Infof("%s", n)
	}
	return v, nil
}

// compatWaivers returns dsctl.yaml's compat.ignore entries and the file's name.
func compatWaivers(app *App) ([]compat.Waiver, string, error) {
	cfg, err := app.Config()
	if err != nil || cfg == nil {
		return nil, "", err
	}
	waivers := make([]compat.Waiver, len(cfg.Compat.Ignore))
	for i, w := range cfg.Compat.Ignore {
		waivers[i] = compat.Waiver{ID: w.ID, Path: w.Path, Reason: w.Reason, Expires: w.Expires, Line: w.Line}
	}
	return waivers, cfg.Path, nil
}

// openDocuments opens NEW and the OLDs as documents; standard input can be
// read once.
func openDocuments(ctx context.Context, app *App, olds []string, newArg string) (compat.Source, []compat.Source, error) {
	stdinUsed := false
	open := func(arg string) (compat.Source, error) {
		if arg == source.StdinName {
			if stdinUsed {
				return compat.Source{}, usageErr(errors.New("standard input (-) can be given only once"))
			}
			stdinUsed = true
		}
		return source.Open(ctx, arg, source.Options{Stdin: app.IO.In})
	}
	newSrc, err := open(newArg)
	if err != nil {
		return compat.Source{}, nil, err
	}
	var history []compat.Source
	for _, a := range olds {
		s, err := open(a)
		if err != nil {
			return compat.Source{}, nil, err
		}
		history = append(history, s)
	}
	return newSrc, history, nil
}

func displayName(s compat.Source) string { return s.DisplayPath(s.Path) }

// pickEngine returns the engine for --kind, or with auto the first whose
// Detect accepts the document.
func pickEngine(engines []compat.Engine, kind string, src compat.Source) (compat.Engine, error) {
	if kind != "auto" {
		for _, e := range engines {
			if e.Kind() == kind {
				return e, nil
			}
		}
		return nil, usageErr(fmt.Errorf("--kind %s is not available in this build", kind))
	}
	// Detect sees the whole document: a JSON object's keys come in any order,
	// and Stripe's spec3.json has "openapi" after 4 MB of "components".
	data, err := source.ReadDocument(src)
	if err != nil {
		return nil, err
	}
	for _, e := range engines {
		if e.Detect(data) {
			return e, nil
		}
	}
	// A document that does not parse is named with its position, rather than
	// as a document of unknown kind.
	if err := source.SyntaxError(displayName(src), data); err != nil {
		return nil, err
	}
	if path.Base(src.Path) == contracts.FileName {
		return nil, errkind.InputAt(displayName(src), 0, 0,
			fmt.Errorf("a contract package's %s: pass the package folder (%s) to compare the whole package", contracts.FileName, path.Dir(displayName(src))))
	}
	var kinds []string
	for _, e := range engines {
		kinds = append(kinds, e.Kind())
	}
	return nil, errkind.InputAt(displayName(src), 0, 0,
		fmt.Errorf("cannot tell what kind of document this is (tried %s); pass --kind", strings.Join(kinds, ", ")))
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
