package contracts

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/dsctl/dsctl/internal/fsx"

	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/schemacost"
	"github.com/dsctl/dsctl/internal/textpos"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// pkgURL is the base URL package files are compiled under.
const pkgURL = "file:///dsctl-package/"

// Schemas compiles the event schemas of a package. Relative $refs resolve
// inside the package, also through a schema's https $id (a package file whose
// $id, or whose $id folder, matches); any other remote $ref is refused.
type Schemas struct {
	c        *Contract
	compiler *jsonschema.Compiler
	cache    map[string]*jsonschema.Schema
}

// Schemas returns a compiler for the package's event schemas.
func (c *Contract) Schemas() (*Schemas, error) {
	ids := map[string]string{} // $id → package file
	err := fs.WalkDir(c.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
			return nil
		}
		data, err := fsx.ReadLimited(c.FS, p, MaxFileSize)
		if err != nil {
			return nil
		}
		var top struct {
			ID string `json:"$id"`
		}
		if json.Unmarshal(data, &top) == nil && top.ID != "" {
			ids[strings.TrimSuffix(top.ID, "#")] = p
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("scan package schemas: %w", err)
	}
	comp := jsonschema.NewCompiler()
	comp.DefaultDraft(jsonschema.Draft2020)
	comp.AssertFormat()
	comp.UseLoader(&pkgLoader{c: c, ids: ids})
	return &Schemas{c: c, compiler: comp, cache: map[string]*jsonschema.Schema{}}, nil
}

type pkgLoader struct {
	c   *Contract
	ids map[string]string
}

// Load implements jsonschema.URLLoader: package files by URL or $id, nothing remote.
func (l *pkgLoader) Load(u string) (any, error) {
	u = strings.TrimSuffix(u, "#")
	var file string
	switch {
	case strings.HasPrefix(u, pkgURL):
		file = strings.TrimPrefix(u, pkgURL)
	case l.ids[u] != "":
		file = l.ids[u]
	default:
		// A sibling of a schema with an $id: same folder relation as in the package.
		ids := make([]string, 0, len(l.ids))
		for id := range l.ids {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			base := id[:strings.LastIndex(id, "/")+1]
			if base != "" && strings.HasPrefix(u, base) {
				cand := path.Join(path.Dir(l.ids[id]), strings.TrimPrefix(u, base))
				if _, err := fs.Stat(l.c.FS, cand); err == nil {
					file = cand
					break
				}
			}
		}
	}
	if file == "" {
		return nil, fmt.Errorf("$ref %s is outside the package; contract schemas may only refer to files of their package", u)
	}
	if err := checkRel(file); err != nil {
		return nil, fmt.Errorf("$ref %s: %w", u, err)
	}
	data, err := fsx.ReadLimited(l.c.FS, file, MaxFileSize)
	if err != nil {
		return nil, fmt.Errorf("$ref %s: %w", u, fsx.PathCause(err))
	}
	if err := checkJSON(l.c.File(file), data); err != nil {
		return nil, err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: invalid JSON: %w", l.c.File(file), err)
	}
	return doc, nil
}

// Compile compiles the schema file p of the package; errors are input errors naming the file.
func (s *Schemas) Compile(p string) (*jsonschema.Schema, error) {
	if sch, ok := s.cache[p]; ok {
		return sch, nil
	}
	if _, err := fs.Stat(s.c.FS, p); err != nil {
		return nil, errkind.InputAt(s.c.File(p), 0, 0, fmt.Errorf("schema file: %w", fsx.PathCause(err)))
	}
	sch, err := s.compiler.Compile(pkgURL + p)
	if err != nil {
		// A file (this schema or one it refers to) that is not JSON: name it
		// at its line and column, without the compiler's internal URL.
		var le *jsonschema.LoadURLError
		var se *jsonSyntaxError
		if errors.As(err, &le) && errors.As(le.Err, &se) {
			return nil, errkind.InputAt(se.file, se.line, se.col, fmt.Errorf("invalid JSON: %s", se.msg))
		}
		return nil, errkind.InputAt(s.c.File(p), 0, 0, fmt.Errorf("schema does not compile: %s", oneLine(err.Error())))
	}
	if schemacost.Of(sch) > schemacost.Max {
		return nil, errkind.InputAt(s.c.File(p), 0, 0, schemacost.Err())
	}
	s.cache[p] = sch
	return sch, nil
}

// Event compiles the schema of the named event.
func (s *Schemas) Event(name string) (*jsonschema.Schema, *Event, error) {
	e, ok := s.c.Event(name)
	if !ok {
		var names []string
		for _, e := range s.c.Events {
			names = append(names, e.Name)
		}
		return nil, nil, errkind.Inputf("contract %s has no event %q (it has %s)", s.c.Name, name, strings.Join(names, ", "))
	}
	sch, err := s.Compile(e.Schema)
	return sch, e, err
}

// Violation is one reason an instance does not validate.
type Violation struct {
	// Pointer is the JSON pointer of the offending value in the instance ("" for the root).
	Pointer string `json:"pointer"`
	Message string `json:"message"`
	// Line and Column locate the offending value in the instance file
	// (1-based; 0 when not known). Column is set only for JSON syntax errors.
	Line   int `json:"line,omitempty"`
	Column int `json:"column,omitempty"`
}

var printer = message.NewPrinter(language.English)

// Validate checks a decoded JSON instance (from jsonschema.UnmarshalJSON)
// against sch and returns the violations, sorted; none means valid.
func Validate(sch *jsonschema.Schema, inst any) []Violation {
	err := sch.Validate(inst)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []Violation{{Message: err.Error()}}
	}
	var out []Violation
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			out = append(out, Violation{Pointer: pointer(e.InstanceLocation), Message: e.ErrorKind.LocalizedString(printer)})
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Pointer != out[j].Pointer {
			return out[i].Pointer < out[j].Pointer
		}
		return out[i].Message < out[j].Message
	})
	return dedupe(out)
}

func dedupe(vs []Violation) []Violation {
	var out []Violation
	for i, v := range vs {
		if i > 0 && v == vs[i-1] {
			continue
		}
		out = append(out, v)
	}
	return out
}

func pointer(tokens []string) string {
	var sb strings.Builder
	for _, t := range tokens {
		sb.WriteByte('/')
		sb.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(t))
	}
	return sb.String()
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}

type jframe struct {
	array     bool
	index     int
	key       string
	expectKey bool
}

// advance moves the innermost frame past one value.
func advance(stack []jframe) {
	if n := len(stack); n > 0 {
		if stack[n-1].array {
			stack[n-1].index++
		} else {
			stack[n-1].expectKey = true
		}
	}
}

// jsonLine returns the 1-based line of the value at pointer ptr (RFC 6901,
// with or without a leading '#') in the JSON document data, or 0 when not found.
func jsonLine(data []byte, ptr string) int {
	ptr = strings.TrimPrefix(ptr, "#")
	if ptr == "" {
		return 1
	}
	var want []string
	for _, t := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		want = append(want, strings.NewReplacer("~1", "/", "~0", "~").Replace(t))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var stack []jframe
	match := func() bool {
		if len(stack) != len(want) {
			return false
		}
		for i, f := range stack {
			seg := f.key
			if f.array {
				seg = fmt.Sprint(f.index)
			}
			if seg != want[i] {
				return false
			}
		}
		return true
	}
	for {
		off := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return 0
		}
		d, isDelim := tok.(json.Delim)
		if isDelim && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			advance(stack)
			continue
		}
		if n := len(stack); n > 0 && !stack[n-1].array && stack[n-1].expectKey {
			stack[n-1].key = fmt.Sprint(tok)
			stack[n-1].expectKey = false
			continue
		}
		if match() {
			for off < int64(len(data)) && strings.ContainsRune(" \t\r\n:,", rune(data[off])) {
				off++
			}
			line, _ := textpos.LineCol(data, int(off))
			return line
		}
		if isDelim {
			stack = append(stack, jframe{array: d == '[', expectKey: d == '{'})
			continue
		}
		advance(stack)
	}
}
