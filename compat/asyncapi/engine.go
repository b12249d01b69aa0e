package asyncapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/compat/source"
	"github.com/dsctl/dsctl/internal/errkind"
	"go.yaml.in/yaml/v3"
)

// Engine is the AsyncAPI implementation of compat.Engine. The zero value is ready to use.
type Engine struct{}

var _ compat.Engine = Engine{}

// Kind returns "asyncapi".
func (Engine) Kind() string { return "asyncapi" }

// Detect reports whether data is an AsyncAPI document: a JSON or YAML object
// with a top-level "asyncapi" key.
func (Engine) Detect(data []byte) bool {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '{' {
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		if t, err := dec.Token(); err != nil || t != json.Delim('{') {
			return false
		}
		for dec.More() {
			t, err := dec.Token()
			if err != nil {
				return false
			}
			if k, ok := t.(string); ok && k == "asyncapi" {
				return true
			}
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return false
			}
		}
		return false
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "asyncapi:") || strings.HasPrefix(line, `"asyncapi":`) || strings.HasPrefix(line, `'asyncapi':`) {
			return true
		}
	}
	return false
}

// Diff compares two AsyncAPI documents; see the package Diff.
func (Engine) Diff(ctx context.Context, old, new compat.Source, opts compat.Options) ([]compat.Change, error) {
	return Diff(ctx, old, new, opts)
}

// Version returns info.version of the document.
func (Engine) Version(src compat.Source) (string, error) {
	data, err := source.ReadDocument(src)
	if err != nil {
		return "", err
	}
	var doc struct {
		Info struct {
			Version any `json:"version" yaml:"version"`
		} `json:"info" yaml:"info"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		if serr := source.SyntaxError(src.DisplayPath(src.Path), data); serr != nil {
			return "", serr
		}
		return "", errkind.InputAt(src.DisplayPath(src.Path), 0, 0, fmt.Errorf("read info.version: %w", err))
	}
	switch v := doc.Info.Version.(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	default:
		return fmt.Sprint(v), nil
	}
}

// Validate reads and validates an AsyncAPI document (and every file its
// $refs reach for channels, operations and messages): it returns an input
// error at the file:line of the first problem, or nil.
func Validate(src compat.Source) error {
	_, err := loadModel(src)
	return err
}
