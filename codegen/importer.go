package codegen

import (
	"go/importer"
	"go/token"
	"go/types"
)

// newImporter returns the importer that type-checks generated files: the
// standard library from source (GOROOT), cached for the process.
func newImporter() types.Importer {
	return importer.ForCompiler(token.NewFileSet(), "source", nil)
}
