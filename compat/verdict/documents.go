package verdict

import (
	"context"

	"github.com/dsctl/dsctl/compat"
)

// Documents compares single documents with one engine: the Comparer of
// compat check and compat bump on files, standard input and git:REF:PATH.
type Documents struct {
	Engine compat.Engine
	// AllowRemoteRefs lets documents $ref http(s) URLs.
	AllowRemoteRefs bool
	// SpecWarning receives an OpenAPI document's validation problems
	// (warnings); nil makes them errors (see compat.Options).
	SpecWarning func(error)
	// DefaultDraft is the JSON Schema draft of schemas without $schema
	// (see compat.Options).
	DefaultDraft string
}

// dialecter is an engine that names the draft a document is read as.
type dialecter interface {
	Dialect(compat.Source, compat.Options) (string, error)
}

// Name is the document's name as the user gave it.
func (Documents) Name(s compat.Source) string { return s.DisplayPath(s.Path) }

// Version is the version the document declares.
func (d Documents) Version(s compat.Source) (string, error) { return d.Engine.Version(s) }

// Defaults: an AsyncAPI document is judged per message in the direction it
// flows (compat.Flow); other documents ask for no mode of their own. None
// asks for a policy.
func (d Documents) Defaults(compat.Source) (compat.Mode, compat.Policy) {
	if d.Engine.Kind() == "asyncapi" {
		return compat.Flow, ""
	}
	return "", ""
}

// Compare diffs the two documents with the engine.
func (d Documents) Compare(ctx context.Context, old, new compat.Source, mode compat.Mode, policy compat.Policy) (Comparison, error) {
	opts := EngineOptions(mode, policy, d.AllowRemoteRefs)
	opts.SpecWarning = d.SpecWarning
	opts.DefaultDraft = d.DefaultDraft
	changes, err := d.Engine.Diff(ctx, old, new, opts)
	if err != nil {
		return Comparison{}, err
	}
	r := compat.Report{
		Kind: d.Engine.Kind(), Mode: mode, Policy: policy,
		Old: d.Name(old), New: d.Name(new), Changes: changes,
	}
	if de, ok := d.Engine.(dialecter); ok {
		r.Dialects = &compat.Dialects{}
		if r.Dialects.Old, err = de.Dialect(old, opts); err != nil {
			return Comparison{}, err
		}
		if r.Dialects.New, err = de.Dialect(new, opts); err != nil {
			return Comparison{}, err
		}
	}
	return Comparison{Reports: []compat.Report{r}}, nil
}

// EngineOptions are the options an engine judges a check's mode in: the
// mode's base (an engine compares two versions; the history is Decide's), and
// backward for mode none, which reports what backward would and never fails.
func EngineOptions(mode compat.Mode, policy compat.Policy, allowRemoteRefs bool) compat.Options {
	m := mode.Base()
	if m == compat.NoneMode || m == "" {
		m = compat.Backward
	}
	return compat.Options{Mode: m, Policy: policy, AllowRemoteRefs: allowRemoteRefs}
}
