package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/Masterminds/semver/v3"
	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/compat/asyncapi"
	"github.com/dsctl/dsctl/compat/jsonschema"
	"github.com/dsctl/dsctl/compat/openapi"
	"github.com/dsctl/dsctl/compat/report"
	"github.com/dsctl/dsctl/internal/config"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/spf13/cobra"
)

// defaultEngines returns the engines --kind auto asks, in order: the first
// whose Detect accepts NEW compares the pair. OpenAPI and AsyncAPI come
// first (their documents have an openapi:, swagger: or asyncapi: key; a JSON
// Schema engine would accept any object). newApp puts them in App.engines.
func defaultEngines() []compat.Engine {
	return []compat.Engine{
		openapi.Engine{},
		asyncapi.Engine{},
		jsonschema.Engine{},
	}
}

// compatOptions are the arguments and flags of compat check and compat bump.
type compatOptions struct {
	App *App
	Ctx context.Context
	// Olds are the earlier versions, oldest first; New the new one.
	Olds []string
	New  string
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
	o := compatOptions{App: app, Kind: f.kind, Policy: compat.Strict, From: f.from, To: f.to, AllowRemoteRefs: f.allowRemote, Reg: f.reg,
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

func newCmdCompat(app *App) *cobra.Command {
	cmd := newGroupCmd("compat", "Check compatibility between contract versions and derive the semver bump",
		`compat compares two versions of a contract document (a JSON Schema for an event, an
OpenAPI spec for an API, an AsyncAPI document for a service's messages, or a whole
contract package), names every change with the semver bump it needs, and gates the version you declare.`)
	cmd.Example = `  dsctl compat check git:origin/main:api/openapi.yaml api/openapi.yaml --format github
  dsctl compat check registry:orders@1.4.0 contracts/orders
  dsctl compat bump schemas/v1.json schemas/v2.json --from 1.4.2`
	cmd.AddCommand(newCmdCompatCheck(app, nil), newCmdCompatBump(app, nil), newCmdCompatConsumers(app, nil))
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
