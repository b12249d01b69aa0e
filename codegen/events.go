package codegen

import (
	"encoding/json"
	"fmt"
	"github.com/dsctl/dsctl/internal/fsx"
	"go/format"
	"path"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/dsctl/dsctl/contracts"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/getkin/kin-openapi/openapi3"
	oapi "github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
	"go.yaml.in/yaml/v3"
)

// EventsOptions configures GenerateEvents.
type EventsOptions struct {
	// Package is the Go package name of the output.
	Package string
	// Source names the package in the header, as NAME@VERSION.
	Source string
	// Operations and Channels, when set, keep only the events read from the
	// package's AsyncAPI document that one of these operations sends or
	// receives, or one of these channels carries.
	Operations []string
	Channels   []string
}

// GenerateEvents renders Go types for every event schema of a contract
// package: the JSON Schemas (and their $defs) become OpenAPI 3.1 component
// schemas generated like DTOs, and each event gets a constant with its name
// and one with its schema's $id.
func GenerateEvents(c *contracts.Contract, opts EventsOptions) (*JobResult, error) {
	if len(c.Events) == 0 {
		return nil, errkind.InputAt(c.File(contracts.FileName), 0, 0, fmt.Errorf("contract %s declares no events", c.Name))
	}
	if len(opts.Operations) > 0 || len(opts.Channels) > 0 {
		sel, err := selectMessages(c, opts.Operations, opts.Channels)
		if err != nil {
			return nil, err
		}
		cc := *c
		cc.Events = sel
		c = &cc
	}
	w := &eventWrapper{comps: map[string]any{}, raw: map[string]string{}, events: map[string]bool{}}
	for _, ev := range c.Events {
		w.events[ev.Name] = true
	}
	files := map[string][]byte{}
	type evInfo struct{ name, id string }
	var infos []evInfo
	for _, ev := range c.Events {
		data, err := fsx.ReadLimited(c.FS, ev.Schema, MaxSpecFile)
		if err != nil {
			return nil, errkind.InputAt(c.File(contracts.FileName), ev.Line, 0, fmt.Errorf("event %s: read schema %s: %w", ev.Name, ev.Schema, err))
		}
		files[ev.Schema] = data
		var doc any
		if strings.HasSuffix(ev.Schema, ".yaml") || strings.HasSuffix(ev.Schema, ".yml") {
			err = yaml.Unmarshal(data, &doc)
		} else {
			err = json.Unmarshal(data, &doc)
		}
		if err != nil {
			return nil, errkind.InputAt(c.File(ev.Schema), 0, 0, fmt.Errorf("parse schema: %w", err))
		}
		root, ok := doc.(map[string]any)
		if !ok {
			return nil, errkind.InputAt(c.File(ev.Schema), 0, 0, fmt.Errorf("schema of event %s is not an object", ev.Name))
		}
		id, _ := root["$id"].(string)
		if err := w.add(ev.Name, root); err != nil {
			return nil, errkind.InputAt(c.File(ev.Schema), 0, 0, fmt.Errorf("event %s: %w", ev.Name, err))
		}
		infos = append(infos, evInfo{ev.Name, id})
	}
	specJSON, err := json.Marshal(map[string]any{
		"openapi":    "3.1.0",
		"info":       map[string]any{"title": c.Name, "version": c.Version},
		"paths":      map[string]any{},
		"components": map[string]any{"schemas": w.comps},
	})
	if err != nil {
		return nil, fmt.Errorf("wrap event schemas: %w", err)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(specJSON)
	if err != nil {
		return nil, errkind.InputAt(c.File(contracts.FileName), 0, 0, fmt.Errorf("event schemas as OpenAPI components: %w", err))
	}
	spec := &Spec{Path: c.File(contracts.FileName), Digest: digestOf(nil, files), Doc: doc}
	res, err := Generate(spec, Options{Package: opts.Package, SpecName: "contract " + opts.Source, Tool: "dsctl gen events", WholeSpecDigest: true})
	if err != nil {
		return nil, err
	}
	sort.Slice(infos, func(i, j int) bool { return infos[i].name < infos[j].name })
	var b strings.Builder
	b.Write(res.Code)
	fmt.Fprintf(&b, "\n// Event names and schema ids of contract %s.\nconst (\n", opts.Source)
	genMu.Lock()
	for _, in := range infos {
		goName := oapi.SchemaNameToTypeName(in.name)
		fmt.Fprintf(&b, "\t// %sEvent is the name of the %s event.\n\t%sEvent = %q\n", goName, in.name, goName, in.name)
		if in.id != "" {
			fmt.Fprintf(&b, "\t// %sSchemaID is the $id of the %s event's schema.\n\t%sSchemaID = %q\n", goName, in.name, goName, in.id)
		}
	}
	genMu.Unlock()
	b.WriteString(")\n")
	src, err := format.Source([]byte(b.String()))
	if err != nil {
		return nil, fmt.Errorf("format event constants: %w", err)
	}
	if err := typeCheck(src, opts.Package); err != nil {
		return nil, clashError(spec, Options{Package: opts.Package}, string(src), nil, err)
	}
	return &JobResult{Spec: "contract " + opts.Source, Digest: spec.Digest, Kept: res.Kept, Total: res.Total, Code: src}, nil
}

// eventWrapper gathers event schemas and their $defs as component schemas.
type eventWrapper struct {
	comps  map[string]any
	raw    map[string]string // component name -> canonical JSON before ref rewriting
	events map[string]bool   // the contract's event names: their types keep those names
}

func (w *eventWrapper) add(event string, root map[string]any) error {
	if _, dup := w.comps[event]; dup {
		return fmt.Errorf("event name %s is also a $defs name of another event's schema", event)
	}
	names := map[string]string{} // $defs name -> component name
	var defNames []string
	defs := map[string]any{}
	for _, key := range []string{"$defs", "definitions"} {
		if m, ok := root[key].(map[string]any); ok {
			for k, v := range m {
				defs[k] = v
				defNames = append(defNames, k)
			}
		}
	}
	sort.Strings(defNames)
	for _, d := range defNames {
		canon, _ := json.Marshal(defs[d])
		target := d
		// A $defs named like an event (the event's type keeps the name), or
		// like another event's different $defs, is prefixed with its event.
		if prev, ok := w.raw[d]; w.events[d] || (ok && prev != string(canon)) {
			target = event + d
		}
		names[d] = target
	}
	rewrite := func(v any) (any, error) {
		out, err := rewriteRefs(v, event, names)
		if err != nil {
			return nil, err
		}
		inferEnumTypes(out)
		return out, nil
	}
	for _, d := range defNames {
		v, err := rewrite(defs[d])
		if err != nil {
			return err
		}
		target := names[d]
		if prev, ok := w.comps[target]; ok && !reflect.DeepEqual(prev, v) {
			return fmt.Errorf("$defs %s differs from another event's %s of the same name", d, target)
		}
		canon, _ := json.Marshal(defs[d])
		w.comps[target], w.raw[target] = v, string(canon)
	}
	body := map[string]any{}
	for k, v := range root {
		switch k {
		case "$schema", "$id", "$defs", "definitions":
			continue
		}
		body[k] = v
	}
	v, err := rewrite(body)
	if err != nil {
		return err
	}
	w.comps[event] = v
	return nil
}

// inferEnumTypes gives an untyped enum of only strings "type": "string", in
// place: JSON Schema lets an enum stand alone (common in event schemas), but
// the generator would make it interface{} without its constants.
func inferEnumTypes(v any) {
	switch v := v.(type) {
	case map[string]any:
		if vals, ok := v["enum"].([]any); ok && len(vals) > 0 && v["type"] == nil {
			allStrings := true
			for _, x := range vals {
				if _, ok := x.(string); !ok {
					allStrings = false
				}
			}
			if allStrings {
				v["type"] = "string"
			}
		}
		for _, x := range v {
			inferEnumTypes(x)
		}
	case []any:
		for _, x := range v {
			inferEnumTypes(x)
		}
	}
}

// rewriteRefs points local JSON Schema refs (#, #/$defs/X, #/definitions/X)
// at the component schemas; any other $ref is refused.
func rewriteRefs(v any, event string, names map[string]string) (any, error) {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			if k == "$ref" {
				s, _ := x.(string)
				target, err := refTarget(s, event, names)
				if err != nil {
					return nil, err
				}
				out[k] = target
				continue
			}
			y, err := rewriteRefs(x, event, names)
			if err != nil {
				return nil, err
			}
			out[k] = y
		}
		return out, nil
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			y, err := rewriteRefs(x, event, names)
			if err != nil {
				return nil, err
			}
			out[i] = y
		}
		return out, nil
	}
	return v, nil
}

func refTarget(ref, event string, names map[string]string) (string, error) {
	switch {
	case ref == "#":
		return schemaRefPrefix + event, nil
	case strings.HasPrefix(ref, "#/$defs/"), strings.HasPrefix(ref, "#/definitions/"):
		d := unescapePointer(path.Base(ref))
		if n, ok := names[d]; ok {
			return schemaRefPrefix + n, nil
		}
		return "", fmt.Errorf("$ref %s: no such definition", ref)
	}
	return "", fmt.Errorf("$ref %s: only #, #/$defs/NAME and #/definitions/NAME are supported in event schemas", ref)
}

// selectMessages returns the events of c's AsyncAPI document that one of ops
// sends or receives or one of chans carries; a name no message has is an
// input error listing the ones there are.
func selectMessages(c *contracts.Contract, ops, chans []string) ([]contracts.Event, error) {
	if c.AsyncAPI == "" {
		return nil, errkind.InputAt(c.File(contracts.FileName), 0, 0, fmt.Errorf("contract %s has no AsyncAPI document: --operation and --channel select its messages", c.Name))
	}
	known := map[string]map[string]bool{"operation": {}, "channel": {}}
	var out []contracts.Event
	for _, e := range c.Events {
		hit := false
		for _, o := range e.Operations {
			known["operation"][o] = true
			hit = hit || slices.Contains(ops, o)
		}
		for _, ch := range e.Channels {
			known["channel"][ch] = true
			hit = hit || slices.Contains(chans, ch)
		}
		if hit {
			out = append(out, e)
		}
	}
	for kind, names := range map[string][]string{"operation": ops, "channel": chans} {
		for _, n := range names {
			if !known[kind][n] {
				have := make([]string, 0, len(known[kind]))
				for k := range known[kind] {
					have = append(have, k)
				}
				sort.Strings(have)
				return nil, errkind.InputAt(c.File(c.AsyncAPI), 0, 0, fmt.Errorf("no %s %q carries a message with a JSON Schema payload (there are: %s)", kind, n, strings.Join(have, ", ")))
			}
		}
	}
	return out, nil
}
