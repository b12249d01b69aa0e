package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/output"
)

// These tests call the run functions directly, without cobra: the options
// struct is the whole input of a command.

// testApp returns an App writing to buffers, in a temporary folder without
// dsctl.yaml.
func testApp(t *testing.T, format string) (*App, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	t.Chdir(t.TempDir())
	t.Setenv("DSCTL_CONFIG", "")
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	var out, errb bytes.Buffer
	app := newApp()
	app.Output = format
	app.IO = output.NewStreams(strings.NewReader(""), &out, &errb, true)
	return app, &out, &errb
}

func writeFile(t *testing.T, name, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestCompatCheckRun(t *testing.T) {
	app, out, _ := testApp(t, "text")
	writeFile(t, "v1.json", `{"type": "object", "properties": {"id": {"type": "string"}}}`)
	writeFile(t, "v2.json", `{"type": "object", "properties": {"id": {"type": "integer"}}}`)
	opts := &compatOptions{App: app, Ctx: context.Background(), Olds: []string{"v1.json"}, New: "v2.json",
		Kind: "auto", Mode: compat.Backward, Policy: compat.Strict, FailOn: compat.Major, Format: "text"}

	err := compatCheckRun(opts)
	if errkind.Of(err) != errkind.Finding {
		t.Fatalf("a breaking change: got %v (kind %v), want a finding", err, errkind.Of(err))
	}
	if !strings.Contains(out.String(), "major") {
		t.Errorf("report does not name the major change:\n%s", out)
	}

	// --fail-on none: the same report, and no failure.
	out.Reset()
	opts.FailOn = compat.None
	if err := compatCheckRun(opts); err != nil {
		t.Fatalf("--fail-on none: %v", err)
	}
	if !strings.Contains(out.String(), "major") {
		t.Errorf("report missing with --fail-on none:\n%s", out)
	}

	// A missing NEW is an input error.
	opts.New = "nosuch.json"
	if err := compatCheckRun(opts); errkind.Of(err) != errkind.Input {
		t.Errorf("missing file: got %v, want an input error", err)
	}
}

func TestContractListRun(t *testing.T) {
	app, out, _ := testApp(t, "json")
	if err := contractInitRun(&contractInitOptions{App: app, Dir: "orders", Name: "orders"}); err != nil {
		t.Fatal(err)
	}
	reg := registryFlags{ref: "reg"}
	if err := contractPublishRun(&contractPublishOptions{App: app, Ctx: context.Background(), Dirs: []string{"orders"}, Reg: reg, NoConsumers: true}); err != nil {
		t.Fatal(err)
	}

	out.Reset()
	if err := contractListRun(&contractListOptions{App: app, Ctx: context.Background(), All: true, Reg: reg}); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Registry  string
		Contracts []struct {
			Name     string
			Versions []struct{ Version string }
		}
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if got.Registry != "reg" || len(got.Contracts) != 1 || got.Contracts[0].Name != "orders" ||
		len(got.Contracts[0].Versions) != 1 || got.Contracts[0].Versions[0].Version != "0.1.0" {
		t.Errorf("list: %+v", got)
	}

	// A name the store does not have is not found: an input error, in a
	// named store as in the default one.
	for _, r := range []registryFlags{reg, {}} {
		err := contractListRun(&contractListOptions{App: app, Ctx: context.Background(), Name: "nosuch", Reg: r})
		if errkind.Of(err) != errkind.Input || !strings.Contains(err.Error(), "contract nosuch is not in") {
			t.Errorf("--registry %q: got %v, want not found (input)", r.ref, err)
		}
	}
	if err := contractListRun(&contractListOptions{App: app, Ctx: context.Background(), Name: "", Reg: reg}); errkind.Of(err) != errkind.Input {
		t.Errorf("an empty name: got %v, want an input error", err)
	}
}

// TestRunF checks the seam: a runF given to newCmdX receives the options
// filled from the command line, and the run function is not called.
func TestRunF(t *testing.T) {
	app, _, _ := testApp(t, "text")
	var got *contractListOptions
	cmd := newCmdContractList(app, func(o *contractListOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"orders", "--registry", "oci://example.com/x", "--retries", "2"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got == nil || got.Name != "orders" || got.All || got.Reg.ref != "oci://example.com/x" || got.Reg.net.Retries != 2 {
		t.Errorf("options: %+v", got)
	}
}

// TestClassify is the exit-code table of classify itself.
func TestClassify(t *testing.T) {
	cases := []struct {
		err   error
		code  int
		label string
		msg   string
	}{
		{nil, 0, "", ""},
		{errkind.Findingf("breaking"), 1, "error", "breaking"},
		{&errkind.Error{Kind: errkind.Finding, Label: "drift", Err: os.ErrExist}, 1, "drift", "file already exists"},
		{errkind.SilentFinding(), 1, "", ""},
		{usageErr(os.ErrInvalid), 2, "error", "invalid argument"},
		{errkind.Inputf("bad\nfile"), 2, "error", `bad\nfile`},
		{errkind.Envf("down"), 3, "error", "down"},
		{os.ErrPermission, 3, "error", "permission denied"},
		{context.Canceled, 3, "error", "interrupted"},
		{&failures{each: []error{errkind.Findingf("a"), errkind.Envf("b")}, summary: &errkind.Error{Kind: errkind.Finding, Err: os.ErrClosed}}, 1, "error", "file already closed"},
	}
	for _, c := range cases {
		f := classify(c.err)
		if f.Code != c.code || f.Label != c.label || f.Message != c.msg {
			t.Errorf("classify(%v) = %+v, want code %d label %q message %q", c.err, f, c.code, c.label, c.msg)
		}
	}
}

// A hint survives an error that wraps it to add a position; the outermost
// hint wins when both have one.
func TestClassifyKeepsWrappedHint(t *testing.T) {
	inner := &errkind.Error{Kind: errkind.Input, File: "dsctl.lock", Err: os.ErrNotExist, Hint: "run: dsctl contract install"}
	wrapped := errkind.InputAt("dsctl.yaml", 4, 0, fmt.Errorf("service billing: %w", inner))
	if f := classify(wrapped); f.Hint != inner.Hint || f.Code != 2 {
		t.Errorf("classify(wrapped) = %+v, want code 2 and hint %q", f, inner.Hint)
	}
	outer := &errkind.Error{Kind: errkind.Input, Err: fmt.Errorf("x: %w", inner), Hint: "outer"}
	if f := classify(outer); f.Hint != "outer" {
		t.Errorf("classify(outer) hint = %q, want %q", f.Hint, "outer")
	}
	if f := classify(errkind.Inputf("no hint")); f.Hint != "" {
		t.Errorf("classify(no hint) hint = %q", f.Hint)
	}
}
