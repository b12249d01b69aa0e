package contracts

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"text/template"

	"github.com/dsctl/dsctl/contracts/registry"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/fsx"
	"github.com/dsctl/dsctl/templates"
)

// ScaffoldData fills the contract templates.
type ScaffoldData struct {
	Name, Version, Event, EventFile, Entity, EntityLower string
	Major                                                uint64
}

// NewScaffoldData derives the template values from a package name: "orders"
// gives the event OrderCreated in events/order-created.schema.json.
func NewScaffoldData(name string) ScaffoldData {
	var words []string
	for _, w := range strings.FieldsFunc(name, func(r rune) bool { return r == '-' || r == '.' }) {
		words = append(words, strings.ToUpper(w[:1])+w[1:])
	}
	if len(words) == 0 {
		words = []string{"Entity"}
	}
	last := words[len(words)-1]
	if len(last) > 3 && strings.HasSuffix(last, "s") && !strings.HasSuffix(last, "ss") {
		words[len(words)-1] = strings.TrimSuffix(last, "s")
	}
	entity := strings.Join(words, "")
	if entity[0] >= '0' && entity[0] <= '9' {
		entity = "E" + entity
	}
	lower := strings.ToLower(entity[:1]) + entity[1:]
	return ScaffoldData{Name: name, Version: "0.1.0", Major: 0, Event: entity + "Created",
		EventFile: kebab(entity) + "-created", Entity: entity, EntityLower: lower}
}

func kebab(s string) string {
	var b strings.Builder
	for i, r := range s {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte('-')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Scaffold renders the contract templates for name; paths are slash-separated.
func Scaffold(name string) (map[string][]byte, error) {
	if !registry.ValidName(name) {
		return nil, errkind.Inputf("invalid contract name %q: want lower case letters, digits, '.' and '-', starting with a letter or digit", name)
	}
	data := NewScaffoldData(name)
	out := map[string][]byte{}
	err := fs.WalkDir(templates.Contract, "contract", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		src, err := fs.ReadFile(templates.Contract, p)
		if err != nil {
			return err
		}
		rel := strings.TrimSuffix(strings.TrimPrefix(p, "contract/"), ".tmpl")
		rel = strings.ReplaceAll(rel, "{{.EventFile}}", data.EventFile)
		t, err := template.New(p).Option("missingkey=error").Parse(string(src))
		if err != nil {
			return fmt.Errorf("template %s: %w", p, err)
		}
		var buf bytes.Buffer
		if err := t.Execute(&buf, data); err != nil {
			return fmt.Errorf("template %s: %w", p, err)
		}
		out[path.Clean(rel)] = buf.Bytes()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Init writes a new package scaffold into dir; it refuses to overwrite any
// existing file and writes nothing in that case. It returns the files written.
func Init(dir, name string) ([]string, error) {
	files, err := Scaffold(name)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		return nil, errkind.InputAt(dir, 0, 0, errors.New("is a file; init wants a folder (new or empty) for the package"))
	}
	for _, n := range names {
		p := filepath.Join(dir, filepath.FromSlash(n))
		if _, err := os.Lstat(p); err == nil {
			return nil, errkind.InputAt(p, 0, 0, errors.New("already exists; init never overwrites (pick an empty folder)"))
		}
	}
	for _, n := range names {
		p := filepath.Join(dir, filepath.FromSlash(n))
		if err := fsx.WriteFileAtomic(p, files[n], 0o644); err != nil {
			return nil, errkind.Envf("write %s: %w", p, err)
		}
	}
	return names, nil
}
