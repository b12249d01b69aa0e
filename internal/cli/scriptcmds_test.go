package cli_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"

	"github.com/dsctl/dsctl/compat"
	"github.com/rogpeppe/go-internal/testscript"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// scriptCmds are extra testscript commands shared by all scripts.
func scriptCmds() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		// cpdir SRC DST copies a folder tree (used to copy examples/ into the work folder).
		"cpdir": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) != 2 {
				ts.Fatalf("usage: cpdir SRC DST")
			}
			src, dst := ts.MkAbs(args[0]), ts.MkAbs(args[1])
			err := filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
				if err != nil {
					return err
				}
				rel, _ := filepath.Rel(src, p)
				target := filepath.Join(dst, rel)
				if fi.IsDir() {
					if fi.Name() == ".dsctl" {
						return filepath.SkipDir
					}
					return os.MkdirAll(target, 0o755)
				}
				b, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				return os.WriteFile(target, b, 0o644)
			})
			ts.Check(err)
		},
		// exists-glob PATTERN: at least one file matches (negate with !).
		"exists-glob": func(ts *testscript.TestScript, neg bool, args []string) {
			for _, a := range args {
				m, _ := filepath.Glob(ts.MkAbs(a))
				if (len(m) > 0) == neg {
					ts.Fatalf("glob %s matched %d files", a, len(m))
				}
			}
		},
		// appendfile FILE TEXT appends a line to a file.
		"appendfile": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) < 2 {
				ts.Fatalf("usage: appendfile FILE TEXT...")
			}
			f, err := os.OpenFile(ts.MkAbs(args[0]), os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644)
			ts.Check(err)
			_, err = f.WriteString(strings.Join(args[1:], " ") + "\n")
			ts.Check(err)
			ts.Check(f.Close())
		},
		// witness-holds REPORT OLD NEW checks every witness of a compat check -o
		// json report (backward) with the validator: OLD accepts it, NEW rejects it.
		"witness-holds": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) != 3 {
				ts.Fatalf("usage: witness-holds REPORT OLD NEW")
			}
			var r compat.Report
			ts.Check(json.Unmarshal([]byte(ts.ReadFile(args[0])), &r))
			compile := func(name string) *jsonschema.Schema {
				doc, err := jsonschema.UnmarshalJSON(strings.NewReader(ts.ReadFile(name)))
				ts.Check(err)
				c := jsonschema.NewCompiler()
				ts.Check(c.AddResource(name, doc))
				sch, err := c.Compile(name)
				ts.Check(err)
				return sch
			}
			oldS, newS := compile(args[1]), compile(args[2])
			n := 0
			for _, c := range r.Changes {
				if len(c.Witness) == 0 {
					continue
				}
				n++
				inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(c.Witness))
				ts.Check(err)
				if err := oldS.Validate(inst); err != nil {
					ts.Fatalf("%s: OLD rejects the witness %s: %v", c.ID, c.Witness, err)
				}
				if newS.Validate(inst) == nil {
					ts.Fatalf("%s: NEW accepts the witness %s", c.ID, c.Witness)
				}
			}
			if n == 0 {
				ts.Fatalf("no witness in %s", args[0])
			}
		},
		// replace FILE OLD NEW replaces text in a file (OLD must occur).
		"replace": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) != 3 {
				ts.Fatalf("usage: replace FILE OLD NEW")
			}
			p := ts.MkAbs(args[0])
			b, err := os.ReadFile(p)
			ts.Check(err)
			old := strings.ReplaceAll(args[1], `\n`, "\n")
			nw := strings.ReplaceAll(args[2], `\n`, "\n")
			if !strings.Contains(string(b), old) {
				ts.Fatalf("%s does not contain %q", args[0], old)
			}
			ts.Check(os.WriteFile(p, []byte(strings.Replace(string(b), old, nw, 1)), 0o644))
		},
	}
}
