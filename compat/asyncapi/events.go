package asyncapi

import (
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/compat/source"
)

// Message is one message of an AsyncAPI document seen as an event of a
// contract package: its payload schema as a JSON Schema file, its examples,
// and the operations and channels that carry it.
type Message struct {
	// Name is the message's name (its name field, else its key).
	Name string
	// Schema is the path, in the document's file system, of the payload's
	// JSON Schema: the file a whole-file $ref names, or a file of Files.
	Schema string
	// Examples are files of Files, one per example payload.
	Examples []string
	// Sends and Receives name the operations that send and receive it;
	// Channels the channels (3.0 keys, 2.6 addresses) that carry it.
	Sends, Receives, Channels []string
	// Line and Column are where the message is defined.
	Line, Column int
	// File is the file it is defined in.
	File string
}

// Events is what an AsyncAPI document gives a contract package.
type Events struct {
	// Messages with a JSON Schema payload, sorted by name.
	Messages []Message
	// Skipped names messages whose payload is in another format (Avro,
	// Protobuf, …), with the format.
	Skipped map[string]string
	// Files are the payload schemas and examples written out: self-contained
	// JSON Schemas (the document's own $refs gathered under definitions),
	// beside the document.
	Files map[string][]byte
}

// ReadEvents reads and validates an AsyncAPI document and returns its
// messages as events. Errors are input errors at file:line.
func ReadEvents(src compat.Source) (*Events, error) {
	m, err := loadModel(src)
	if err != nil {
		return nil, err
	}
	out := &Events{Skipped: map[string]string{}, Files: map[string][]byte{}}
	byName := map[string]*Message{}
	for _, sk := range m.sortedSlots() {
		s := m.slots[sk]
		name := s.msg.str("name")
		if name == "" {
			name = s.name
		}
		ch := strings.SplitN(sk, "/", 2)[0]
		for _, op := range m.operations {
			if op.messages[s.name] == sk {
				ch = op.channel.key
			}
		}
		if e, ok := byName[name]; ok {
			e.Sends = appendNew(e.Sends, s.senders...)
			e.Receives = appendNew(e.Receives, s.readers...)
			e.Channels = appendNew(e.Channels, ch)
			continue
		}
		t, err := m.typedOf(s, "payload")
		if err != nil {
			return nil, err
		}
		if !jsonSchemaFormat(t.format) {
			out.Skipped[name] = t.format
			continue
		}
		l := s.msg.loc()
		e := &Message{Name: name, Sends: slices.Clone(s.senders), Receives: slices.Clone(s.readers), Channels: []string{ch}, File: l.File, Line: l.Line, Column: l.Column}
		base := path.Base(m.doc.root.path) + "." + fileSafe(name)
		dir := path.Dir(m.doc.root.path)
		if !t.schema.ok() {
			e.Schema = path.Join(dir, base+".payload.json")
			out.Files[e.Schema] = []byte("{}\n")
		} else if p, whole := m.wholeFile(t.schema); whole {
			e.Schema = p
		} else {
			v, err := m.extract(t.schema)
			if err != nil {
				return nil, err
			}
			e.Schema = path.Join(dir, base+".payload.json")
			out.Files[e.Schema] = v
		}
		if exs, ok := s.msg.get("examples"); ok {
			list, _ := exs.v.([]any)
			for i, x := range list {
				ex, ok := x.(map[string]any)
				if !ok {
					continue
				}
				p, ok := ex["payload"]
				if !ok {
					continue
				}
				b, err := json.MarshalIndent(p, "", "  ")
				if err != nil {
					return nil, fmt.Errorf("example %d of message %s: %w", i, name, err)
				}
				f := path.Join(dir, base+".example-"+strconv.Itoa(i)+".json")
				out.Files[f] = append(b, '\n')
				e.Examples = append(e.Examples, f)
			}
		}
		byName[name] = e
	}
	for _, n := range sortedKeys(byName) {
		e := byName[n]
		slices.Sort(e.Sends)
		slices.Sort(e.Receives)
		slices.Sort(e.Channels)
		out.Messages = append(out.Messages, *e)
	}
	return out, nil
}

func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ':' || r < 0x20 {
			return '_'
		}
		return r
	}, s)
}

// wholeFile returns the file a schema is when it is a $ref to a whole file
// (events/order-placed.schema.json).
func (m *model) wholeFile(n node) (string, bool) {
	ref, ok := refOf(n)
	if !ok || strings.Contains(ref, "#") && !strings.HasSuffix(ref, "#") {
		return "", false
	}
	p, _, err := m.doc.target(n, ref)
	if err != nil {
		return "", false
	}
	return p, true
}

// extract writes the schema at n as a self-contained JSON Schema: $refs
// within the document become definitions, $refs to other files are rewritten
// relative to the document's folder.
func (m *model) extract(n node) ([]byte, error) {
	x := &extractor{m: m, names: map[string]string{}, defs: map[string]any{}}
	root, err := m.doc.deref(n)
	if err != nil {
		return nil, err
	}
	v, err := x.copy(root.f, root.v, 0)
	if err != nil {
		return nil, err
	}
	obj, ok := v.(map[string]any)
	if !ok {
		obj = map[string]any{"allOf": []any{v}}
	}
	if _, has := obj["$schema"]; !has {
		obj["$schema"] = "http://json-schema.org/draft-07/schema#"
	}
	if len(x.defs) > 0 {
		defs, _ := obj["definitions"].(map[string]any)
		if defs == nil {
			defs = map[string]any{}
		}
		for k, d := range x.defs {
			defs[k] = d
		}
		obj["definitions"] = defs
	}
	b, err := json.MarshalIndent(obj, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("write the payload schema: %w", err)
	}
	return append(b, '\n'), nil
}

type extractor struct {
	m     *model
	names map[string]string // target key -> definition name
	defs  map[string]any
}

func (x *extractor) copy(f *file, v any, depth int) (any, error) {
	if depth > 256 {
		return nil, fmt.Errorf("%s: schema nested too deep", f.display)
	}
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, c := range t {
			if ref, ok := c.(string); ok && k == "$ref" {
				r, err := x.ref(f, ref, depth)
				if err != nil {
					return nil, err
				}
				out[k] = r
				continue
			}
			cc, err := x.copy(f, c, depth+1)
			if err != nil {
				return nil, err
			}
			out[k] = cc
		}
		return out, nil
	case []any:
		out := make([]any, len(t))
		for i, c := range t {
			cc, err := x.copy(f, c, depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = cc
		}
		return out, nil
	}
	return v, nil
}

// ref rewrites one $ref found in file f.
func (x *extractor) ref(f *file, ref string, depth int) (string, error) {
	from := node{f: f}
	p, ptr, err := x.m.doc.target(from, ref)
	if err != nil {
		return "", err
	}
	tf, err := x.m.doc.file(p)
	if err != nil {
		// Not YAML or JSON: keep it as a file reference.
		return relTo(path.Dir(x.m.doc.root.path), p) + "#" + ptr, nil
	}
	if ptr == "" {
		// A whole schema file: the JSON Schema engine and lint read it there.
		return relTo(path.Dir(x.m.doc.root.path), p), nil
	}
	key := p + "#" + ptr
	if name, ok := x.names[key]; ok {
		return "#/definitions/" + name, nil
	}
	v, ok := lookup(tf.value, ptr)
	if !ok {
		return "", from.errorf("$ref %q: no such value in %s", ref, tf.display)
	}
	toks := strings.Split(ptr, "/")
	name := source.UnescapeToken(toks[len(toks)-1])
	for i := 2; ; i++ {
		if _, taken := x.defs[name]; !taken {
			break
		}
		name = source.UnescapeToken(toks[len(toks)-1]) + strconv.Itoa(i)
	}
	x.names[key] = name
	x.defs[name] = nil
	c, err := x.copy(tf, v, depth+1)
	if err != nil {
		return "", err
	}
	x.defs[name] = c
	return "#/definitions/" + source.EscapeToken(name), nil
}

// relTo returns p relative to dir (both slash paths in one file system).
func relTo(dir, p string) string {
	if dir == "." || dir == "" {
		return p
	}
	if rest, ok := strings.CutPrefix(p, dir+"/"); ok {
		return rest
	}
	up := ""
	for d := dir; d != "." && d != "/"; d = path.Dir(d) {
		up += "../"
		if rest, ok := strings.CutPrefix(p, path.Dir(d)+"/"); ok && path.Dir(d) != "." {
			return up + rest
		}
	}
	return up + p
}
