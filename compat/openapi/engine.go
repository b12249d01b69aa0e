package openapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"time"

	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/compat/source"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/fsx"
	"github.com/dsctl/dsctl/internal/oaspos"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oasdiff/oasdiff/checker"
	"github.com/oasdiff/oasdiff/diff"
	"github.com/oasdiff/oasdiff/load"
	"go.yaml.in/yaml/v3"
)

// Engine is the OpenAPI compatibility engine. The zero value is ready to use.
type Engine struct{}

var _ compat.Engine = Engine{}

// Kind returns "openapi".
func (Engine) Kind() string { return "openapi" }

// Detect reports whether data (the first bytes of a document) is an OpenAPI or
// Swagger document: a JSON object or YAML mapping with a top-level "openapi"
// or "swagger" key.
func (Engine) Detect(data []byte) bool {
	return topLevelKind(data) != ""
}

// topLevelKind returns "openapi" or "swagger", whichever of the two keys the
// document's top level has first, or "".
func topLevelKind(data []byte) string {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(trimmed) > 0 && trimmed[0] == '{' {
		return detectJSON(trimmed)
	}
	return detectYAML(data)
}

func detectJSON(data []byte) string {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return ""
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return ""
		}
		if k, ok := t.(string); ok && (k == "openapi" || k == "swagger") {
			return k
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return ""
		}
	}
	return ""
}

func detectYAML(data []byte) string {
	for line := range bytes.Lines(data) {
		for _, k := range []string{"openapi", "swagger"} {
			if hasKeyPrefix(line, k) {
				return k
			}
		}
	}
	return ""
}

// hasKeyPrefix reports whether line starts with key as a mapping key (plain,
// double- or single-quoted).
func hasKeyPrefix(line []byte, key string) bool {
	for _, q := range [...]string{"", `"`, `'`} {
		if rest, ok := bytes.CutPrefix(line, []byte(q+key+q)); ok && len(rest) > 0 && rest[0] == ':' {
			return true
		}
	}
	return false
}

// Version returns info.version of the document.
func (Engine) Version(src compat.Source) (string, error) {
	data, err := fsx.ReadLimited(src.FS, src.Path, source.MaxDocument)
	if err != nil {
		return "", errkind.InputAt(src.DisplayPath(src.Path), 0, 0, fmt.Errorf("read: %w", err))
	}
	var doc struct {
		Info struct {
			Version any `json:"version" yaml:"version"`
		} `json:"info" yaml:"info"`
	}
	if v, ok := rememberedVersion(data); ok {
		// The document was just loaded: no second parse (see version.go).
		return v, nil
	}
	fullVersionParses.Add(1)
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(trimmed) > 0 && trimmed[0] == '{' {
		err = json.Unmarshal(trimmed, &doc)
	}
	if len(trimmed) == 0 || trimmed[0] != '{' || err != nil {
		// Not JSON, or JSON only in YAML's flow syntax (`"x": }` reads as
		// null), which the load accepts too.
		if yerr := yaml.Unmarshal(data, &doc); yerr == nil || err == nil {
			err = yerr
		}
	}
	if err != nil {
		line, col := oaspos.LoadError(data, err)
		return "", errkind.InputAt(src.DisplayPath(src.Path), line, col, fmt.Errorf("read info.version: %w", err))
	}
	return versionString(doc.Info.Version), nil
}

// Diff loads both documents, diffs them with oasdiff, runs every oasdiff rule
// at INFO level and returns the changes, each reported once where it is made
// with the operations it affects. opts.Mode (its base; none is the caller's
// business) says which way: backward (the NEW server serves OLD clients: oasdiff
// with OLD as base), forward (the OLD server serves clients built from NEW:
// oasdiff with NEW as base) or full (both, each change once with the
// directions it breaks in Change.Breaks); see modes.go.
func (e Engine) Diff(ctx context.Context, old, new compat.Source, opts compat.Options) ([]compat.Change, error) {
	res, err := e.run(ctx, old, new, opts)
	if err != nil {
		return nil, err
	}
	return res.changes, nil
}

// result is one run, with the figures the benchmark and tests look at.
type result struct {
	changes []compat.Change
	// findings is how many findings oasdiff reports before grouping (with the
	// findings of shared response schemas counted once per operation).
	findings int
	// checked is how many findings the checker produced (each shared
	// response schema checked once).
	checked int
	dedupe  dedupeResult
	// stages holds the wall time of each stage, for the benchmark.
	stages []stage
}

// stage is the wall time of one step of a run.
type stage struct {
	name string
	dur  time.Duration
}

func (e Engine) run(ctx context.Context, old, new compat.Source, opts compat.Options) (*result, error) {
	start := time.Now()
	// Load both sides at once: a single-file document decodes without
	// kin-openapi's package lock (fastload.go), so the two use both cores;
	// others decode one at a time under that lock, and only their YAML
	// parse, $ref resolution and validation overlap.
	var s1 *openapi3.T
	var w1 []error
	var err1 error
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			if p := recover(); p != nil {
				err1 = fmt.Errorf("load %s: %v", old.Name, p)
			}
		}()
		s1, w1, err1 = loadSpec(ctx, old, opts)
	}()
	s2, w2, err := loadSpec(ctx, new, opts)
	<-done
	if err1 != nil {
		return nil, err1
	}
	if err != nil {
		return nil, err
	}
	// Warnings after both loads, OLD's first, each once (the same document
	// on both sides warns once).
	seen := map[string]bool{}
	for _, w := range append(w1, w2...) {
		if !seen[w.Error()] {
			seen[w.Error()] = true
			opts.SpecWarning(w)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("compare %s: %w", new.Name, err)
	}
	loaded := time.Since(start)
	// The loads' node trees are garbage now, but the collector last measured
	// the heap with them live, mid-load, and would let the diff grow the
	// heap to twice that before collecting. One collection here lowers the
	// peak (Box's pair: 113 -> 106 MB; docs/bench-openapi.md).
	runtime.GC()
	res, err := compareWarned(ctx, opts.Mode.Base(), old, new, s1, s2, len(w1)+len(w2) > 0)
	if err != nil {
		return nil, err
	}
	res.stages = append([]stage{{"load+validate", loaded}}, res.stages...)
	return res, nil
}

// compareWarned is compareMode; when a document did not validate (warned),
// a panic of oasdiff on it is an input error rather than a crash: the
// document is what is wrong, and --strict-spec would have refused it.
func compareWarned(ctx context.Context, mode compat.Mode, old, new compat.Source, s1, s2 *openapi3.T, warned bool) (res *result, err error) {
	if warned {
		defer func() {
			if p := recover(); p != nil {
				res, err = nil, errkind.Inputf("compare %s with %s: oasdiff cannot compare these documents as they are (%v); fix the problems warned about above", old.Name, new.Name, p)
			}
		}()
	}
	return compareMode(ctx, mode, old, new, s1, s2)
}

// plainCheck makes compare run oasdiff's checker on the whole diff, walking
// shared response schemas once per operation as oasdiff does; tests set it to
// prove that checkDeduped loses nothing.
var plainCheck = false

// checkConfig runs every oasdiff rule and switches off its versioning policy.
func checkConfig() *checker.Config {
	levels := map[string]checker.Level{}
	for _, id := range switchedOff {
		levels[id] = checker.NONE
	}
	return checker.NewConfig(checker.GetAllChecks(), checker.WithSeverityLevels(levels))
}

func compare(ctx context.Context, old, new compat.Source, s1, s2 *openapi3.T) (*result, error) {
	return compareMode(ctx, compat.Backward, old, new, s1, s2)
}

// compareMode runs the checks a mode needs: backward runs oasdiff with OLD as
// base and NEW as revision; forward and full also run it with the two
// swapped, and combine the runs (see combine).
func compareMode(ctx context.Context, mode compat.Mode, old, new compat.Source, s1, s2 *openapi3.T) (*result, error) {
	res, d, sides, err := checkRun(ctx, old, new, s1, s2, false)
	if err != nil {
		return nil, err
	}
	changes := res.changes
	if mode == compat.Forward || mode == compat.Full {
		// The backward run's diff and raw findings are let go before the
		// forward run: on a large API each takes as much memory as the
		// documents (Stripe: full mode peaked at 3.2 GB with them kept).
		docs := documentationChanges(d, changes, old, new)
		d, res.dedupe.findings = nil, nil
		fwd, _, fwdSides, err := checkRun(ctx, old, new, s1, s2, true)
		if err != nil {
			return nil, err
		}
		t0 := time.Now()
		changes = combine(mode, changes, sides, fwd.changes, fwdSides)
		changes = append(changes, uncoveredDocs(docs, changes)...)
		res.findings += fwd.findings
		res.checked += fwd.checked
		for _, st := range fwd.stages {
			res.stages = append(res.stages, stage{st.name + " (forward)", st.dur})
		}
		res.stages = append(res.stages, stage{"combine", time.Since(t0)})
	} else {
		changes = append(changes, documentationChanges(d, changes, old, new)...)
	}
	t0 := time.Now()
	compat.SortChanges(changes)
	res.changes = changes
	res.stages[len(res.stages)-1].dur += time.Since(t0)
	return res, nil
}

// checkRun diffs and checks one direction: OLD to NEW, or with swapped NEW
// to OLD (oasdiff's base is then NEW). It returns the grouped findings
// (without documentation changes), the diff, and each change's side.
func checkRun(ctx context.Context, old, new compat.Source, s1, s2 *openapi3.T, swapped bool) (*result, *diff.Diff, []byte, error) {
	base := &load.SpecInfo{Url: old.Path, Spec: s1, Version: s1.Info.Version}
	rev := &load.SpecInfo{Url: new.Path, Spec: s2, Version: s2.Info.Version}
	if swapped {
		base, rev = rev, base
	}
	t0 := time.Now()
	d, sources, err := diff.GetWithOperationsSourcesMap(diff.NewConfig(), base, rev)
	if err != nil {
		return nil, nil, nil, errkind.Inputf("diff %s and %s: %w", old.Name, new.Name, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, nil, fmt.Errorf("compare %s: %w", new.Name, err)
	}
	t1 := time.Now()
	var dr dedupeResult
	if plainCheck {
		f := checker.CheckBackwardCompatibilityUntilLevel(checkConfig(), d, sources, checker.INFO)
		dr = dedupeResult{findings: f, expanded: len(f)}
	} else if dr, err = checkDeduped(checkConfig(), d, sources, checker.INFO); err != nil {
		return nil, nil, nil, fmt.Errorf("compare %s with %s: %w", old.Name, new.Name, err)
	}
	findings := dr.findings
	t2 := time.Now()
	if err := ctx.Err(); err != nil {
		return nil, nil, nil, fmt.Errorf("compare %s: %w", new.Name, err)
	}
	changes, sides := group(findings, dr.expand, old, new, s1, s2, newPointerIndex(s1, old), newPointerIndex(s2, new), swapped)
	t3 := time.Now()
	return &result{changes: changes, findings: dr.expanded, checked: len(findings), dedupe: dr, stages: []stage{
		{"diff", t1.Sub(t0)}, {"check", t2.Sub(t1)}, {"group", t3.Sub(t2)},
	}}, d, sides, nil
}

// originOf finds a kin-openapi origin in an error chain (validation errors
// carry the element's origin in an Origin field).
func originOf(err error) *openapi3.Origin {
	for err != nil {
		v := reflect.ValueOf(err)
		if v.Kind() == reflect.Pointer && !v.IsNil() && v.Elem().Kind() == reflect.Struct {
			if f := v.Elem().FieldByName("Origin"); f.IsValid() {
				if o, ok := f.Interface().(*openapi3.Origin); ok && o != nil && o.Key != nil {
					return o
				}
			}
		}
		err = errors.Unwrap(err)
	}
	return nil
}
