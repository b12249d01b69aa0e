package codegen

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/fsx"
	"github.com/dsctl/dsctl/internal/oaspos"
	"github.com/dsctl/dsctl/internal/remoteread"
	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v3"
)

// Spec is a loaded OpenAPI document with its identity.
type Spec struct {
	// Path is the cleaned file path the spec was loaded from.
	Path string
	// Digest is "sha256:<hex>" of the spec file; when the spec $refs other
	// files, it covers every file read (names relative to the spec's folder).
	Digest string
	// Doc is the parsed document, with external $refs internalised. Treat it
	// as read-only: it is shared by every service generated from the spec.
	// It is nil for a self-contained JSON spec, which is kept as raw (below)
	// and handed to kin-openapi one selection at a time.
	Doc *openapi3.T
	raw rawDoc
	// Swagger is true for a Swagger 2.0 document, converted to OpenAPI 3
	// with kin-openapi's openapi2conv.
	Swagger bool

	allowRemote bool
	root        string
	data        []byte
	originsOnce sync.Once
	origins     *openapi3.T
	originsErr  error
}

// SpecCache loads each spec once per process and hands the same *Spec to
// every service that names it. It is safe for concurrent use.
type SpecCache struct {
	mu    sync.Mutex
	specs map[string]*specEntry
}

type specEntry struct {
	once sync.Once
	spec *Spec
	err  error
}

// NewSpecCache returns an empty cache.
func NewSpecCache() *SpecCache { return &SpecCache{specs: map[string]*specEntry{}} }

// LoadOptions say what a spec may $ref besides its own file.
type LoadOptions struct {
	// AllowRemote lets the spec $ref http(s) URLs (each read within
	// internal/remoteread's size and time limits).
	AllowRemote bool
	// Root is the folder local $refs must stay inside, on the real path
	// (symbolic links resolved): the spec's folder when empty.
	Root string
}

// Load returns the spec at path, loading it on first use. allowRemote lets
// the spec $ref http(s) URLs; local $refs must stay inside the spec's folder.
func (c *SpecCache) Load(path string, allowRemote bool) (*Spec, error) {
	return c.LoadWith(path, LoadOptions{AllowRemote: allowRemote})
}

// LoadWith is Load with every option.
func (c *SpecCache) LoadWith(path string, opts LoadOptions) (*Spec, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, errkind.InputAt(path, 0, 0, fmt.Errorf("resolve spec path: %w", err))
	}
	key := fmt.Sprintf("%t\x00%s\x00%s", opts.AllowRemote, opts.Root, abs)
	c.mu.Lock()
	e, ok := c.specs[key]
	if !ok {
		e = &specEntry{}
		c.specs[key] = e
	}
	c.mu.Unlock()
	e.once.Do(func() { e.spec, e.err = LoadSpecWith(path, opts) })
	return e.spec, e.err
}

// LoadSpec reads and parses one OpenAPI document, internalising external
// $refs found inside the spec's folder so that the result stands alone.
func LoadSpec(path string, allowRemote bool) (*Spec, error) {
	return LoadSpecWith(path, LoadOptions{AllowRemote: allowRemote})
}

// MaxSpecFile bounds the read of a spec and of each file its $refs name
// (dsctl.yaml, and the spec, come with the pull request: a spec linked to
// /dev/zero is read up to here, not until memory runs out). A var for tests.
var MaxSpecFile int64 = 64 << 20

// LoadSpecWith is LoadSpec with every option.
func LoadSpecWith(path string, opts LoadOptions) (*Spec, error) {
	path = filepath.Clean(path)
	raw, err := fsx.ReadFileLimited(path, MaxSpecFile)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, errkind.InputAt(path, 0, 0, errors.New("spec not found"))
		}
		return nil, errkind.InputAt(path, 0, 0, fmt.Errorf("read spec: %w", err))
	}
	root := opts.Root
	if root == "" {
		root = filepath.Dir(path)
	}
	s := &Spec{Path: path, allowRemote: opts.AllowRemote, root: root, data: raw}
	if opts.Root != "" {
		if err := s.checkRoot(); err != nil {
			return nil, err
		}
	}
	switch kind, found := specKind(raw); kind {
	case "swagger":
		s.Swagger = true
	case "":
		what := "no top-level keys"
		if len(found) > 0 {
			what = "top-level keys " + strings.Join(found, ", ")
		}
		return nil, errkind.InputAt(path, 0, 0, fmt.Errorf("not an OpenAPI document: no top-level openapi: (or swagger:) key; found %s", what))
	}
	s.Digest = digestOf(raw, nil)
	if r, ok := decodeRaw(raw); ok && !s.Swagger {
		s.raw = r
		return s, nil
	}
	doc, files, err := s.load(false)
	if err != nil {
		return nil, err
	}
	if len(files) > 0 {
		doc.InternalizeRefs(loaderContext(), shortRefNames())
	}
	s.Doc = doc
	s.Digest = digestOf(raw, files)
	return s, nil
}

// checkRoot refuses a spec that is not inside its root on the real path.
func (s *Spec) checkRoot() error {
	rootReal, err := filepath.EvalSymlinks(s.root)
	if err != nil {
		return errkind.InputAt(s.Path, 0, 0, fmt.Errorf("root folder %s: %w", filepath.Base(s.root), fsx.PathCause(err)))
	}
	specReal, err := filepath.EvalSymlinks(s.Path)
	if err != nil {
		return errkind.InputAt(s.Path, 0, 0, fmt.Errorf("read spec: %w", fsx.PathCause(err)))
	}
	if !fsx.Within(rootReal, specReal) {
		return errkind.InputAt(s.Path, 0, 0, fmt.Errorf("the spec is not inside its root folder %s (on the real path)", filepath.Base(s.root)))
	}
	return nil
}

// load parses the spec; with origins it records the line of every element
// (slower, so only done when an error needs a line). Local $refs are read
// through an os.Root of the spec's root folder: a $ref, or a symbolic link on
// its way, that leaves the root on the real path is refused before a byte
// of the file is read. Remote $refs are read within remoteread's limits.
func (s *Spec) load(origins bool) (*openapi3.T, map[string][]byte, error) {
	dir, err := filepath.Abs(filepath.Dir(s.Path))
	if err != nil {
		return nil, nil, errkind.InputAt(s.Path, 0, 0, err)
	}
	rootDir, err := filepath.Abs(s.root)
	if err != nil {
		return nil, nil, errkind.InputAt(s.Path, 0, 0, err)
	}
	rootFS, err := os.OpenRoot(rootDir)
	if err != nil {
		return nil, nil, errkind.InputAt(s.Path, 0, 0, fmt.Errorf("root folder %s: %w", filepath.Base(rootDir), fsx.PathCause(err)))
	}
	defer rootFS.Close()
	rootAbs, _ := filepath.Abs(s.Path)
	files := map[string][]byte{}
	fetcher := &remoteread.Fetcher{}
	read := func(l *openapi3.Loader, loc *url.URL) ([]byte, error) {
		switch loc.Scheme {
		case "http", "https":
			if !s.allowRemote {
				return nil, fmt.Errorf("remote $ref %s refused (set allowRemoteRefs: true on the service to allow it)", loc.Redacted())
			}
			data, err := fetcher.Get(loaderContext(), loc.String())
			if err == nil {
				files[loc.Redacted()] = data
			}
			return data, err
		case "", "file":
		default:
			return nil, fmt.Errorf("$ref %s: unsupported scheme %q", loc.Redacted(), loc.Scheme)
		}
		p := filepath.FromSlash(loc.Path)
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, err
		}
		if abs == rootAbs {
			return s.data, nil
		}
		if !fsx.Within(rootDir, abs) {
			if s.root == filepath.Dir(s.Path) {
				return nil, fmt.Errorf("$ref %s is outside the spec's folder %s (a wider root: --root DIR, or root: on the service in dsctl.yaml)", loc.Path, filepath.Base(dir))
			}
			return nil, fmt.Errorf("$ref %s is outside the root folder %s", loc.Path, filepath.Base(rootDir))
		}
		inRoot, _ := filepath.Rel(rootDir, abs)
		rel, _ := filepath.Rel(dir, abs)
		data, err := fsx.ReadLimited(rootFS.FS(), filepath.ToSlash(inRoot), MaxSpecFile)
		if err != nil {
			// Name the file as the spec does, not by its absolute path;
			// never quote what it holds.
			return nil, fmt.Errorf("$ref file %s: %w", filepath.ToSlash(rel), fsx.PathCause(err))
		}
		files[filepath.ToSlash(rel)] = data
		return data, nil
	}
	newLoader := func() *openapi3.Loader {
		l := openapi3.NewLoader()
		l.Context = loaderContext()
		l.IsExternalRefsAllowed = true
		l.IncludeOrigin = origins
		l.ReadFromURIFunc = read
		return l
	}
	loader := newLoader()
	if s.Swagger {
		doc, err := loadSwagger(loader, s.data, s.Path)
		if err != nil {
			line, col := oaspos.LoadError(s.data, err)
			return nil, nil, errkind.InputAt(s.Path, line, col, err)
		}
		return doc, files, nil
	}
	doc, err := loader.LoadFromFile(s.Path)
	if err != nil {
		line, col := oaspos.LoadError(s.data, err)
		return nil, nil, errkind.InputAt(s.Path, line, col, fmt.Errorf("load OpenAPI spec: %w", err))
	}
	return doc, files, nil
}

// loadSwagger converts a Swagger 2.0 document to OpenAPI 3 with
// kin-openapi's openapi2conv; its $refs resolve through the same loader.
func loadSwagger(loader *openapi3.Loader, data []byte, path string) (*openapi3.T, error) {
	var raw any
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("parse Swagger 2.0 spec: %w", err)
	}
	js, err := json.Marshal(raw)
	if err != nil {
		return nil, fmt.Errorf("parse Swagger 2.0 spec: %w", err)
	}
	var doc2 openapi2.T
	if err := json.Unmarshal(js, &doc2); err != nil {
		return nil, fmt.Errorf("parse Swagger 2.0 spec: %w", err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	doc, err := openapi2conv.ToV3WithLoader(&doc2, loader, &url.URL{Path: filepath.ToSlash(abs)})
	if err != nil {
		return nil, fmt.Errorf("convert Swagger 2.0 to OpenAPI 3: %w", err)
	}
	if doc.Components != nil {
		seen := map[*openapi3.Schema]bool{}
		for _, name := range sortedKeys(doc.Components.Schemas) {
			dropEmptyLists(doc.Components.Schemas[name], seen)
		}
	}
	return doc, nil
}

// dropEmptyLists sets the empty (non-nil) allOf, oneOf and anyOf lists that
// openapi2conv leaves to nil: oapi-codegen takes an empty allOf for one to
// merge, and panics.
func dropEmptyLists(ref *openapi3.SchemaRef, seen map[*openapi3.Schema]bool) {
	if ref == nil || ref.Value == nil || seen[ref.Value] {
		return
	}
	s := ref.Value
	seen[s] = true
	if len(s.AllOf) == 0 {
		s.AllOf = nil
	}
	if len(s.OneOf) == 0 {
		s.OneOf = nil
	}
	if len(s.AnyOf) == 0 {
		s.AnyOf = nil
	}
	for _, list := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
		for _, r := range list {
			dropEmptyLists(r, seen)
		}
	}
	for _, r := range []*openapi3.SchemaRef{s.Not, s.Items, s.AdditionalProperties.Schema} {
		dropEmptyLists(r, seen)
	}
	for _, k := range sortedKeys(s.Properties) {
		dropEmptyLists(s.Properties[k], seen)
	}
}

// specKind tells what a document is by its top-level keys: "openapi" or
// "swagger" (whichever comes first), else "" and the top-level keys found
// (at most 5), to name what the file is instead.
func specKind(data []byte) (kind string, found []string) {
	if looksJSON(data) {
		dec := json.NewDecoder(bytes.NewReader(data))
		if t, err := dec.Token(); err != nil || t != json.Delim('{') {
			return "", nil
		}
		for dec.More() {
			t, err := dec.Token()
			if err != nil {
				return "", found
			}
			k, _ := t.(string)
			if k == "openapi" || k == "swagger" {
				return k, nil
			}
			if len(found) < 5 {
				found = append(found, k)
			}
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return "", found
			}
		}
		return "", found
	}
	for _, line := range strings.Split(string(data), "\n") {
		if line == "" || line[0] == ' ' || line[0] == '\t' || line[0] == '#' || line[0] == '-' {
			continue
		}
		k, _, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		k = strings.Trim(strings.TrimSpace(k), `"'`)
		if k == "openapi" || k == "swagger" {
			return k, nil
		}
		if len(found) < 5 {
			found = append(found, k)
		}
	}
	return "", found
}

// withOrigins returns the document parsed again with line numbers.
func (s *Spec) withOrigins() (*openapi3.T, error) {
	s.originsOnce.Do(func() {
		s.origins, _, s.originsErr = s.load(true)
	})
	return s.origins, s.originsErr
}

// SchemaLine returns the line where components/schemas/NAME is declared in
// the spec file, or 0 when unknown.
func (s *Spec) SchemaLine(name string) int {
	doc, err := s.withOrigins()
	if err != nil || doc == nil || doc.Components == nil {
		return 0
	}
	ref := doc.Components.Schemas[name]
	if ref == nil {
		return 0
	}
	if ref.Origin != nil && ref.Origin.Key != nil {
		return ref.Origin.Key.Line
	}
	if ref.Value != nil && ref.Value.Origin != nil && ref.Value.Origin.Key != nil {
		return ref.Value.Origin.Key.Line
	}
	return 0
}

func digestOf(root []byte, files map[string][]byte) string {
	if len(files) == 0 {
		sum := sha256.Sum256(root)
		return "sha256:" + hex.EncodeToString(sum[:])
	}
	h := sha256.New()
	h.Write(root)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(h, "\x00%s\x00%d\x00", n, len(files[n]))
		h.Write(files[n])
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// ShortDigest is the digest as printed in reports (sha256: and 12 hex digits).
func ShortDigest(d string) string {
	if i := strings.IndexByte(d, ':'); i >= 0 && len(d) > i+13 {
		return d[:i+13]
	}
	return d
}

func loaderContext() context.Context { return context.Background() }

// shortRefNames names an internalised component by its own name
// (other.yaml#/components/schemas/Money becomes Money) unless that name is
// taken, then falls back to kin-openapi's path-qualified name.
func shortRefNames() func(*openapi3.T, openapi3.ComponentRef) string {
	assigned := map[string]string{} // collection/name -> ref
	return func(doc *openapi3.T, ref openapi3.ComponentRef) string {
		if _, inRoot := openapi3.ReferencesComponentInRootDocument(doc, ref); inRoot {
			return openapi3.DefaultRefNameResolver(doc, ref)
		}
		u := ref.RefPath()
		key := u.Path + "#" + u.Fragment
		short := path.Base(u.Fragment)
		if u.Fragment == "" || short == "/" || short == "." {
			short = strings.TrimSuffix(path.Base(u.Path), path.Ext(u.Path))
		}
		slot := ref.CollectionName() + "/" + short
		if prev, ok := assigned[slot]; ok {
			if prev == key {
				return short
			}
			return openapi3.DefaultRefNameResolver(doc, ref)
		}
		if componentExists(doc, ref.CollectionName(), short) {
			return openapi3.DefaultRefNameResolver(doc, ref)
		}
		assigned[slot] = key
		return short
	}
}

func componentExists(doc *openapi3.T, collection, name string) bool {
	c := doc.Components
	if c == nil {
		return false
	}
	switch collection {
	case "schemas":
		return c.Schemas[name] != nil
	case "parameters":
		return c.Parameters[name] != nil
	case "responses":
		return c.Responses[name] != nil
	case "requestBodies":
		return c.RequestBodies[name] != nil
	case "headers":
		return c.Headers[name] != nil
	case "examples":
		return c.Examples[name] != nil
	case "links":
		return c.Links[name] != nil
	case "callbacks":
		return c.Callbacks[name] != nil
	case "securitySchemes":
		return c.SecuritySchemes[name] != nil
	}
	return true
}

// SchemaNames returns the names of the spec's component schemas, sorted.
func (s *Spec) SchemaNames() []string {
	if s.raw != nil {
		return sortedKeys(s.raw.schemas())
	}
	if s.Doc == nil || s.Doc.Components == nil {
		return nil
	}
	return sortedKeys(s.Doc.Components.Schemas)
}
