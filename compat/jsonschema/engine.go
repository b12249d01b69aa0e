package jsonschema

import (
	"context"
	"io/fs"

	"github.com/dsctl/dsctl/compat"
)

// Engine is the JSON Schema implementation of compat.Engine. The zero value is ready to use.
type Engine struct{}

var _ compat.Engine = Engine{}

// Kind returns "jsonschema".
func (Engine) Kind() string { return "jsonschema" }

// Detect reports whether data is a JSON Schema: a JSON or YAML object with
// "$schema" or a schema keyword (type, properties, $defs, definitions, oneOf,
// anyOf, allOf, $ref, enum, const, items) and no "openapi" or "swagger" key.
func (Engine) Detect(data []byte) bool { return detect(data) }

// Diff compares two schema files and returns every change from old to new,
// judged in opts.Mode and opts.Policy. A file that cannot be read, parsed or
// compiled is an errkind input error naming the file (and line:column when known).
func (Engine) Diff(ctx context.Context, old, new compat.Source, opts compat.Options) ([]compat.Change, error) {
	return Diff(ctx, old, new, opts)
}

// Version returns the root "x-version" string of the schema, or "" when it has none.
func (Engine) Version(src compat.Source) (string, error) { return version(src) }

// DiffFS compares the schema at oldPath in oldFS with the one at newPath in
// newFS; relative $refs resolve within each file system. Locations name files
// by their path within the file system.
func DiffFS(ctx context.Context, oldFS fs.FS, oldPath string, newFS fs.FS, newPath string, opts compat.Options) ([]compat.Change, error) {
	return Diff(ctx, compat.Source{Name: oldPath, FS: oldFS, Path: oldPath}, compat.Source{Name: newPath, FS: newFS, Path: newPath}, opts)
}

// Compiled is a schema loaded and compiled once, to be diffed against several
// others (transitive modes, publish gating against every earlier version)
// without compiling it again. It is not safe for concurrent use.
type Compiled struct{ s *side }

// Compile loads, validates and compiles a schema source. Errors are as Diff's.
func Compile(ctx context.Context, src compat.Source, opts compat.Options) (*Compiled, error) {
	s, err := loadSide(ctx, src, opts)
	if err != nil {
		return nil, err
	}
	return &Compiled{s: s}, nil
}

// DiffCompiled returns every change from old to new, judged in opts.Mode and
// opts.Policy, like Diff.
func DiffCompiled(old, new *Compiled, opts compat.Options) []compat.Change {
	d := newDiffer(old.s, new.s)
	d.node(old.s.root, new.s.root, cctx{})
	d.definitions()
	return d.result(opts)
}
