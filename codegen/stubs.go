package codegen

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
)

// stdlibStubs declare, with their real signatures, the parts of the standard
// library that oapi-codegen's models use. typeCheck tries them first: a file
// that checks cleanly against them needs no import of the real packages
// from source (which costs a few hundred milliseconds per process); a file
// that does not is checked again against the real standard library.
var stdlibStubs = map[string]string{
	"encoding/json": `package json
type RawMessage []byte
func (m RawMessage) MarshalJSON() ([]byte, error)
func (m *RawMessage) UnmarshalJSON(data []byte) error
type Marshaler interface { MarshalJSON() ([]byte, error) }
type Unmarshaler interface { UnmarshalJSON([]byte) error }
type Number string
func (n Number) String() string
func Marshal(v any) ([]byte, error)
func MarshalIndent(v any, prefix, indent string) ([]byte, error)
func Unmarshal(data []byte, v any) error
func Valid(data []byte) bool
`,
	"errors": `package errors
func New(text string) error
func Is(err, target error) bool
func As(err error, target any) bool
func Join(errs ...error) error
func Unwrap(err error) error
`,
	"fmt": `package fmt
func Errorf(format string, a ...any) (err error)
func Sprintf(format string, a ...any) string
func Sprint(a ...any) string
`,
	"time": `package time
type Location struct{ name string }
type Time struct {
	wall uint64
	ext  int64
	loc  *Location
}
type Duration int64
func (t Time) IsZero() bool
func (t Time) Equal(u Time) bool
func (t Time) Format(layout string) string
func (t Time) MarshalJSON() ([]byte, error)
func (t *Time) UnmarshalJSON(data []byte) error
func Parse(layout, value string) (Time, error)
const RFC3339 = "2006-01-02T15:04:05Z07:00"
`,
}

// stubImporter type-checks stdlibStubs on demand.
type stubImporter struct {
	pkgs map[string]*types.Package
}

func (s *stubImporter) Import(path string) (*types.Package, error) {
	if p, ok := s.pkgs[path]; ok {
		return p, nil
	}
	src, ok := stdlibStubs[path]
	if !ok {
		return nil, fmt.Errorf("no stub for %s", path)
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path+".go", src, parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("stub %s: %w", path, err)
	}
	conf := types.Config{}
	p, err := conf.Check(path, fset, []*ast.File{f}, nil)
	if err != nil {
		return nil, fmt.Errorf("stub %s: %w", path, err)
	}
	s.pkgs[path] = p
	return p, nil
}

// stubbed reports whether every import of f has a stub.
func stubbed(f *ast.File) bool {
	for _, imp := range f.Imports {
		path := imp.Path.Value
		if len(path) < 2 {
			return false
		}
		if _, ok := stdlibStubs[path[1:len(path)-1]]; !ok {
			return false
		}
	}
	return true
}
