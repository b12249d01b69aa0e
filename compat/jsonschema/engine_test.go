package jsonschema

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/internal/errkind"
)

func diffText(t *testing.T, oldName, oldText, newName, newText string, opts compat.Options) ([]compat.Change, error) {
	t.Helper()
	oldFS := fstest.MapFS{oldName: {Data: []byte(oldText)}}
	newFS := fstest.MapFS{newName: {Data: []byte(newText)}}
	return Engine{}.Diff(context.Background(),
		compat.Source{Name: "old/" + oldName, FS: oldFS, Path: oldName, Display: func(p string) string { return "old/" + p }},
		compat.Source{Name: "new/" + newName, FS: newFS, Path: newName, Display: func(p string) string { return "new/" + p }},
		opts)
}

func TestLocationsJSON(t *testing.T) {
	oldText := `{
  "type": "object",
  "properties": {
    "id":    {"type": "string"},
    "note":  {"type": "string"},
    "total": {"type": "number", "maximum": 3}
  },
  "additionalProperties": false
}`
	newText := `{
  "type": "object",
  "properties": {
    "id": {"type": "string", "maxLength": 10},
    "total": {"type": "integer"}
  },
  "additionalProperties": false
}`
	changes, err := diffText(t, "e.json", oldText, "e.json", newText, compat.Options{Mode: compat.Backward})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, c := range changes {
		got[c.ID] = c.Path + " " + c.Location.String()
	}
	want := map[string]string{
		"max-length-added":                   "#/properties/id/maxLength new/e.json:4:30",
		"property-removed-from-closed-model": "#/properties/note old/e.json:5:5",
		"type-narrowed":                      "#/properties/total/type new/e.json:5:15",
		"maximum-removed":                    "#/properties/total/maximum old/e.json:6:33",
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s: got %q, want %q", id, got[id], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %v", got)
	}
}

func TestLocationsYAML(t *testing.T) {
	oldText := "type: object\nproperties:\n  id:\n    type: string\nrequired: [id]\n"
	newText := "# v2\ntype: object\nproperties:\n  id:\n    type: string\n    pattern: '^[a-z]+$'\n  at:\n    type: string\nrequired:\n  - id\n  - at\n"
	changes, err := diffText(t, "e.yaml", oldText, "e.yaml", newText, compat.Options{Mode: compat.Backward})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, c := range changes {
		got[c.ID] = c.Path + " " + c.Location.String()
	}
	want := map[string]string{
		"pattern-added":                "#/properties/id/pattern new/e.yaml:6:5",
		"property-added-to-open-model": "#/properties/at new/e.yaml:7:3",
		"required-added":               "#/required/1 new/e.yaml:11:5",
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s: got %q, want %q", id, got[id], w)
		}
	}
}

func TestInputErrors(t *testing.T) {
	t.Run("v6", testInputErrors)
	saved := fastCompileSize
	defer func() { fastCompileSize = saved }()
	fastCompileSize = 0
	t.Run("fast", testInputErrors)
}

func testInputErrors(t *testing.T) {
	valid := `{"type": "string"}`
	for _, tc := range []struct {
		name, text, want string
		line, col        int
	}{
		{"syntax", "{\n  \"type\": \"string\",\n  \"maxLength\": ]\n}", "new/s.json", 3, 16},
		{"yaml syntax", "type: [string\nmaxLength: 3\n", "new/s.json", 0, 0},
		{"not a schema", `"hello"`, "must be an object or a boolean", 1, 1},
		{"metaschema", "{\n  \"type\": \"object\",\n  \"properties\": {\n    \"a\": {\"type\": \"strin\"}\n  }\n}", "does not compile", 4, 11},
		{"bad ref", `{"$ref": "#/$defs/missing"}`, "does not compile", 0, 0},
		{"bad regex", `{"pattern": "("}`, "does not compile", 0, 0},
		{"duplicate json key", `{"type": "object", "type": "string"}`, `duplicate key "type"`, 1, 20},
		{"duplicate yaml key", "type: object\ntype: string\n", `duplicate key "type"`, 2, 1},
		{"trailing comma in a .json file", `{"type": "object",}`, "expected a string key", 1, 19},
		{"two yaml documents", "type: object\n---\ntype: string\n", "more than one YAML document", 2, 1},
		{"deep nesting", strings.Repeat(`{"items":`, 1000) + "{}" + strings.Repeat("}", 1000), "nesting too deep", 0, 0},
		{"alias bomb", "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\ntype: object\n", "alias expansion", 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := diffText(t, "s.json", valid, "s.json", tc.text, compat.Options{Mode: compat.Backward})
			if err == nil {
				t.Fatal("want an error")
			}
			if errkind.Of(err) != errkind.Input {
				t.Fatalf("want an input error, got %v (%v)", errkind.Of(err), err)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "new/s.json") {
				t.Errorf("error %q should name new/s.json and contain %q", err, tc.want)
			}
			if strings.Contains(err.Error(), fsURLPrefix) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error leaks internal URLs or spans lines: %q", err)
			}
			var e *errkind.Error
			if errors.As(err, &e) && tc.line > 0 && (e.Line != tc.line || e.Column != tc.col) {
				t.Errorf("position %d:%d, want %d:%d (%v)", e.Line, e.Column, tc.line, tc.col, err)
			}
		})
	}
}

func TestDiffSelfIsEmpty(t *testing.T) {
	text := `{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
	  "properties": {"a": {"$ref": "#/$defs/a"}, "b": {"oneOf": [{"type": "string"}, {"type": "number"}]}},
	  "$defs": {"a": {"type": "array", "prefixItems": [{"const": 1}], "items": {"$ref": "#/$defs/a"}}}}`
	for _, m := range []compat.Mode{compat.Backward, compat.Forward, compat.Full} {
		changes, err := diffText(t, "a.json", text, "a.json", text, compat.Options{Mode: m})
		if err != nil {
			t.Fatal(err)
		}
		if len(changes) != 0 {
			t.Errorf("%s: diff(A, A) = %v", m, changes)
		}
	}
}

func TestDetect(t *testing.T) {
	for _, tc := range []struct {
		doc  string
		want bool
	}{
		{`{"$schema": "https://json-schema.org/draft/2020-12/schema"}`, true},
		{`{"type": "object", "properties": {}}`, true},
		{"type: object\nproperties:\n  a: {type: string}\n", true},
		{"$defs:\n  a: {}\n", true},
		{`{"oneOf": [{"type": "string"}]}`, true},
		{`{"openapi": "3.1.0", "info": {}, "components": {"schemas": {}}, "type": "x"}`, false},
		{"swagger: '2.0'\ndefinitions: {}\n", false},
		{`{"name": "x"}`, false},
		{`[1, 2]`, false},
		{`{"type": "object", "properties": {"a": {"ty`, true},
		{"openapi: 3.0.0\ninfo:\n  title: [", false},
	} {
		if got := (Engine{}).Detect([]byte(tc.doc)); got != tc.want {
			t.Errorf("Detect(%q) = %v, want %v", tc.doc, got, tc.want)
		}
	}
}

func TestVersion(t *testing.T) {
	fsys := fstest.MapFS{
		"a.json": {Data: []byte(`{"type": "object", "x-version": "1.4.2"}`)},
		"b.yaml": {Data: []byte("type: object\n")},
		"c.yaml": {Data: []byte("type: object\nx-version: 3\n")},
	}
	e := Engine{}
	if v, err := e.Version(compat.Source{FS: fsys, Path: "a.json"}); err != nil || v != "1.4.2" {
		t.Errorf("a.json: %q, %v", v, err)
	}
	if v, err := e.Version(compat.Source{FS: fsys, Path: "b.yaml"}); err != nil || v != "" {
		t.Errorf("b.yaml: %q, %v", v, err)
	}
	if _, err := e.Version(compat.Source{FS: fsys, Path: "c.yaml"}); errkind.Of(err) != errkind.Input {
		t.Errorf("c.yaml: want an input error, got %v", err)
	}
	if e.Kind() != "jsonschema" {
		t.Errorf("Kind = %q", e.Kind())
	}
}

func TestImpactPerMode(t *testing.T) {
	r := rules["type-extended"]
	for _, tc := range []struct {
		mode compat.Mode
		dir  Direction
		want compat.Impact
	}{
		{compat.Backward, Widen, compat.Minor},
		{compat.Forward, Widen, compat.Major},
		{compat.Full, Widen, compat.Major},
		{compat.NoneMode, Widen, compat.Minor},
		{compat.Backward, Narrow, compat.Major},
		{compat.ForwardTransitive, Narrow, compat.Minor},
		{compat.FullTransitive, Narrow, compat.Major},
		{compat.Backward, Both, compat.Major},
		{compat.Forward, Neutral, compat.Minor},
		{compat.Full, Annotation, compat.Patch},
	} {
		if got := impact(r, tc.dir, compat.Options{Mode: tc.mode}); got != tc.want {
			t.Errorf("%s %s: %s, want %s", tc.mode, tc.dir, got, tc.want)
		}
	}
}

func TestRemoteRefs(t *testing.T) {
	version := `{"type": "string", "maxLength": 10}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/money.json":
			_, _ = w.Write([]byte(version))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	schema := `{"type": "object", "properties": {"m": {"$ref": "` + srv.URL + `/money.json"}}}`
	fsys := fstest.MapFS{"s.json": {Data: []byte(schema)}}
	ctx := context.Background()
	if _, err := DiffFS(ctx, fsys, "s.json", fsys, "s.json", compat.Options{Mode: compat.Backward}); err == nil ||
		errkind.Of(err) != errkind.Input || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("remote ref without AllowRemoteRefs: %v", err)
	}
	changes, err := DiffFS(ctx, fsys, "s.json", fsys, "s.json", compat.Options{Mode: compat.Backward, AllowRemoteRefs: true})
	if err != nil || len(changes) != 0 {
		t.Fatalf("remote ref allowed: %v %v", changes, err)
	}
	missing := `{"$ref": "` + srv.URL + `/missing.json"}`
	mfs := fstest.MapFS{"s.json": {Data: []byte(missing)}}
	if _, err := DiffFS(ctx, mfs, "s.json", mfs, "s.json", compat.Options{AllowRemoteRefs: true}); errkind.Of(err) != errkind.Input {
		t.Fatalf("a missing remote schema is an input error, got %v", err)
	}
}

func TestCompiledReuse(t *testing.T) {
	ctx := context.Background()
	mk := func(text string) *Compiled {
		c, err := Compile(ctx, compat.Source{FS: fstest.MapFS{"s.json": {Data: []byte(text)}}, Path: "s.json"}, compat.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	v1, v2, v3 := mk(`{"type": "string"}`), mk(`{"type": "string", "maxLength": 9}`), mk(`{"type": "string", "maxLength": 5}`)
	opts := compat.Options{Mode: compat.Backward}
	var got []string
	for _, old := range []*Compiled{v1, v2} {
		for _, c := range DiffCompiled(old, v3, opts) {
			got = append(got, c.ID)
		}
	}
	if strings.Join(got, " ") != "max-length-added max-length-decreased" {
		t.Errorf("got %v", got)
	}
	if n := len(DiffCompiled(v3, v3, opts)); n != 0 {
		t.Errorf("diff(v3, v3) has %d changes", n)
	}
}

func TestDefaultDraft(t *testing.T) {
	for in, want := range map[string]string{"": "2020-12", "7": "draft-07", "draft-07": "draft-07", "2019-09": "2019-09", "4": "draft-04", "Draft6": "draft-06"} {
		got, err := ParseDraft(in)
		if err != nil || got != want {
			t.Errorf("ParseDraft(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseDraft("8"); err == nil {
		t.Error("ParseDraft(8) accepted")
	}
	old := fstest.MapFS{"s.json": {Data: []byte(`{"type": "array", "items": [{"type": "string"}], "additionalItems": false}`)}}
	new := fstest.MapFS{"s.json": {Data: []byte(`{"type": "array", "items": [{"type": "string"}]}`)}}
	ctx := context.Background()
	if _, err := DiffFS(ctx, old, "s.json", new, "s.json", compat.Options{Mode: compat.Backward}); err == nil {
		t.Fatal("array-form items compiled as 2020-12")
	}
	for _, d := range []string{"7", "6", "4"} {
		opts := compat.Options{Mode: compat.Backward, DefaultDraft: d}
		changes, err := DiffFS(ctx, old, "s.json", new, "s.json", opts)
		if err != nil {
			t.Fatalf("draft %s: %v", d, err)
		}
		if len(changes) != 1 || changes[0].ID != "items-extended" || changes[0].Path != "#/additionalItems" {
			t.Errorf("draft %s: %v", d, summarize(changes))
		}
		name, err := Engine{}.Dialect(compat.Source{Name: "s.json", FS: old, Path: "s.json"}, opts)
		want, _ := ParseDraft(d)
		if err != nil || name != want+" (no $schema: default)" {
			t.Errorf("Dialect = %q, %v", name, err)
		}
	}
}
