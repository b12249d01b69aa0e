package openapi

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
	"github.com/dsctl/dsctl/internal/remoteread"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		doc  string
		want bool
	}{
		{"openapi: 3.0.3\ninfo: {}\n", true},
		{"# comment\n---\nswagger: \"2.0\"\n", true},
		{`{"openapi": "3.1.0", "info": {}}`, true},
		{`{"info": {"title": "x"}, "openapi": "3.1.0"}`, true},
		{"  {\"swagger\": \"2.0\"}", true},
		{`{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object"}`, false},
		{"type: object\nproperties:\n  openapi:\n    type: string\n", false},
		{`{"properties": {"openapi": {"type": "string"}}}`, false},
		{"", false},
		{`{"openapi"`, true}, // the first bytes of a large document
		{`{"info": {"tit`, false},
	}
	for _, tt := range tests {
		if got := (Engine{}).Detect([]byte(tt.doc)); got != tt.want {
			t.Errorf("Detect(%q) = %v, want %v", tt.doc, got, tt.want)
		}
	}
}

func TestVersion(t *testing.T) {
	fsys := fstest.MapFS{
		"a.yaml": {Data: []byte("openapi: 3.0.3\ninfo:\n  title: x\n  version: 1.2.3\npaths: {}\n")},
		"b.json": {Data: []byte(`{"openapi": "3.1.0", "info": {"title": "x", "version": "2024-01-01"}, "paths": {}}`)},
		"c.yaml": {Data: []byte("openapi: 3.0.3\ninfo:\n  title: x\npaths: {}\n")},
		"d.yaml": {Data: []byte("openapi: 3.0.3\ninfo: [\n")},
		// JSON in YAML's flow syntax only ("x": } is null there), which
		// the load accepts too.
		"e.json": {Data: []byte("{\"openapi\": \"3.0.3\", \"info\": {\"title\": \"x\", \"version\": \"1.0.1\"},\n\"x\": }")},
		"f.json": {Data: []byte("{\"openapi\": \"3.0.3\",\n\"info\": [}")},
	}
	for name, want := range map[string]string{"a.yaml": "1.2.3", "b.json": "2024-01-01", "c.yaml": "", "e.json": "1.0.1"} {
		got, err := Engine{}.Version(compat.Source{Name: name, FS: fsys, Path: name})
		if err != nil || got != want {
			t.Errorf("Version(%s) = %q, %v; want %q", name, got, err, want)
		}
	}
	if _, err := (Engine{}).Version(compat.Source{Name: "d.yaml", FS: fsys, Path: "d.yaml"}); errkind.Of(err) != errkind.Input {
		t.Errorf("bad YAML: got %v, want an input error", err)
	}
	_, err := Engine{}.Version(compat.Source{Name: "f.json", FS: fsys, Path: "f.json"})
	if errkind.Of(err) != errkind.Input || !strings.HasPrefix(err.Error(), "f.json:2") {
		t.Errorf("bad JSON: got %v, want an input error at f.json:2", err)
	}
}

func TestDiffInputErrors(t *testing.T) {
	good := "openapi: 3.0.3\ninfo:\n  title: x\n  version: 1.0.0\npaths: {}\n"
	fsys := fstest.MapFS{
		"api/good.yaml":    {Data: []byte(good)},
		"api/escape.yaml":  {Data: []byte("openapi: 3.0.3\ninfo:\n  title: x\n  version: 1.0.0\npaths:\n  /a:\n    $ref: '../../outside.yaml'\n")},
		"api/abs.yaml":     {Data: []byte("openapi: 3.0.3\ninfo:\n  title: x\n  version: 1.0.0\npaths:\n  /a:\n    $ref: '/etc/passwd'\n")},
		"api/remote.yaml":  {Data: []byte("openapi: 3.0.3\ninfo:\n  title: x\n  version: 1.0.0\npaths:\n  /a:\n    $ref: 'http://127.0.0.1:1/x.yaml'\n")},
		"api/invalid.yaml": {Data: []byte("openapi: 3.0.3\ninfo:\n  title: x\npaths: {}\n")},
		"api/broken.yaml":  {Data: []byte("openapi: 3.0.3\ninfo: {title: x, version: 1.0.0\npaths: {}\n")},
		"api/inside.yaml":  {Data: []byte("openapi: 3.0.3\ninfo:\n  title: x\n  version: 1.0.0\npaths:\n  /a:\n    $ref: '../common/a.yaml'\n")},
		"common/a.yaml":    {Data: []byte("get: {responses: {'200': {description: ok}}}\n")},
		"outside.yaml":     {Data: []byte("get: {responses: {'200': {description: ok}}}\n")},
	}
	src := func(p string) compat.Source {
		return compat.Source{Name: p, FS: fsys, Path: p, Display: func(p string) string { return "shown/" + p }}
	}
	tests := []struct {
		file, want string
		line       int
	}{
		{"api/escape.yaml", "leaves the spec's folder", 0},
		{"api/abs.yaml", "absolute $ref paths are refused", 0},
		{"api/remote.yaml", "remote $ref refused", 0},
		{"api/invalid.yaml", "value of version must be a non-empty string", 2},
		{"api/inside.yaml", "", -1},
		{"api/broken.yaml", "yaml", 3},
		{"api/missing.yaml", "read", 0},
	}
	for _, tt := range tests {
		_, err := Engine{}.Diff(context.Background(), src("api/good.yaml"), src(tt.file), compat.Options{})
		if tt.line < 0 {
			// a ../ that stays inside the file system is fine
			if err != nil {
				t.Errorf("%s: %v", tt.file, err)
			}
			continue
		}
		var e *errkind.Error
		if !errors.As(err, &e) || e.Kind != errkind.Input {
			t.Errorf("%s: got %v, want an input error", tt.file, err)
			continue
		}
		if !strings.HasPrefix(e.File, "shown/api/") || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %q (file %q), want it to name shown/%s and say %q", tt.file, err, e.File, tt.file, tt.want)
		}
		if tt.line != 0 && e.Line != tt.line {
			t.Errorf("%s: line %d, want %d", tt.file, e.Line, tt.line)
		}
	}
}

func TestSwagger2(t *testing.T) {
	old := "swagger: \"2.0\"\ninfo: {title: x, version: 1.0.0}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {description: ok}\n  /b:\n    get:\n      responses:\n        '200': {description: ok}\n"
	new := "swagger: \"2.0\"\ninfo: {title: x, version: 1.1.0}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {description: ok}\n"
	fsys := fstest.MapFS{"old.yaml": {Data: []byte(old)}, "new.yaml": {Data: []byte(new)}}
	changes, err := Engine{}.Diff(context.Background(),
		compat.Source{Name: "old.yaml", FS: fsys, Path: "old.yaml"},
		compat.Source{Name: "new.yaml", FS: fsys, Path: "new.yaml"}, compat.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 1 || changes[0].ID != "api-path-removed-without-deprecation" || changes[0].Impact != compat.Major {
		t.Errorf("got %+v", changes)
	}
}

// TestHostileHeaders: a UTF-8 BOM is accepted (detection and loading), and an
// OpenAPI version dsctl does not read is an input error at its line.
func TestHostileHeaders(t *testing.T) {
	spec := "openapi: 3.0.3\ninfo: {title: t, version: 1.0.0}\npaths: {}\n"
	fsys := fstest.MapFS{
		"bom.yaml": {Data: append([]byte("\xef\xbb\xbf"), spec...)},
		"v9.yaml":  {Data: []byte("openapi: 9.9.9\ninfo: {title: t, version: 1.0.0}\npaths: {}\n")},
	}
	if !(Engine{}).Detect(fsys["bom.yaml"].Data) {
		t.Error("a BOM hides the openapi key from Detect")
	}
	src := func(p string) compat.Source { return compat.Source{Name: p, FS: fsys, Path: p} }
	if _, err := (Engine{}).Diff(context.Background(), src("bom.yaml"), src("bom.yaml"), compat.Options{Mode: compat.Backward}); err != nil {
		t.Errorf("BOM spec: %v", err)
	}
	_, err := (Engine{}).Diff(context.Background(), src("v9.yaml"), src("v9.yaml"), compat.Options{Mode: compat.Backward})
	if err == nil || !strings.Contains(err.Error(), `v9.yaml:1:1: unsupported OpenAPI version "9.9.9"`) {
		t.Errorf("openapi 9.9.9: %v", err)
	}
}

// TestRemoteRefLimit: with --allow-remote-refs, a remote $ref that never ends
// is cut at remoteread's size limit (issue 13 item 4) and is an input error.
func TestRemoteRefLimit(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		chunk := []byte(strings.Repeat("# endless\n", 1<<16))
		for range remoteread.MaxSize/len(chunk) + 4 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	doc := "openapi: 3.0.3\ninfo: {title: r, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Price:\n      $ref: '" + srv.URL + "/money.yaml'\n"
	fsys := fstest.MapFS{"api.yaml": {Data: []byte(doc)}}
	src := compat.Source{Name: "api.yaml", FS: fsys, Path: "api.yaml"}
	_, err := Engine{}.Diff(context.Background(), src, src, compat.Options{Mode: compat.Backward, AllowRemoteRefs: true})
	if !errors.Is(err, remoteread.ErrLimit) || errkind.Of(err) != errkind.Input {
		t.Fatalf("endless remote $ref: %v", err)
	}
}
