package asyncapi

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/dsctl/dsctl/compat"
)

// spec is a one-channel, one-operation application, written out as an
// AsyncAPI 3.0 and as a 2.6 document so that every case runs in both.
type spec struct {
	Action  string // send or receive
	Address string
	Param   string // enum of the channel parameter p, "" for none
	Op      string // operation key (3.0) / operationId (2.6), default "op"
	Extra   bool   // a second operation, "audit", receiving M on channel "audit"
	Msgs    []msg
}

type msg struct {
	Name, ContentType, Payload, Headers, Correlation, Key, Format, Description string
}

func (s spec) op() string {
	if s.Op == "" {
		return "op"
	}
	return s.Op
}

func (m msg) yaml(ind string, v3 bool) string {
	var b strings.Builder
	line := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "%s%s: %s\n", ind, k, v)
		}
	}
	if !v3 {
		line("messageId", m.Name)
	}
	line("name", m.Name)
	line("description", m.Description)
	line("contentType", m.ContentType)
	if m.Correlation != "" {
		line("correlationId", "{location: '"+m.Correlation+"'}")
	}
	line("headers", m.Headers)
	payload := m.Payload
	if payload == "" {
		payload = "{type: object}"
	}
	if m.Format != "" {
		if v3 {
			line("payload", "{schemaFormat: '"+m.Format+"', schema: "+payload+"}")
		} else {
			line("schemaFormat", "'"+m.Format+"'")
			line("payload", payload)
		}
	} else {
		line("payload", payload)
	}
	if m.Key != "" {
		line("bindings", "{kafka: {key: "+m.Key+"}}")
	}
	return b.String()
}

func (s spec) v3() string {
	var b strings.Builder
	b.WriteString("asyncapi: 3.0.0\ninfo: {title: t, version: 1.0.0}\nchannels:\n  ch:\n")
	fmt.Fprintf(&b, "    address: '%s'\n", s.Address)
	if s.Param != "" {
		fmt.Fprintf(&b, "    parameters:\n      p: {enum: %s}\n", s.Param)
	}
	b.WriteString("    messages:\n")
	for _, m := range s.Msgs {
		fmt.Fprintf(&b, "      %s:\n%s", m.Name, m.yaml("        ", true))
	}
	if s.Extra {
		b.WriteString("  audit:\n    address: audit\n    messages:\n      M: {payload: {type: object}}\n")
	}
	fmt.Fprintf(&b, "operations:\n  %s:\n    action: %s\n    channel: {$ref: '#/channels/ch'}\n    messages:\n", s.op(), s.Action)
	for _, m := range s.Msgs {
		fmt.Fprintf(&b, "      - $ref: '#/channels/ch/messages/%s'\n", m.Name)
	}
	if s.Extra {
		b.WriteString("  audit:\n    action: receive\n    channel: {$ref: '#/channels/audit'}\n")
	}
	return b.String()
}

func (s spec) v2() string {
	var b strings.Builder
	b.WriteString("asyncapi: 2.6.0\ninfo: {title: t, version: 1.0.0}\nchannels:\n")
	fmt.Fprintf(&b, "  '%s':\n", s.Address)
	if s.Param != "" {
		fmt.Fprintf(&b, "    parameters:\n      p: {schema: {type: string, enum: %s}}\n", s.Param)
	}
	verb := "publish" // the application receives
	if s.Action == "send" {
		verb = "subscribe" // others subscribe: the application sends
	}
	fmt.Fprintf(&b, "    %s:\n      operationId: %s\n      message:\n", verb, s.op())
	if len(s.Msgs) == 1 {
		b.WriteString(s.Msgs[0].yaml("        ", false))
	} else {
		b.WriteString("        oneOf:\n")
		for _, m := range s.Msgs {
			y := m.yaml("            ", false)
			b.WriteString("          - " + strings.TrimPrefix(y, "            "))
		}
	}
	if s.Extra {
		b.WriteString("  audit:\n    publish:\n      operationId: audit\n      message: {messageId: M, payload: {type: object}}\n")
	}
	return b.String()
}

// with returns a copy of s changed by f.
func (s spec) with(f func(*spec)) spec {
	c := s
	c.Msgs = append([]msg(nil), s.Msgs...)
	f(&c)
	return c
}

func (s spec) msg(f func(*msg)) spec {
	return s.with(func(c *spec) { f(&c.Msgs[0]) })
}

const orderPayload = `{type: object, required: [eventId, status], properties: {eventId: {type: string}, status: {type: string, enum: [placed, paid]}}}`

var (
	sender   = spec{Action: "send", Address: "orders.{p}", Param: "[eu, us]", Msgs: []msg{{Name: "OrderPlaced", ContentType: "application/json", Payload: orderPayload, Key: "{type: string}", Correlation: "$message.header#/id", Headers: "{type: object, properties: {id: {type: string}}}"}}}
	receiver = sender.with(func(s *spec) { s.Action = "receive" })
)

type dirCase struct {
	name     string
	old, new spec
	// bumps old→new and new→old
	fwd, back compat.Impact
	// ids that must appear old→new
	ids []string
	// mode, when not the flow default
	mode compat.Mode
	// only3 marks cases that exist only in 3.0
	only3 bool
}

var dirCases = []dirCase{
	{name: "identical", old: sender, new: sender, fwd: compat.None, back: compat.None},
	{name: "description only", old: sender, new: sender.msg(func(m *msg) { m.Description = "An order." }), fwd: compat.None, back: compat.None},
	{name: "address renamed", old: sender, new: sender.with(func(s *spec) { s.Address = "orders.v2.{p}" }), fwd: compat.Major, back: compat.Major},
	{name: "parameter value added", old: sender, new: sender.with(func(s *spec) { s.Param = "[eu, us, apac]" }), fwd: compat.Minor, back: compat.Major},
	{name: "parameter added", old: sender.with(func(s *spec) { s.Param = "" }), new: sender, fwd: compat.Major, back: compat.Major, ids: []string{"channel-parameter-added"}},
	{name: "action flipped", old: sender, new: receiver, fwd: compat.Major, back: compat.Major, ids: []string{"operation-action-changed"}},
	{name: "operation renamed", old: sender, new: sender.with(func(s *spec) { s.Op = "op2" }), fwd: compat.Major, back: compat.Major, ids: []string{"operation-removed", "operation-added"}},
	{name: "operation added", old: sender, new: sender.with(func(s *spec) { s.Extra = true }), fwd: compat.Minor, back: compat.Major, ids: []string{"operation-added"}},
	{name: "message added to a sent operation", old: sender, new: sender.with(func(s *spec) { s.Msgs = append(s.Msgs, msg{Name: "OrderPaid"}) }), fwd: compat.Major, back: compat.Major, ids: []string{"operation-message-added"}},
	{name: "message added to a received operation", old: receiver, new: receiver.with(func(s *spec) { s.Msgs = append(s.Msgs, msg{Name: "OrderPaid"}) }), fwd: compat.Minor, back: compat.Major, ids: []string{"operation-message-added"}},
	{name: "content type changed", old: sender, new: sender.msg(func(m *msg) { m.ContentType = "application/avro" }), fwd: compat.Major, back: compat.Major, ids: []string{"message-content-type-changed"}},
	{name: "correlationId added", old: sender.msg(func(m *msg) { m.Correlation = "" }), new: sender, fwd: compat.Minor, back: compat.Major, ids: []string{"message-correlation-id-added"}},
	{name: "correlationId moved", old: sender, new: sender.msg(func(m *msg) { m.Correlation = "$message.payload#/eventId" }), fwd: compat.Major, back: compat.Major, ids: []string{"message-correlation-id-changed"}},
	{name: "kafka key type changed", old: sender, new: sender.msg(func(m *msg) { m.Key = "{type: integer}" }), fwd: compat.Major, back: compat.Major},
	{name: "kafka key narrowed", old: sender, new: sender.msg(func(m *msg) { m.Key = "{type: string, maxLength: 36}" }), fwd: compat.Major, back: compat.Major},
	{name: "kafka key added", old: sender.msg(func(m *msg) { m.Key = "" }), new: sender, fwd: compat.Major, back: compat.Major, ids: []string{"kafka-key-added"}},
	// The example: the same enum value added is major on a sent
	// message (FORWARD: old consumers do not know it) and minor on a
	// received one (BACKWARD: the new code reads more).
	{name: "enum value added, sent", old: sender, new: sender.msg(func(m *msg) {
		m.Payload = strings.Replace(orderPayload, "[placed, paid]", "[placed, paid, shipped]", 1)
	}), fwd: compat.Major, back: compat.Minor, ids: []string{"enum-value-added"}},
	{name: "enum value added, received", old: receiver, new: receiver.msg(func(m *msg) {
		m.Payload = strings.Replace(orderPayload, "[placed, paid]", "[placed, paid, shipped]", 1)
	}), fwd: compat.Minor, back: compat.Major, ids: []string{"enum-value-added"}},
	{name: "enum value added, sent, --mode backward", mode: compat.Backward, old: sender, new: sender.msg(func(m *msg) {
		m.Payload = strings.Replace(orderPayload, "[placed, paid]", "[placed, paid, shipped]", 1)
	}), fwd: compat.Minor, back: compat.Major},
	{name: "enum value added, received, --mode full", mode: compat.Full, old: receiver, new: receiver.msg(func(m *msg) {
		m.Payload = strings.Replace(orderPayload, "[placed, paid]", "[placed, paid, shipped]", 1)
	}), fwd: compat.Major, back: compat.Major},
	{name: "required payload field removed, sent", old: sender, new: sender.msg(func(m *msg) { m.Payload = strings.Replace(orderPayload, "[eventId, status]", "[eventId]", 1) }), fwd: compat.Major, back: compat.Minor},
	{name: "required payload field removed, received", old: receiver, new: receiver.msg(func(m *msg) { m.Payload = strings.Replace(orderPayload, "[eventId, status]", "[eventId]", 1) }), fwd: compat.Minor, back: compat.Major},
	{name: "required header added, received", old: receiver, new: receiver.msg(func(m *msg) {
		m.Headers = "{type: object, required: [id], properties: {id: {type: string}}}"
	}), fwd: compat.Major, back: compat.Minor, ids: []string{"headers-required-added"}},
	{name: "required header added, sent", old: sender, new: sender.msg(func(m *msg) {
		m.Headers = "{type: object, required: [id], properties: {id: {type: string}}}"
	}), fwd: compat.Minor, back: compat.Major, ids: []string{"headers-required-added"}},
	{name: "avro payload changed", old: sender.msg(func(m *msg) {
		m.Format = "application/vnd.apache.avro;version=1.9.0"
		m.Payload = "{type: record, name: O, fields: []}"
	}),
		new: sender.msg(func(m *msg) {
			m.Format = "application/vnd.apache.avro;version=1.9.0"
			m.Payload = "{type: record, name: O, fields: [{name: a, type: string}]}"
		}), fwd: compat.Major, back: compat.Major, ids: []string{"payload-not-judged"}},
	{name: "avro payload unchanged", old: sender.msg(func(m *msg) {
		m.Format = "application/vnd.apache.avro;version=1.9.0"
		m.Payload = "{type: record, name: O, fields: []}"
	}),
		new: sender.msg(func(m *msg) {
			m.Format = "application/vnd.apache.avro;version=1.9.0"
			m.Payload = "{type: record, name: O, fields: []}"
		}), fwd: compat.None, back: compat.None},
	// Not judged, so compared by value: the same number spelt another way
	// (a double's default 1 or 1.0) is no change.
	{name: "avro payload respelled", old: sender.msg(func(m *msg) {
		m.Format = "application/vnd.apache.avro;version=1.9.0"
		m.Payload = "{type: record, name: O, fields: [{name: a, type: double, default: 1}]}"
	}),
		new: sender.msg(func(m *msg) {
			m.Format = "application/vnd.apache.avro;version=1.9.0"
			m.Payload = "{fields: [{default: 1.0, type: double, name: a}], name: O, type: record}"
		}), fwd: compat.None, back: compat.None},
	{name: "avro payload default changed", old: sender.msg(func(m *msg) {
		m.Format = "application/vnd.apache.avro;version=1.9.0"
		m.Payload = "{type: record, name: O, fields: [{name: a, type: double, default: 1}]}"
	}),
		new: sender.msg(func(m *msg) {
			m.Format = "application/vnd.apache.avro;version=1.9.0"
			m.Payload = "{type: record, name: O, fields: [{name: a, type: double, default: 1.5}]}"
		}), fwd: compat.Major, back: compat.Major, ids: []string{"payload-not-judged"}},
	{name: "payload format changed", old: sender, new: sender.msg(func(m *msg) { m.Format = "application/vnd.google.protobuf;version=3"; m.Payload = "'message O {}'" }), fwd: compat.Major, back: compat.Major, ids: []string{"payload-format-changed"}},
	{name: "JSON Schema format named", old: sender, new: sender.msg(func(m *msg) { m.Format = "application/schema+json;version=draft-07" }), fwd: compat.None, back: compat.None},
}

func diffStrings(t *testing.T, oldDoc, newDoc string, mode compat.Mode) []compat.Change {
	t.Helper()
	o := compat.Source{Name: "old.yaml", FS: fstest.MapFS{"asyncapi.yaml": {Data: []byte(oldDoc)}}, Path: "asyncapi.yaml"}
	n := compat.Source{Name: "new.yaml", FS: fstest.MapFS{"asyncapi.yaml": {Data: []byte(newDoc)}}, Path: "asyncapi.yaml"}
	cs, err := Diff(context.Background(), o, n, compat.Options{Mode: mode, Policy: compat.Strict})
	if err != nil {
		t.Fatalf("%v\n--- old\n%s--- new\n%s", err, oldDoc, newDoc)
	}
	return cs
}

func describe(cs []compat.Change) string {
	var b strings.Builder
	for _, c := range cs {
		fmt.Fprintf(&b, "  %s %s %s %s: %s\n", c.Impact, c.ID, c.Path, c.Location, c.Message)
	}
	return b.String()
}

// TestDirectionCases runs every case as 3.0 and as 2.6, old→new and new→old.
func TestDirectionCases(t *testing.T) {
	for _, c := range dirCases {
		for _, v := range []string{"3.0", "2.6"} {
			if v == "2.6" && c.only3 {
				continue
			}
			t.Run(c.name+"/"+v, func(t *testing.T) {
				render := spec.v3
				if v == "2.6" {
					render = spec.v2
				}
				o, n := render(c.old), render(c.new)
				fwd := diffStrings(t, o, n, c.mode)
				if got := compat.RequiredBump(fwd); got != c.fwd {
					t.Errorf("old→new: bump %s, want %s\n%s", got, c.fwd, describe(fwd))
				}
				for _, id := range c.ids {
					found := false
					for _, ch := range fwd {
						found = found || ch.ID == id
					}
					if !found {
						t.Errorf("old→new: no %s change\n%s", id, describe(fwd))
					}
				}
				back := diffStrings(t, n, o, c.mode)
				if got := compat.RequiredBump(back); got != c.back {
					t.Errorf("new→old: bump %s, want %s\n%s", got, c.back, describe(back))
				}
			})
		}
	}
}

// TestNotJudgedFileByValue: a payload in a format dsctl does not judge, kept
// in a file of its own, counts as changed when its content changes: an Avro
// schema (JSON) by value, so reformatting it or spelling a number another way
// is no change; a .proto file by its bytes.
func TestNotJudgedFileByValue(t *testing.T) {
	doc := func(format, file string) []byte {
		return []byte(`asyncapi: 3.0.0
info: {title: t, version: 1.0.0}
channels:
  ch:
    address: orders
    messages:
      M:
        payload: {schemaFormat: '` + format + `', schema: {$ref: '` + file + `'}}
operations:
  op: {action: send, channel: {$ref: '#/channels/ch'}, messages: [{$ref: '#/channels/ch/messages/M'}]}
`)
	}
	const avro = "application/vnd.apache.avro;version=1.9.0"
	const proto = "application/vnd.google.protobuf;version=3"
	for _, c := range []struct {
		name, format, file, old, new string
		want                         compat.Impact
	}{
		{"avsc reformatted", avro, "o.avsc", `{"type": "record", "name": "O", "fields": [{"name": "a", "type": "double", "default": 1}]}`,
			"{\n  \"name\": \"O\",\n  \"type\": \"record\",\n  \"fields\": [{\"default\": 1.0, \"name\": \"a\", \"type\": \"double\"}]\n}\n", compat.None},
		{"avsc changed", avro, "o.avsc", `{"type": "record", "name": "O", "fields": []}`, `{"type": "record", "name": "O", "fields": [{"name": "a", "type": "int"}]}`, compat.Major},
		{"avsc that does not parse, changed", avro, "o.avsc", `{"type": "record", "name": "O", "fields": [}`, `{"type": "record", "name": "P", "fields": [}`, compat.Major},
		{"proto respaced", proto, "o.proto", "message O {}\n", "message O { }\n", compat.Major},
		{"proto same", proto, "o.proto", "message O {}\n", "message O {}\n", compat.None},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := func(name, schema string) compat.Source {
				return compat.Source{Name: name, FS: fstest.MapFS{"asyncapi.yaml": {Data: doc(c.format, c.file)}, c.file: {Data: []byte(schema)}}, Path: "asyncapi.yaml"}
			}
			cs, err := Diff(context.Background(), src("old.yaml", c.old), src("new.yaml", c.new), compat.Options{Policy: compat.Strict})
			if err != nil {
				t.Fatal(err)
			}
			if got := compat.RequiredBump(cs); got != c.want {
				t.Errorf("bump %s, want %s\n%s", got, c.want, describe(cs))
			}
		})
	}
}
