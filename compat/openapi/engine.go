package openapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"strings"

	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/internal/errkind"
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
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(trimmed) > 0 && trimmed[0] == '{' {
		return detectJSON(trimmed)
	}
	return detectYAML(data)
}

func detectJSON(data []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return false
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return false
		}
		if k, ok := t.(string); ok && (k == "openapi" || k == "swagger") {
			return true
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return false
		}
	}
	return false
}

func detectYAML(data []byte) bool {
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "openapi:") || strings.HasPrefix(line, "swagger:") ||
			strings.HasPrefix(line, `"openapi":`) || strings.HasPrefix(line, `"swagger":`) {
			return true
		}
	}
	return false
}

// Version returns info.version of the document.
func (Engine) Version(src compat.Source) (string, error) {
	data, err := fs.ReadFile(src.FS, src.Path)
	if err != nil {
		return "", errkind.InputAt(src.DisplayPath(src.Path), 0, 0, fmt.Errorf("read: %w", err))
	}
	var doc struct {
		Info struct {
			Version any `json:"version" yaml:"version"`
		} `json:"info" yaml:"info"`
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(trimmed) > 0 && trimmed[0] == '{' {
		err = json.Unmarshal(trimmed, &doc)
	} else {
		err = yaml.Unmarshal(data, &doc)
	}
	if err != nil {
		return "", inputError(src, src.Path, fmt.Errorf("read info.version: %w", err))
	}
	if doc.Info.Version == nil {
		return "", nil
	}
	return fmt.Sprint(doc.Info.Version), nil
}

// Diff loads both documents, diffs them with oasdiff, runs every oasdiff rule
// at INFO level and returns the changes, each reported once where it is made
// with the operations it affects. API compatibility is judged from the
// client's side: every mode is checked as backward.
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
	// findings is how many findings oasdiff reported before grouping.
	findings int
}

func (e Engine) run(ctx context.Context, old, new compat.Source, opts compat.Options) (*result, error) {
	s1, err := loadSpec(ctx, old, opts)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("compare %s: %w", new.Name, err)
	}
	s2, err := loadSpec(ctx, new, opts)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("compare %s: %w", new.Name, err)
	}
	return compare(ctx, old, new, s1, s2)
}

// checkConfig runs every oasdiff rule and switches off its versioning policy.
func checkConfig() *checker.Config {
	levels := map[string]checker.Level{}
	for _, id := range switchedOff {
		levels[id] = checker.NONE
	}
	return checker.NewConfig(checker.GetAllChecks(), checker.WithSeverityLevels(levels))
}

func compare(ctx context.Context, old, new compat.Source, s1, s2 *openapi3.T) (*result, error) {
	base := &load.SpecInfo{Url: old.Path, Spec: s1, Version: s1.Info.Version}
	rev := &load.SpecInfo{Url: new.Path, Spec: s2, Version: s2.Info.Version}
	d, sources, err := diff.GetWithOperationsSourcesMap(diff.NewConfig(), base, rev)
	if err != nil {
		return nil, errkind.Inputf("diff %s and %s: %w", old.Name, new.Name, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("compare %s: %w", new.Name, err)
	}
	findings := checker.CheckBackwardCompatibilityUntilLevel(checkConfig(), d, sources, checker.INFO)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("compare %s: %w", new.Name, err)
	}
	changes := group(findings, old, new, newPointerIndex(s1, old), newPointerIndex(s2, new))
	changes = append(changes, documentationChanges(d, findings, old, new)...)
	compat.SortChanges(changes)
	return &result{changes: changes, findings: len(findings)}, nil
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
