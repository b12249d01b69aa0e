package codegen

import (
	"fmt"
	"go/ast"
	"go/importer"
	"go/token"
	"go/types"
)

// newImporter returns the importer that type-checks generated files: the
// standard library from source (GOROOT), cached for the process. It returns
// nil when the standard library's source is not installed (dsctl run where
// no Go toolchain is); typeCheck then falls back to a syntactic check.
func newImporter() types.Importer {
	imp := importer.ForCompiler(token.NewFileSet(), "source", nil)
	if _, err := imp.Import("errors"); err != nil {
		return nil
	}
	return imp
}

// duplicateDecls reports top-level names declared twice, and methods
// declared twice on one type: what a clash between schemas produces. It is
// the check that remains when the standard library cannot be imported.
func duplicateDecls(fset *token.FileSet, f *ast.File) []error {
	seen := map[string]token.Pos{}
	var errs []error
	add := func(name string, pos token.Pos) {
		if name == "_" {
			return
		}
		if prev, ok := seen[name]; ok {
			errs = append(errs, fmt.Errorf("%s: %s redeclared in this block (other declaration at %s)", fset.Position(pos), name, fset.Position(prev)))
			return
		}
		seen[name] = pos
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			for _, sp := range d.Specs {
				switch sp := sp.(type) {
				case *ast.TypeSpec:
					add(sp.Name.Name, sp.Name.Pos())
				case *ast.ValueSpec:
					for _, n := range sp.Names {
						add(n.Name, n.Pos())
					}
				}
			}
		case *ast.FuncDecl:
			if d.Recv == nil || len(d.Recv.List) == 0 {
				add(d.Name.Name, d.Name.Pos())
				continue
			}
			t := d.Recv.List[0].Type
			if st, ok := t.(*ast.StarExpr); ok {
				t = st.X
			}
			if id, ok := t.(*ast.Ident); ok {
				add(id.Name+"."+d.Name.Name, d.Name.Pos())
			}
		}
	}
	return errs
}
