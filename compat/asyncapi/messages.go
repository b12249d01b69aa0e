package asyncapi

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/compat/jsonschema"
)

// schemaFormats are the payload formats judged through the JSON Schema
// engine (media type without parameters). AsyncAPI's own schema format is a
// superset of JSON Schema draft-07.
var schemaFormats = []string{
	"application/vnd.aai.asyncapi",
	"application/vnd.aai.asyncapi+json",
	"application/vnd.aai.asyncapi+yaml",
	"application/schema+json",
	"application/schema+yaml",
}

// jsonSchemaFormat reports whether a schemaFormat is judged ("" is the default, AsyncAPI's).
func jsonSchemaFormat(f string) bool {
	base, _, _ := strings.Cut(strings.ToLower(f), ";")
	base = strings.TrimSpace(base)
	return base == "" || slices.Contains(schemaFormats, base)
}

// typed is a schema in a format: a payload or headers.
type typed struct {
	format string
	schema node // absent: no schema
}

// typedOf returns a message's payload or headers schema and its format: in 3.0 a
// Multi Format Schema Object ({schemaFormat, schema}) or a schema, in 2.6 the
// payload with the message's schemaFormat.
func (m *model) typedOf(s *slot, field string) (typed, error) {
	var p node
	var ok bool
	if field == "payload" {
		p, ok = s.msg.get("payload")
	} else {
		var err error
		p, ok, err = m.field(s, field)
		if err != nil {
			return typed{}, err
		}
	}
	if !ok {
		return typed{}, nil
	}
	if strings.HasPrefix(m.version, "2.") {
		if field != "payload" {
			return typed{schema: p}, nil // 2.6's schemaFormat is the payload's only
		}
		return typed{format: s.msg.str("schemaFormat"), schema: p}, nil
	}
	if _, isRef := refOf(p); isRef {
		if _, raw := m.doc.rawTarget(p); raw {
			// A $ref to a whole file: the schema, or a multi-format object.
			r, err := m.doc.deref(p)
			if err != nil {
				return typed{}, err
			}
			p = r
		}
	}
	if r, err := m.doc.deref(p); err == nil && hasKey(r, "schemaFormat") && hasKey(r, "schema") {
		sch, _ := r.get("schema")
		return typed{format: r.str("schemaFormat"), schema: sch}, nil
	}
	return typed{schema: p}, nil
}

// fingerprint is the content of a schema that is not judged: its value with
// $refs followed, compared by value (members in any order, a number however
// it is spelt: an Avro default of 1 is 1.0), so that only a change of content
// counts; for a $ref to a whole file in another format (a .proto file), the
// file's bytes.
func (m *model) fingerprint(n node) string {
	if !n.ok() {
		return ""
	}
	raw, isFile := m.doc.rawTarget(n)
	if isFile && !valueFile(n) {
		return string(raw)
	}
	if r, err := m.doc.deref(n); err == nil {
		return jsonschema.CanonicalValue(r.v)
	}
	if isFile {
		return string(raw) // a value file that does not parse: its bytes
	}
	return jsonschema.CanonicalValue(n.v)
}

// valueFile reports whether the $ref of n names a file of JSON or YAML
// values (Avro's .avsc is JSON), which is compared by value, not by bytes.
func valueFile(n node) bool {
	ref, _ := refOf(n)
	switch strings.ToLower(path.Ext(ref)) {
	case ".json", ".yaml", ".yml", ".avsc":
		return true
	}
	return false
}

// group is the slots that carry the same schema pair, judged once.
type group struct {
	o, n             typed
	dirs             flow
	senders, readers []string
	labels           []string
	at               node
}

// messages compares every message found in both versions, and in 3.0 the
// messages channels gain or lose.
func (d *differ) messages() error {
	v3 := !strings.HasPrefix(d.n.version, "2.")
	for _, k := range sortedKeys(d.o.slots) {
		if _, ok := d.n.slots[k]; !ok && v3 && d.n.channels[strings.SplitN(k, "/", 2)[0]] != nil {
			s := d.o.slots[k]
			ch := d.n.channels[strings.SplitN(k, "/", 2)[0]]
			d.add("channel-message-removed", compat.Major, at(ch.n, "messages"), "%s removed", s.label)
		}
	}
	if v3 {
		for _, k := range sortedKeys(d.n.slots) {
			if _, ok := d.o.slots[k]; !ok && d.o.channels[strings.SplitN(k, "/", 2)[0]] != nil {
				s := d.n.slots[k]
				d.add("channel-message-added", compat.Minor, s.msg, "%s added", s.label)
			}
		}
	}
	groups := map[string]*group{}
	var order []string
	for _, k := range sortedKeys(d.n.slots) {
		os, ok := d.o.slots[k]
		if !ok {
			continue
		}
		ns := d.n.slots[k]
		if err := d.message(os, ns); err != nil {
			return err
		}
		for _, field := range []string{"payload", "headers"} {
			ot, err := d.o.typedOf(os, field)
			if err != nil {
				return err
			}
			nt, err := d.n.typedOf(ns, field)
			if err != nil {
				return err
			}
			gk := field + "\x00" + ot.format + "\x00" + nt.format + "\x00" + placeKey(ot.schema) + "\x00" + placeKey(nt.schema)
			g, ok := groups[gk]
			if !ok {
				g = &group{o: ot, n: nt, at: ns.msg}
				groups[gk] = g
				order = append(order, gk)
			}
			dirs := ns.dirs
			senders, readers := ns.senders, ns.readers
			if dirs == 0 {
				dirs, senders, readers = os.dirs, os.senders, os.readers
			}
			g.dirs |= dirs
			g.senders = appendNew(g.senders, senders...)
			g.readers = appendNew(g.readers, readers...)
			g.labels = appendNew(g.labels, ns.label)
		}
	}
	for _, gk := range order {
		field, _, _ := strings.Cut(gk, "\x00")
		if err := d.typed(field, groups[gk]); err != nil {
			return err
		}
	}
	return nil
}

func placeKey(n node) string {
	if !n.ok() {
		return "-"
	}
	return n.key()
}

func appendNew(list []string, vs ...string) []string {
	for _, v := range vs {
		if !slices.Contains(list, v) {
			list = append(list, v)
		}
	}
	return list
}

// typed judges a payload or headers schema pair in the direction its
// messages flow.
func (d *differ) typed(field string, g *group) error {
	where := strings.Join(g.labels, ", ")
	at := g.n.schema
	if !at.ok() {
		at = g.at
	}
	oj, nj := jsonSchemaFormat(g.o.format), jsonSchemaFormat(g.n.format)
	if !oj || !nj {
		if g.o.format != g.n.format {
			d.add(field+"-format-changed", compat.Major, at, "%s: %s format changed from %s to %s", where, field, fmtName(g.o.format), fmtName(g.n.format))
			return nil
		}
		if d.o.fingerprint(g.o.schema) != d.n.fingerprint(g.n.schema) {
			d.add(field+"-not-judged", compat.Major, at, "%s: %s in format %s changed and was not judged: dsctl judges JSON Schema (and AsyncAPI schema) %ss only, so the change counts as major (fail closed)", where, field, g.n.format, field)
		}
		return nil
	}
	mode, why := d.judgeSlot(g.dirs, g.senders, g.readers)
	cs, err := schemaDiff(d.ctx, d.o.doc, d.n.doc, g.o.schema, g.n.schema, mode, d.opts, at)
	if err != nil {
		return err
	}
	ops := appendNew(slices.Clone(g.senders), g.readers...)
	slices.Sort(ops)
	for _, c := range cs {
		if field == "headers" {
			c.ID = "headers-" + c.ID
		}
		c.Message = fmt.Sprintf("%s: %s: %s (%s)", where, field, c.Message, why)
		c.Operations = ops
		if mode == compat.Full && c.Impact == compat.Major && len(c.Breaks) == 0 {
			c.Breaks = []compat.Mode{compat.Full}
		}
		d.out = append(d.out, c)
	}
	return nil
}

func fmtName(f string) string {
	if f == "" {
		return "the default (AsyncAPI schema)"
	}
	return f
}

// message compares the fields of a message found in both versions:
// contentType, correlationId and the Kafka binding's key.
func (d *differ) message(os, ns *slot) error {
	oct, err := d.o.contentType(os)
	if err != nil {
		return err
	}
	nct, err := d.n.contentType(ns)
	if err != nil {
		return err
	}
	if oct != nct {
		d.add("message-content-type-changed", compat.Major, at(ns.msg, "contentType"), "%s: content type changed from %s to %s: consumers decode the bytes differently", ns.label, quoteOr(oct), quoteOr(nct))
	}
	oc, oHas, err := d.o.field(os, "correlationId")
	if err != nil {
		return err
	}
	nc, nHas, err := d.n.field(ns, "correlationId")
	if err != nil {
		return err
	}
	switch {
	case oHas && !nHas:
		d.add("message-correlation-id-removed", compat.Major, ns.msg, "%s: correlationId (%s) removed: requests and replies are no longer matched", ns.label, oc.str("location"))
	case !oHas && nHas:
		d.add("message-correlation-id-added", compat.Minor, nc, "%s: correlationId %s added", ns.label, nc.str("location"))
	case oHas && nHas && oc.str("location") != nc.str("location"):
		d.add("message-correlation-id-changed", compat.Major, at(nc, "location"), "%s: correlationId moved from %s to %s: requests and replies are matched on another field", ns.label, oc.str("location"), nc.str("location"))
	case oHas && nHas && oc.str("description") != nc.str("description"):
		d.add("message-correlation-id-description-changed", compat.Patch, nc, "%s: correlationId description changed", ns.label)
	}
	return d.kafkaKey(os, ns)
}

func quoteOr(s string) string {
	if s == "" {
		return "unset"
	}
	return fmt.Sprintf("%q", s)
}

func (m *model) contentType(s *slot) (string, error) {
	ct, ok, err := m.field(s, "contentType")
	if err != nil {
		return "", err
	}
	if v, isStr := ct.v.(string); ok && isStr {
		return v, nil
	}
	return m.defaultContentType, nil
}

// kafkaKeyOf returns the key schema of a message's Kafka binding.
func (m *model) kafkaKeyOf(s *slot) (node, error) {
	b, ok, err := m.field(s, "bindings")
	if err != nil || !ok {
		return node{}, err
	}
	k, ok := b.get("kafka")
	if !ok {
		return node{}, nil
	}
	if k, err = m.doc.deref(k); err != nil {
		return node{}, err
	}
	key, _ := k.get("key")
	return key, nil
}

// kafkaKey compares the key schema of the messages' Kafka binding: records
// are partitioned by their key, so any change to what keys are is major in
// both directions.
func (d *differ) kafkaKey(os, ns *slot) error {
	ok, err := d.o.kafkaKeyOf(os)
	if err != nil {
		return err
	}
	nk, err := d.n.kafkaKeyOf(ns)
	if err != nil {
		return err
	}
	switch {
	case !ok.ok() && !nk.ok():
		return nil
	case !ok.ok():
		d.add("kafka-key-added", compat.Major, nk, "%s: a Kafka key schema was added: a key change re-partitions the topic", ns.label)
		return nil
	case !nk.ok():
		d.add("kafka-key-removed", compat.Major, ns.msg, "%s: the Kafka key schema was removed: a key change re-partitions the topic", ns.label)
		return nil
	}
	// An Avro key schema (3.0) is compared by content.
	if r, err := d.n.doc.deref(nk); err == nil && hasKey(r, "schemaFormat") {
		if d.o.fingerprint(ok) != d.n.fingerprint(nk) {
			d.add("kafka-key-changed", compat.Major, nk, "%s: the Kafka key schema changed (not judged, format %s): a key change re-partitions the topic", ns.label, r.str("schemaFormat"))
		}
		return nil
	}
	cs, err := schemaDiff(d.ctx, d.o.doc, d.n.doc, ok, nk, compat.Full, d.opts, nk)
	if err != nil {
		return err
	}
	for _, c := range cs {
		if c.Impact >= compat.Minor {
			c.Impact = compat.Major
		}
		c.Message = fmt.Sprintf("%s: Kafka key: %s: a key change re-partitions the topic", ns.label, c.Message)
		c.ID = "kafka-key-" + c.ID
		c.Breaks = nil
		d.out = append(d.out, c)
	}
	return nil
}
