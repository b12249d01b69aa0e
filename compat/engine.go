package compat

import (
	"context"
	"io/fs"
)

// Source is one side of a comparison: a file in a file system that its
// relative $refs resolve in. The file system is a folder on disk, a git tree
// at a ref (git:REF:PATH) or a single in-memory file (stdin).
type Source struct {
	// Name is the source as the user gave it ("git:HEAD~1:examples/orders/openapi.yaml",
	// "-", "examples/orders/openapi.yaml"); reports and locations use it.
	Name string
	// FS is the file system Path and its relative references resolve in.
	FS fs.FS
	// Path is the slash-separated path of the file within FS.
	Path string
	// Display maps a path within FS to the name printed in locations; nil means Path as it is.
	Display func(path string) string
}

// DisplayPath returns how a file of this source is named in reports.
func (s Source) DisplayPath(p string) string {
	if s.Display != nil {
		return s.Display(p)
	}
	return p
}

// Options are the settings of one check.
type Options struct {
	Mode   Mode
	Policy Policy
	// AllowRemoteRefs lets schemas $ref http(s) URLs; refused otherwise.
	AllowRemoteRefs bool
	// DefaultDraft is the JSON Schema draft a schema without "$schema" is
	// read as ("7", "2020-12"…; see jsonschema.ParseDraft); "" is the
	// engine's default.
	DefaultDraft string
	// SpecWarning, when set, receives each problem found by validating a
	// document that loaded (an input error naming file:line:column), and
	// the comparison goes on with what loaded; when nil such a problem is
	// an input error (--strict-spec). Documents that do not parse or whose
	// $refs do not resolve are errors either way.
	SpecWarning func(error)
}

// Engine compares two versions of one kind of contract document.
type Engine interface {
	// Kind names the engine: "jsonschema", "openapi".
	Kind() string
	// Detect reports whether a document (its first bytes, JSON or YAML) is of this kind.
	Detect(data []byte) bool
	// Diff returns every change from old to new, judged in opts.Mode and opts.Policy.
	// Input errors (unreadable, invalid, not compiling) are errkind.Input errors naming the file.
	Diff(ctx context.Context, old, new Source, opts Options) ([]Change, error)
	// Version returns the version a document declares (OpenAPI info.version), or "".
	Version(src Source) (string, error)
}
