package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// The situations of docs/exit-codes.md, one column each.
const (
	sitUsage    = "usage"     // bad flag or argument: 2
	sitInput    = "input"     // unreadable or invalid input: 2
	sitNotFound = "not-found" // a file, contract or version that is not there: 2
	sitFinding  = "finding"   // the command ran and found a problem: 1
	sitEnv      = "env"       // registry down: 3
)

// exitCase is one command line and the exit code it must end with. stderr
// must then start with "error:" ("drift:" when drift is set), except for a
// finding whose report on stdout already says it (reported): stderr is empty.
type exitCase struct {
	situation string
	args      []string
	code      int
	drift     bool
	reported  bool
	// env is set for this case only.
	env map[string]string
}

// down is a registry nobody listens on, asked once (--retries -1).
var down = []string{"--registry", "oci://127.0.0.1:1/x", "--retries", "-1"}

func with(args []string, more ...string) []string {
	return append(append([]string{}, args...), more...)
}

// exitTable has a row for every command of the tree (TestExitCodes fails for
// a command without one): add a new command's usage, input, not-found,
// finding and environment cases where they apply, and to docs/exit-codes.md.
var exitTable = map[string][]exitCase{
	"dsctl": {
		{situation: sitUsage, args: []string{"nosuch"}, code: 2},
		{situation: sitUsage, args: []string{"--nosuch"}, code: 2},
	},
	"dsctl contract": {{situation: sitUsage, args: []string{"contract", "nosuch"}, code: 2}},
	"dsctl contract init": {
		{situation: sitUsage, args: []string{"contract", "init", "a", "b"}, code: 2},
		{situation: sitInput, args: []string{"contract", "init", "pkg", "--name", "pkg"}, code: 2}, // files exist
	},
	"dsctl contract lint": {
		{situation: sitUsage, args: []string{"contract", "lint", "a", "b"}, code: 2},
		{situation: sitInput, args: []string{"contract", "lint", "bad"}, code: 2},
		{situation: sitNotFound, args: []string{"contract", "lint", "nosuch"}, code: 2},
		{situation: sitFinding, args: []string{"contract", "lint", "lintbad"}, code: 1, reported: true},
	},
	"dsctl contract pack": {
		{situation: sitUsage, args: []string{"contract", "pack", "a", "b"}, code: 2},
		{situation: sitInput, args: []string{"contract", "pack", "bad"}, code: 2},
		{situation: sitNotFound, args: []string{"contract", "pack", "nosuch"}, code: 2},
		{situation: sitFinding, args: []string{"contract", "pack", "lintbad"}, code: 1},
	},
	"dsctl contract publish": {
		{situation: sitUsage, args: []string{"contract", "publish", "pkg", "--jobs", "-1", "--registry", "reg"}, code: 2},
		{situation: sitInput, args: []string{"contract", "publish", "bad", "--registry", "reg"}, code: 2},
		{situation: sitNotFound, args: []string{"contract", "publish", "nosuch", "--registry", "reg"}, code: 2},
		{situation: sitFinding, args: []string{"contract", "publish", "other", "--registry", "reg"}, code: 1}, // immutable
		{situation: sitEnv, args: with(down, "contract", "publish", "pkg", "--no-consumers"), code: 3},
	},
	"dsctl contract list": {
		{situation: sitUsage, args: []string{"contract", "list", "a", "b"}, code: 2},
		{situation: sitInput, args: []string{"contract", "list", "Bad_Name", "--registry", "reg"}, code: 2},
		{situation: sitNotFound, args: []string{"contract", "list", "nosuch", "--registry", "reg"}, code: 2},
		{situation: sitNotFound, args: []string{"contract", "list", "nosuch"}, code: 2}, // the default store
		{situation: sitEnv, args: with(down, "contract", "list"), code: 3},
	},
	"dsctl contract pull": {
		{situation: sitUsage, args: []string{"contract", "pull"}, code: 2},
		{situation: sitInput, args: []string{"contract", "pull", "pkg@^x", "--registry", "reg"}, code: 2},
		{situation: sitNotFound, args: []string{"contract", "pull", "nosuch@^1", "--registry", "reg"}, code: 2},
		{situation: sitNotFound, args: []string{"contract", "pull", "pkg@^7", "--registry", "reg"}, code: 2},
		{situation: sitNotFound, args: []string{"contract", "pull", "pkg@^0"}, code: 2}, // the default store
		{situation: sitEnv, args: with(down, "contract", "pull", "pkg@^0"), code: 3},
	},
	"dsctl contract verify": {
		{situation: sitUsage, args: []string{"contract", "verify", "a"}, code: 2},
		{situation: sitInput, args: []string{"contract", "verify", "--dir", "tampered", "--config", "badlock/dsctl.yaml"}, code: 2},
		{situation: sitFinding, args: []string{"contract", "verify", "--dir", "tampered"}, code: 1, reported: true},
	},
	"dsctl contract yank": {
		{situation: sitUsage, args: []string{"contract", "yank", "pkg@0.1.0", "--registry", "reg"}, code: 2}, // no --reason
		{situation: sitInput, args: []string{"contract", "yank", "pkg@^0", "--reason", "x", "--registry", "reg"}, code: 2},
		{situation: sitNotFound, args: []string{"contract", "yank", "pkg@9.0.0", "--reason", "x", "--registry", "reg"}, code: 2},
		{situation: sitNotFound, args: []string{"contract", "yank", "nosuch@1.0.0", "--reason", "x", "--registry", "reg"}, code: 2},
		{situation: sitEnv, args: with(down, "contract", "yank", "pkg@0.1.0", "--reason", "x"), code: 3},
	},
	"dsctl contract validate": {
		{situation: sitUsage, args: []string{"contract", "validate", "pkg"}, code: 2},
		{situation: sitInput, args: []string{"contract", "validate", "./bad", "PkgCreated", "good.json"}, code: 2},
		{situation: sitNotFound, args: []string{"contract", "validate", "pkg", "PkgCreated", "nosuch.json"}, code: 2},
		{situation: sitNotFound, args: []string{"contract", "validate", "pkg", "NoSuchEvent", "good.json"}, code: 2},
		{situation: sitNotFound, args: []string{"contract", "validate", "nosuch@1.0.0", "PkgCreated", "good.json", "--registry", "reg"}, code: 2},
		// An instance that is not JSON is an invalid event, as one that breaks the schema.
		{situation: sitFinding, args: []string{"contract", "validate", "pkg", "PkgCreated", "empty.json", "notjson.txt"}, code: 1, reported: true},
		{situation: sitEnv, args: with(down, "contract", "validate", "nosuch@1.0.0", "PkgCreated", "good.json"), code: 3},
	},
	"dsctl contract install": {
		{situation: sitUsage, args: []string{"contract", "install", "x"}, code: 2},
		{situation: sitInput, args: []string{"contract", "install", "--config", "badlock/dsctl.yaml"}, code: 2},
		{situation: sitNotFound, args: []string{"contract", "install", "--registry", "nosuchstore"}, code: 2}, // the locked version
		{situation: sitFinding, args: []string{"contract", "install", "--locked", "--config", "deps/dsctl.yaml"}, code: 1},
		{situation: sitEnv, args: with(down, "contract", "install"), code: 3},
	},
	"dsctl contract update": {
		{situation: sitUsage, args: []string{"contract", "update", "Bad_Name"}, code: 2},
		{situation: sitInput, args: []string{"contract", "update", "--config", "badlock/dsctl.yaml"}, code: 2},
		{situation: sitNotFound, args: []string{"contract", "update", "nosuch", "--registry", "reg"}, code: 2},
		{situation: sitEnv, args: with(down, "contract", "update"), code: 3},
	},
	"dsctl contract outdated": {
		{situation: sitUsage, args: []string{"contract", "outdated", "x"}, code: 2},
		{situation: sitInput, args: []string{"contract", "outdated", "--config", "badlock/dsctl.yaml"}, code: 2},
		{situation: sitNotFound, args: []string{"contract", "outdated", "--registry", "nosuchstore"}, code: 2},
		{situation: sitEnv, args: with(down, "contract", "outdated"), code: 3},
	},
	"dsctl contract graph": {
		{situation: sitUsage, args: []string{"contract", "graph", "--format", "png", "--registry", "reg"}, code: 2},
		{situation: sitEnv, args: with(down, "contract", "graph"), code: 3},
	},
	"dsctl compat": {{situation: sitUsage, args: []string{"compat", "chek"}, code: 2}},
	"dsctl compat check": {
		{situation: sitUsage, args: []string{"compat", "check", "v1.json"}, code: 2},
		{situation: sitInput, args: []string{"compat", "check", "v1.json", "notjson.txt"}, code: 2},
		{situation: sitNotFound, args: []string{"compat", "check", "v1.json", "nosuch.json"}, code: 2},
		{situation: sitNotFound, args: []string{"compat", "check", "registry:pkg@9.0.0", "pkg", "--registry", "reg"}, code: 2},
		{situation: sitFinding, args: []string{"compat", "check", "v1.json", "v2.json"}, code: 1},
		{situation: sitEnv, args: with(down, "compat", "check", "registry:pkg@0.1.0", "pkg"), code: 3},
	},
	"dsctl compat bump": {
		{situation: sitUsage, args: []string{"compat", "bump", "v1.json"}, code: 2},
		{situation: sitInput, args: []string{"compat", "bump", "v1.json", "notjson.txt", "--from", "1.0.0"}, code: 2},
		{situation: sitNotFound, args: []string{"compat", "bump", "v1.json", "nosuch.json", "--from", "1.0.0"}, code: 2},
		{situation: sitEnv, args: with(down, "compat", "bump", "registry:pkg@0.1.0", "pkg"), code: 3},
	},
	"dsctl compat consumers": {
		{situation: sitUsage, args: []string{"compat", "consumers"}, code: 2},
		{situation: sitInput, args: []string{"compat", "consumers", "bad", "--registry", "reg"}, code: 2},
		{situation: sitNotFound, args: []string{"compat", "consumers", "nosuch", "--registry", "reg"}, code: 2},
		{situation: sitEnv, args: with(down, "compat", "consumers", "pkg"), code: 3},
	},
	"dsctl gen": {{situation: sitUsage, args: []string{"gen", "nosuch"}, code: 2}},
	"dsctl gen dtos": {
		{situation: sitUsage, args: []string{"gen", "dtos", "--spec", "api.yaml"}, code: 2},
		{situation: sitInput, args: []string{"gen", "dtos", "--spec", "notjson.txt", "--package", "p", "--out", "p/p.gen.go"}, code: 2},
		{situation: sitNotFound, args: []string{"gen", "dtos", "--spec", "nosuch.yaml", "--package", "p", "--out", "p/p.gen.go"}, code: 2},
		{situation: sitFinding, args: []string{"gen", "dtos", "--spec", "api.yaml", "--package", "api", "--out", "api/api.gen.go", "--schema", "Thing", "--check"}, code: 1, drift: true},
	},
	"dsctl gen events": {
		{situation: sitUsage, args: []string{"gen", "events", "a", "b"}, code: 2},
		{situation: sitInput, args: []string{"gen", "events", "bad", "--package", "ev", "--out", "ev/ev.gen.go"}, code: 2},
		{situation: sitNotFound, args: []string{"gen", "events", "nosuch@1.0.0", "--package", "ev", "--out", "ev/ev.gen.go"}, code: 2},
		{situation: sitFinding, args: []string{"gen", "events", "pkg", "--package", "ev", "--out", "ev/ev.gen.go", "--check"}, code: 1, drift: true},
	},
	"dsctl hash-assets": {
		{situation: sitUsage, args: []string{"hash-assets", "web"}, code: 2}, // no --out
		{situation: sitNotFound, args: []string{"hash-assets", "nosuch", "--out", "dist2"}, code: 2},
	},
	"dsctl hash-assets verify": {
		{situation: sitUsage, args: []string{"hash-assets", "verify"}, code: 2},
		{situation: sitNotFound, args: []string{"hash-assets", "verify", "nosuch"}, code: 2},
		{situation: sitFinding, args: []string{"hash-assets", "verify", "dist"}, code: 1, reported: true},
	},
	"dsctl hash-assets clean": {
		{situation: sitUsage, args: []string{"hash-assets", "clean", "dist"}, code: 2}, // no --keep
		{situation: sitNotFound, args: []string{"hash-assets", "clean", "nosuch", "--keep", "1"}, code: 2},
	},
	"dsctl hash-assets upload": {
		{situation: sitUsage, args: []string{"hash-assets", "upload", "dist"}, code: 2},                     // no --to
		{situation: sitInput, args: []string{"hash-assets", "upload", "dist", "--to", "s3://b/p"}, code: 2}, // bucket name too short
		{situation: sitNotFound, args: []string{"hash-assets", "upload", "nosuch", "--to", "s3://bucket/p"}, code: 2},
		{situation: sitEnv, args: []string{"hash-assets", "upload", "dist", "--to", "s3://bucket/p"}, code: 3, env: map[string]string{
			"AWS_ENDPOINT_URL": "http://127.0.0.1:1", "AWS_MAX_ATTEMPTS": "1", "AWS_REGION": "us-east-1",
			"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "y"}},
	},
	"dsctl registry": {{situation: sitUsage, args: []string{"registry", "nosuch"}, code: 2}},
	"dsctl registry ping": {
		{situation: sitUsage, args: []string{"registry", "ping"}, code: 2}, // no registry named
		{situation: sitInput, args: []string{"registry", "ping", "reg"}, code: 2},
		{situation: sitEnv, args: []string{"registry", "ping", "oci://127.0.0.1:1/x", "--retries", "-1"}, code: 3},
	},
	"dsctl registry login": {
		{situation: sitUsage, args: []string{"registry", "login", "oci://127.0.0.1:1", "--username", "u"}, code: 2}, // no password
		{situation: sitInput, args: []string{"registry", "login", "reg", "--username", "u"}, code: 2},
		{situation: sitEnv, args: []string{"registry", "login", "oci://127.0.0.1:1", "--username", "u", "--password-stdin", "--retries", "-1"}, code: 3},
	},
	"dsctl registry logout": {
		{situation: sitUsage, args: []string{"registry", "logout"}, code: 2},
		{situation: sitInput, args: []string{"registry", "logout", "reg"}, code: 2},
	},
	"dsctl version":    {{situation: sitUsage, args: []string{"version", "x"}, code: 2}},
	"dsctl completion": {{situation: sitUsage, args: []string{"completion", "tcsh"}, code: 2}},
}

// TestExitCodes runs every command of the tree through its rows of
// exitTable: the exit code, and the first line of stderr.
func TestExitCodes(t *testing.T) {
	// Every command has a row, and every row a command.
	var paths []string
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if !c.Hidden && c.Name() != "help" {
			paths = append(paths, c.CommandPath())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newRootCmd(newApp(), strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{}))
	sort.Strings(paths)
	seen := map[string]bool{}
	for _, p := range paths {
		seen[p] = true
		if len(exitTable[p]) == 0 {
			t.Errorf("%s has no row in exitTable (exitcodes_test.go): add its usage, input, not-found, finding and environment cases, and its row in docs/exit-codes.md", p)
		}
	}
	for p := range exitTable {
		if !seen[p] {
			t.Errorf("exitTable has a row for %s, which is not a command", p)
		}
	}
	if t.Failed() {
		return
	}

	exitFixtures(t)
	want := map[string]int{sitUsage: 2, sitInput: 2, sitNotFound: 2, sitFinding: 1, sitEnv: 3}
	for _, p := range paths {
		for _, c := range exitTable[p] {
			if c.code != want[c.situation] {
				t.Errorf("%s %s: the table says %d; docs/exit-codes.md says %s exits %d", p, c.situation, c.code, c.situation, want[c.situation])
			}
			restore := setenv(c.env)
			code, stdout, stderr := runIn("pw\n", c.args...)
			restore()
			if code != c.code {
				t.Errorf("dsctl %s (%s): exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(c.args, " "), c.situation, code, c.code, stdout, stderr)
				continue
			}
			prefix := "error: "
			if c.drift {
				prefix = "drift: "
			}
			switch {
			case c.reported && stderr != "":
				t.Errorf("dsctl %s: the report says it; want no stderr, got %q", strings.Join(c.args, " "), stderr)
			case c.reported && stdout == "":
				t.Errorf("dsctl %s: exit 1 with no report on stdout", strings.Join(c.args, " "))
			case !c.reported && !strings.HasPrefix(stderr, prefix):
				t.Errorf("dsctl %s: stderr does not start with %q: %q", strings.Join(c.args, " "), prefix, stderr)
			}
		}
	}
}

// setenv sets env and returns the function that restores the variables.
func setenv(env map[string]string) func() {
	old := map[string]*string{}
	for k, v := range env {
		if o, ok := os.LookupEnv(k); ok {
			old[k] = &o
		} else {
			old[k] = nil
		}
		os.Setenv(k, v)
	}
	return func() {
		for k, v := range old {
			if v == nil {
				os.Unsetenv(k)
			} else {
				os.Setenv(k, *v)
			}
		}
	}
}

// runIn runs dsctl with stdin and returns its exit code and output.
func runIn(stdin string, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := newApp().run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// exitFixtures builds the files the rows name in a temporary folder and
// moves there: pkg (published to the store reg), other (pkg's name and
// version, other content), lintbad, bad, JSON Schemas v1 and v2 (a breaking
// change), an OpenAPI spec with stale DTOs, tampered vendored copies, a
// hashed asset folder with a tampered file.
func exitFixtures(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("DSCTL_CONFIG", "")
	t.Setenv("HOME", filepath.Join(dir, "home"))
	t.Setenv("XDG_DATA_HOME", filepath.Join(dir, "xdg"))
	t.Setenv("DOCKER_CONFIG", filepath.Join(dir, "docker"))
	t.Setenv("NO_COLOR", "1")
	for _, k := range []string{"DSCTL_REGISTRY_USERNAME", "DSCTL_REGISTRY_PASSWORD", "DSCTL_REGISTRY_HOST",
		"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"} {
		t.Setenv(k, "")
	}
	must := func(args ...string) {
		t.Helper()
		if code, out, errs := runIn("", args...); code != 0 {
			t.Fatalf("dsctl %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
		}
	}
	write := func(name, data string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	must("contract", "init", "pkg", "--name", "pkg")
	must("contract", "publish", "pkg", "--registry", "reg")
	must("contract", "init", "other", "--name", "pkg")
	write("other/README.md", "other content, same version\n")
	must("contract", "init", "lintbad", "--name", "lintbad")
	write("lintbad/examples/lintbad-created.json", "{}\n")
	write("bad/contract.yaml", "apiVersion: dsctl.dev/v1\nname: [\n")

	write("notjson.txt", "{ not json\n")
	write("good.json", `{"eventId": "3f1c2b7e-9a4d-4e21-8b6f-0c5d7e9a1b23", "occurredAt": "2026-01-01T12:00:00Z", "pkgId": "6a0e4d2c-1b3f-4c5d-9e8f-7a6b5c4d3e2f", "pkgVersion": 1}`)
	write("empty.json", "{}\n")
	write("v1.json", `{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "properties": {"id": {"type": "string"}}}`)
	write("v2.json", `{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "properties": {"id": {"type": "integer"}}}`)

	// Vendored with a lock (./dsctl.lock), then edited; a lock that does not parse.
	must("contract", "pull", "pkg@^0", "--registry", "reg", "--dir", "tampered")
	write("tampered/pkg/README.md", "edited\n")
	write("badlock/dsctl.yaml", "apiVersion: dsctl.dev/v1\n")
	write("badlock/dsctl.lock", "{ not a lock\n")
	// dsctl.yaml wants a dependency dsctl.lock does not have (install --locked).
	write("deps/dsctl.yaml", "apiVersion: dsctl.dev/v1\nregistry: ../reg\ndependencies:\n  - name: pkg\n    version: ^0\n")

	// Generated code, then a spec that moved on.
	write("api.yaml", "openapi: 3.0.3\ninfo: {title: t, version: 1.0.0}\npaths: {}\ncomponents:\n  schemas:\n    Thing: {type: object, properties: {id: {type: string}}}\n")
	must("gen", "dtos", "--spec", "api.yaml", "--package", "api", "--out", "api/api.gen.go", "--schema", "Thing")
	write("api.yaml", "openapi: 3.0.3\ninfo: {title: t, version: 1.0.0}\npaths: {}\ncomponents:\n  schemas:\n    Thing: {type: object, properties: {id: {type: integer}}}\n")
	must("gen", "events", "pkg", "--package", "ev", "--out", "ev/ev.gen.go")
	write("ev/ev.gen.go", "package ev\n")

	// Hashed assets, one of them edited since.
	write("web/site.css", "body { color: red }\n")
	must("hash-assets", "web", "--out", "dist")
	matches, err := filepath.Glob("dist/site-*.css")
	if err != nil || len(matches) != 1 {
		t.Fatalf("hashed css: %v %v", matches, err)
	}
	write(matches[0], "body { color: blue }\n")
}
