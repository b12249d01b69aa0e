// Package contracts is the contract package model: contract.yaml (strictly
// decoded, with line numbers), lint (schemas compile, examples validate, and
// the distributed-systems rules), the deterministic archive and its digest,
// safe unpacking, dsctl.lock, and the publish, pull, verify and validate
// workflows on top of a registry.Store.
//
// For code that resolves contract:NAME@CONSTRAINT#API (gen dtos): LoadLock
// reads dsctl.lock, Vendored finds the vendored folder of a locked contract,
// Load reads a package folder and (*Contract).API names an API's spec file.
package contracts

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/Masterminds/semver/v3"
	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/compat/asyncapi"
	"github.com/dsctl/dsctl/contracts/registry"
	"github.com/dsctl/dsctl/internal/cmdline"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/fsx"
	"github.com/dsctl/dsctl/internal/yamlx"
	"go.yaml.in/yaml/v3"
)

// APIVersion is the contract.yaml format this dsctl reads.
const APIVersion = "dsctl.dev/v1"

// FileName is the package descriptor at the root of a contract package.
const FileName = "contract.yaml"

// Contract is a contract package: contract.yaml and the folder it describes.
type Contract struct {
	APIVersion    string        `yaml:"apiVersion" json:"apiVersion"`
	Name          string        `yaml:"name" json:"name"`
	Version       string        `yaml:"version" json:"version"`
	Owner         string        `yaml:"owner,omitempty" json:"owner,omitempty"`
	Description   string        `yaml:"description,omitempty" json:"description,omitempty"`
	Compatibility compat.Mode   `yaml:"compatibility,omitempty" json:"compatibility"`
	Policy        compat.Policy `yaml:"policy,omitempty" json:"policy"`
	Events        []Event       `yaml:"events,omitempty" json:"events"`
	APIs          []API         `yaml:"apis,omitempty" json:"apis,omitempty"`
	// AsyncAPI is an AsyncAPI 2.6 or 3.0 document of the package: its
	// messages become events of the package (see LoadFS).
	AsyncAPI string `yaml:"asyncapi,omitempty" json:"asyncapi,omitempty"`
	// Consumes declares what this package's service reads of other packages' events.
	Consumes []Consume `yaml:"consumes,omitempty" json:"consumes,omitempty"`

	// FS holds the package files; paths in the descriptor are relative to its root.
	FS fs.FS `yaml:"-" json:"-"`
	// Dir is how the package folder is named in messages ("examples/orders/contract").
	Dir string `yaml:"-" json:"-"`
	// pos is where the value of each top-level key is, for messages.
	pos map[string]yamlPos
	// asyncMessages names the messages of the AsyncAPI document.
	asyncMessages map[string]bool
}

// yamlPos is a 1-based line and column in contract.yaml.
type yamlPos struct{ line, col int }

// Event is one event type of a package.
type Event struct {
	Name      string    `yaml:"name" json:"name"`
	Schema    string    `yaml:"schema" json:"schema"`
	Examples  []string  `yaml:"examples,omitempty" json:"examples,omitempty"`
	Producers []string  `yaml:"producers,omitempty" json:"producers,omitempty"`
	Consumers []string  `yaml:"consumers,omitempty" json:"consumers,omitempty"`
	Lint      EventLint `yaml:"lint,omitempty" json:"lint,omitempty"`
	// Line and Column are where the event starts in contract.yaml.
	Line   int `yaml:"-" json:"-"`
	Column int `yaml:"-" json:"-"`
	// FromAsyncAPI marks an event read from the package's AsyncAPI document
	// (a message with a JSON Schema payload). Operations and Channels name
	// the operations that send or receive it and the channels that carry it,
	// for every event that is a message of that document.
	FromAsyncAPI bool     `yaml:"-" json:"-"`
	Operations   []string `yaml:"-" json:"-"`
	Channels     []string `yaml:"-" json:"-"`
}

// EventLint silences lint rules for one event.
type EventLint struct {
	// Ignore lists rule ids not to report for this event.
	Ignore []string `yaml:"ignore,omitempty" json:"ignore,omitempty"`
}

// API is one HTTP API (an OpenAPI document) of a package.
type API struct {
	Name string `yaml:"name" json:"name"`
	Spec string `yaml:"spec" json:"spec"`
	// Line and Column are where the API starts in contract.yaml.
	Line   int `yaml:"-" json:"-"`
	Column int `yaml:"-" json:"-"`
}

// File returns how a package file is named in messages.
func (c *Contract) File(p string) string {
	if c.Dir == "" || c.Dir == "." {
		return p
	}
	return path.Join(filepath.ToSlash(c.Dir), p)
}

// Event returns the event named name.
func (c *Contract) Event(name string) (*Event, bool) {
	for i := range c.Events {
		if c.Events[i].Name == name {
			return &c.Events[i], true
		}
	}
	return nil, false
}

// API returns the API named name, or an input error listing the APIs there are.
func (c *Contract) API(name string) (*API, error) {
	var names []string
	for i := range c.APIs {
		if c.APIs[i].Name == name {
			return &c.APIs[i], nil
		}
		names = append(names, c.APIs[i].Name)
	}
	if len(names) == 0 {
		return nil, errkind.InputAt(c.File(FileName), 0, 0, fmt.Errorf("contract %s has no APIs (wanted %q)", c.Name, name))
	}
	return nil, errkind.InputAt(c.File(FileName), 0, 0, fmt.Errorf("contract %s has no API %q (it has %s)", c.Name, name, strings.Join(names, ", ")))
}

// SemVer returns the parsed version (validated by Parse).
func (c *Contract) SemVer() *semver.Version {
	v, err := semver.StrictNewVersion(c.Version)
	if err != nil {
		return semver.New(0, 0, 0, "", "")
	}
	return v
}

// Mode returns the compatibility mode (backward when not set).
func (c *Contract) Mode() compat.Mode {
	if c.Compatibility == "" {
		return compat.Backward
	}
	return c.Compatibility
}

// PolicyOrDefault returns the policy (strict when not set).
func (c *Contract) PolicyOrDefault() compat.Policy {
	if c.Policy == "" {
		return compat.Strict
	}
	return c.Policy
}

// ConfigJSON is the config blob of the package artifact: the descriptor as
// JSON (deterministic: struct order, no clock).
func (c *Contract) ConfigJSON() ([]byte, error) {
	cc := *c
	cc.Compatibility = c.Mode()
	cc.Policy = c.PolicyOrDefault()
	if cc.Events == nil {
		cc.Events = []Event{}
	}
	b, err := json.Marshal(cc)
	if err != nil {
		return nil, fmt.Errorf("encode contract manifest: %w", err)
	}
	return b, nil
}

// Load reads the package in the folder dir; dir may also name the package's
// contract.yaml itself, as people often type it.
func Load(dir string) (*Contract, error) {
	if filepath.Base(dir) == FileName {
		if fi, err := os.Stat(dir); err == nil && fi.Mode().IsRegular() {
			dir = filepath.Dir(dir)
		}
	}
	if fi, err := os.Stat(dir); err != nil {
		return nil, errkind.InputAt(dir, 0, 0, fmt.Errorf("contract package folder: %w", fsx.PathCause(err)))
	} else if !fi.IsDir() {
		return nil, errkind.InputAt(dir, 0, 0, errors.New("not a folder (want a contract package folder with contract.yaml)"))
	}
	fsys, err := fsx.RootFS(dir)
	if err != nil {
		return nil, errkind.InputAt(dir, 0, 0, fmt.Errorf("contract package folder: %w", fsx.PathCause(err)))
	}
	return loadFS(fsys, dir, true)
}

// LoadFS reads the package at the root of fsys; display names the folder in messages.
func LoadFS(fsys fs.FS, display string) (*Contract, error) {
	return loadFS(fsys, display, false)
}

// loadFS is LoadFS; onDisk says display is a folder on disk, which the
// message of a missing contract.yaml then tells how to scaffold.
func loadFS(fsys fs.FS, display string, onDisk bool) (*Contract, error) {
	file := FileName
	if display != "" && display != "." {
		file = path.Join(filepath.ToSlash(display), FileName)
	}
	data, err := fsx.ReadLimited(fsys, FileName, MaxFileSize)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			e := &errkind.Error{Kind: errkind.Input, File: file, Err: errors.New("not found: the folder is not a contract package")}
			if onDisk {
				e.Hint = "to create one, run: " + cmdline.Join("dsctl", "contract", "init", dirOrDot(display))
			}
			return nil, e
		}
		return nil, errkind.InputAt(file, 0, 0, fmt.Errorf("read: %w", fsx.PathCause(err)))
	}
	c, err := Parse(file, data)
	if err != nil {
		return nil, err
	}
	c.FS = fsys
	c.Dir = display
	if err := c.loadAsyncAPI(); err != nil {
		return nil, err
	}
	return c, nil
}

// loadAsyncAPI reads the package's AsyncAPI document, if it has one, and adds
// its messages to the events (an event declared under events: with the same
// name wins). Payload schemas written inline in the document, and example
// payloads, are served beside it from memory: the package's file system then
// holds them, for lint, validate, compat and gen events alike.
func (c *Contract) loadAsyncAPI() error {
	if c.AsyncAPI == "" {
		return nil
	}
	ev, err := asyncapi.ReadEvents(compat.Source{Name: c.File(c.AsyncAPI), FS: c.FS, Path: c.AsyncAPI, Display: c.File})
	if err != nil {
		return err
	}
	if len(ev.Files) > 0 {
		c.FS = overlayFS{FS: c.FS, files: ev.Files}
	}
	p := c.pos["asyncapi"]
	c.asyncMessages = map[string]bool{}
	for _, m := range ev.Messages {
		c.asyncMessages[m.Name] = true
		ops := append(append([]string{}, m.Sends...), m.Receives...)
		if e, declared := c.Event(m.Name); declared {
			e.Operations, e.Channels = ops, m.Channels
			continue
		}
		c.Events = append(c.Events, Event{Name: m.Name, Schema: m.Schema, Examples: m.Examples, Line: p.line, Column: p.col,
			FromAsyncAPI: true, Operations: ops, Channels: m.Channels})
	}
	return nil
}

// overlayFS serves a few files from memory over a package's files. Listing a
// folder shows the files on disk only, so they are never packed.
type overlayFS struct {
	fs.FS
	files map[string][]byte
}

func (o overlayFS) Open(name string) (fs.File, error) {
	if b, ok := o.files[name]; ok {
		return &memFile{Reader: bytes.NewReader(b), name: path.Base(name), size: int64(len(b))}, nil
	}
	return o.FS.Open(name)
}

type memFile struct {
	*bytes.Reader
	name string
	size int64
}

func (f *memFile) Stat() (fs.FileInfo, error) { return memInfo{f.name, f.size}, nil }
func (f *memFile) Close() error               { return nil }

type memInfo struct {
	name string
	size int64
}

func (i memInfo) Name() string       { return i.name }
func (i memInfo) Size() int64        { return i.size }
func (i memInfo) Mode() fs.FileMode  { return 0o444 }
func (i memInfo) ModTime() time.Time { return time.Time{} }
func (i memInfo) IsDir() bool        { return false }
func (i memInfo) Sys() any           { return nil }

var (
	eventNameRE = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)
	apiNameRE   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
)

// contractFormat is contract.yaml's version and strict decoding.
var contractFormat = yamlx.Versioned{Name: "contract.yaml", APIVersion: APIVersion, Needs: "at least apiVersion, name and version"}

// Parse strictly decodes contract.yaml bytes; file names it in errors. Unknown
// keys, a missing or unknown apiVersion (checked first), an invalid name,
// version, mode or policy, and duplicate events are input errors with line numbers.
func Parse(file string, data []byte) (*Contract, error) {
	var c Contract
	doc, err := contractFormat.Decode(file, data, &c)
	if err != nil {
		return nil, err
	}
	pos := map[string]yamlPos{}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		k, v := doc.Content[i], doc.Content[i+1]
		pos[k.Value] = yamlPos{v.Line, v.Column}
	}
	c.pos = pos
	annotate(doc, &c)
	if err := c.validate(file); err != nil {
		return nil, err
	}
	return &c, nil
}

func annotate(doc *yaml.Node, c *Contract) {
	for i := 0; i+1 < len(doc.Content); i += 2 {
		k, v := doc.Content[i], doc.Content[i+1]
		switch k.Value {
		case "events":
			for j, n := range v.Content {
				if j < len(c.Events) {
					c.Events[j].Line, c.Events[j].Column = n.Line, n.Column
				}
			}
		case "apis":
			for j, n := range v.Content {
				if j < len(c.APIs) {
					c.APIs[j].Line, c.APIs[j].Column = n.Line, n.Column
				}
			}
		case "consumes":
			for j, n := range v.Content {
				if j < len(c.Consumes) {
					c.Consumes[j].Line, c.Consumes[j].Column = n.Line, n.Column
				}
			}
		}
	}
}

func (c *Contract) validate(file string) error {
	at := func(key string, format string, args ...any) error {
		p := c.pos[key]
		return errkind.InputAt(file, p.line, p.col, fmt.Errorf(format, args...))
	}
	if c.Name == "" {
		return at("name", "missing name")
	}
	if !registry.ValidName(c.Name) {
		return at("name", "invalid name %q: want lower case letters, digits, '.' and '-', starting with a letter or digit", c.Name)
	}
	if c.Version == "" {
		return at("version", "missing version (a semver such as 1.0.0)")
	}
	if v, err := semver.StrictNewVersion(c.Version); err != nil {
		return at("version", "invalid version %q: want a semver such as 1.4.0", c.Version)
	} else if v.Metadata() != "" {
		return at("version", "version %q has build metadata (+%s): it cannot be an OCI tag and semver ignores it for ordering; drop it", c.Version, v.Metadata())
	}
	if c.Compatibility != "" {
		m, err := compat.ParseMode(string(c.Compatibility))
		if err != nil {
			return at("compatibility", "%v", err)
		}
		c.Compatibility = m
	}
	switch c.Policy {
	case "", compat.Strict, compat.Lenient:
	default:
		return at("policy", "unknown policy %q (want strict or lenient)", c.Policy)
	}
	seen := map[string]int{}
	for _, e := range c.Events {
		if e.Name == "" {
			return errkind.InputAt(file, e.Line, e.Column, errors.New("event needs a name"))
		}
		if !eventNameRE.MatchString(e.Name) {
			return errkind.InputAt(file, e.Line, e.Column, fmt.Errorf("event name %q: want an UpperCamelCase identifier such as OrderPlaced", e.Name))
		}
		if prev, dup := seen[e.Name]; dup {
			return errkind.InputAt(file, e.Line, e.Column, fmt.Errorf("event %q already defined at line %d", e.Name, prev))
		}
		seen[e.Name] = e.Line
		if e.Schema == "" {
			return errkind.InputAt(file, e.Line, e.Column, fmt.Errorf("event %s needs a schema file", e.Name))
		}
		for _, p := range append([]string{e.Schema}, e.Examples...) {
			if err := checkRel(p); err != nil {
				return errkind.InputAt(file, e.Line, e.Column, fmt.Errorf("event %s: %w", e.Name, err))
			}
		}
	}
	if c.AsyncAPI != "" {
		if err := checkRel(c.AsyncAPI); err != nil {
			return at("asyncapi", "asyncapi: %v", err)
		}
	}
	seenAPI := map[string]int{}
	for _, a := range c.APIs {
		if !apiNameRE.MatchString(a.Name) {
			return errkind.InputAt(file, a.Line, a.Column, fmt.Errorf("API name %q: want letters, digits, '.', '_' and '-'", a.Name))
		}
		if prev, dup := seenAPI[a.Name]; dup {
			return errkind.InputAt(file, a.Line, a.Column, fmt.Errorf("API %q already defined at line %d", a.Name, prev))
		}
		seenAPI[a.Name] = a.Line
		if a.Spec == "" {
			return errkind.InputAt(file, a.Line, a.Column, fmt.Errorf("API %s needs a spec file", a.Name))
		}
		if err := checkRel(a.Spec); err != nil {
			return errkind.InputAt(file, a.Line, a.Column, fmt.Errorf("API %s: %w", a.Name, err))
		}
	}
	return c.validateConsumes(file)
}

// checkRel refuses paths that leave the package: absolute, "..", backslashes.
func checkRel(p string) error {
	if p == "" {
		return errors.New("empty path")
	}
	if strings.Contains(p, `\`) || path.IsAbs(p) || filepath.IsAbs(p) {
		return fmt.Errorf("path %q must be relative to the package, with forward slashes", p)
	}
	if c := path.Clean(p); c == ".." || strings.HasPrefix(c, "../") || c != p {
		return fmt.Errorf("path %q must stay inside the package and be clean", p)
	}
	return nil
}
