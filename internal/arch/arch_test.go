package arch

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/dsctl/dsctl"

// imports returns, for every package of the module (by path relative to the
// module root), the set of packages its non-test Go files import.
func imports(t *testing.T) map[string]map[string]bool {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found: %v", err)
	}
	out := map[string]map[string]bool{}
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if p != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "bin") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(p))
		rel = filepath.ToSlash(rel)
		if out[rel] == nil {
			out[rel] = map[string]bool{}
		}
		for _, is := range f.Imports {
			path, _ := strconv.Unquote(is.Path.Value)
			out[rel][path] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func under(pkg string, prefixes ...string) bool {
	for _, p := range prefixes {
		if pkg == p || strings.HasPrefix(pkg, p+"/") {
			return true
		}
	}
	return false
}

// TestImportDirection checks the rules of docs/architecture.md.
func TestImportDirection(t *testing.T) {
	pkgs := imports(t)
	if len(pkgs) < 10 {
		t.Fatalf("found only %d packages: is the walk broken?", len(pkgs))
	}
	for pkg, imps := range pkgs {
		for imp := range imps {
			// Only the command layer knows about cobra and internal/cli.
			if !under(pkg, "cmd", "internal/cli") {
				if strings.HasPrefix(imp, "github.com/spf13/cobra") || imp == module+"/internal/cli" || strings.HasPrefix(imp, module+"/internal/cli/") {
					t.Errorf("%s imports %s: only cmd/dsctl and internal/cli may (domain packages return values and errors)", pkg, imp)
				}
			}
			// Engines and the change model never import printers.
			if under(pkg, "compat") && !under(pkg, "compat/report") {
				if imp == module+"/compat/report" || imp == module+"/internal/output" {
					t.Errorf("%s imports %s: compatibility engines return changes, printers live in compat/report", pkg, imp)
				}
			}
			// Domain packages never import the presentation layer: what they
			// write (a manifest, an archive, generated code) must not change
			// when how dsctl talks to people does. Printers of compat reports
			// live in compat/report.
			if under(pkg, "compat", "contracts", "codegen", "hashasset") && !under(pkg, "compat/report") {
				if imp == module+"/internal/output" {
					t.Errorf("%s imports %s: domain packages return values; presentation lives in internal/cli and compat/report", pkg, imp)
				}
			}
			// Test helpers stay in tests: testing packages in non-test code
			// only in a test-support package (internal/regtest).
			if (imp == "testing" || strings.HasPrefix(imp, "testing/")) && !strings.HasSuffix(pkg, "/internal/regtest") {
				t.Errorf("%s imports %s in non-test code: return a real type (an fs.FS of your own, not fstest.MapFS)", pkg, imp)
			}
			// Shared mechanics import no domain package.
			if under(pkg, "internal/errkind", "internal/fsx", "internal/yamlx", "internal/output", "internal/textpos", "internal/jsonenc", "internal/textdist", "internal/oaspos") {
				for _, d := range []string{"compat", "contracts", "codegen", "hashasset"} {
					if under(strings.TrimPrefix(imp, module+"/"), d) && strings.HasPrefix(imp, module+"/") {
						t.Errorf("%s imports %s: shared mechanics must not depend on domain packages", pkg, imp)
					}
				}
			}
		}
	}
}
