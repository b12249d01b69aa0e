package asyncapi

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	neturl "net/url"
	"strings"
	"time"

	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/compat/jsonschema"
)

// wrapperName is the file a schema inside an AsyncAPI document is compared
// through: a one-line JSON Schema whose $ref names the schema's place, laid
// over the source's file system. The JSON Schema engine then reads the
// document itself, so every change it finds has the document's file:line.
const wrapperName = ".dsctl-asyncapi-schema.json"

// schemaSide is the source of one side of a schema comparison: the schema
// at n, or the schema true (anything goes) when n is absent.
func schemaSide(d *document, n node) compat.Source {
	var w string
	if !n.ok() {
		w = "true"
	} else {
		var ref strings.Builder
		for i, seg := range strings.Split(n.f.path, "/") {
			if i > 0 {
				ref.WriteByte('/')
			}
			ref.WriteString(neturl.PathEscape(seg))
		}
		ref.WriteByte('#')
		for _, tok := range strings.Split(n.ptr, "/")[1:] {
			ref.WriteByte('/')
			ref.WriteString(neturl.PathEscape(tok))
		}
		// AsyncAPI schemas are a superset of JSON Schema draft-07.
		w = `{"$schema":"http://json-schema.org/draft-07/schema#","$ref":` + quote(ref.String()) + `}`
	}
	return compat.Source{
		Name:    d.src.Name,
		FS:      overlayFS{FS: d.src.FS, data: []byte(w)},
		Path:    wrapperName,
		Display: d.src.DisplayPath,
	}
}

func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20:
			b.WriteString(`\u00`)
			b.WriteByte("0123456789abcdef"[r>>4])
			b.WriteByte("0123456789abcdef"[r&15])
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// schemaDiff compares the schemas at o and n (either may be absent: the
// schema true) through the JSON Schema engine in mode. Paths in the root
// document are written "#/...", and changes the engine places in the
// wrapper are placed at fallback.
func schemaDiff(ctx context.Context, od, nd *document, o, n node, mode compat.Mode, opts compat.Options, fallback node) ([]compat.Change, error) {
	if !o.ok() && !n.ok() {
		return nil, nil
	}
	jo := opts
	jo.Mode = mode
	if jo.DefaultDraft == "" {
		// AsyncAPI's schema format is a superset of JSON Schema draft-07: the
		// document's schemas (which have no $schema of their own) are read so.
		jo.DefaultDraft = "7"
	}
	cs, err := jsonschema.Diff(ctx, schemaSide(od, o), schemaSide(nd, n), jo)
	if err != nil {
		return nil, err
	}
	out := cs[:0]
	for _, c := range cs {
		if c.Location != nil && strings.HasSuffix(c.Location.File, wrapperName) {
			c.Location = fallback.loc()
		}
		for _, d := range []*document{nd, od} {
			if rest, ok := strings.CutPrefix(c.Path, d.root.display+"#"); ok {
				c.Path = "#" + rest
				break
			}
		}
		if strings.HasPrefix(c.Path, wrapperName) || strings.HasSuffix(c.Path, wrapperName) {
			c.Path = fallback.id(nd)
		}
		out = append(out, c)
	}
	return out, nil
}

// overlayFS is a file system with the comparison wrapper laid over it.
type overlayFS struct {
	fs.FS
	data []byte
}

func (o overlayFS) Open(name string) (fs.File, error) {
	if name == wrapperName {
		return &memFile{Reader: bytes.NewReader(o.data), size: int64(len(o.data))}, nil
	}
	return o.FS.Open(name)
}

type memFile struct {
	*bytes.Reader
	size int64
}

func (f *memFile) Stat() (fs.FileInfo, error) { return memInfo{size: f.size}, nil }
func (f *memFile) Close() error               { return nil }

var _ io.Reader = (*memFile)(nil)

type memInfo struct{ size int64 }

func (i memInfo) Name() string       { return wrapperName }
func (i memInfo) Size() int64        { return i.size }
func (i memInfo) Mode() fs.FileMode  { return 0o444 }
func (i memInfo) ModTime() time.Time { return time.Time{} }
func (i memInfo) IsDir() bool        { return false }
func (i memInfo) Sys() any           { return nil }
