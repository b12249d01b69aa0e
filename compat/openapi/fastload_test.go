package openapi

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/rogpeppe/go-internal/txtar"
)

// corpusDocs returns every OpenAPI 3 document in the repository's testdata
// (plain files and the files of txtar archives) and, when
// DSCTL_FASTLOAD_CORPUS names a folder, every one under it (real specs, for
// a local run), keyed by a name for the test.
func corpusDocs(t *testing.T) map[string][]byte {
	t.Helper()
	docs := map[string][]byte{}
	add := func(name string, data []byte) {
		if topLevelKind(data) == "openapi" {
			docs[name] = data
		}
	}
	walk := func(root string) {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			switch filepath.Ext(p) {
			case ".txtar":
				for _, f := range txtar.Parse(data).Files {
					add(p+":"+f.Name, f.Data)
				}
			case ".yaml", ".yml", ".json":
				add(p, data)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, root := range []string{"testdata", "../../internal/cli/testdata", "../../testdata", "../../codegen/testdata", "../../examples"} {
		walk(root)
	}
	if dir := os.Getenv("DSCTL_FASTLOAD_CORPUS"); dir != "" {
		walk(dir)
	}
	return docs
}

// TestFastLoadOrigins holds fastLoad to kin-openapi's own load with
// IncludeOrigin: for every document it takes, the two documents are equal in
// every field reachable from the root, every origin (key, fields, sequences,
// block ends) included.
func TestFastLoadOrigins(t *testing.T) {
	docs := corpusDocs(t)
	fast := 0
	for name, data := range docs {
		location := &url.URL{Path: "openapi.yaml"}
		got, ok := fastLoad(context.Background(), data, location)
		if !ok {
			continue
		}
		loader := openapi3.NewLoader()
		loader.IncludeOrigin = true
		loader.IsExternalRefsAllowed = true
		loader.ReadFromURIFunc = func(*openapi3.Loader, *url.URL) ([]byte, error) { return nil, fs.ErrNotExist }
		want, err := loader.LoadFromDataWithPath(data, location)
		if err != nil {
			t.Errorf("%s: fastLoad loaded a document kin-openapi refuses: %v", name, err)
			continue
		}
		fast++
		if diff := firstDifference(reflect.ValueOf(want), reflect.ValueOf(got), "doc", map[[2]uintptr]bool{}); diff != "" {
			t.Errorf("%s: %s", name, diff)
		}
	}
	t.Logf("%d of %d documents took the fast path", fast, len(docs))
	if fast < 100 {
		t.Fatalf("only %d documents took the fast path; the corpus should give over 100", fast)
	}
}

// TestFastLoadEntries holds the entry-at-a-time parse (loadEntries) to the
// whole-tree parse on every YAML document it takes, and makes sure it takes
// the documents of testdata that it should (a cut that declined everything
// would pass the test above unseen).
func TestFastLoadEntries(t *testing.T) {
	docs := corpusDocs(t)
	taken := 0
	for name, data := range docs {
		got, ok, _ := loadEntries(context.Background(), data, &url.URL{Path: "openapi.yaml"})
		if !ok {
			continue
		}
		parseEntries = false
		want, ok := fastLoad(context.Background(), data, &url.URL{Path: "openapi.yaml"})
		parseEntries = true
		if !ok {
			t.Errorf("%s: loadEntries took a document the whole-tree parse declines", name)
			continue
		}
		taken++
		if diff := firstDifference(reflect.ValueOf(want), reflect.ValueOf(got), "doc", map[[2]uintptr]bool{}); diff != "" {
			t.Errorf("%s: %s", name, diff)
		}
	}
	t.Logf("%d of %d documents took the entry-at-a-time parse", taken, len(docs))
	for _, name := range []string{"testdata/fastload/sections.yaml", "testdata/fastload/entries.yaml"} {
		if _, ok, _ := loadEntries(context.Background(), docs[name], &url.URL{Path: "openapi.yaml"}); !ok {
			t.Errorf("%s: loadEntries declined it", name)
		}
	}
	// The same with Windows line breaks.
	crlf := bytes.ReplaceAll(docs["testdata/fastload/entries.yaml"], []byte("\n"), []byte("\r\n"))
	got, ok, _ := loadEntries(context.Background(), crlf, &url.URL{Path: "openapi.yaml"})
	parseEntries = false
	want, _ := fastLoad(context.Background(), crlf, &url.URL{Path: "openapi.yaml"})
	parseEntries = true
	if !ok {
		t.Errorf("entries.yaml with CRLF: loadEntries declined it")
	} else if diff := firstDifference(reflect.ValueOf(want), reflect.ValueOf(got), "doc", map[[2]uintptr]bool{}); diff != "" {
		t.Errorf("entries.yaml with CRLF: %s", diff)
	}
}

// FuzzLoadEntries holds the entry-at-a-time parse to the whole-tree parse on
// mutations of the documents it cuts: whatever it takes, it loads equal.
func FuzzLoadEntries(f *testing.F) {
	for _, p := range []string{"testdata/fastload/sections.yaml", "testdata/fastload/entries.yaml"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		location := &url.URL{Path: "openapi.yaml"}
		got, ok, _ := loadEntries(context.Background(), data, location)
		if !ok {
			return
		}
		parseEntries = false
		defer func() { parseEntries = true }()
		want, ok := fastLoad(context.Background(), data, location)
		if !ok {
			t.Fatal("loadEntries took a document the whole-tree parse declines")
		}
		if diff := firstDifference(reflect.ValueOf(want), reflect.ValueOf(got), "doc", map[[2]uintptr]bool{}); diff != "" {
			t.Fatal(diff)
		}
	})
}

// TestLoadEntriesDeclines: a cut by indentation that would split a construct
// (a quoted scalar or a flow collection running across a line at the
// entries' column) leaves a group that does not parse, and the document to
// the whole-tree parse; so do what the cut cannot count as the parser does.
func TestLoadEntriesDeclines(t *testing.T) {
	const head = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n"
	const c = "  /c:\n    get: {responses: {'204': {description: none}}}\n"
	for name, doc := range map[string]string{
		"quoted across an entry line": "paths:\n  /a:\n    get:\n      description: \"one\n  /b: two\"\n      responses: {'204': {description: none}}\n" + c,
		"flow across an entry line":   "paths:\n  /a: {get: {responses: {'204': {description: none}},\n  /b: 1}}\n" + c,
		"flow across an x- line":      "paths:\n  /a: {get: {responses: {'204': {description: none}},\n  x-y: 1}}\n" + c,
		"quoted across a top key":     "paths:\n  /a:\n    get:\n      description: \"one\ncomponents: two\"\n      responses: {'204': {description: none}}\n",
		"tab indent":                  "paths:\n  /a:\n\t get: {responses: {'204': {description: none}}}\n" + c,
		"line separator":              "paths:\n  /a:\n    get: {description: \"a\u2028b\", responses: {'204': {description: none}}}\n" + c,
		"duplicate across groups":     "paths:\n  /a:\n    get: {responses: {'204': {description: none}}}\n  x-k: 1\n  /a:\n    get: {responses: {'204': {description: none}}}\n",
		"anchor":                      "paths:\n  /a: &p\n    get: {responses: {'204': {description: none}}}\n  /b: *p\n",
	} {
		_, ok, outside := loadEntries(context.Background(), []byte(head+doc), &url.URL{Path: "openapi.yaml"})
		if ok {
			t.Errorf("%s: loadEntries took it", name)
		}
		// Only what the fast path never takes skips the whole-tree parse.
		if outside != (name == "anchor") {
			t.Errorf("%s: outside = %v", name, outside)
		}
	}
	// An anchor in the last group: outside, found without a whole parse.
	doc := head + "paths:\n  /a:\n    get: {responses: {'204': {description: none}}}\n  /b:\n    get: &g {responses: {'204': {description: none}}}\n"
	if _, ok, outside := loadEntries(context.Background(), []byte(doc), &url.URL{Path: "openapi.yaml"}); ok || !outside {
		t.Errorf("anchor in the last group: ok %v, outside %v", ok, outside)
	}
}

// TestFastLoadDeclines: documents outside the fast path are left to
// kin-openapi's load.
func TestFastLoadDeclines(t *testing.T) {
	for name, doc := range map[string]string{
		"external ref": "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: 'other.yaml#/A'}\n",
		"ref to paths": "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: '#/paths/x'}\n",
		"alias":        "openapi: 3.0.3\ninfo: &i {title: t, version: '1'}\nx-info: *i\npaths: {}\n",
		"merge key":    "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {type: object}\n    B:\n      <<: {type: string}\n",
		"infinity":     "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {type: number, maximum: .inf}\n",
		"null key":     "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nx-a: {~: 1}\n",
		"not yaml":     "openapi: 3.0.3\ninfo: [\n",
		"next line":    "{\"openapi\": \"3.0.3\", \"info\": {\"title\": \"t\u0085\", \"version\": \"1\"}, \"paths\": {}}",
		"duplicate":    "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\npaths: {}\n",
		// The collections decoded entry by entry (detachSections).
		"duplicate path":   "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a: {}\n  /a: {}\n",
		"duplicate schema": "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {}\n    A: {type: string}\n",
	} {
		if _, ok := fastLoad(context.Background(), []byte(doc), &url.URL{Path: "openapi.yaml"}); ok {
			t.Errorf("%s: fastLoad took a document it must leave to kin-openapi", name)
		}
	}
}

// firstDifference walks a and b together and describes the first place they
// differ ("" when they are equal). Unexported fields are compared too, except
// the document's own URL, which only the loader sets and which fastLoad's
// documents (all refs local) never read.
func firstDifference(a, b reflect.Value, path string, seen map[[2]uintptr]bool) string {
	if a.IsValid() != b.IsValid() {
		return fmt.Sprintf("%s: one side is missing", path)
	}
	if !a.IsValid() {
		return ""
	}
	if a.Type() != b.Type() {
		return fmt.Sprintf("%s: types %s and %s", path, a.Type(), b.Type())
	}
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				return fmt.Sprintf("%s: kin-openapi nil=%v, fast nil=%v", path, a.IsNil(), b.IsNil())
			}
			return ""
		}
		key := [2]uintptr{a.Pointer(), b.Pointer()}
		if seen[key] {
			return ""
		}
		seen[key] = true
		return firstDifference(a.Elem(), b.Elem(), path, seen)
	case reflect.Interface:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				return fmt.Sprintf("%s: kin-openapi nil=%v, fast nil=%v", path, a.IsNil(), b.IsNil())
			}
			return ""
		}
		return firstDifference(a.Elem(), b.Elem(), path, seen)
	case reflect.Struct:
		for i := range a.NumField() {
			f := a.Type().Field(i)
			if a.Type() == reflect.TypeFor[openapi3.T]() && f.Name == "url" {
				continue
			}
			if d := firstDifference(a.Field(i), b.Field(i), path+"."+f.Name, seen); d != "" {
				return d
			}
		}
		return ""
	case reflect.Map:
		if a.Len() != b.Len() {
			return fmt.Sprintf("%s: %d and %d entries", path, a.Len(), b.Len())
		}
		for _, k := range a.MapKeys() {
			if d := firstDifference(a.MapIndex(k), b.MapIndex(k), fmt.Sprintf("%s[%v]", path, k), seen); d != "" {
				return d
			}
		}
		return ""
	case reflect.Slice, reflect.Array:
		if a.Len() != b.Len() {
			return fmt.Sprintf("%s: %d and %d items", path, a.Len(), b.Len())
		}
		for i := range a.Len() {
			if d := firstDifference(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i), seen); d != "" {
				return d
			}
		}
		return ""
	case reflect.String:
		if a.String() != b.String() {
			return fmt.Sprintf("%s: %q and %q", path, a.String(), b.String())
		}
	case reflect.Bool:
		if a.Bool() != b.Bool() {
			return fmt.Sprintf("%s: %v and %v", path, a.Bool(), b.Bool())
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if a.Int() != b.Int() {
			return fmt.Sprintf("%s: %d and %d", path, a.Int(), b.Int())
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if a.Uint() != b.Uint() {
			return fmt.Sprintf("%s: %d and %d", path, a.Uint(), b.Uint())
		}
	case reflect.Float32, reflect.Float64:
		if a.Float() != b.Float() {
			return fmt.Sprintf("%s: %v and %v", path, a.Float(), b.Float())
		}
	case reflect.Func, reflect.Chan:
		if a.IsNil() != b.IsNil() {
			return fmt.Sprintf("%s: nil %v and %v", path, a.IsNil(), b.IsNil())
		}
	default:
		if !strings.HasPrefix(a.Kind().String(), "complex") {
			return fmt.Sprintf("%s: cannot compare kind %s", path, a.Kind())
		}
	}
	return ""
}

// FuzzFastLoad: whatever document fastLoad takes, kin-openapi's own load
// takes too and gives the same document, origins included.
func FuzzFastLoad(f *testing.F) {
	// Small documents (a large one makes each minimisation take minutes):
	// refs with siblings, a discriminator, headers, callbacks, security
	// scopes, 3.1 boolean schemas, block scalars, comments, flow style.
	for _, s := range []string{
		"openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: '#/components/schemas/B', description: d, maxLength: 3}\n    B: {type: string}\n    C: true\n",
		"openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\n  description: |\n    two\n\n    lines\npaths:\n  /a/{id}:\n    parameters:\n    - {name: id, in: path, required: true, schema: {type: string}}\n    get:\n      tags: [a, b]\n      responses:\n        '200':\n          description: ok # comment\n          headers:\n            X-A: {schema: {type: integer}}\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/P'}\ncomponents:\n  schemas:\n    P:\n      oneOf:\n      - $ref: '#/components/schemas/Q'\n      discriminator:\n        propertyName: k\n        mapping: {q: '#/components/schemas/Q'}\n    Q:\n      type: object\n      required: [k]\n      properties:\n        k: {type: string, enum: [q]}\n",
		"openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /b:\n    post:\n      callbacks:\n        cb:\n          '{$request.body#/u}':\n            post:\n              responses: {'204': {description: ok}}\n      responses: {default: {description: e}}\ncomponents:\n  securitySchemes:\n    o:\n      type: oauth2\n      flows:\n        clientCredentials:\n          tokenUrl: https://x/t\n          scopes: {b: B, a: A}\nsecurity:\n- o: [a]\n",
	} {
		f.Add([]byte(s))
	}
	// Every collection decoded entry by entry, and the cuts of the
	// entry-at-a-time parse.
	for _, p := range []string{"testdata/fastload/sections.yaml", "testdata/fastload/sections.json", "testdata/fastload/entries.yaml"} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		location := &url.URL{Path: "openapi.yaml"}
		got, ok := fastLoad(context.Background(), data, location)
		if !ok {
			return
		}
		loader := openapi3.NewLoader()
		loader.IncludeOrigin = true
		loader.ReadFromURIFunc = func(*openapi3.Loader, *url.URL) ([]byte, error) { return nil, fs.ErrNotExist }
		want, err := loader.LoadFromDataWithPath(data, location)
		if err != nil {
			t.Fatalf("fastLoad took a document kin-openapi refuses: %v", err)
		}
		if diff := firstDifference(reflect.ValueOf(want), reflect.ValueOf(got), "doc", map[[2]uintptr]bool{}); diff != "" {
			t.Fatal(diff)
		}
	})
}
