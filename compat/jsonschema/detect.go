package jsonschema

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"

	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/compat/source"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/fsx"
)

// schemaKeys are top-level keys that mark a document as a JSON Schema.
var schemaKeys = []string{"$schema", "type", "properties", "$defs", "definitions", "oneOf", "anyOf", "allOf",
	"$ref", "enum", "const", "items", "prefixItems", "patternProperties", "additionalProperties", "not", "$id"}

// Heuristic patterns for documents that do not parse in full (truncated input).
var (
	reOpenAPI = regexp.MustCompile(`(?m)^\s*"?(openapi|swagger)"?\s*:|[{,]\s*"(openapi|swagger)"\s*:`)
	reSchema  = regexp.MustCompile(`(?m)^"?(\$schema|type|properties|\$defs|definitions|oneOf|anyOf|allOf)"?\s*:|[{,]\s*"(\$schema|type|properties|\$defs|definitions|oneOf|anyOf|allOf)"\s*:`)
)

func detect(data []byte) bool {
	if pd, err := parseDocument(data); err == nil {
		if b, ok := pd.value.(bool); ok {
			_ = b // a boolean schema: true accepts everything, false nothing
			return true
		}
		obj, ok := pd.value.(map[string]any)
		if !ok {
			return false
		}
		if _, ok := obj["openapi"]; ok {
			return false
		}
		if _, ok := obj["swagger"]; ok {
			return false
		}
		for _, k := range schemaKeys {
			if _, ok := obj[k]; ok {
				return true
			}
		}
		return false
	}
	head := bytes.TrimSpace(data)
	if reOpenAPI.Match(head) {
		return false
	}
	return reSchema.Match(head)
}

// VersionKey is the root annotation a schema may carry its version in.
const VersionKey = "x-version"

// readRoot reads and parses the root document of a source.
func readRoot(src compat.Source) (*parsed, error) {
	p := strings.TrimPrefix(path.Clean("/"+src.Path), "/")
	if src.FS == nil || p == "" || !fs.ValidPath(p) {
		return nil, errkind.Inputf("%s: not a file path", src.Name)
	}
	data, err := fsx.ReadLimited(src.FS, p, source.MaxDocument)
	if err != nil {
		return nil, errkind.InputAt(src.DisplayPath(p), 0, 0, fmt.Errorf("read schema: %w", err))
	}
	pd, err := parseDocument(data)
	if err != nil {
		if se, ok := err.(*syntaxError); ok {
			return nil, errkind.InputAt(src.DisplayPath(p), se.line, se.col, fmt.Errorf("parse schema: %s", se.msg))
		}
		return nil, errkind.InputAt(src.DisplayPath(p), 0, 0, fmt.Errorf("parse schema: %w", err))
	}
	return pd, nil
}

func version(src compat.Source) (string, error) {
	pd, err := readRoot(src)
	if err != nil {
		return "", err
	}
	p := strings.TrimPrefix(path.Clean("/"+src.Path), "/")
	obj, _ := pd.value.(map[string]any)
	switch v := obj[VersionKey].(type) {
	case string:
		return v, nil
	case nil:
		return "", nil
	default:
		ps, _ := pd.position("/" + VersionKey)
		return "", errkind.InputAt(src.DisplayPath(p), int(ps.line), int(ps.col), fmt.Errorf("%s must be a string", VersionKey))
	}
}
