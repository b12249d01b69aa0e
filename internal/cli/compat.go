package cli

import (
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/Masterminds/semver/v3"
	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/compat/asyncapi"
	"github.com/dsctl/dsctl/compat/jsonschema"
	"github.com/dsctl/dsctl/compat/openapi"
	"github.com/dsctl/dsctl/compat/report"
	"github.com/dsctl/dsctl/compat/source"
	"github.com/dsctl/dsctl/compat/verdict"
	"github.com/dsctl/dsctl/contracts"
	"github.com/dsctl/dsctl/internal/config"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/output"
	"github.com/spf13/cobra"
)

// compatEngines returns the engines --kind auto asks, in order: the first
// whose Detect accepts NEW compares the pair. OpenAPI and AsyncAPI come
// first (their documents have an openapi:, swagger: or asyncapi: key; a JSON
// Schema engine would accept any object).
var compatEngines = func() []compat.Engine {
	return []compat.Engine{
		openapi.Engine{},
		asyncapi.Engine{},
		jsonschema.Engine{},
	}
}

// compatOptions are the flags of compat check and compat bump.
type compatOptions struct {
	// Kind is auto, jsonschema, openapi, asyncapi or contract.
	Kind string
	// Mode is the compatibility mode; ModeSet says whether --mode was given
	// (a contract package's own compatibility applies otherwise).
	Mode    compat.Mode
	ModeSet bool
	// Policy is strict, or lenient with --lenient.
	Policy compat.Policy
	// From and To override the versions read from the documents.
	From, To string
	// FailOn is the impact that fails the check when the version is not checked.
	FailOn compat.Impact
	// RequireBump checks the version even when OLD and NEW declare the same one.
	RequireBump bool
	// OnlyBreaking lists the major changes alone.
	OnlyBreaking bool
	// Format is the report printer's name.
	Format string
	// AllowRemoteRefs lets documents $ref http(s) URLs.
	AllowRemoteRefs bool
	// DefaultDraft is the JSON Schema draft of schemas without $schema
	// (--default-draft, else compat.defaultDraft in dsctl.yaml).
	DefaultDraft string
	// SpecWarning receives an OpenAPI document's validation problems
	// (warnings); nil with --strict-spec, which makes them errors.
	SpecWarning func(error)
	// Reg is the store registry:NAME@VERSION arguments are read from.
	Reg registryFlags
}

// compatFlags binds the flags shared by check and bump.
type compatFlags struct {
	kind, mode, failOn, format string
	lenient, allowRemote       bool
	strictSpec                 bool
	requireBump, onlyBreaking  bool
	defaultDraft               string
	from, to                   string
	reg                        registryFlags
}

func (f *compatFlags) bind(cmd *cobra.Command, withGate bool) {
	fl := cmd.Flags()
	fl.StringVar(&f.kind, "kind", "auto", "document kind: auto, jsonschema, openapi, asyncapi or contract")
	fl.StringVar(&f.mode, "mode", "backward", "compatibility mode: backward, forward, full, backward-transitive, forward-transitive, full-transitive or none")
	fl.BoolVar(&f.lenient, "lenient", false, "lenient policy: open content models may gain optional properties")
	fl.BoolVar(&f.allowRemote, "allow-remote-refs", false, "let documents $ref http(s) URLs")
	fl.StringVar(&f.defaultDraft, "default-draft", "", "JSON Schema draft of schemas without $schema: 4, 6, 7, 2019-09 or 2020-12 (default 2020-12, or compat.defaultDraft in dsctl.yaml; Confluent reads them as 7)")
	fl.BoolVar(&f.strictSpec, "strict-spec", false, "an OpenAPI document that loads but does not validate is an error (default: a warning, compared anyway)")
	fl.StringVar(&f.from, "from", "", "the version of OLD (default: the version the document declares)")
	// registry:NAME@VERSION arguments are read from this store.
	f.reg.bind(cmd)
	if withGate {
		fl.StringVar(&f.to, "to", "", "the version NEW is to be released as (default: the version the document declares)")
		fl.StringVar(&f.failOn, "fail-on", "major", "when the version is not checked, the smallest change that fails: major, minor, patch or none")
		fl.BoolVar(&f.requireBump, "require-bump", false, "check the version even when OLD and NEW declare the same one")
		fl.BoolVar(&f.onlyBreaking, "only-breaking", false, "list the major changes alone (the summary still counts all)")
		fl.StringVar(&f.format, "format", "text", "report format: "+strings.Join(report.Formats, ", "))
		_ = cmd.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions([]string{"major", "minor", "patch", "none"}, cobra.ShellCompDirectiveNoFileComp))
	} else {
		fl.StringVar(&f.format, "format", "text", "output format: text (the version alone), json (the version and the changes), or a report of the changes: "+strings.Join(report.Formats[2:], ", "))
	}
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(report.Formats, cobra.ShellCompDirectiveNoFileComp))
	modes := make([]string, len(compat.Modes))
	for i, m := range compat.Modes {
		modes[i] = string(m)
	}
	_ = cmd.RegisterFlagCompletionFunc("mode", cobra.FixedCompletions(modes, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("kind", cobra.FixedCompletions([]string{"auto", "jsonschema", "openapi", "asyncapi", "contract"}, cobra.ShellCompDirectiveNoFileComp))
}

// options validates the flags; every error is a usage error (exit 2).
func (f *compatFlags) options(cmd *cobra.Command, app *App) (compatOptions, error) {
	o := compatOptions{Kind: f.kind, Policy: compat.Strict, From: f.from, To: f.to, AllowRemoteRefs: f.allowRemote, Reg: f.reg,
		RequireBump: f.requireBump, OnlyBreaking: f.onlyBreaking}
	if !f.strictSpec {
		o.SpecWarning = func(err error) { app.IO.Warnf("%v", err) }
	}
	switch f.kind {
	case "auto", "jsonschema", "openapi", "asyncapi", "contract":
	default:
		return o, usageErr(fmt.Errorf("invalid value %q for --kind: want auto, jsonschema, openapi, asyncapi or contract", f.kind))
	}
	m, err := compat.ParseMode(f.mode)
	if err != nil {
		return o, usageErr(fmt.Errorf("--mode: %w", err))
	}
	o.Mode, o.ModeSet = m, cmd.Flags().Changed("mode")
	if f.lenient {
		o.Policy = compat.Lenient
	}
	if cmd.Flags().Changed("default-draft") {
		if o.DefaultDraft, err = jsonschema.ParseDraft(f.defaultDraft); err != nil {
			return o, usageErr(fmt.Errorf("--default-draft: %w", err))
		}
	} else {
		cfg, err := app.Config()
		if err != nil {
			return o, err
		}
		if cfg != nil && cfg.Compat.DefaultDraft != "" {
			if o.DefaultDraft, err = jsonschema.ParseDraft(cfg.Compat.DefaultDraft); err != nil {
				return o, errkind.InputAt(config.Find(app.ConfigPath), 0, 0, fmt.Errorf("compat.defaultDraft: %w", err))
			}
		}
	}
	for name, v := range map[string]string{"--from": f.from, "--to": f.to} {
		if v == "" {
			continue
		}
		if _, err := semver.NewVersion(v); err != nil {
			return o, usageErr(fmt.Errorf("invalid value %q for %s: not a semantic version", v, name))
		}
	}
	o.FailOn = compat.Major
	if f.failOn != "" {
		if o.FailOn, err = compat.ParseImpact(f.failOn); err != nil {
			return o, usageErr(fmt.Errorf("--fail-on: %w", err))
		}
	}
	o.Format = f.format
	if o.Format == "" {
		o.Format = "text"
	}
	if app.JSON() {
		if cmd.Flags().Changed("format") && o.Format != "json" {
			return o, usageErr(fmt.Errorf("--output json and --format %s disagree; use one of them", o.Format))
		}
		o.Format = "json"
	}
	if !slices.Contains(report.Formats, o.Format) {
		return o, usageErr(fmt.Errorf("invalid value %q for --format: want one of %s", o.Format, strings.Join(report.Formats, ", ")))
	}
	return o, nil
}

func newCompatCmd(app *App) *cobra.Command {
	cmd := newGroupCmd("compat", "Check compatibility between contract versions and derive the semver bump",
		`compat compares two versions of a contract document (a JSON Schema for an event, an
OpenAPI spec for an API, an AsyncAPI document for a service's messages, or a whole
contract package), names every change with the semver bump it needs, and gates the version you declare.`)
	cmd.Example = `  dsctl compat check git:origin/main:api/openapi.yaml api/openapi.yaml --format github
  dsctl compat check registry:orders@1.4.0 contracts/orders
  dsctl compat bump schemas/v1.json schemas/v2.json --from 1.4.2`
	cmd.AddCommand(newCompatCheckCmd(app), newCompatBumpCmd(app), newCompatConsumersCmd(app))
	return cmd
}

const compatInputsHelp = `OLD and NEW are each one of:
  FILE                 a JSON Schema, OpenAPI or AsyncAPI document (JSON or YAML)
  -                    the document on standard input
  git:REF:PATH         PATH as it is at REF, read with git show (PATH from the repository
                       root, or from the working folder when it starts with ./); relative
                       $refs resolve at the same REF
  FOLDER               a contract package folder (contract.yaml)
  git:REF:FOLDER       a contract package folder as it is at REF
  registry:NAME@VER    a published contract package`

func newCompatCheckCmd(app *App) *cobra.Command {
	var f compatFlags
	cmd := &cobra.Command{
		Use:   "check OLD... NEW",
		Short: "Report every change from OLD to NEW and the semver bump it needs",
		Long: `check compares OLD with NEW, prints every change with its rule id, impact (major,
minor, patch), location and message, and the version bump the changes require.

The version is checked when --from or --to is given, when OLD and NEW declare
different versions (an OpenAPI info.version, a JSON Schema's x-version, a package's
version), or with --require-bump: the check then fails when NEW's version is too small
and prints the smallest version that is large enough. Otherwise (a change that leaves
the version alone) it fails when a change is at least --fail-on (major by default), and
only suggests the next version. Mode none reports and never fails. On exit 1, stderr
says why in one line.

The text report lists major changes first and ends with one summary line;
--only-breaking lists the major changes alone (in every format). A major change of a
JSON Schema carries a witness: an instance OLD accepts and NEW rejects (or the reverse,
forward).

Several OLDs are an ordered history, oldest first: *-transitive modes check NEW
against each of them; the other modes against the last.

` + compatInputsHelp,
		Example: `  dsctl compat check git:origin/main:schemas/order.json schemas/order.json
  dsctl compat check v1.json v2.json --from 1.2.0 --to 1.3.0
  dsctl compat check api-v1.yaml api-v2.yaml --format github
  dsctl compat check v1.json v2.json v3.json --mode backward-transitive
  cat new.json | dsctl compat check old.json - -o json`,
		Args: argsWant(2, -1, "OLD... NEW: the earlier version(s), then the new one"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := f.options(cmd, app)
			if err != nil {
				return err
			}
			return runCompatCheck(cmd.Context(), app, args[:len(args)-1], args[len(args)-1], opts)
		},
	}
	f.bind(cmd, true)
	return cmd
}

func newCompatBumpCmd(app *App) *cobra.Command {
	var f compatFlags
	cmd := &cobra.Command{
		Use:   "bump OLD NEW --from VERSION",
		Short: "Print the smallest version NEW can be released as",
		Long: `bump compares OLD with NEW and prints the smallest version after --from (default: the
version OLD declares) that the changes allow: 1.4.2 becomes 2.0.0 for a breaking change,
1.5.0 for a compatible addition, 1.4.3 for annotations only, and stays 1.4.2 when nothing
changed. Below 1.0.0 every bump shifts down one level (0.3.1 + breaking = 0.4.0).

` + compatInputsHelp,
		Example: `  dsctl compat bump git:v1.4.2:schemas/order.json schemas/order.json --from 1.4.2
  dsctl compat bump old.yaml new.yaml -o json`,
		Args: argsWant(2, 2, "OLD NEW: the earlier version, then the new one"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := f.options(cmd, app)
			if err != nil {
				return err
			}
			return runCompatBump(cmd.Context(), app, args[0], args[1], opts)
		},
	}
	f.bind(cmd, false)
	return cmd
}

// decide runs the comparison through compat/verdict, the decision every
// compatibility command shares, and prints its warnings and notes on stderr.
func decide(ctx context.Context, app *App, olds []string, newArg string, opts compatOptions) (*verdict.Verdict, error) {
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
			Comparer: contracts.Packages{Engines: compatEngines()}, History: history, New: newC,
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
		eng, err := pickEngine(opts.Kind, newSrc)
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
func pickEngine(kind string, src compat.Source) (compat.Engine, error) {
	engines := compatEngines()
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

func runCompatCheck(ctx context.Context, app *App, olds []string, newArg string, opts compatOptions) error {
	v, err := decide(ctx, app, olds, newArg, opts)
	if err != nil {
		return err
	}
	if err := printReports(ctx, app, opts, v.Reports); err != nil {
		return err
	}
	if v.Failed {
		// The report is on stdout; stderr says why the exit status is 1.
		return errkind.Findingf("%s", strings.Join(v.Reasons, "\n"))
	}
	return nil
}

// printReports prints the reports in opts.Format with the printer compat
// check and compat bump share.
func printReports(ctx context.Context, app *App, opts compatOptions, reports []*compat.Report) error {
	ropts := report.Options{Style: app.IO.Style(), OnlyBreaking: opts.OnlyBreaking}
	switch opts.Format {
	case "github", "junit", "sarif":
		// These name files from the repository root, also when dsctl runs in a sub folder.
		ropts.RepoPrefix = source.RepoPrefix(ctx, source.Options{})
	}
	p, err := report.New(opts.Format, ropts)
	if err != nil {
		return usageErr(err)
	}
	if err := p.Print(app.IO.Out, reports); err != nil {
		return errkind.Envf("write report: %w", err)
	}
	return nil
}

func runCompatBump(ctx context.Context, app *App, oldArg, newArg string, opts compatOptions) error {
	// bump never fails on the changes: it says which version they need.
	opts.To, opts.FailOn, opts.RequireBump = "", compat.None, false
	v, err := decide(ctx, app, []string{oldArg}, newArg, opts)
	if err != nil {
		return err
	}
	if len(v.Expired) > 0 {
		return errkind.Findingf("%s", strings.Join(v.Reasons, "\n"))
	}
	if v.From == "" {
		return usageErr(errors.New("compat bump needs --from VERSION: OLD declares no version"))
	}
	kind := ""
	if opts.Kind == "contract" || isContractArg(ctx, newArg) {
		// A package: one report per event and API, and the bump is the package's.
		kind = "contract"
	}
	switch opts.Format {
	case "text":
		// The version alone, for scripts.
		_, err := fmt.Fprintln(app.IO.Out, v.Suggested)
		return err
	case "json":
		b, err := output.MarshalJSON(report.NewBump(kind, v.Mode, v.From, v.RequiredBump, v.Suggested, v.Reports))
		if err != nil {
			return err
		}
		_, err = app.IO.Out.Write(b)
		return err
	}
	// A report of the changes, its verdict naming the next version.
	return printReports(ctx, app, opts, report.Ungated(v.Reports))
}

// argsWant checks the number of positional arguments (max -1: no limit) and
// says what they are when it is wrong, rather than only how many were given.
func argsWant(minN, maxN int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) >= minN && (maxN < 0 || len(args) <= maxN) {
			return nil
		}
		// The CLI prefixes the command path.
		return usageErr(fmt.Errorf("want %s (got %s)", what, plural(len(args), "argument")))
	}
}
