package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/compat/source"
)

// fakeEngine reads documents of lines "fake", "version V" and "IMPACT ID":
// the changes from OLD to NEW are NEW's "IMPACT ID" lines that OLD lacks. It
// records the pairs it compared.
type fakeEngine struct{ calls *[]string }

func (fakeEngine) Kind() string            { return "fake" }
func (fakeEngine) Detect(data []byte) bool { return bytes.HasPrefix(data, []byte("fake\n")) }

func (e fakeEngine) Diff(_ context.Context, old, new compat.Source, opts compat.Options) ([]compat.Change, error) {
	*e.calls = append(*e.calls, old.Name+">"+new.Name+":"+string(opts.Mode))
	oldLines, err := fakeLines(old)
	if err != nil {
		return nil, err
	}
	newLines, err := fakeLines(new)
	if err != nil {
		return nil, err
	}
	var out []compat.Change
	for i, l := range newLines {
		imp, id, ok := strings.Cut(l, " ")
		if !ok || imp == "version" || contains(oldLines, l) {
			continue
		}
		impact, err := compat.ParseImpact(imp)
		if err != nil {
			continue
		}
		out = append(out, compat.Change{ID: id, Path: "#/" + id, Impact: impact, Message: id + " changed",
			Location: &compat.Location{File: new.DisplayPath(new.Path), Line: i + 2, Column: 1}})
	}
	return out, nil
}

func (fakeEngine) Version(src compat.Source) (string, error) {
	lines, err := fakeLines(src)
	if err != nil {
		return "", err
	}
	for _, l := range lines {
		if v, ok := strings.CutPrefix(l, "version "); ok {
			return v, nil
		}
	}
	return "", nil
}

func fakeLines(src compat.Source) ([]string, error) {
	b, err := fs.ReadFile(src.FS, src.Path)
	if err != nil {
		return nil, err
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Scan() // "fake"
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines, nil
}

func contains(ls []string, s string) bool {
	for _, l := range ls {
		if l == s {
			return true
		}
	}
	return false
}

// withFake swaps the engines for the fake one and runs in a temporary folder
// holding files.
func withFake(t *testing.T, files map[string]string) *[]string {
	t.Helper()
	calls := &[]string{}
	testEngines = []compat.Engine{fakeEngine{calls: calls}}
	t.Cleanup(func() { testEngines = nil })
	dir := t.TempDir()
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	t.Setenv("DSCTL_CONFIG", "")
	return calls
}

// testEngines, when set, replace dsctl's engines in run.
var testEngines []compat.Engine

func run(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	app := newApp()
	if testEngines != nil {
		app.engines = testEngines
	}
	code = app.run(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

var history = map[string]string{
	"v1": "fake\nversion 1.0.0\n",
	"v2": "fake\nversion 1.1.0\nminor a\n",
	"v3": "fake\nversion 1.2.0\nminor a\nmajor b\n",
}

func TestCompatTransitive(t *testing.T) {
	calls := withFake(t, history)

	code, out, errOut := run("compat", "check", "v1", "v2", "v3", "--mode", "backward-transitive", "-o", "json")
	if code != 1 {
		t.Fatalf("exit %d, want 1 (1.1.0 -> 1.2.0 with a major change)\n%s%s", code, out, errOut)
	}
	want := []string{"v1>v3:backward", "v2>v3:backward"}
	if strings.Join(*calls, " ") != strings.Join(want, " ") {
		t.Errorf("compared %v, want %v", *calls, want)
	}
	var r compat.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Mode != compat.BackwardTransitive || r.From != "1.1.0" || r.To != "1.2.0" || r.Suggested != "2.0.0" || r.Old != "v1, v2" {
		t.Errorf("report %+v", r)
	}
	// "a" is new against v1 only; "b" against v1 and v2: reported once, naming both.
	against := map[string]string{}
	for _, c := range r.Changes {
		against[c.ID] = c.Against
	}
	if len(r.Changes) != 2 || against["a"] != "v1" || against["b"] != "v1, v2" {
		t.Errorf("changes %+v, want a against v1 and b against v1, v2", r.Changes)
	}

	// A non-transitive mode compares with the last OLD only, and says so.
	*calls = nil
	code, _, errOut = run("compat", "check", "v1", "v2", "v3", "--from", "1.1.0", "--to", "2.0.0")
	if code != 0 || strings.Join(*calls, " ") != "v2>v3:backward" || !strings.Contains(errOut, "compares with the last OLD only") {
		t.Errorf("exit %d, calls %v, stderr %q", code, *calls, errOut)
	}

	// Mode none asks the engine for backward impacts and never fails.
	*calls = nil
	code, out, _ = run("compat", "check", "v1", "v3", "--mode", "none", "--to", "1.0.1")
	if code != 0 || strings.Join(*calls, " ") != "v1>v3:backward" || !strings.Contains(out, "never fails") {
		t.Errorf("mode none: exit %d, calls %v\n%s", code, *calls, out)
	}
}

// TestCompatWaivers: dsctl.yaml's compat.ignore reaches the decision with no
// hook: a waived major change no longer counts.
func TestCompatWaivers(t *testing.T) {
	withFake(t, history)
	if err := os.WriteFile("dsctl.yaml", []byte("apiVersion: dsctl.dev/v1\ncompat:\n  ignore:\n    - id: b\n      path: '#/b'\n      reason: agreed with consumers\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run("compat", "check", "v2", "v3")
	if code != 0 {
		t.Fatalf("a waived major change still fails: exit %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "waived: agreed with consumers") || !strings.Contains(out, "no bump needed (every change is waived): 1.1.0 → 1.1.0 (declared 1.2.0: ok)") {
		t.Errorf("output:\n%s", out)
	}
}

func TestCompatDetectOrder(t *testing.T) {
	calls := withFake(t, map[string]string{"a.txt": "not fake\n", "b.txt": "fake\n"})
	code, _, errOut := run("compat", "check", "b.txt", "a.txt")
	if code != 2 || !strings.Contains(errOut, "a.txt: cannot tell what kind of document this is (tried fake); pass --kind") {
		t.Errorf("exit %d %q", code, errOut)
	}
	code, _, errOut = run("compat", "check", "b.txt", "b.txt", "--kind", "openapi")
	if code != 2 || !strings.Contains(errOut, "--kind openapi is not available") {
		t.Errorf("exit %d %q", code, errOut)
	}
	if len(*calls) != 0 {
		t.Errorf("engine ran: %v", *calls)
	}
}

// TestCompatEnginesOrder checks that the real engine list asks OpenAPI first.
func TestCompatEnginesOrder(t *testing.T) {
	es := defaultEngines()
	if len(es) == 0 {
		t.Fatal("no engines")
	}
	seen := map[string]int{}
	for i, e := range es {
		seen[e.Kind()] = i
	}
	if i, ok := seen["openapi"]; ok && i > seen["jsonschema"] {
		t.Error("openapi must come before jsonschema: a JSON Schema engine accepts any object")
	}
	for _, e := range es {
		if e.Kind() == "jsonschema" && e.Detect([]byte("openapi: 3.1.0\ninfo: {title: x, version: 1.0.0}\npaths: {}\n")) && seen["openapi"] > seen["jsonschema"] {
			t.Error("an OpenAPI document would be taken for a JSON Schema")
		}
	}
}

// TestCompatDetectLateOpenAPIKey: a JSON OpenAPI document whose "openapi" key
// comes after a large "components" object (as in Stripe's spec3.json) is
// still OpenAPI.
func TestCompatDetectLateOpenAPIKey(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"components": {"schemas": {`)
	for i := 0; i < 3000; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"S%d": {"type": "object", "description": "a schema with a long enough description to fill the file"}`, i)
	}
	b.WriteString(`}}, "info": {"title": "t", "version": "1.0.0"}, "openapi": "3.0.3", "paths": {}}`)
	if b.Len() < 128<<10 {
		t.Fatalf("document too small: %d", b.Len())
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "spec.json")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	src, err := source.Open(context.Background(), p, source.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	e, err := pickEngine(defaultEngines(), "auto", src)
	if err != nil || e.Kind() != "openapi" {
		t.Fatalf("picked %v, %v; want openapi", e, err)
	}
}
