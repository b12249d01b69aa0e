package openapi

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"sync"
	"unsafe"

	"github.com/getkin/kin-openapi/openapi3"
	yaml "go.yaml.in/yaml/v4"
)

// Loading a document with positions, both sides at once.
//
// kin-openapi records the position of every element (its origins) while it
// decodes, and it holds one package-wide lock across every decode that does,
// so the two documents of a comparison decode one after the other however
// many cores there are; the index of block ends it builds for them is made
// under the same lock. On DataDog's 1.2 MB specs that was most of a run.
//
// fastLoad does the same work without the lock: it parses the document into
// a node tree itself, applies the scalar rules kin-openapi applies before a
// decode, decodes the tree into openapi3.T with IncludeOrigin off (the types'
// own UnmarshalYAML, so the document reads exactly as before), then stamps
// the origins from the tree by the rules kin-openapi's decode follows (see
// stamper), the large collections an entry at a time so that the tree is
// freed as the document grows (see detachSections), and resolves the
// references with the loader. TestFastLoadOrigins
// holds the result, origins and all, equal to kin-openapi's own load on every
// document in testdata.
//
// A JSON document is parsed by jsonNodes into the tree the YAML parser
// would give, faster and with a fraction of the garbage.
//
// Only the common case takes this path: one file whose every $ref points into
// its own #/components, with no anchors, aliases, merge keys or non-finite
// numbers, that parses as YAML (JSON included). Anything else, and any error,
// returns ok false and the caller loads the document with kin-openapi as
// before, which also gives the error message kin-openapi gives.

// fastLoad loads data (the document at location) as kin-openapi's loader with
// IncludeOrigin does, when the document is one fastLoad handles.
func fastLoad(ctx context.Context, data []byte, location *url.URL) (doc *openapi3.T, ok bool) {
	defer func() {
		// A decode or stamp that panics on a document outside the path
		// leaves it to kin-openapi's own load.
		if recover() != nil {
			doc, ok = nil, false
		}
	}()
	if bytes.Contains(data, []byte("\u0085")) {
		return nil, false
	}
	var root yaml.Node
	if trimmed := bytes.TrimLeft(data, " \r\n"); len(trimmed) > 0 && trimmed[0] == '{' {
		if n, ok := jsonNodes(data); ok {
			root = *n
		}
	} else if parseEntries && !decodeWhole {
		doc, ok, outside := loadEntries(ctx, data, location)
		if ok || outside {
			return doc, ok
		}
	}
	if root.Kind == 0 {
		if err := yaml.Unmarshal(data, &root); err != nil {
			return nil, false
		}
	}
	if root.Kind != yaml.DocumentNode || len(root.Content) != 1 || root.Content[0].Kind != yaml.MappingNode {
		return nil, false
	}
	nodes := 0
	if !prepareFast(&root, &nodes) {
		return nil, false
	}
	s := stamper{file: location.String(), ends: blockEnds(&root, data, nodes)}
	var sections []section
	if !decodeWhole {
		if sections, ok = detachSections(root.Content[0]); !ok {
			return nil, false
		}
	}
	if doc, ok = s.decodeRoot(&root, sections); !ok {
		return nil, false
	}
	if !resolveFast(ctx, doc, location) {
		return nil, false
	}
	return doc, true
}

// decodeRoot decodes root (the document node, with sections taken out of
// it) into a document, stamps it, and adds the sections' entries.
func (s *stamper) decodeRoot(root *yaml.Node, sections []section) (*openapi3.T, bool) {
	doc := &openapi3.T{}
	if err := root.Decode(doc); err != nil {
		return nil, false
	}
	s.value(reflect.ValueOf(doc), root.Content[0])
	for _, sec := range sections {
		if !s.section(reflect.ValueOf(doc), sec) {
			return nil, false
		}
	}
	return doc, true
}

// resolveFast resolves the references of doc, loaded from location by the
// fast path, as kin-openapi's load does.
func resolveFast(ctx context.Context, doc *openapi3.T, location *url.URL) bool {
	loader := openapi3.NewLoader()
	loader.Context = ctx
	loader.ReadFromURIFunc = func(*openapi3.Loader, *url.URL) ([]byte, error) {
		return nil, errOutsideFastPath
	}
	// The loader tells the root document from the others by the path its
	// own load records, which ResolveRefsIn alone does not set (it would take
	// this document for an external one, and resolve the local refs of its
	// discriminator mappings, which it leaves as written in a root
	// document): an empty load at the same path records it.
	if _, err := loader.LoadFromDataWithPath([]byte("{}"), location); err != nil {
		return false
	}
	return loader.ResolveRefsIn(doc, location) == nil
}

// A document's node tree takes more memory than the document it decodes
// to (Plaid's 3 MB spec: 24 MB of nodes), and both sides of a comparison load
// at once. So the entries of the large collections (paths, webhooks and the
// maps under components) are taken out of the tree before the rest decodes,
// then decoded, stamped and dropped one entry at a time: the tree shrinks as
// the document grows, instead of both being whole at the end of the load.

// decodeWhole turns the entry-at-a-time decode off (the whole tree decodes
// at once, as before it), for the A/B of BenchmarkLoadPeak.
var decodeWhole = false

// section is one such collection: the mapping node whose entries were taken
// out, where it sits (keys from the root mapping), and the entries.
type section struct {
	path    []string
	node    *yaml.Node
	entries []*yaml.Node // key, value, key, value...
}

// detachSections takes the entries out of the collections of the root
// mapping top, except extensions (x- keys), which stay and decode with the
// rest. It reports false for a document with a duplicate key at the top,
// under components or in a collection (the whole load says what that means).
func detachSections(top *yaml.Node) ([]section, bool) {
	var out []section
	unique := func(n *yaml.Node) bool {
		seen := make(map[string]bool, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			if seen[n.Content[i].Value] {
				return false
			}
			seen[n.Content[i].Value] = true
		}
		return true
	}
	detach := func(n *yaml.Node, path ...string) bool {
		if n.Kind != yaml.MappingNode {
			return true
		}
		if !unique(n) {
			return false
		}
		// Not n.Content[:0:0]: that would keep the old array, and every
		// entry through it, alive.
		var kept []*yaml.Node
		sec := section{path: path, node: n}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if strings.HasPrefix(n.Content[i].Value, "x-") {
				kept = append(kept, n.Content[i], n.Content[i+1])
			} else {
				sec.entries = append(sec.entries, n.Content[i], n.Content[i+1])
			}
		}
		n.Content = kept
		out = append(out, sec)
		return true
	}
	if !unique(top) {
		return nil, false
	}
	components := infoOf(reflect.TypeFor[openapi3.Components]())
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i].Value, top.Content[i+1]
		switch k {
		case "paths", "webhooks":
			if !detach(v, k) {
				return nil, false
			}
		case "components":
			if v.Kind != yaml.MappingNode {
				continue
			}
			if !unique(v) {
				return nil, false
			}
			for j := 0; j+1 < len(v.Content); j += 2 {
				f, ok := components.byKey[v.Content[j].Value]
				if !ok || reflect.TypeFor[openapi3.Components]().Field(f).Type.Kind() != reflect.Map {
					continue
				}
				if !detach(v.Content[j+1], k, v.Content[j].Value) {
					return nil, false
				}
			}
		}
	}
	return out, true
}

// section decodes and stamps the entries of sec one at a time, as the
// decode and the stamping of the whole collection would, adds them to the
// collection decoded into doc, and drops each entry's nodes when done.
func (s *stamper) section(doc reflect.Value, sec section) bool {
	into := collectionIn(doc, sec.path)
	if !into.IsValid() {
		return false
	}
	one := &yaml.Node{Kind: yaml.MappingNode, Tag: sec.node.Tag, Style: sec.node.Style}
	for i := 0; i+1 < len(sec.entries); i += 2 {
		one.Content = sec.entries[i : i+2 : i+2]
		v, ok := s.decodeEntry(into.Type(), one)
		if !ok {
			return false
		}
		mergeEntry(into, v)
		sec.entries[i], sec.entries[i+1] = nil, nil
	}
	return true
}

// collectionIn is the collection under path in doc (a *openapi3.T), or the
// zero Value when it is missing or nil.
func collectionIn(doc reflect.Value, path []string) reflect.Value {
	into := doc
	for _, k := range path {
		if into = deref(into); !into.IsValid() {
			return reflect.Value{}
		}
		into = childByKey(into, k)
	}
	if !into.IsValid() || into.IsNil() {
		return reflect.Value{}
	}
	return into
}

// decodeEntry decodes the mapping one (one entry of a collection of type t)
// into a fresh collection, and stamps it as the whole collection's decode
// would stamp that entry.
func (s *stamper) decodeEntry(t reflect.Type, one *yaml.Node) (reflect.Value, bool) {
	switch {
	case t == reflect.PointerTo(typePaths):
		fresh := &openapi3.Paths{}
		if err := one.Decode(fresh); err != nil {
			return reflect.Value{}, false
		}
		s.value(reflect.ValueOf(fresh), one)
		return reflect.ValueOf(fresh), true
	case t.Kind() == reflect.Map:
		fresh := reflect.New(t)
		if err := one.Decode(fresh.Interface()); err != nil {
			return reflect.Value{}, false
		}
		s.value(fresh.Elem(), one)
		s.childKeys(one, fresh.Elem())
		return fresh.Elem(), true
	}
	return reflect.Value{}, false
}

// mergeEntry adds the entries of fresh (decodeEntry's) to the collection into.
func mergeEntry(into, fresh reflect.Value) {
	if paths, ok := into.Interface().(*openapi3.Paths); ok {
		for k, v := range fresh.Interface().(*openapi3.Paths).Map() {
			paths.Set(k, v)
		}
		return
	}
	for it := fresh.MapRange(); it.Next(); {
		into.SetMapIndex(it.Key(), it.Value())
	}
}

// errOutsideFastPath is what a read by the fast path's loader returns: its
// documents refer to nothing outside themselves.
var errOutsideFastPath = errors.New("fast load reads no other file")

const (
	strTag       = "!!str"
	nullTag      = "!!null"
	floatTag     = "!!float"
	timestampTag = "!!timestamp"
)

// prepareFast applies to the tree the rules kin-openapi applies before it
// decodes (a local tag or a timestamp reads as a string, a typed mapping key
// as its text), and reports whether the document is one fastLoad takes: no
// anchor, alias or merge key, no null key, no infinity or NaN, every $ref
// into #/components. It counts the nodes in *count.
func prepareFast(n *yaml.Node, count *int) bool {
	*count++
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		return false
	}
	if n.Kind == yaml.ScalarNode {
		if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
			n.Tag = strTag
		}
		if n.Tag == timestampTag {
			n.Tag = strTag
		}
		if n.Tag == floatTag {
			switch strings.ToLower(strings.TrimLeft(n.Value, "+-")) {
			case ".inf", ".nan":
				return false
			}
		}
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind == yaml.ScalarNode && (k.Value == "<<" || k.Tag == "!!merge") {
				return false
			}
			if k.Kind == yaml.ScalarNode && k.Tag != strTag {
				if k.Tag == nullTag {
					return false
				}
				k.Tag = strTag
			}
			if k.Kind == yaml.ScalarNode && k.Value == "$ref" && v.Kind == yaml.ScalarNode && !strings.HasPrefix(v.Value, "#/components/") {
				return false
			}
		}
	}
	for _, c := range n.Content {
		if !prepareFast(c, count) {
			return false
		}
	}
	return true
}

// stamper sets the origins of a decoded document from its node tree.
type stamper struct {
	file string
	ends *endIndex
}

var (
	originType = reflect.TypeFor[*openapi3.Origin]()
	// ownOrigin holds the types whose UnmarshalYAML records their own
	// origin (the positions of their keys) and stamps the keys of their
	// children.
	ownOrigin = typeSet(
		openapi3.Components{}, openapi3.Contact{}, openapi3.Discriminator{}, openapi3.Encoding{},
		openapi3.Example{}, openapi3.ExternalDocs{}, openapi3.Info{}, openapi3.License{},
		openapi3.Link{}, openapi3.MediaType{}, openapi3.OAuthFlow{}, openapi3.OAuthFlows{},
		openapi3.Parameter{}, openapi3.PathItem{}, openapi3.RequestBody{}, openapi3.Response{},
		openapi3.SecurityScheme{}, openapi3.Server{}, openapi3.ServerVariable{}, openapi3.Tag{},
		openapi3.XML{}, openapi3.Schema{}, openapi3.Operation{}, openapi3.T{},
	)
	// refTypes holds the $ref wrappers: their own origin, and the value they
	// wrap decoded from the same node when they are not a reference.
	refTypes = typeSet(
		openapi3.CallbackRef{}, openapi3.ExampleRef{}, openapi3.HeaderRef{}, openapi3.LinkRef{},
		openapi3.ParameterRef{}, openapi3.RequestBodyRef{}, openapi3.ResponseRef{},
		openapi3.SchemaRef{}, openapi3.SecuritySchemeRef{},
	)
)

func typeSet(values ...any) map[reflect.Type]bool {
	m := make(map[reflect.Type]bool, len(values))
	for _, v := range values {
		m[reflect.TypeOf(v)] = true
	}
	return m
}

var (
	typeHeader      = reflect.TypeFor[openapi3.Header]()
	typeBoolSchema  = reflect.TypeFor[openapi3.BoolSchema]()
	typeSchema      = reflect.TypeFor[openapi3.Schema]()
	typeSchemaRef   = reflect.TypeFor[openapi3.SchemaRef]()
	typeT           = reflect.TypeFor[openapi3.T]()
	typePaths       = reflect.TypeFor[openapi3.Paths]()
	typeResponses   = reflect.TypeFor[openapi3.Responses]()
	typeCallback    = reflect.TypeFor[openapi3.Callback]()
	typeTypes       = reflect.TypeFor[openapi3.Types]()
	typeBound       = reflect.TypeFor[openapi3.ExclusiveBound]()
	typeSecurityReq = reflect.TypeFor[openapi3.SecurityRequirement]()
	typeMappingRef  = reflect.TypeFor[openapi3.MappingRef]()
)

// typeInfo is what the stamper needs of a struct type, found once.
type typeInfo struct {
	// byKey maps each yaml key to its field's index (the first exported
	// field that names it).
	byKey map[string]int
	// origin is the index path of an exported Origin *openapi3.Origin field
	// (promoted from an embedded struct included), or nil.
	origin []int
	// wrapped are the index paths of the Value and Schema fields (a wrapper
	// and what it holds occupy the same node).
	wrapped [][]int
}

var typeInfos sync.Map // reflect.Type -> *typeInfo

func infoOf(t reflect.Type) *typeInfo {
	if ti, ok := typeInfos.Load(t); ok {
		return ti.(*typeInfo)
	}
	ti := &typeInfo{byKey: map[string]int{}}
	if f, ok := t.FieldByName("Origin"); ok && f.IsExported() && f.Type == originType {
		ti.origin = f.Index
	}
	for _, name := range [...]string{"Value", "Schema"} {
		if f, ok := t.FieldByName(name); ok {
			ti.wrapped = append(ti.wrapped, f.Index)
		}
	}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if _, dup := ti.byKey[name]; !dup {
			ti.byKey[name] = i
		}
	}
	typeInfos.Store(t, ti)
	return ti
}

// originField is v's Origin field, or the zero Value when it has none.
func originField(v reflect.Value) reflect.Value {
	if i := infoOf(v.Type()).origin; i != nil {
		return v.FieldByIndex(i)
	}
	return reflect.Value{}
}

// value stamps v, decoded from node.
func (s *stamper) value(v reflect.Value, node *yaml.Node) {
	if node == nil {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			s.value(v.Elem(), node)
		}
	case reflect.Struct:
		s.structValue(v, node)
	case reflect.Map:
		if node.Kind != yaml.MappingNode || v.IsNil() || v.Type().Key().Kind() != reflect.String {
			return
		}
		for i := 0; i+1 < len(node.Content); i += 2 {
			e := v.MapIndex(reflect.ValueOf(node.Content[i].Value).Convert(v.Type().Key()))
			if !e.IsValid() {
				continue
			}
			switch e.Kind() {
			case reflect.Pointer:
				s.value(e, node.Content[i+1])
			case reflect.Struct:
				// A struct held by value: stamp a copy and put it back.
				c := reflect.New(e.Type()).Elem()
				c.Set(e)
				s.value(c, node.Content[i+1])
				v.SetMapIndex(reflect.ValueOf(node.Content[i].Value).Convert(v.Type().Key()), c)
			}
		}
	case reflect.Slice:
		if node.Kind != yaml.SequenceNode {
			return
		}
		for j := 0; j < v.Len() && j < len(node.Content); j++ {
			s.value(v.Index(j), node.Content[j])
		}
	}
}

// structValue stamps the struct v decoded from node, as its UnmarshalYAML
// (or the plain decode of its fields) does.
func (s *stamper) structValue(v reflect.Value, node *yaml.Node) {
	t := v.Type()
	switch {
	case t == typeHeader:
		s.structValue(v.FieldByName("Parameter"), node)
		return
	case t == typeTypes || t == typeBound || t == typeSecurityReq || t == typeMappingRef:
		return
	case t == typeBoolSchema:
		if node.Kind == yaml.ScalarNode {
			return
		}
		s.value(v.FieldByName("Schema"), node)
		return
	case t == typePaths || t == typeResponses || t == typeCallback:
		s.maplike(v, node)
		return
	case refTypes[t]:
		setOrigin(v, s.fromNode(node))
		if v.FieldByName("Ref").String() == "" {
			s.value(v.FieldByName("Value"), node)
		} else if t == typeSchemaRef {
			// The keywords next to a $ref are held as a schema of their own,
			// decoded from the same node, in a field the package keeps to
			// itself (3.1 applies them beside the referenced schema).
			if sib := v.FieldByName("sibling"); !sib.IsNil() {
				s.value(reflect.NewAt(typeSchema, sib.UnsafePointer()), node)
			}
		}
		return
	case t == typeSchema && node.Kind == yaml.ScalarNode && node.Tag == "!!bool":
		setOrigin(v, nil)
		return
	}
	// The fields, decoded from their keys.
	if node.Kind == yaml.MappingNode {
		idx := infoOf(t).byKey
		for i := 0; i+1 < len(node.Content); i += 2 {
			if f, ok := idx[node.Content[i].Value]; ok && node.Content[i].Value != "" {
				s.value(v.Field(f), node.Content[i+1])
			}
		}
	}
	if !ownOrigin[t] {
		return
	}
	o := s.fromNode(node)
	setOrigin(v, o)
	if t == typeT && o != nil && len(node.Content) > 0 {
		first := node.Content[0]
		o.Key = &openapi3.Location{File: s.file, Line: first.Line, Column: first.Column, Name: first.Value}
	}
	s.childKeys(node, v)
}

// maplike stamps Paths, Responses and Callback: each entry that is not an
// extension, and its key.
func (s *stamper) maplike(v reflect.Value, node *yaml.Node) {
	if node.Kind != yaml.MappingNode {
		return
	}
	var entry func(string) reflect.Value
	switch m := v.Addr().Interface().(type) {
	case *openapi3.Paths:
		entry = func(k string) reflect.Value { return reflect.ValueOf(m.Value(k)) }
	case *openapi3.Responses:
		entry = func(k string) reflect.Value { return reflect.ValueOf(m.Value(k)) }
	case *openapi3.Callback:
		entry = func(k string) reflect.Value { return reflect.ValueOf(m.Value(k)) }
	default:
		return
	}
	for i := 0; i+1 < len(node.Content); i += 2 {
		k, val := node.Content[i], node.Content[i+1]
		if strings.HasPrefix(k.Value, "x-") {
			continue
		}
		e := entry(k.Value)
		if e.IsNil() {
			continue
		}
		s.value(e, val)
		s.setKey(e, k, val)
	}
}

func setOrigin(v reflect.Value, o *openapi3.Origin) {
	if f := originField(v); f.IsValid() && f.CanSet() {
		f.Set(reflect.ValueOf(o))
	}
}

// fromNode is the origin a mapping records for itself: where each of its keys
// is, and where the scalar items of its sequence-valued fields are.
func (s *stamper) fromNode(node *yaml.Node) *openapi3.Origin {
	if node.Kind != yaml.MappingNode {
		return nil
	}
	o := &openapi3.Origin{}
	for i := 0; i+1 < len(node.Content); i += 2 {
		k, v := node.Content[i], node.Content[i+1]
		if o.Fields == nil {
			o.Fields = make(openapi3.FieldLocations, 0, len(node.Content)/2)
		}
		o.Fields = append(o.Fields, openapi3.Location{File: s.file, Line: k.Line, Column: k.Column, Name: k.Value})
		if v.Kind != yaml.SequenceNode {
			continue
		}
		var locs []openapi3.Location
		for _, item := range v.Content {
			if item.Kind == yaml.ScalarNode {
				locs = append(locs, openapi3.Location{File: s.file, Line: item.Line, Column: item.Column, Name: item.Value})
			}
		}
		if len(locs) > 0 {
			if o.Sequences == nil {
				o.Sequences = make(map[string][]openapi3.Location)
			}
			o.Sequences[k.Value] = locs
		}
	}
	if o.Fields == nil && o.Sequences == nil {
		return nil
	}
	return o
}

// childKeys sets Origin.Key on the children of the mapping node that
// container (a struct or a map) decoded from: each child's key position and
// the end of the block it heads; map-valued children are descended into, and
// each mapping item of a sequence takes its own first key.
func (s *stamper) childKeys(node *yaml.Node, container reflect.Value) {
	if node.Kind != yaml.MappingNode {
		return
	}
	v := deref(container)
	if !v.IsValid() {
		return
	}
	for i := 0; i+1 < len(node.Content); i += 2 {
		keyNode, valNode := node.Content[i], node.Content[i+1]
		child := childByKey(v, keyNode.Value)
		if !child.IsValid() {
			continue
		}
		s.setKey(child, keyNode, valNode)
		s.scalarMapKeys(v, child, keyNode, valNode)
		switch c := deref(child); {
		case !c.IsValid():
		case c.Kind() == reflect.Map:
			s.childKeys(valNode, c)
		case c.Kind() == reflect.Slice:
			if valNode.Kind != yaml.SequenceNode {
				continue
			}
			for j := 0; j < len(valNode.Content) && j < c.Len(); j++ {
				item := valNode.Content[j]
				if item.Kind == yaml.MappingNode && len(item.Content) > 0 {
					s.setKey(c.Index(j), item.Content[0], item)
				}
			}
		}
	}
}

// deref follows pointers and interfaces; the zero Value for a nil one.
func deref(v reflect.Value) reflect.Value {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return reflect.Value{}
		}
		v = v.Elem()
	}
	return v
}

// childByKey is the struct field (by its yaml name) or map entry key decoded into.
func childByKey(v reflect.Value, key string) reflect.Value {
	switch v.Kind() {
	case reflect.Map:
		if v.IsNil() || v.Type().Key().Kind() != reflect.String {
			return reflect.Value{}
		}
		return v.MapIndex(reflect.ValueOf(key).Convert(v.Type().Key()))
	case reflect.Struct:
		if i, ok := infoOf(v.Type()).byKey[key]; ok {
			return v.Field(i)
		}
	}
	return reflect.Value{}
}

// setKey stamps Key on child (when it carries an origin) from its key's
// position and the end of the block valNode, and on what a wrapper holds.
func (s *stamper) setKey(child reflect.Value, keyNode, valNode *yaml.Node) {
	child = deref(child)
	if !child.IsValid() || child.Kind() != reflect.Struct {
		return
	}
	if f := originField(child); f.IsValid() && f.CanSet() {
		if f.IsNil() {
			f.Set(reflect.ValueOf(&openapi3.Origin{}))
		}
		key := openapi3.Location{File: s.file, Line: keyNode.Line, Column: keyNode.Column, Name: keyNode.Value}
		key.EndLine, key.EndColumn = s.ends.endOf(valNode)
		f.Interface().(*openapi3.Origin).Key = &key
	}
	// A wrapper and what it holds occupy the same node.
	for _, i := range infoOf(child.Type()).wrapped {
		s.setKey(child.FieldByIndex(i), keyNode, valNode)
	}
}

// scalarMapKeys records, on the container's origin under the field's name,
// where each key of a scalar-valued map field sits (sorted by key).
func (s *stamper) scalarMapKeys(container, child reflect.Value, keyNode, valNode *yaml.Node) {
	if child.Kind() != reflect.Map || valNode.Kind != yaml.MappingNode {
		return
	}
	switch child.Type().Elem().Kind() {
	case reflect.Struct, reflect.Pointer, reflect.Interface, reflect.Map, reflect.Slice:
		return
	}
	if container.Kind() != reflect.Struct {
		return
	}
	f := originField(container)
	if !f.IsValid() || !f.CanSet() {
		return
	}
	if f.IsNil() {
		f.Set(reflect.ValueOf(&openapi3.Origin{}))
	}
	var locs []openapi3.Location
	for i := 0; i+1 < len(valNode.Content); i += 2 {
		k := valNode.Content[i]
		locs = append(locs, openapi3.Location{File: s.file, Line: k.Line, Column: k.Column, Name: k.Value})
	}
	if len(locs) == 0 {
		return
	}
	sort.Slice(locs, func(i, j int) bool { return locs[i].Name < locs[j].Name })
	o := f.Interface().(*openapi3.Origin)
	if o.Sequences == nil {
		o.Sequences = make(map[string][]openapi3.Location)
	}
	o.Sequences[keyNode.Value] = locs
}

// endIndex gives the last line of the block each node heads, by the rule
// kin-openapi's origins follow (Location.EndLine): the last line any
// descendant starts on, extended over the more deeply indented lines after
// it (a block scalar's text, a comment), and cut back before the line the
// next entry of an enclosing block collection starts on. One walk: the
// extension comes up from the children, the cut comes down from the
// ancestors. Mapping keys are never asked for and are not recorded.
//
// A node's end is keyed by its address, which keeps no node alive: the
// entries of a section are freed while the rest are still looked up (a live
// node's address is its own; the collector does not move objects).
type endIndex struct {
	end     map[uintptr]int32
	lineLen []int
	indent  []int // leading spaces of each line; -1 for a blank one

	// fixed stands a known end in for a node's walk (loadEntries' stand-ins
	// for entries parsed on their own), and bounds, when set, records the
	// bound each of them was walked with.
	fixed  map[*yaml.Node]int
	bounds map[*yaml.Node]int
}

func blockEnds(root *yaml.Node, data []byte, nodes int) *endIndex {
	ix := newEndIndex(data, nodes)
	ix.walk(root, len(ix.lineLen), false)
	return ix
}

// newEndIndex indexes the lines of data, for the ends of nodes blocks.
func newEndIndex(data []byte, nodes int) *endIndex {
	lines := bytes.Count(data, []byte{'\n'}) + 1
	ix := &endIndex{end: make(map[uintptr]int32, nodes), lineLen: make([]int, 0, lines), indent: make([]int, 0, lines)}
	start := 0
	addLine := func(line []byte) {
		ix.lineLen = append(ix.lineLen, len(line))
		t := bytes.TrimRight(line, " \t")
		if len(t) == 0 {
			ix.indent = append(ix.indent, -1)
		} else {
			ix.indent = append(ix.indent, len(t)-len(bytes.TrimLeft(t, " ")))
		}
	}
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '\n':
		case '\r':
			if i+1 < len(data) && data[i+1] == '\n' {
				continue
			}
		default:
			continue
		}
		end := i
		if data[i] == '\n' && end > start && data[end-1] == '\r' {
			end--
		}
		addLine(data[start:end])
		start = i + 1
	}
	addLine(data[start:])
	return ix
}

// walk records n's end, cut at bound, unless n is a mapping key, and
// returns its end before the cut (what its parent extends over).
func (ix *endIndex) walk(n *yaml.Node, bound int, key bool) int {
	if e, ok := ix.fixed[n]; ok {
		if ix.bounds != nil {
			ix.bounds[n] = bound
		}
		return e
	}
	if n.Kind == yaml.ScalarNode && n.Tag == nullTag && n.Value == "" {
		return 0 // an implicit null ends nowhere
	}
	e := n.Line
	step := 1
	if n.Kind == yaml.MappingNode {
		step = 2
	}
	block := n.Style&yaml.FlowStyle == 0 && (n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode)
	for i := 0; i < len(n.Content); i += step {
		b := bound
		if next := i + step; block && next < len(n.Content) && n.Content[next].Line > n.Content[i].Line {
			b = min(b, n.Content[next].Line-1)
		}
		for j := i; j < i+step && j < len(n.Content); j++ {
			if ce := ix.walk(n.Content[j], b, step == 2 && j == i); ce > e {
				e = ce
			}
		}
	}
	for {
		if ind := ix.indentOf(e); ind > n.Column-1 {
			e++
			continue
		} else if ind == -1 {
			j := e
			for j < len(ix.indent) && ix.indentOf(j) == -1 {
				j++
			}
			if ix.indentOf(j) > n.Column-1 {
				e = j + 1
				continue
			}
		}
		break
	}
	if !key {
		ix.end[uintptr(unsafe.Pointer(n))] = int32(min(e, bound))
	}
	return e
}

// indentOf is the indent of the line after line i (1-based), -1 past the end.
func (ix *endIndex) indentOf(i int) int {
	if i < 0 || i >= len(ix.indent) {
		return -1
	}
	return ix.indent[i]
}

// endOf is the end line of node's block and the column just past that line.
func (ix *endIndex) endOf(node *yaml.Node) (int, int) {
	end, ok := ix.end[uintptr(unsafe.Pointer(node))]
	line := int(end)
	if !ok || line < 1 || line > len(ix.lineLen) {
		return 0, 0
	}
	return line, ix.lineLen[line-1] + 1
}
