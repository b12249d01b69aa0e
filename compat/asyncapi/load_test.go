package asyncapi

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/internal/errkind"
)

func src(files map[string]string) compat.Source {
	m := fstest.MapFS{}
	for k, v := range files {
		m[k] = &fstest.MapFile{Data: []byte(v)}
	}
	return compat.Source{Name: "asyncapi.yaml", FS: m, Path: "asyncapi.yaml"}
}

func TestInvalidDocumentsNameFileAndLine(t *testing.T) {
	cases := []struct{ name, doc, want string }{
		{"schema violation", "asyncapi: 3.0.0\ninfo: {title: t, version: 1.0.0}\noperations:\n  op:\n    action: emit\n    channel: {$ref: '#/channels/c'}\n", "asyncapi.yaml:5:"},
		{"2.6 schema violation", "asyncapi: 2.6.0\ninfo: {title: t, version: 1.0.0}\nchannels:\n  c:\n    subscribe:\n      bogus: 1\n", "asyncapi.yaml:"},
		{"YAML syntax", "asyncapi: 3.0.0\ninfo: {title: t\n", "asyncapi.yaml:1: invalid YAML"},
		{"JSON syntax", "{\"asyncapi\": \"3.0.0\",\n \"info\": }", "asyncapi.yaml:2:10"},
		{"unsupported version", "asyncapi: 2.4.0\ninfo: {title: t, version: 1.0.0}\nchannels: {}\n", "asyncapi.yaml:1:1: AsyncAPI 2.4.0 is not supported"},
		{"missing info", "asyncapi: 3.0.0\n", "asyncapi.yaml:1:1: not a valid AsyncAPI 3.0.0 document"},
		{"ref leaves the folder", "asyncapi: 3.0.0\ninfo: {title: t, version: 1.0.0}\nchannels:\n  c:\n    $ref: '../secret.yaml#/c'\n", "asyncapi.yaml:4:3: $ref \"../secret.yaml#/c\" leaves the folder"},
		{"remote ref", "asyncapi: 3.0.0\ninfo: {title: t, version: 1.0.0}\nchannels:\n  c:\n    $ref: 'https://example.com/c.yaml'\n", "only references to files beside the document"},
		{"ref cycle", "asyncapi: 3.0.0\ninfo: {title: t, version: 1.0.0}\nchannels:\n  a: {$ref: '#/channels/b'}\n  b: {$ref: '#/channels/a'}\n", "(a cycle?)"},
		// jsv's exact arithmetic panics on 1e-9999999 and crawls on 1e-99999999.
		{"huge exponent", "asyncapi: 3.0.0\ninfo: {title: t, version: 1.0.0}\ncomponents:\n  schemas:\n    a: {multipleOf: 1e-9999999}\n", "asyncapi.yaml:5:21: number 1e-9999999 is out of range"},
		{"alias bomb", "asyncapi: 3.0.0\ninfo: {title: t, version: 1.0.0}\nx-a: &a [1,1,1,1,1,1,1,1,1,1]\nx-b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nx-c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nx-d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\nx-e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nx-f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\nx-g: [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\n", "through YAML aliases"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Validate(src(map[string]string{"asyncapi.yaml": c.doc}))
			if err == nil {
				t.Fatal("no error")
			}
			if errkind.Of(err) != errkind.Input {
				t.Errorf("kind %v, want input (exit 2): %v", errkind.Of(err), err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q, want it to contain %q", err, c.want)
			}
		})
	}
}

func TestLocalFileRefs(t *testing.T) {
	doc := `asyncapi: 3.0.0
info: {title: t, version: 1.0.0}
channels:
  c:
    address: c
    messages:
      M: {$ref: 'messages.yaml#/M'}
operations:
  op: {action: send, channel: {$ref: '#/channels/c'}}
`
	msgs := "M:\n  payload: {$ref: 'schemas/m.json'}\n"
	oldSchema := `{"type": "object", "properties": {"s": {"enum": ["a"]}}}`
	newSchema := "{\"type\": \"object\",\n \"properties\": {\"s\": {\"enum\": [\"a\", \"b\"]}}}"
	o := src(map[string]string{"asyncapi.yaml": doc, "messages.yaml": msgs, "schemas/m.json": oldSchema})
	n := src(map[string]string{"asyncapi.yaml": doc, "messages.yaml": msgs, "schemas/m.json": newSchema})
	cs, err := Diff(context.Background(), o, n, compat.Options{Policy: compat.Strict})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || cs[0].ID != "enum-value-added" || cs[0].Impact != compat.Major || cs[0].Location.String() != "schemas/m.json:2:37" {
		t.Fatalf("got\n%s", describe(cs))
	}
	if !strings.Contains(cs[0].Message, "judged forward") {
		t.Errorf("message does not say how it was judged: %s", cs[0].Message)
	}
}

func TestJSONDocumentsAndDetect(t *testing.T) {
	j := `{"asyncapi": "2.6.0", "info": {"title": "t", "version": "1.2.0"}, "channels": {"c": {"subscribe": {"message": {"payload": {"type": "string"}}}}}}`
	j2 := strings.Replace(j, `"string"`, `"integer"`, 1)
	cs, err := Diff(context.Background(), src(map[string]string{"asyncapi.yaml": j}), src(map[string]string{"asyncapi.yaml": j2}), compat.Options{Policy: compat.Strict})
	if err != nil {
		t.Fatal(err)
	}
	if compat.RequiredBump(cs) != compat.Major || cs[0].Location.Line != 1 || cs[0].Location.Column == 0 {
		t.Fatalf("got\n%s", describe(cs))
	}
	var e Engine
	if !e.Detect([]byte(j)) || !e.Detect([]byte("# c\nasyncapi: 3.0.0\n")) || e.Detect([]byte(`{"openapi": "3.1.0"}`)) || e.Detect([]byte(`{"type": "object"}`)) {
		t.Error("Detect")
	}
	v, err := e.Version(src(map[string]string{"asyncapi.yaml": j}))
	if err != nil || v != "1.2.0" {
		t.Errorf("Version = %q, %v", v, err)
	}
	var ke *errkind.Error
	_, err = Diff(context.Background(), src(map[string]string{"asyncapi.yaml": j}), src(map[string]string{"asyncapi.yaml": `{"asyncapi": "2.6.0"}`}), compat.Options{})
	if !errors.As(err, &ke) {
		t.Errorf("invalid NEW: %v", err)
	}
}

// TestDraft07Payloads: the document's schemas are read as draft-07 (an
// array items is a tuple there, and invalid in 2020-12).
func TestDraft07Payloads(t *testing.T) {
	old := sender.msg(func(m *msg) { m.Payload = "{type: array, items: [{type: string}, {type: integer}]}" })
	new := sender.msg(func(m *msg) { m.Payload = "{type: array, items: [{type: string}, {type: string}]}" })
	cs := diffStrings(t, old.v3(), new.v3(), "")
	if compat.RequiredBump(cs) != compat.Major {
		t.Fatalf("got\n%s", describe(cs))
	}
}
