package asyncapi

import (
	"errors"
	"fmt"
	"io/fs"
	neturl "net/url"
	"path"
	"slices"
	"strings"

	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/compat/source"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/fsx"
)

// maxRefHops bounds a chain of $refs to $refs.
const maxRefHops = 32

// document is one side of a comparison: the root AsyncAPI document and the
// files its $refs reach, all within the source's file system.
type document struct {
	src     compat.Source
	root    *file
	files   map[string]*file
	version string
}

// node is a value in one of a document's files.
type node struct {
	f   *file
	ptr string
	v   any
}

func (n node) ok() bool { return n.f != nil }

// obj returns the node's object, nil when it is not one.
func (n node) obj() map[string]any {
	m, _ := n.v.(map[string]any)
	return m
}

// get returns the member key of an object node.
func (n node) get(key string) (node, bool) {
	m := n.obj()
	if m == nil {
		return node{}, false
	}
	v, ok := m[key]
	if !ok {
		return node{}, false
	}
	return node{f: n.f, ptr: n.ptr + "/" + source.EscapeToken(key), v: v}, true
}

// str returns the member key of an object node when it is a string.
func (n node) str(key string) string {
	c, _ := n.get(key)
	s, _ := c.v.(string)
	return s
}

// keys returns the sorted member names of an object node.
func (n node) keys() []string {
	m := n.obj()
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// loc returns where the node is.
func (n node) loc() *compat.Location {
	if n.f == nil {
		return nil
	}
	p := n.f.position(n.ptr)
	return &compat.Location{File: n.f.display, Line: p.line, Column: p.col}
}

// id names the node's place: "#/ptr" in the root document, "file#/ptr" in another.
func (n node) id(d *document) string {
	if n.f == nil {
		return ""
	}
	if n.f == d.root {
		return "#" + n.ptr
	}
	return n.f.display + "#" + n.ptr
}

// key is the node's canonical place, for telling whether two references
// reach the same value.
func (n node) key() string { return n.f.path + "#" + n.ptr }

func (n node) errorf(format string, args ...any) error {
	l := n.loc()
	return errkind.InputAt(l.File, l.Line, l.Column, fmt.Errorf(format, args...))
}

// load reads, parses and validates the root document of a source.
func load(src compat.Source) (*document, error) {
	p := strings.TrimPrefix(path.Clean("/"+src.Path), "/")
	if src.FS == nil || p == "" || !fs.ValidPath(p) {
		return nil, errkind.Inputf("%s: not a file path", src.Name)
	}
	d := &document{src: src, files: map[string]*file{}}
	f, err := d.file(p)
	if err != nil {
		return nil, err
	}
	d.root = f
	m, ok := f.value.(map[string]any)
	if !ok {
		return nil, errkind.InputAt(f.display, 1, 1, errors.New("an AsyncAPI document must be an object"))
	}
	v, _ := m["asyncapi"].(string)
	if v == "" {
		return nil, errkind.InputAt(f.display, 1, 1, errors.New("not an AsyncAPI document: no asyncapi version"))
	}
	if !slices.Contains(Versions, v) {
		at := f.position("/asyncapi")
		return nil, errkind.InputAt(f.display, at.line, at.col, fmt.Errorf("AsyncAPI %s is not supported (dsctl reads %s)", v, strings.Join(Versions, " and ")))
	}
	d.version = v
	if err := validate(f, v); err != nil {
		return nil, err
	}
	return d, nil
}

// file returns a parsed file of the source, reading it the first time.
func (d *document) file(p string) (*file, error) {
	if f, ok := d.files[p]; ok {
		return f, nil
	}
	display := d.src.DisplayPath(p)
	data, err := fsx.ReadLimited(d.src.FS, p, source.MaxDocument)
	if err != nil {
		return nil, errkind.InputAt(display, 0, 0, fmt.Errorf("read: %w", err))
	}
	f, err := parseFile(p, display, data)
	if err != nil {
		return nil, err
	}
	d.files[p] = f
	return f, nil
}

// refOf returns the $ref of a Reference Object node.
func refOf(n node) (string, bool) {
	m := n.obj()
	if m == nil {
		return "", false
	}
	r, ok := m["$ref"].(string)
	return r, ok
}

// deref follows $refs from n to the value they name.
func (d *document) deref(n node) (node, error) {
	for hop := 0; ; hop++ {
		ref, ok := refOf(n)
		if !ok {
			return n, nil
		}
		if hop == maxRefHops {
			return node{}, n.errorf("more than %d $refs in a chain (a cycle?)", maxRefHops)
		}
		next, err := d.resolve(n, ref)
		if err != nil {
			return node{}, err
		}
		n = next
	}
}

// target splits a $ref into the file it names (a path in the file system)
// and the JSON pointer in it.
func (d *document) target(from node, ref string) (string, string, error) {
	filePart, frag, _ := strings.Cut(ref, "#")
	if u, err := neturl.Parse(filePart); err != nil || u.Scheme != "" || u.Host != "" || strings.HasPrefix(filePart, "/") {
		return "", "", from.errorf("$ref %q: only references to files beside the document are read (no URLs, no absolute paths)", ref)
	}
	ptr, err := neturl.PathUnescape(frag)
	if err != nil {
		return "", "", from.errorf("$ref %q: invalid fragment", ref)
	}
	if ptr != "" && ptr[0] != '/' {
		return "", "", from.errorf("$ref %q: the fragment must be a JSON pointer", ref)
	}
	p := from.f.path
	if filePart != "" {
		fp, err := neturl.PathUnescape(filePart)
		if err != nil {
			return "", "", from.errorf("$ref %q: invalid path", ref)
		}
		p = path.Join(path.Dir(from.f.path), fp)
		if !fs.ValidPath(p) || strings.HasPrefix(p, "../") || p == ".." {
			return "", "", from.errorf("$ref %q leaves the folder of the document", ref)
		}
	}
	return p, ptr, nil
}

// resolve returns the node a $ref names, relative to the file that holds it.
func (d *document) resolve(from node, ref string) (node, error) {
	p, ptr, err := d.target(from, ref)
	if err != nil {
		return node{}, err
	}
	f, err := d.file(p)
	if err != nil {
		return node{}, err
	}
	v, ok := lookup(f.value, ptr)
	if !ok {
		return node{}, from.errorf("$ref %q: no such value in %s", ref, f.display)
	}
	return node{f: f, ptr: ptr, v: v}, nil
}

// rawTarget returns the bytes of the file a fragment-less $ref names, for
// payloads in formats that are not JSON or YAML (a .proto file).
func (d *document) rawTarget(from node) ([]byte, bool) {
	ref, ok := refOf(from)
	if !ok || strings.Contains(ref, "#") {
		return nil, false
	}
	p, _, err := d.target(from, ref)
	if err != nil {
		return nil, false
	}
	b, err := fsx.ReadLimited(d.src.FS, p, source.MaxDocument)
	return b, err == nil
}
