package contracts

import (
	"bytes"
	"context"
	"fmt"
	"sort"

	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/internal/fsx"
)

// Change ids for differences between packages that no engine sees.
const (
	ChangeEventAdded   = "event-added"
	ChangeEventRemoved = "event-removed"
	ChangeAPIAdded     = "api-added"
	ChangeAPIRemoved   = "api-removed"
	// ChangeAsyncAPIAdded and ChangeAsyncAPIRemoved: the package gained or
	// lost its AsyncAPI document.
	ChangeAsyncAPIAdded   = "asyncapi-added"
	ChangeAsyncAPIRemoved = "asyncapi-removed"
	// ChangeUnjudged is reported when no engine of the needed kind is available
	// and the files differ: it is judged major, to be safe.
	ChangeUnjudged = "changed-unjudged"
)

// DiffOptions configure DiffPackages.
type DiffOptions struct {
	// Engines compare documents; the first with Kind "jsonschema" judges event
	// schemas, the first with Kind "openapi" APIs and the first with Kind
	// "asyncapi" the AsyncAPI documents.
	Engines []compat.Engine
	// Mode and Policy override the new package's compatibility and policy when
	// set. With neither a Mode nor a compatibility in contract.yaml, the
	// AsyncAPI document is judged per message in its flow direction.
	Mode   compat.Mode
	Policy compat.Policy
}

func engine(engines []compat.Engine, kind string) compat.Engine {
	for _, e := range engines {
		if e != nil && e.Kind() == kind {
			return e
		}
	}
	return nil
}

// DiffPackages compares two versions of a package, one report per event
// (matched by name, Kind "jsonschema"), per API (by name, Kind "openapi") and
// for the AsyncAPI document (Kind "asyncapi"; the events read from it are
// judged there, each in the direction its message flows),
// plus a Kind "contract" report for events and APIs that were added or
// removed. Reports are in a stable order: the contract report, then events,
// then APIs, each sorted by name.
func DiffPackages(ctx context.Context, oldC, newC *Contract, opts DiffOptions) ([]compat.Report, error) {
	mode := opts.Mode
	if mode == "" {
		mode = newC.Mode()
	}
	policy := opts.Policy
	if policy == "" {
		policy = newC.PolicyOrDefault()
	}
	// Flow (an AsyncAPI document judged per message) applies to the AsyncAPI
	// document only; event schemas and APIs are judged in backward.
	asyncMode := mode
	if opts.Mode == "" && newC.Compatibility == "" && newC.AsyncAPI != "" {
		asyncMode = compat.Flow
	}
	if mode == compat.Flow {
		mode = compat.Backward
	}
	copts := compat.Options{Mode: mode.Base(), Policy: policy}
	if mode == compat.NoneMode {
		copts.Mode = compat.Backward
	}
	pkgReport := compat.Report{Kind: "contract", Mode: mode, Policy: policy, Old: label(oldC), New: label(newC)}
	var reports []compat.Report

	// Events.
	names := unionNames(eventNames(oldC), eventNames(newC))
	for _, n := range names {
		oe, inOld := oldC.Event(n)
		ne, inNew := newC.Event(n)
		if (!inOld || oldC.asyncMessages[n]) && (!inNew || newC.asyncMessages[n]) && oldC.AsyncAPI != "" && newC.AsyncAPI != "" {
			continue // the AsyncAPI documents' report has it, judged in its direction
		}
		switch {
		case inOld && !inNew:
			pkgReport.Changes = append(pkgReport.Changes, compat.Change{ID: ChangeEventRemoved, Path: "#/events/" + n, Impact: compat.Major, Breaking: true,
				Message:  fmt.Sprintf("event %s was removed: consumers that handle it lose it", n),
				Location: &compat.Location{File: oldC.File(FileName), Line: oe.Line}})
		case !inOld && inNew:
			pkgReport.Changes = append(pkgReport.Changes, compat.Change{ID: ChangeEventAdded, Path: "#/events/" + n, Impact: compat.Minor,
				Message:  fmt.Sprintf("event %s was added", n),
				Location: &compat.Location{File: newC.File(FileName), Line: ne.Line}})
		default:
			r, err := diffDoc(ctx, engine(opts.Engines, "jsonschema"), "jsonschema", oldC, oe.Schema, newC, ne.Schema, copts)
			if err != nil {
				return nil, err
			}
			r.Mode = mode
			r.Old = label(oldC) + "#" + n
			r.New = label(newC) + "#" + n
			reports = append(reports, r)
		}
	}
	// APIs.
	apis := unionNames(apiNames(oldC), apiNames(newC))
	for _, n := range apis {
		oa, _ := oldC.API(n)
		na, _ := newC.API(n)
		switch {
		case oa != nil && na == nil:
			pkgReport.Changes = append(pkgReport.Changes, compat.Change{ID: ChangeAPIRemoved, Path: "#/apis/" + n, Impact: compat.Major, Breaking: true,
				Message:  fmt.Sprintf("API %s was removed: its clients break", n),
				Location: &compat.Location{File: oldC.File(FileName), Line: oa.Line}})
		case oa == nil && na != nil:
			pkgReport.Changes = append(pkgReport.Changes, compat.Change{ID: ChangeAPIAdded, Path: "#/apis/" + n, Impact: compat.Minor,
				Message:  fmt.Sprintf("API %s was added", n),
				Location: &compat.Location{File: newC.File(FileName), Line: na.Line}})
		default:
			r, err := diffDoc(ctx, engine(opts.Engines, "openapi"), "openapi", oldC, oa.Spec, newC, na.Spec, copts)
			if err != nil {
				return nil, err
			}
			r.Mode = mode
			r.Old = label(oldC) + "#" + n
			r.New = label(newC) + "#" + n
			reports = append(reports, r)
		}
	}
	// The AsyncAPI documents.
	switch {
	case oldC.AsyncAPI != "" && newC.AsyncAPI == "":
		pkgReport.Changes = append(pkgReport.Changes, compat.Change{ID: ChangeAsyncAPIRemoved, Path: "#/asyncapi", Impact: compat.Major, Breaking: true,
			Message:  fmt.Sprintf("the AsyncAPI document %s was removed", oldC.AsyncAPI),
			Location: &compat.Location{File: oldC.File(FileName), Line: oldC.pos["asyncapi"].line}})
	case oldC.AsyncAPI == "" && newC.AsyncAPI != "":
		pkgReport.Changes = append(pkgReport.Changes, compat.Change{ID: ChangeAsyncAPIAdded, Path: "#/asyncapi", Impact: compat.Minor,
			Message:  fmt.Sprintf("the AsyncAPI document %s was added", newC.AsyncAPI),
			Location: &compat.Location{File: newC.File(FileName), Line: newC.pos["asyncapi"].line}})
	case oldC.AsyncAPI != "":
		aopts := copts
		amode := asyncMode
		if amode == compat.Flow {
			aopts.Mode = compat.Flow
		}
		r, err := diffDoc(ctx, engine(opts.Engines, "asyncapi"), "asyncapi", oldC, oldC.AsyncAPI, newC, newC.AsyncAPI, aopts)
		if err != nil {
			return nil, err
		}
		r.Mode = amode
		r.Old = label(oldC) + "#asyncapi"
		r.New = label(newC) + "#asyncapi"
		reports = append(reports, r)
	}
	out := append([]compat.Report{pkgReport}, reports...)
	for i := range out {
		compat.SortChanges(out[i].Changes)
		out[i].RequiredBump = compat.RequiredBump(out[i].Changes)
	}
	return out, nil
}

func label(c *Contract) string { return c.Name + "@" + c.Version }

func diffDoc(ctx context.Context, e compat.Engine, kind string, oldC *Contract, oldPath string, newC *Contract, newPath string, opts compat.Options) (compat.Report, error) {
	r := compat.Report{Kind: kind, Mode: opts.Mode, Policy: opts.Policy}
	if e == nil {
		a, errA := fsx.ReadLimited(oldC.FS, oldPath, MaxFileSize)
		b, errB := fsx.ReadLimited(newC.FS, newPath, MaxFileSize)
		if errA != nil || errB != nil || !bytes.Equal(a, b) {
			r.Changes = []compat.Change{{ID: ChangeUnjudged, Path: "#", Impact: compat.Major, Breaking: true,
				Message:  fmt.Sprintf("%s changed and no %s engine is available to judge it", newPath, kind),
				Location: &compat.Location{File: newC.File(newPath)}}}
		}
		return r, nil
	}
	oldSrc := compat.Source{Name: oldC.File(oldPath), FS: oldC.FS, Path: oldPath, Display: oldC.File}
	newSrc := compat.Source{Name: newC.File(newPath), FS: newC.FS, Path: newPath, Display: newC.File}
	changes, err := e.Diff(ctx, oldSrc, newSrc, opts)
	if err != nil {
		return r, fmt.Errorf("compare %s with %s: %w", oldSrc.Name, newSrc.Name, err)
	}
	r.Changes = changes
	return r, nil
}

func eventNames(c *Contract) []string {
	var ns []string
	for _, e := range c.Events {
		ns = append(ns, e.Name)
	}
	return ns
}

func apiNames(c *Contract) []string {
	var ns []string
	for _, a := range c.APIs {
		ns = append(ns, a.Name)
	}
	return ns
}

func unionNames(a, b []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range append(append([]string{}, a...), b...) {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}
