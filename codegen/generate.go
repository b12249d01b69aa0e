package codegen

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"go/types"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/textpos"
	"github.com/getkin/kin-openapi/openapi3"
	oapi "github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
)

// Options configures one generation.
type Options struct {
	// Package is the Go package name of the output.
	Package string
	// SpecName names the spec in the header: a slash-separated path relative
	// to the config, or a contract reference.
	SpecName string
	// Tool names the command in the header ("dsctl gen dtos").
	Tool string
	// Selection picks the schemas; empty means all.
	Selection Selection
	// Rename maps a schema name to the Go type name to use (like x-go-name).
	Rename map[string]string
	// WholeSpecDigest puts the digest of every spec file read in the header
	// (gen events: the event names and ids come from the files too) instead
	// of the digest of the service's closure.
	WholeSpecDigest bool
	// AllowImports are import paths the spec may add to the generated code
	// (x-go-type-import) beyond the generator's own; see checkImports.
	AllowImports []string
}

// Result is one generated file.
type Result struct {
	// Code is the gofmt'd, type-checked Go source.
	Code []byte
	// Kept lists the component schemas in the output; Total counts the spec's.
	Kept  []string
	Total int
	// Digest is the one in the header: of the closure (see closureDigest).
	Digest string
	// Warnings name the schemas generated as json.RawMessage because
	// oapi-codegen cannot generate them, with the spec's line.
	Warnings []string
}

// genMu serialises calls into oapi-codegen, which keeps its options, spec
// and name normaliser in package-level variables.
var genMu sync.Mutex

// stdlibTypes maps the string formats that oapi-codegen would type with
// github.com/oapi-codegen/runtime to plain strings, so the DTOs need nothing
// but the standard library.
var stdlibTypes = oapi.TypeMapping{
	String: oapi.FormatMapping{Formats: map[string]oapi.SimpleTypeSpec{
		"email":    {Type: "string"},
		"date":     {Type: "string"},
		"duration": {Type: "string"},
		"uuid":     {Type: "string"},
		"binary":   {Type: "string"},
	}},
}

// Generate renders Go types for the schemas that opts.Selection reaches in spec.
func Generate(spec *Spec, opts Options) (*Result, error) {
	if !token.IsIdentifier(opts.Package) {
		return nil, errkind.Inputf("package name %q is not a Go identifier", opts.Package)
	}
	names, err := Closure(spec, opts.Selection)
	if err != nil {
		return nil, err
	}
	all := spec.SchemaNames()
	for _, from := range slices.Sorted(maps.Keys(opts.Rename)) {
		if !slices.Contains(all, from) {
			return nil, errkind.Inputf("rename: schema %q not found in %s", from, opts.SpecName)
		}
		if to := opts.Rename[from]; !token.IsIdentifier(to) {
			return nil, errkind.Inputf("rename: %s=%s: %q is not a Go identifier", from, to, to)
		}
	}
	total := len(all)
	// Clashes between Go names are resolved by renaming schemas (see
	// clashRenames) and generating again, a few rounds at most.
	rename := maps.Clone(opts.Rename)
	if rename == nil {
		rename = map[string]string{}
	}
	var (
		src     []byte
		digest  string
		goNames map[string]string
		// fallback holds the schemas oapi-codegen cannot generate, with why.
		fallback = map[string]string{}
	)
	for round := 0; ; round++ {
		var pruned *openapi3.T
		if spec.raw != nil {
			pruned, err = rawPrunedDoc(spec.Path, spec.raw, names, rename)
			if err != nil {
				return nil, err
			}
		} else {
			pruned = prunedDoc(spec.Doc, names, rename)
		}
		if round == 0 {
			if err := checkResolved(spec, pruned); err != nil {
				return nil, err
			}
		}
		for _, name := range sortedKeys(fallback) {
			pruned.Components.Schemas[name] = rawFallback(name, fallback[name], pruned.Components.Schemas[name])
		}
		digest = spec.Digest
		if !opts.WholeSpecDigest {
			if digest, err = closureDigest(pruned); err != nil {
				return nil, err
			}
		}
		var code string
		code, goNames, err = render(pruned, opts.Package)
		var clashes []string
		if err != nil {
			if name, why, ok := failedSchema(err, pruned); ok && len(fallback) < maxFallbacks && fallback[name] == "" {
				// oapi-codegen cannot generate one schema: that schema
				// becomes raw JSON, the rest is generated as usual.
				fallback[name] = why
				round--
				continue
			}
			if clashes = clashIdents(err.Error()); clashes == nil {
				return nil, clashError(spec, opts, code, goNames, err)
			}
			// oapi-codegen stops at its first duplicate type name: the
			// others between schemas are known from the names alone.
			seen := map[string]bool{}
			for _, sc := range sortedKeys(goNames) {
				if g := goNames[sc]; seen[g] && !slices.Contains(clashes, g) {
					clashes = append(clashes, g)
				}
				seen[goNames[sc]] = true
			}
			sort.Strings(clashes)
		} else {
			if src, err = finish(code, opts, digest); err != nil {
				return nil, err
			}
			code = string(src)
			clashes = declaredTwice(src)
		}
		if len(clashes) == 0 {
			if err := checkImports(spec, src, opts.AllowImports); err != nil {
				return nil, err
			}
			err := typeCheck(src, opts.Package)
			if err == nil {
				break
			}
			if name, ok := uncompiledSchema(err, src, goNames); ok && len(fallback) < maxFallbacks && fallback[name] == "" {
				// oapi-codegen wrote code for one schema that does not
				// compile: that schema becomes raw JSON.
				fallback[name] = "its generated code does not compile"
				round--
				continue
			}
			return nil, clashError(spec, opts, string(src), goNames, err)
		}
		more := clashRenames(code, goNames, clashes, opts.Rename)
		if len(more) == 0 || round == maxClashRounds {
			return nil, clashError(spec, opts, code, goNames, fmt.Errorf("generated code does not compile: %s", strings.Join(redeclared(clashes), "; ")))
		}
		// Renaming the schemas that can be renamed may leave others: they are
		// reported after the next round, together.
		maps.Copy(rename, more)
	}
	var warnings []string
	for _, name := range sortedKeys(fallback) {
		where := spec.Path
		if l := spec.SchemaLine(name); l > 0 {
			where = fmt.Sprintf("%s:%d", spec.Path, l)
		}
		warnings = append(warnings, fmt.Sprintf("%s: schema %q is generated as json.RawMessage: oapi-codegen cannot generate it (%s)", where, name, fallback[name]))
	}
	return &Result{Code: src, Kept: names, Total: total, Digest: digest, Warnings: warnings}, nil
}

// typeErrLineRE finds the line of the first type error in the generated file.
var typeErrLineRE = regexp.MustCompile(`\.gen\.go:(\d+):\d+: `)

// uncompiledSchema returns the component schema whose generated code holds
// the first type error: the schema of the type declared there, or of the
// receiver of the method there.
func uncompiledSchema(err error, src []byte, goNames map[string]string) (string, bool) {
	if redeclaredRE.MatchString(err.Error()) {
		return "", false
	}
	m := typeErrLineRE.FindStringSubmatch(err.Error())
	if m == nil {
		return "", false
	}
	line, _ := strconv.Atoi(m[1])
	fset := token.NewFileSet()
	f, perr := parser.ParseFile(fset, "gen.go", src, parser.SkipObjectResolution)
	if perr != nil {
		return "", false
	}
	byGo := map[string]string{}
	for _, sc := range sortedKeys(goNames) {
		if _, ok := byGo[goNames[sc]]; !ok {
			byGo[goNames[sc]] = sc
		}
	}
	for _, d := range f.Decls {
		if fset.Position(d.Pos()).Line > line || fset.Position(d.End()).Line < line {
			continue
		}
		typ := ""
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv != nil && len(d.Recv.List) > 0 {
				t := d.Recv.List[0].Type
				if st, ok := t.(*ast.StarExpr); ok {
					t = st.X
				}
				if id, ok := t.(*ast.Ident); ok {
					typ = id.Name
				}
			}
		case *ast.GenDecl:
			for _, sp := range d.Specs {
				if ts, ok := sp.(*ast.TypeSpec); ok {
					typ = ts.Name.Name
				}
			}
		}
		if sc := owningSchema(typ, byGo); typ != "" && sc != "" {
			return sc, true
		}
	}
	return "", false
}

// maxFallbacks bounds how many schemas may fall back to raw JSON in one
// generation (each costs a run of oapi-codegen).
const maxFallbacks = 256

// failedSchemaRE finds the component schema oapi-codegen gave up on.
var failedSchemaRE = regexp.MustCompile(`error converting Schema (\S+) to Go type: (.*)`)

// failedSchema returns the kept component schema an oapi-codegen error is
// about and the innermost reason.
func failedSchema(err error, pruned *openapi3.T) (name, why string, ok bool) {
	m := failedSchemaRE.FindStringSubmatch(err.Error())
	if m == nil || pruned.Components.Schemas[m[1]] == nil {
		return "", "", false
	}
	why = m[2]
	if i := strings.LastIndex(why, ": "); i >= 0 {
		why = why[i+2:]
	}
	return m[1], why, true
}

// rawFallback is the schema generated in place of one oapi-codegen cannot
// generate: json.RawMessage (any JSON value, kept as it came), with a doc
// comment that says why. Its Go name is kept.
func rawFallback(name, why string, orig *openapi3.SchemaRef) *openapi3.SchemaRef {
	ext := map[string]any{"x-go-type": "json.RawMessage"}
	if orig != nil && orig.Value != nil {
		if g, ok := orig.Value.Extensions["x-go-name"]; ok {
			ext["x-go-name"] = g
		}
	}
	return &openapi3.SchemaRef{Value: &openapi3.Schema{
		Description: fmt.Sprintf("dsctl: schema %s is kept as raw JSON: oapi-codegen cannot generate it (%s).", name, why),
		Extensions:  ext,
	}}
}

// closureDigest is the digest in a service's header: sha256 of the OpenAPI
// version and the kept component schemas (renames applied) as canonical JSON,
// the form kin-openapi marshals them in (sorted keys, $refs internalised).
// It covers exactly what the output depends on: an edit to a schema, an
// operation or a description the service does not reach leaves it (and the
// file) unchanged, and the same document in JSON or YAML gives the same one.
func closureDigest(pruned *openapi3.T) (string, error) {
	data, err := json.Marshal(struct {
		OpenAPI string           `json:"openapi"`
		Schemas openapi3.Schemas `json:"schemas"`
	}{pruned.OpenAPI, pruned.Components.Schemas})
	if err != nil {
		return "", fmt.Errorf("digest the kept schemas: %w", err)
	}
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:]), nil
}

// prunedDoc is a spec with only the named component schemas and no paths.
func prunedDoc(doc *openapi3.T, names []string, rename map[string]string) *openapi3.T {
	out := &openapi3.T{
		OpenAPI:    doc.OpenAPI,
		Info:       doc.Info,
		Paths:      openapi3.NewPaths(),
		Components: &openapi3.Components{Schemas: make(openapi3.Schemas, len(names))},
	}
	if out.Info == nil {
		out.Info = &openapi3.Info{Title: "dsctl", Version: "0"}
	}
	for _, n := range names {
		ref := doc.Components.Schemas[n]
		if to, ok := rename[n]; ok && ref.Value != nil {
			// Copy the schema so the shared document stays untouched.
			v := *ref.Value
			ext := make(map[string]any, len(v.Extensions)+1)
			for k, x := range v.Extensions {
				ext[k] = x
			}
			ext["x-go-name"] = to
			v.Extensions = ext
			ref = &openapi3.SchemaRef{Ref: ref.Ref, Value: &v}
		}
		out.Components.Schemas[n] = ref
	}
	return out
}

// checkResolved refuses a kept schema that is a $ref chain reaching no
// schema (A: $ref B, B: $ref A), which oapi-codegen cannot handle.
func checkResolved(spec *Spec, doc *openapi3.T) error {
	for _, name := range sortedKeys(doc.Components.Schemas) {
		if ref := doc.Components.Schemas[name]; ref == nil || ref.Value == nil {
			return errkind.InputAt(spec.Path, spec.SchemaLine(name), 0,
				fmt.Errorf("schema %q is a $ref that never reaches a schema (a cycle of references?)", name))
		}
	}
	return nil
}

// render calls oapi-codegen (models only, no pruning, prefixed enum values,
// no formatting: finish does that) and returns the raw code and the Go type
// name of each schema.
func render(doc *openapi3.T, pkg string) (code string, goNames map[string]string, err error) {
	genMu.Lock()
	defer genMu.Unlock()
	defer func() {
		// oapi-codegen panics on some malformed specs; that is bad input,
		// not a crash of dsctl.
		if r := recover(); r != nil {
			err = errkind.Inputf("oapi-codegen cannot generate this spec: %v", r)
		}
	}()
	cfg := oapi.Configuration{
		PackageName:   pkg,
		Generate:      oapi.GenerateOptions{Models: true},
		Compatibility: oapi.CompatibilityOptions{AlwaysPrefixEnumValues: true},
		OutputOptions: oapi.OutputOptions{
			SkipPrune:   true,
			SkipFmt:     true,
			TypeMapping: &stdlibTypes,
		},
		AllowRemoteRefsFrom: []string{},
	}
	noVersion := "dsctl"
	cfg.NoVCSVersionOverride = &noVersion
	code, err = oapi.Generate(doc, cfg)
	goNames = map[string]string{}
	for name, ref := range doc.Components.Schemas {
		goNames[name] = oapi.SchemaNameToTypeName(name)
		if ref.Value != nil {
			if x, ok := ref.Value.Extensions["x-go-name"].(string); ok {
				goNames[name] = x
			}
		}
	}
	if err != nil {
		return "", goNames, fmt.Errorf("oapi-codegen: %w", err)
	}
	return code, goNames, nil
}

const jsonMergeHelper = `
// dsctlJSONMerge merges the JSON object patch into data (objects merge key by
// key, anything else is replaced), as oapi-codegen's runtime.JSONMerge does,
// so the DTOs need only the standard library.
func dsctlJSONMerge(data, patch json.RawMessage) (json.RawMessage, error) {
	var a, b any
	if len(data) == 0 {
		data = []byte("{}")
	}
	if len(patch) == 0 {
		patch = []byte("{}")
	}
	if err := json.Unmarshal(data, &a); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(patch, &b); err != nil {
		return nil, err
	}
	return json.Marshal(dsctlMergeValue(a, b))
}

func dsctlMergeValue(a, b any) any {
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if !aok || !bok {
		return b
	}
	for k, v := range bm {
		if old, ok := am[k]; ok {
			am[k] = dsctlMergeValue(old, v)
		} else {
			am[k] = v
		}
	}
	return am
}
`

// Header returns the first line of a generated file.
func Header(tool, specName, digest string) string {
	return fmt.Sprintf("// Code generated by %s from %s (%s). DO NOT EDIT.", tool, specName, digest)
}

// finish replaces oapi-codegen's header with dsctl's, swaps the runtime
// helper for a local one, drops unused imports and gofmts the file.
func finish(code string, opts Options, digest string) ([]byte, error) {
	if strings.Contains(code, "runtime.JSONMerge(") {
		code = strings.ReplaceAll(code, "runtime.JSONMerge(", "dsctlJSONMerge(") + jsonMergeHelper
	}
	i := strings.Index(code, "\npackage ")
	if i < 0 {
		return nil, errors.New("oapi-codegen output has no package clause")
	}
	tool := opts.Tool
	if tool == "" {
		tool = "dsctl gen dtos"
	}
	var b strings.Builder
	b.WriteString(Header(tool, opts.SpecName, digest))
	b.WriteString("\n\n")
	fmt.Fprintf(&b, "// Package %s holds DTOs generated from %s.\n", opts.Package, opts.SpecName)
	b.WriteString(code[i+1:])
	src, err := dropUnusedImports(b.String())
	if err != nil {
		return nil, err
	}
	out, err := format.Source([]byte(src))
	if err != nil {
		return nil, fmt.Errorf("format generated code: %w", err)
	}
	return out, nil
}

// dropUnusedImports deletes the import lines whose package the code never
// names (oapi-codegen's template imports everything it might need).
func dropUnusedImports(src string) (string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "gen.go", src, parser.SkipObjectResolution)
	if err != nil {
		return "", fmt.Errorf("parse generated code: %w", err)
	}
	used := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok {
				used[id.Name] = true
			}
		}
		return true
	})
	drop := map[int]bool{}
	for _, imp := range f.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		name := importName(path)
		if imp.Name != nil {
			name = imp.Name.Name
		}
		if name != "_" && !used[name] {
			drop[fset.Position(imp.Pos()).Line] = true
		}
	}
	// An import block left empty goes too.
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.IMPORT {
			continue
		}
		empty := true
		for _, sp := range gd.Specs {
			if !drop[fset.Position(sp.Pos()).Line] {
				empty = false
			}
		}
		if empty {
			for l := fset.Position(gd.Pos()).Line; l <= fset.Position(gd.End()).Line; l++ {
				drop[l] = true
			}
		}
	}
	if len(drop) == 0 {
		return src, nil
	}
	lines := strings.SplitAfter(src, "\n")
	var b strings.Builder
	b.Grow(len(src))
	for i, l := range lines {
		if !drop[i+1] {
			b.WriteString(l)
		}
	}
	return b.String(), nil
}

// importName is the package name an import path declares by convention:
// its last element, or the one before a major-version suffix (yaml/v3).
func importName(path string) string {
	parts := strings.Split(path, "/")
	name := parts[len(parts)-1]
	if len(parts) > 1 && len(name) > 1 && name[0] == 'v' && strings.Trim(name[1:], "0123456789") == "" {
		name = parts[len(parts)-2]
	}
	if i := strings.IndexByte(name, '.'); i >= 0 {
		name = name[:i]
	}
	return strings.ReplaceAll(name, "-", "_")
}

// generatorImports are the packages the generator itself may import in a
// models file (oapi-codegen's template, with its runtime packages replaced by
// the standard library). Anything else comes from the spec.
var generatorImports = map[string]bool{
	"bytes": true, "compress/flate": true, "context": true, "encoding/base64": true,
	"encoding/json": true, "encoding/xml": true, "errors": true, "fmt": true, "io": true,
	"mime": true, "mime/multipart": true, "net/http": true, "net/url": true, "os": true,
	"path": true, "strings": true, "time": true,
}

// checkImports refuses generated code that imports a package the spec chose
// (x-go-type-import, x-go-type with an import) unless the service allows that
// path: a spec is not trusted to add code to a service's build, and a blank
// import (`_ "net/http/pprof"`) runs its package's init. The generator's own
// imports pass; a blank or dot import never counts as the generator's.
func checkImports(spec *Spec, src []byte, allow []string) error {
	f, err := parser.ParseFile(token.NewFileSet(), "gen.go", src, parser.ImportsOnly)
	if err != nil {
		return fmt.Errorf("parse generated code: %w", err)
	}
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		named := imp.Name != nil && (imp.Name.Name == "_" || imp.Name.Name == ".")
		if (generatorImports[p] && !named) || slices.Contains(allow, p) {
			continue
		}
		how := ""
		if imp.Name != nil {
			how = " as " + imp.Name.Name
		}
		line, col := 0, 0
		if i := bytes.Index(spec.data, []byte(p)); i >= 0 && p != "" {
			line, col = textpos.LineCol(spec.data, i)
		}
		return &errkind.Error{Kind: errkind.Input, File: spec.Path, Line: line, Column: col,
			Err:  fmt.Errorf("the spec makes the generated code import %q%s (x-go-type-import); a spec may not add imports to a service's code", p, how),
			Hint: fmt.Sprintf("if that package is wanted, allow it on the service in dsctl.yaml: allowImports: [%s] (one-off: --allow-import %s)", p, p)}
	}
	return nil
}

// maxClashRounds bounds the rounds of renaming: each round renames every
// schema type that clashes, so a second is needed only when a new name
// clashes again.
const maxClashRounds = 4

// clashIdents returns the Go names an error says are declared twice.
func clashIdents(msg string) []string {
	var out []string
	for _, m := range redeclaredRE.FindAllStringSubmatch(msg, -1) {
		if id := m[1] + m[2]; !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// redeclared formats clashes as the type checker does, for clashError.
func redeclared(idents []string) []string {
	out := make([]string, len(idents))
	for i, id := range idents {
		out[i] = id + " redeclared in this block"
	}
	return out
}

// declaredTwice returns the top-level Go names (and methods) declared more
// than once in src, sorted.
func declaredTwice(src []byte) []string {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "gen.go", src, parser.SkipObjectResolution)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range duplicateDecls(fset, f) {
		out = append(out, clashIdents(e.Error())...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// clashRenames is the rule that resolves a clash: for each Go name declared
// twice, the component schemas whose type has that name are renamed, all but
// the first in sorted order when several schemas share it, else the one
// schema (the other declaration is an enum value or an inline type, which
// have no name of their own to change). The new name is the old one with
// "Schema" appended, then "Schema2", "Schema3", ... until it is free. A clash
// with no schema type among its declarations is left for clashError.
func clashRenames(code string, goNames map[string]string, clashes []string, userRename map[string]string) map[string]string {
	taken := map[string]bool{}
	for _, g := range goNames {
		taken[g] = true
	}
	if f, err := parser.ParseFile(token.NewFileSet(), "gen.go", code, parser.SkipObjectResolution); err == nil {
		for _, d := range f.Decls {
			if gd, ok := d.(*ast.GenDecl); ok {
				for _, sp := range gd.Specs {
					switch sp := sp.(type) {
					case *ast.TypeSpec:
						taken[sp.Name.Name] = true
					case *ast.ValueSpec:
						for _, n := range sp.Names {
							taken[n.Name] = true
						}
					}
				}
			}
		}
	}
	more := map[string]string{}
	for _, ident := range clashes {
		var schemas []string
		for _, sc := range sortedKeys(goNames) {
			if goNames[sc] == ident {
				schemas = append(schemas, sc)
			}
		}
		if len(schemas) > 1 {
			schemas = schemas[1:]
		}
		for _, sc := range schemas {
			if _, user := userRename[sc]; user {
				// A name the user chose is theirs to fix.
				continue
			}
			to := ident + "Schema"
			for n := 2; taken[to]; n++ {
				to = fmt.Sprintf("%sSchema%d", ident, n)
			}
			taken[to] = true
			more[sc] = to
		}
	}
	return more
}

var redeclaredRE = regexp.MustCompile(`(\w+) redeclared in this block|duplicate typename '(\w+)'`)

// clashError turns duplicate declarations into one input error that names
// every clash at once, each with both declarations and their schemas' lines
// in the spec, and the ways out.
func clashError(spec *Spec, opts Options, code string, goNames map[string]string, err error) error {
	idents := clashIdents(err.Error())
	if idents == nil {
		return errkind.Wrap(errkind.Input, fmt.Errorf("%s: generate package %s: %w", spec.Path, opts.Package, err))
	}
	byGo := map[string]string{}
	for _, schema := range sortedKeys(goNames) {
		if _, ok := byGo[goNames[schema]]; !ok {
			byGo[goNames[schema]] = schema
		}
	}
	var clashes []string
	line := 0
	first := ""
	for _, ident := range idents {
		owners := declOwners(code, ident, byGo)
		for _, schema := range sortedKeys(goNames) {
			// A schema's type that oapi-codegen refused before writing it.
			if goNames[schema] == ident && !slices.ContainsFunc(owners, func(o declOwner) bool { return o.schema == schema && o.what == "type "+ident }) && len(owners) < 2 {
				owners = append(owners, declOwner{schema: schema, what: "type " + ident})
			}
		}
		// The type side first: renaming the schema of a type is the usual fix.
		sort.SliceStable(owners, func(i, j int) bool {
			return strings.HasPrefix(owners[i].what, "type ") && !strings.HasPrefix(owners[j].what, "type ")
		})
		var where []string
		for _, o := range owners {
			what := o.what
			if strings.HasPrefix(what, "type ") && o.schema != "" && goNames[o.schema] != ident {
				what = "inline type " + ident
			}
			if o.schema == "" {
				where = append(where, what)
				continue
			}
			l := spec.SchemaLine(o.schema)
			if first == "" {
				first, line = o.schema, l
			}
			where = append(where, fmt.Sprintf("%s of schema %q (line %d)", what, o.schema, l))
		}
		switch len(where) {
		case 0:
			clashes = append(clashes, fmt.Sprintf("Go name %s is declared twice", ident))
		case 1:
			clashes = append(clashes, fmt.Sprintf("Go name %s is declared twice: %s and an inline type of oapi-codegen's", ident, where[0]))
		default:
			clashes = append(clashes, fmt.Sprintf("Go name %s is declared twice: %s", ident, strings.Join(where, " and ")))
		}
	}
	msg := clashes[0]
	if len(clashes) > 1 {
		msg = fmt.Sprintf("%d Go names are declared twice:\n  %s", len(clashes), strings.Join(clashes, "\n  "))
	}
	hint := "give one schema another Go name: x-go-name in the spec, or a rename map on the service in dsctl.yaml (one-off: --rename SCHEMA=GoName)"
	if first != "" {
		hint = fmt.Sprintf("give schema %q another Go name: x-go-name in the spec, or under the service in dsctl.yaml: rename: {%s: %sDTO} (one-off: --rename %s=%sDTO)",
			first, first, goNames[first], first, goNames[first])
	}
	return &errkind.Error{Kind: errkind.Input, File: spec.Path, Line: line, Err: errors.New(msg), Hint: hint}
}

type declOwner struct{ schema, what string }

// declOwners finds the top-level declarations of ident in the generated code
// and the schemas they come from: a type of a schema, or an enum value of a
// schema's (possibly inline) enum type.
func declOwners(code, ident string, byGo map[string]string) []declOwner {
	f, err := parser.ParseFile(token.NewFileSet(), "gen.go", code, parser.SkipObjectResolution)
	if err != nil {
		return nil
	}
	var out []declOwner
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok {
			continue
		}
		for _, sp := range gd.Specs {
			switch sp := sp.(type) {
			case *ast.TypeSpec:
				if sp.Name.Name == ident {
					out = append(out, declOwner{schema: owningSchema(ident, byGo), what: "type " + ident})
				}
			case *ast.ValueSpec:
				for _, n := range sp.Names {
					if n.Name != ident {
						continue
					}
					typ := ""
					if id, ok := sp.Type.(*ast.Ident); ok {
						typ = id.Name
					}
					out = append(out, declOwner{schema: owningSchema(typ, byGo), what: "enum value " + ident + " of type " + typ})
				}
			}
		}
	}
	return out
}

// owningSchema maps a Go type name to its schema: exactly, or for an inline
// type (SchemaProperty) the schema with the longest Go-name prefix.
func owningSchema(goType string, byGo map[string]string) string {
	if s, ok := byGo[goType]; ok {
		return s
	}
	best := ""
	for g := range byGo {
		if strings.HasPrefix(goType, g) && len(g) > len(best) {
			best = g
		}
	}
	return byGo[best]
}

var typesOnce sync.Once
var sharedImporter types.Importer
var importerMu sync.Mutex
var stubs = &stubImporter{pkgs: map[string]*types.Package{}}

// typeCheck type-checks the generated file against the standard library.
func typeCheck(code []byte, pkg string) error {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, pkg+".gen.go", code, parser.SkipObjectResolution)
	if err != nil {
		return fmt.Errorf("parse generated code: %w", err)
	}
	importerMu.Lock()
	defer importerMu.Unlock()
	if stubbed(f) {
		var errs []error
		conf := types.Config{Importer: stubs, Error: func(err error) { errs = append(errs, err) }}
		_, _ = conf.Check(pkg, fset, []*ast.File{f}, nil)
		if len(errs) == 0 {
			return nil
		}
		// A clash does not depend on the imports; anything else is checked
		// again against the real standard library.
		for _, e := range errs {
			if redeclaredRE.MatchString(e.Error()) {
				return fmt.Errorf("generated code does not compile: %w", errors.Join(errs...))
			}
		}
	}
	typesOnce.Do(func() { sharedImporter = newImporter() })
	if sharedImporter == nil {
		if errs := duplicateDecls(fset, f); len(errs) > 0 {
			return fmt.Errorf("generated code does not compile: %w", errors.Join(errs...))
		}
		return nil
	}
	var errs []error
	conf := types.Config{Importer: sharedImporter, Error: func(err error) { errs = append(errs, err) }}
	_, _ = conf.Check(pkg, fset, []*ast.File{f}, nil)
	if len(errs) > 0 {
		return fmt.Errorf("generated code does not compile: %w", errors.Join(errs...))
	}
	return nil
}
