package codegen

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dsctl/dsctl/contracts"
)

// TestEventsDefsNamedLikeAnEvent: a $defs of one event named like another
// event (in either order of the events) gets its event's prefix instead of
// failing with "differs from another event's ... of the same name".
func TestEventsDefsNamedLikeAnEvent(t *testing.T) {
	const created = `{"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "https://example.com/created.json",
  "type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}`
	const deleted = `{"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "https://example.com/deleted.json",
  "type": "object", "properties": {"prev": {"$ref": "#/$defs/Created"}},
  "$defs": {"Created": {"type": "object", "properties": {"x": {"type": "string"}}}}}`
	for _, order := range [][2]string{{"Created", "Deleted"}, {"Deleted", "Created"}} {
		dir := t.TempDir()
		files := map[string]string{
			"events/created.schema.json": created,
			"events/deleted.schema.json": deleted,
			"contract.yaml": "apiVersion: dsctl.dev/v1\nname: ct\nversion: 0.1.0\nowner: ct\ncompatibility: backward\nevents:\n" +
				"  - name: " + order[0] + "\n    schema: events/" + strings.ToLower(order[0]) + ".schema.json\n    producers: [ct]\n" +
				"  - name: " + order[1] + "\n    schema: events/" + strings.ToLower(order[1]) + ".schema.json\n    producers: [ct]\n",
		}
		for name, body := range files {
			p := filepath.Join(dir, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		c, err := contracts.Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		res, err := GenerateEvents(c, EventsOptions{Package: "ev", Source: "ct@0.1.0"})
		if err != nil {
			t.Fatalf("order %v: %v", order, err)
		}
		code := string(res.Code)
		for _, want := range []string{"type Created struct", "type DeletedCreated struct", "*DeletedCreated", "\tId string"} {
			if !strings.Contains(code, want) {
				t.Errorf("order %v: generated code lacks %q:\n%s", order, want, code)
			}
		}
	}
}

// TestEventsUntypedStringEnum: an enum of strings without "type" becomes a
// string type with constants, not interface{}.
func TestEventsUntypedStringEnum(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("events/e.schema.json", `{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
  "properties": {"status": {"enum": ["open", "closed"]}, "mixed": {"enum": ["a", 1]}}}`)
	write("contract.yaml", "apiVersion: dsctl.dev/v1\nname: ct\nversion: 0.1.0\nowner: ct\ncompatibility: backward\nevents:\n  - name: E\n    schema: events/e.schema.json\n    producers: [ct]\n")
	c, err := contracts.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	res, err := GenerateEvents(c, EventsOptions{Package: "ev", Source: "ct@0.1.0"})
	if err != nil {
		t.Fatal(err)
	}
	code := string(res.Code)
	for _, want := range []string{"type EStatus string", `EStatusOpen   EStatus = "open"`, "Status *EStatus", "Mixed  interface{}"} {
		if !strings.Contains(code, want) {
			t.Errorf("generated code lacks %q:\n%s", want, code)
		}
	}
}
