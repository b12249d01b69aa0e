package jsonschema

import (
	"context"
	"errors"
	"fmt"
	"github.com/dsctl/dsctl/internal/schemacost"
	"io/fs"
	neturl "net/url"
	"path"
	"strings"

	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/compat/source"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/fsx"
	"github.com/dsctl/dsctl/internal/remoteread"
	jsv "github.com/santhosh-tekuri/jsonschema/v6"
)

// fsURLPrefix is the URL every file of a source's file system is loaded
// under. Relative $refs that climb above the file system's root resolve to a
// URL outside this prefix and are refused.
const fsURLPrefix = "file:///dsctl-source/"

// loadedDoc is one document of a side (the root file or a file it $refs).
type loadedDoc struct {
	url     string // the URL it was loaded under
	display string // file name printed in locations
	isRoot  bool
	*parsed
}

// side is one compiled version of a schema with every document it loaded.
type side struct {
	ctx    context.Context
	src    compat.Source
	opts   compat.Options
	docs   map[string]*loadedDoc
	idDirs []idDir
	// remote reads allowed remote $refs within the one limit (remoteread).
	remote remoteread.Fetcher
	root   *jsv.Schema
	// raw caches the raw object of compiled schemas.
	raw map[*jsv.Schema]rawNode
	// rawComplete: raw has every schema (the fast compiler recorded them),
	// so rawOf never writes to it and the side can be read concurrently.
	rawComplete bool
}

// idDir maps the folder of a document's $id (https://example.com/schemas/)
// to its folder within the file system, so that $id-relative references
// resolve to files beside it.
type idDir struct{ base, dir string }

// rawNode is the source object of a compiled schema.
type rawNode struct {
	doc *loadedDoc
	ptr string
	obj map[string]any // nil for boolean schemas
}

// loadSide reads, parses and compiles a source.
func loadSide(ctx context.Context, src compat.Source, opts compat.Options) (*side, error) {
	s := &side{ctx: ctx, src: src, opts: opts, docs: map[string]*loadedDoc{}, raw: map[*jsv.Schema]rawNode{}}
	p := strings.TrimPrefix(path.Clean("/"+src.Path), "/")
	if src.FS == nil || p == "" || !fs.ValidPath(p) {
		return nil, errkind.Inputf("%s: not a file path", s.name())
	}
	data, err := fsx.ReadLimited(src.FS, p, source.MaxDocument)
	if err != nil {
		return nil, errkind.InputAt(s.display(p), 0, 0, fmt.Errorf("read schema: %w", err))
	}
	rootURL := fsURLPrefix + p
	d, err := s.addDoc(rootURL, s.display(p), data)
	if err != nil {
		return nil, err
	}
	d.isRoot = true
	if _, ok := d.value.(map[string]any); !ok {
		if _, ok := d.value.(bool); !ok {
			return nil, errkind.InputAt(d.display, 1, 1, errors.New("a JSON Schema must be an object or a boolean"))
		}
	}
	if len(data) >= fastCompileSize {
		if draft, ok := fastEligibleDefault(d.value, drafts[draftIndex(opts)].fast); ok {
			meta, err := metaschema(metaURLs[draft])
			if err != nil {
				return nil, fmt.Errorf("compile the draft %d metaschema: %w", draft, err)
			}
			// metaCheck answers "valid" without v6's error tree; anything
			// else (invalid, or not sure) goes to v6 for its verdict and
			// message. It reads the document while fastCompile builds the
			// schemas: when one side of a diff is done first (its document
			// was parsed already), the two halves of the other share the cores.
			var metaOK, metaSure bool
			checked := make(chan struct{})
			go func() {
				defer close(checked)
				metaOK, metaSure = metaCheck(meta, d.value)
			}()
			// about one schema per 100 bytes of a schema document
			hint := len(data) / 100
			s.raw = make(map[*jsv.Schema]rawNode, hint)
			sch, err := fastCompileRaw(rootURL, d.value, draft, s.raw, d, hint)
			<-checked
			if !metaOK || !metaSure {
				if err := meta.Validate(d.value); err != nil {
					return nil, s.compileError(&jsv.SchemaValidationError{URL: rootURL + "#", Err: err})
				}
			}
			if err != nil {
				return nil, errkind.InputAt(d.display, 0, 0, fmt.Errorf("schema does not compile: %w", err))
			}
			if schemacost.Of(sch) > schemacost.Max {
				return nil, errkind.InputAt(d.display, 0, 0, schemacost.Err())
			}
			s.root = sch
			s.rawComplete = true
			return s, nil
		}
	}
	c := jsv.NewCompiler()
	c.UseRegexpEngine(compileECMA)
	c.DefaultDraft(drafts[draftIndex(opts)].d)
	c.UseLoader(loaderFunc(s.load))
	if err := c.AddResource(rootURL, d.value); err != nil {
		return nil, errkind.InputAt(d.display, 0, 0, fmt.Errorf("schema does not compile: %w", err))
	}
	sch, err := c.Compile(rootURL)
	if err != nil {
		return nil, s.compileError(err)
	}
	if schemacost.Of(sch) > schemacost.Max {
		return nil, errkind.InputAt(d.display, 0, 0, schemacost.Err())
	}
	s.root = sch
	return s, nil
}

func (s *side) name() string {
	if s.src.Name != "" {
		return s.src.Name
	}
	return s.src.Path
}

func (s *side) display(p string) string { return s.src.DisplayPath(p) }

// addDoc parses data and registers it under url.
func (s *side) addDoc(url, display string, data []byte) (*loadedDoc, error) {
	pd, err := parseNamed(url, data)
	if err != nil {
		var se *syntaxError
		if errors.As(err, &se) {
			return nil, errkind.InputAt(display, se.line, se.col, fmt.Errorf("parse schema: %s", se.msg))
		}
		return nil, errkind.InputAt(display, 0, 0, fmt.Errorf("parse schema: %w", err))
	}
	d := &loadedDoc{url: url, display: display, parsed: pd}
	if err := checkDialect(d); err != nil {
		return nil, err
	}
	s.docs[url] = d
	if obj, ok := pd.value.(map[string]any); ok {
		id, _ := obj["$id"].(string)
		if id == "" {
			id, _ = obj["id"].(string)
		}
		if u, err := neturl.Parse(id); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
			u.Fragment = ""
			base := u.String()
			base = base[:strings.LastIndex(base, "/")+1]
			if strings.HasPrefix(url, fsURLPrefix) {
				dir := path.Dir(strings.TrimPrefix(url, fsURLPrefix))
				s.idDirs = append(s.idDirs, idDir{base: base, dir: dir})
			}
		}
	}
	return d, nil
}

type loaderFunc func(url string) (any, error)

func (f loaderFunc) Load(url string) (any, error) { return f(url) }

// load is the compiler's URL loader: files of the source's file system,
// $id-relative URLs mapped onto it, and remote URLs when allowed.
func (s *side) load(url string) (any, error) {
	if d, ok := s.docs[url]; ok {
		return d.value, nil
	}
	if strings.HasPrefix(url, "file:///") {
		if !strings.HasPrefix(url, fsURLPrefix) {
			return nil, errkind.Inputf("%s: a $ref leaves the folder of the schema (%s)", s.name(), strings.TrimPrefix(url, "file://"))
		}
		p, err := neturl.PathUnescape(strings.TrimPrefix(url, fsURLPrefix))
		if err != nil || !fs.ValidPath(p) {
			return nil, errkind.Inputf("%s: invalid $ref path %q", s.name(), p)
		}
		return s.loadFile(url, p)
	}
	u, err := neturl.Parse(url)
	if err != nil {
		return nil, errkind.Inputf("%s: invalid $ref URL %q", s.name(), url)
	}
	if u.Scheme == "http" || u.Scheme == "https" {
		for _, m := range s.idDirs {
			if rest, ok := strings.CutPrefix(url, m.base); ok && rest != "" {
				p := path.Join(m.dir, rest)
				if fs.ValidPath(p) {
					if _, err := fs.Stat(s.src.FS, p); err == nil {
						return s.loadFile(url, p)
					}
				}
			}
		}
		if why := s.metaschemaRefused(url); why != "" {
			return nil, errkind.Inputf("%s: %s", s.name(), why)
		}
		if !s.opts.AllowRemoteRefs {
			return nil, errkind.Inputf("%s: remote $ref %s refused (remote references are off; vendor the schema beside this one)", s.name(), url)
		}
		return s.loadRemote(url)
	}
	return nil, errkind.Inputf("%s: unsupported $ref URL %s", s.name(), url)
}

func (s *side) loadFile(url, p string) (any, error) {
	data, err := fsx.ReadLimited(s.src.FS, p, source.MaxDocument)
	if err != nil {
		return nil, errkind.Inputf("%s: $ref to %s: %w", s.name(), s.display(p), err)
	}
	d, err := s.addDoc(url, s.display(p), data)
	if err != nil {
		return nil, err
	}
	return d.value, nil
}

func (s *side) loadRemote(url string) (any, error) {
	data, err := s.remote.Get(s.ctx, url)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.name(), err)
	}
	d, err := s.addDoc(url, url, data)
	if err != nil {
		return nil, err
	}
	return d.value, nil
}

// compileError turns a compiler error into an input error naming the file
// and, where the metaschema says where, the line and column.
func (s *side) compileError(err error) error {
	var ek *errkind.Error
	if errors.As(err, &ek) {
		return ek
	}
	// the loader's own refusals (a $ref or metaschema not loaded, a document
	// of an unsupported draft) say what and where without v6's wrapping
	var le *jsv.LoadURLError
	if errors.As(err, &le) && errors.As(le.Err, &ek) {
		return ek
	}
	rootDoc := s.rootDoc()
	file, line, col := rootDoc.display, 0, 0
	var sve *jsv.SchemaValidationError
	if errors.As(err, &sve) {
		if d := s.docs[strings.SplitN(sve.URL, "#", 2)[0]]; d != nil {
			file = d.display
			ptr := ""
			if ve, ok := sve.Err.(*jsv.ValidationError); ok {
				ptr = leafInstancePtr(ve)
			}
			if p, ok := d.lookupPos(ptr); ok {
				line, col = int(p.line), int(p.col)
			}
		}
	}
	msg := s.cleanMessage(err.Error())
	if obj, ok := rootDoc.value.(map[string]any); ok && sve != nil {
		if _, has := obj["$schema"]; !has {
			msg += fmt.Sprintf(" (no $schema: read as %s; --default-draft or compat.defaultDraft picks another draft)", drafts[draftIndex(s.opts)].name)
		}
	}
	return errkind.InputAt(file, line, col, fmt.Errorf("schema does not compile: %s", msg))
}

// cleanMessage replaces internal URLs with display names and folds lines.
func (s *side) cleanMessage(msg string) string {
	for url, d := range s.docs {
		msg = strings.ReplaceAll(msg, url, d.display)
	}
	msg = strings.ReplaceAll(msg, fsURLPrefix, "")
	fields := strings.Fields(strings.ReplaceAll(msg, "\n", " "))
	return strings.Join(fields, " ")
}

func leafInstancePtr(ve *jsv.ValidationError) string {
	for len(ve.Causes) > 0 {
		ve = ve.Causes[0]
	}
	var b strings.Builder
	for _, t := range ve.InstanceLocation {
		b.WriteByte('/')
		b.WriteString(escapeToken(t))
	}
	return b.String()
}

func (s *side) rootDoc() *loadedDoc {
	for _, d := range s.docs {
		if d.isRoot {
			return d
		}
	}
	return &loadedDoc{display: s.name()}
}

// lookupPos finds the position of ptr, or of its nearest ancestor.
func (d *loadedDoc) lookupPos(ptr string) (pos, bool) {
	for {
		if p, ok := d.position(ptr); ok {
			return p, true
		}
		if ptr == "" {
			return pos{}, false
		}
		i := strings.LastIndexByte(ptr, '/')
		if i < 0 {
			return pos{}, false
		}
		ptr = ptr[:i]
	}
}

// rawOf returns the source object of a compiled schema.
func (s *side) rawOf(sch *jsv.Schema) rawNode {
	if r, ok := s.raw[sch]; ok {
		return r
	}
	var r rawNode
	url, frag, _ := strings.Cut(sch.Location, "#")
	if d := s.docs[url]; d != nil {
		ptr, err := neturl.PathUnescape(frag)
		if err != nil {
			ptr = frag
		}
		r = rawNode{doc: d, ptr: ptr}
		r.obj, _ = lookupPtr(d.value, ptr).(map[string]any)
	}
	if !s.rawComplete {
		s.raw[sch] = r
	}
	return r
}

func lookupPtr(v any, ptr string) any {
	if ptr == "" {
		return v
	}
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = unescapeToken(tok)
		switch x := v.(type) {
		case map[string]any:
			v = x[tok]
		case []any:
			i := 0
			for _, c := range tok {
				if c < '0' || c > '9' {
					return nil
				}
				i = i*10 + int(c-'0')
				if i > len(x) {
					return nil
				}
			}
			if i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}
