package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"

	"github.com/Masterminds/semver/v3"
	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/compat/asyncapi"
	"github.com/dsctl/dsctl/compat/jsonschema"
	"github.com/dsctl/dsctl/compat/openapi"
	"github.com/dsctl/dsctl/compat/report"
	"github.com/dsctl/dsctl/compat/source"
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

// applyWaivers applies dsctl.yaml's compat.ignore entries to a report (marks
// matching changes Waived; an expired waiver is an error). It is set by the
// waiver implementation (compat_waivers.go, over compat.ApplyWaivers); nil means no waivers are applied.
// It runs before the version gate, so waived changes do not count.
var applyWaivers func(cfg *config.Config, r *compat.Report) error

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
	// FailOn is the impact that fails the check when no version is declared.
	FailOn compat.Impact
	// Format is the report printer's name.
	Format string
	// AllowRemoteRefs lets documents $ref http(s) URLs.
	AllowRemoteRefs bool
	// SpecWarning receives an OpenAPI document's validation problems
	// (warnings); nil with --strict-spec, which makes them errors.
	SpecWarning func(error)
	// Reg is the store registry:NAME@VERSION arguments are read from.
	Reg registryFlags
}

func (o compatOptions) engineOptions() compat.Options {
	mode := o.Mode.Base()
	if mode == compat.NoneMode {
		// Mode none reports what backward would, and never fails.
		mode = compat.Backward
	}
	return compat.Options{Mode: mode, Policy: o.Policy, AllowRemoteRefs: o.AllowRemoteRefs, SpecWarning: o.SpecWarning}
}

// compatFlags binds the flags shared by check and bump.
type compatFlags struct {
	kind, mode, failOn, format string
	lenient, allowRemote       bool
	strictSpec                 bool
	from, to                   string
	reg                        registryFlags
}

func (f *compatFlags) bind(cmd *cobra.Command, withGate bool) {
	fl := cmd.Flags()
	fl.StringVar(&f.kind, "kind", "auto", "document kind: auto, jsonschema, openapi, asyncapi or contract")
	fl.StringVar(&f.mode, "mode", "backward", "compatibility mode: backward, forward, full, backward-transitive, forward-transitive, full-transitive or none")
	fl.BoolVar(&f.lenient, "lenient", false, "lenient policy: open content models may gain optional properties")
	fl.BoolVar(&f.allowRemote, "allow-remote-refs", false, "let documents $ref http(s) URLs")
	fl.BoolVar(&f.strictSpec, "strict-spec", false, "an OpenAPI document that loads but does not validate is an error (default: a warning, compared anyway)")
	fl.StringVar(&f.from, "from", "", "the version of OLD (default: the version the document declares)")
	// registry:NAME@VERSION arguments are read from this store.
	f.reg.bind(cmd)
	if withGate {
		fl.StringVar(&f.to, "to", "", "the version NEW is to be released as (default: the version the document declares)")
		fl.StringVar(&f.failOn, "fail-on", "major", "without versions, the smallest change that fails: major, minor, patch or none")
		fl.StringVar(&f.format, "format", "text", "report format: "+strings.Join(report.Formats, ", "))
		_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(report.Formats, cobra.ShellCompDirectiveNoFileComp))
		_ = cmd.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions([]string{"major", "minor", "patch", "none"}, cobra.ShellCompDirectiveNoFileComp))
	}
	modes := make([]string, len(compat.Modes))
	for i, m := range compat.Modes {
		modes[i] = string(m)
	}
	_ = cmd.RegisterFlagCompletionFunc("mode", cobra.FixedCompletions(modes, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("kind", cobra.FixedCompletions([]string{"auto", "jsonschema", "openapi", "asyncapi", "contract"}, cobra.ShellCompDirectiveNoFileComp))
}

// options validates the flags; every error is a usage error (exit 2).
func (f *compatFlags) options(cmd *cobra.Command, app *App) (compatOptions, error) {
	o := compatOptions{Kind: f.kind, Policy: compat.Strict, From: f.from, To: f.to, AllowRemoteRefs: f.allowRemote, Reg: f.reg}
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

With versions (--from/--to, else the versions the documents declare, such as an
OpenAPI info.version) it fails when the declared version is too small and prints the
smallest version that is large enough. Without versions it fails when a change is at
least --fail-on (major by default). Mode none reports and never fails.

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

// compareAll runs the comparison and returns its reports with the waivers,
// version overrides and gate applied.
func compareAll(ctx context.Context, app *App, olds []string, newArg string, opts compatOptions) ([]*compat.Report, error) {
	packages := 0
	for _, a := range append(slices.Clone(olds), newArg) {
		if isContractArg(ctx, a) {
			packages++
		}
	}
	var reports []*compat.Report
	var err error
	switch {
	case opts.Kind == "contract" || packages == len(olds)+1:
		reports, err = compatContract(ctx, app, olds, newArg, opts)
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
		var r *compat.Report
		r, err = compareDocuments(ctx, app, olds, newArg, opts)
		reports = []*compat.Report{r}
	}
	if err != nil {
		return nil, err
	}
	cfg, err := app.Config()
	if err != nil {
		return nil, err
	}
	for _, r := range reports {
		if opts.From != "" {
			r.From = opts.From
		}
		if opts.To != "" {
			r.To = opts.To
		}
		if opts.ModeSet || r.Mode == "" {
			r.Mode = opts.Mode
		}
		if r.Policy == "" {
			r.Policy = opts.Policy
		}
		r.FailOn = opts.FailOn
		// A version a document declares that is not semver (info.version "latest",
		// a date) cannot gate anything: say so and judge by --fail-on instead.
		if r.From != "" && opts.From == "" && !isSemver(r.From) {
			app.IO.Warnf("%s: version %q is not a semantic version; judging by --fail-on %s (pass --from/--to to gate)", r.Old, r.From, opts.FailOn)
			r.From, r.To = "", ""
		}
		if r.To != "" && opts.To == "" && !isSemver(r.To) {
			app.IO.Warnf("%s: version %q is not a semantic version; judging by --fail-on %s (pass --to to gate)", r.New, r.To, opts.FailOn)
			r.To = ""
		}
		// The gate needs both versions: a --to without a version of OLD would
		// be silently ignored.
		if opts.To != "" && r.From == "" {
			app.IO.Warnf("%s declares no version: --to %s is not checked; judging by --fail-on %s (pass --from to gate)", r.Old, opts.To, opts.FailOn)
		}
		if applyWaivers != nil && cfg != nil {
			if err := applyWaivers(cfg, r); err != nil {
				return nil, err
			}
		}
		compat.SortChanges(r.Changes)
		for i := range r.Changes {
			r.Changes[i].Breaking = r.Changes[i].Impact == compat.Major
		}
		if err := compat.Gate(r); err != nil {
			return nil, errkind.Inputf("version gate: %w", err)
		}
	}
	return reports, nil
}

// compareDocuments compares single documents with one engine.
func compareDocuments(ctx context.Context, app *App, olds []string, newArg string, opts compatOptions) (*compat.Report, error) {
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
		return nil, err
	}
	var oldSrcs []compat.Source
	for _, a := range olds {
		s, err := open(a)
		if err != nil {
			return nil, err
		}
		oldSrcs = append(oldSrcs, s)
	}
	eng, err := pickEngine(opts.Kind, newSrc)
	if err != nil {
		return nil, err
	}
	// Non-transitive modes compare with the latest earlier version only.
	against := oldSrcs
	if !opts.Mode.Transitive() && len(oldSrcs) > 1 {
		against = oldSrcs[len(oldSrcs)-1:]
		app.IO.Infof("mode %s compares with the last OLD only (%s); use --mode %s-transitive to check all %d",
			opts.Mode, displayName(against[0]), opts.Mode.Base(), len(oldSrcs))
	}
	eopts := opts.engineOptions()
	r := &compat.Report{
		Kind:   eng.Kind(),
		Mode:   opts.Mode,
		Policy: opts.Policy,
		New:    displayName(newSrc),
	}
	if eng.Kind() == "asyncapi" && !opts.ModeSet {
		// Without --mode, each message is judged in the direction it flows.
		eopts.Mode, r.Mode = compat.Flow, compat.Flow
	}
	var oldNames []string
	// The same change found against several earlier versions is reported once,
	// naming them all in Against.
	seen := map[string]int{}
	for _, o := range against {
		oldNames = append(oldNames, displayName(o))
		changes, err := eng.Diff(ctx, o, newSrc, eopts)
		if err != nil {
			return nil, err
		}
		if len(against) == 1 {
			r.Changes = changes
			break
		}
		for _, c := range changes {
			key := fmt.Sprintf("%s\x00%s\x00%d\x00%s\x00%s", c.ID, c.Path, c.Impact, c.Message, c.Location.String())
			if i, ok := seen[key]; ok {
				r.Changes[i].Against += ", " + displayName(o)
				continue
			}
			c.Against = displayName(o)
			seen[key] = len(r.Changes)
			r.Changes = append(r.Changes, c)
		}
	}
	r.Old = strings.Join(oldNames, ", ")
	if opts.From == "" {
		if r.From, err = eng.Version(against[len(against)-1]); err != nil {
			return nil, err
		}
	}
	if opts.To == "" {
		if r.To, err = eng.Version(newSrc); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// isSemver reports whether a version a document declares is semver proper
// (MAJOR.MINOR.PATCH, an optional leading v): a date such as Stripe's
// "2022-11-15" would otherwise be read as 2022.0.0-11-15.
func isSemver(v string) bool {
	_, err := semver.StrictNewVersion(strings.TrimPrefix(v, "v"))
	return err == nil
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
	reports, err := compareAll(ctx, app, olds, newArg, opts)
	if err != nil {
		return err
	}
	ropts := report.Options{Style: app.IO.Style()}
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
	if opts.Format != "text" {
		// The text verdict names the suggested version; other formats go to
		// machines, so people get it on stderr.
		for _, r := range reports {
			if r.Suggested != "" && r.VersionOK != nil && !*r.VersionOK {
				app.IO.Infof("%s: %s; suggested version %s", r.New, report.Verdict(r), r.Suggested)
			}
		}
	}
	if report.AnyFailed(reports) {
		return errkind.SilentFinding()
	}
	return nil
}

// bumpResult is what compat bump prints.
type bumpResult struct {
	Kind         string        `json:"kind"`
	Mode         compat.Mode   `json:"mode"`
	From         string        `json:"from"`
	RequiredBump compat.Impact `json:"requiredBump"`
	Next         string        `json:"next"`
	Changes      int           `json:"changes"`
}

// WriteText prints the next version alone, for scripts: v=$(dsctl compat bump ...).
func (b bumpResult) WriteText(w io.Writer, _ output.Style) error {
	_, err := fmt.Fprintln(w, b.Next)
	return err
}

func runCompatBump(ctx context.Context, app *App, oldArg, newArg string, opts compatOptions) error {
	opts.To = ""
	opts.FailOn = compat.None
	reports, err := compareAll(ctx, app, []string{oldArg}, newArg, opts)
	if err != nil {
		return err
	}
	res := bumpResult{RequiredBump: report.MaxBump(reports)}
	for _, r := range reports {
		res.Changes += len(r.Changes)
		if res.From == "" {
			res.From = r.From
		}
		if res.Kind == "" {
			res.Kind, res.Mode = r.Kind, r.Mode
		}
	}
	if opts.Kind == "contract" || isContractArg(ctx, newArg) {
		// A package: one report per event and API, and the bump is the package's.
		res.Kind = "contract"
	}
	if res.From == "" {
		return usageErr(errors.New("compat bump needs --from VERSION: OLD declares no version"))
	}
	from, err := semver.NewVersion(res.From)
	if err != nil {
		return errkind.Inputf("version %q of OLD: %w", res.From, err)
	}
	res.Next = compat.Next(from, res.RequiredBump).String()
	return app.Print(res)
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
