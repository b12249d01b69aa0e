// Package config loads dsctl.yaml: strictly (an unknown key is an error that
// names the key and its line), with apiVersion checked first, and with every
// relative path resolved against the folder of the config file.
package config

import (
	"errors"
	"fmt"
	"github.com/dsctl/dsctl/internal/fsx"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/dsctl/dsctl/contracts/registry"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/yamlx"
	"go.yaml.in/yaml/v3"
)

// APIVersion is the only config format version this dsctl reads.
const APIVersion = "dsctl.dev/v1"

// FileName is the config file looked up in the working folder.
const FileName = "dsctl.yaml"

// Config is dsctl.yaml, version dsctl.dev/v1.
type Config struct {
	APIVersion string `yaml:"apiVersion"`
	// Registry is the default registry reference for contract commands.
	Registry string `yaml:"registry,omitempty"`
	// Contracts lists contract package folders of this repository (relative to the config).
	Contracts []string `yaml:"contracts,omitempty"`
	// Dependencies are the contracts this project consumes: dsctl contract
	// install resolves them into dsctl.lock and vendors what the lock pins.
	Dependencies []Dependency `yaml:"dependencies,omitempty"`
	// HasDependencies is true when the file has a dependencies: key (even an
	// empty list): then dsctl.lock must agree with it. Not part of the file.
	HasDependencies bool `yaml:"-"`
	// Services are the consumers that gen dtos writes DTOs for.
	Services []Service `yaml:"services,omitempty"`
	// Compat configures compat check.
	Compat Compat `yaml:"compat,omitempty"`
	// HashAssets configures hash-assets.
	HashAssets HashAssets `yaml:"hashAssets,omitempty"`

	// Path is the config file, as given; Dir is its folder. Not part of the file.
	Path string `yaml:"-"`
	Dir  string `yaml:"-"`
}

// Service is one consumer's DTO generation job.
type Service struct {
	Name string `yaml:"name"`
	// Spec is an OpenAPI file (relative to the config) or contract:NAME@CONSTRAINT#API.
	Spec    string `yaml:"spec"`
	Package string `yaml:"package"`
	Output  string `yaml:"output"`
	// Selection; all empty means every schema.
	Operations            []string `yaml:"operations,omitempty"`
	Tags                  []string `yaml:"tags,omitempty"`
	Schemas               []string `yaml:"schemas,omitempty"`
	ExcludeErrorResponses bool     `yaml:"excludeErrorResponses,omitempty"`
	// Rename maps a schema name to the Go type name to use.
	Rename map[string]string `yaml:"rename,omitempty"`
	// AllowRemoteRefs lets the spec $ref URLs.
	AllowRemoteRefs bool `yaml:"allowRemoteRefs,omitempty"`
	// Root is the folder (relative to the config, inside its folder) the
	// spec's local $refs must stay inside; the spec's folder when empty.
	Root string `yaml:"root,omitempty"`
	// AllowImports are the import paths generated code may gain from the
	// spec (x-go-type-import); no other is allowed.
	AllowImports []string `yaml:"allowImports,omitempty"`

	// Line is where the service starts in the config file.
	Line int `yaml:"-"`
}

// Dependency is one contract the project consumes and the versions it accepts.
type Dependency struct {
	Name string `yaml:"name"`
	// Version is a semver constraint: ^1, ~1.4.0, >=1.2 <2, 1.4.0.
	Version string `yaml:"version"`

	// Line and Column are where the entry starts; VersionLine and
	// VersionColumn where its version is (the entry's when absent).
	Line, Column               int `yaml:"-"`
	VersionLine, VersionColumn int `yaml:"-"`
}

// Compat configures compat check.
type Compat struct {
	Ignore []Waiver `yaml:"ignore,omitempty"`
	// ConsumerAware makes contract publish compute the bump of event changes
	// against the registered consumers (those no consumer reads need only a minor).
	ConsumerAware bool `yaml:"consumerAware,omitempty"`
	// DefaultDraft is the JSON Schema draft schemas without $schema are read
	// as (4, 6, 7, 2019-09, 2020-12); --default-draft overrides it.
	DefaultDraft string `yaml:"defaultDraft,omitempty"`
}

// Waiver silences one change, keyed by rule id and path, never by message text.
type Waiver struct {
	ID     string `yaml:"id"`
	Path   string `yaml:"path"`
	Reason string `yaml:"reason,omitempty"`
	// Expires is a date (YYYY-MM-DD); after it the waiver fails the check.
	Expires string `yaml:"expires,omitempty"`
	Line    int    `yaml:"-"`
}

// HashAssets configures hash-assets.
type HashAssets struct {
	// DigestedPattern is a regular expression for files already digested by a bundler.
	DigestedPattern string   `yaml:"digestedPattern,omitempty"`
	Exclude         []string `yaml:"exclude,omitempty"`
	// Integrity is the algorithm of the manifest's SRI values (sha256, sha384, sha512).
	Integrity string `yaml:"integrity,omitempty"`
}

// Find returns the config path to use: explicit, else $DSCTL_CONFIG, else
// ./dsctl.yaml if present, else "" (no config).
func Find(explicit string) string {
	if explicit != "" {
		return explicit
	}
	if p := os.Getenv("DSCTL_CONFIG"); p != "" {
		return p
	}
	if _, err := os.Stat(FileName); err == nil {
		return FileName
	}
	return ""
}

// maxFile bounds the read of a dsctl.yaml: a file a pull request can make a
// link to /dev/zero is read up to here, not until memory runs out.
const maxFile = 8 << 20

// Load reads and strictly decodes the config at path.
func Load(path string) (*Config, error) {
	data, err := fsx.ReadFileLimited(path, maxFile)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, errkind.InputAt(path, 0, 0, errors.New("config file not found"))
		}
		return nil, errkind.InputAt(path, 0, 0, fmt.Errorf("read config: %w", err))
	}
	c, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// configFormat is dsctl.yaml's version and strict decoding.
var configFormat = yamlx.Versioned{Name: "config", APIVersion: APIVersion, Needs: "at least apiVersion: " + APIVersion}

// Parse decodes config bytes; path names the file in errors and anchors relative paths.
func Parse(path string, data []byte) (*Config, error) {
	var c Config
	doc, err := configFormat.Decode(path, data, &c)
	if err != nil {
		return nil, err
	}
	c.Path = path
	c.Dir = filepath.Dir(path)
	annotateLines(doc, &c)
	if err := c.validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

func annotateLines(doc *yaml.Node, c *Config) {
	for i := 0; i+1 < len(doc.Content); i += 2 {
		k, v := doc.Content[i], doc.Content[i+1]
		switch k.Value {
		case "services":
			for j, n := range v.Content {
				if j < len(c.Services) {
					c.Services[j].Line = n.Line
				}
			}
		case "dependencies":
			c.HasDependencies = true
			for j, n := range v.Content {
				if j >= len(c.Dependencies) {
					break
				}
				d := &c.Dependencies[j]
				d.Line, d.Column = n.Line, n.Column
				d.VersionLine, d.VersionColumn = n.Line, n.Column
				for x := 0; x+1 < len(n.Content); x += 2 {
					if n.Content[x].Value == "version" {
						d.VersionLine, d.VersionColumn = n.Content[x+1].Line, n.Content[x+1].Column
					}
				}
			}
		case "compat":
			for x := 0; x+1 < len(v.Content); x += 2 {
				if v.Content[x].Value == "ignore" {
					for j, n := range v.Content[x+1].Content {
						if j < len(c.Compat.Ignore) {
							c.Compat.Ignore[j].Line = n.Line
						}
					}
				}
			}
		}
	}
}

func (c *Config) validate() error {
	seen := map[string]int{}
	for _, s := range c.Services {
		if s.Name == "" {
			return errkind.InputAt(c.Path, s.Line, 0, errors.New("service needs a name"))
		}
		if prev, dup := seen[s.Name]; dup {
			return errkind.InputAt(c.Path, s.Line, 0, fmt.Errorf("service %q already defined at line %d", s.Name, prev))
		}
		seen[s.Name] = s.Line
		if s.Spec == "" || s.Package == "" || s.Output == "" {
			return errkind.InputAt(c.Path, s.Line, 0, fmt.Errorf("service %q needs spec, package and output", s.Name))
		}
	}
	deps := map[string]int{}
	for _, d := range c.Dependencies {
		if d.Name == "" || d.Version == "" {
			return errkind.InputAt(c.Path, d.Line, d.Column, errors.New("dependency needs name and version (such as name: orders, version: ^1)"))
		}
		if !registry.ValidName(d.Name) {
			return errkind.InputAt(c.Path, d.Line, d.Column, fmt.Errorf("dependency %q: invalid contract name (want [a-z0-9][a-z0-9.-]*)", d.Name))
		}
		if prev, dup := deps[d.Name]; dup {
			return errkind.InputAt(c.Path, d.Line, d.Column, fmt.Errorf("dependency %q already listed at line %d", d.Name, prev))
		}
		deps[d.Name] = d.Line
		if _, err := registry.ParseConstraint(d.Version); err != nil {
			return errkind.InputAt(c.Path, d.VersionLine, d.VersionColumn, fmt.Errorf("dependency %s: invalid version constraint %q: %v", d.Name, d.Version, err))
		}
	}
	for _, w := range c.Compat.Ignore {
		if w.ID == "" || w.Path == "" {
			return errkind.InputAt(c.Path, w.Line, 0, errors.New("compat.ignore entry needs id and path"))
		}
		if w.Expires != "" && !regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`).MatchString(w.Expires) {
			return errkind.InputAt(c.Path, w.Line, 0, fmt.Errorf("compat.ignore expires %q: want YYYY-MM-DD", w.Expires))
		}
	}
	if c.HashAssets.DigestedPattern != "" {
		if _, err := regexp.Compile(c.HashAssets.DigestedPattern); err != nil {
			return errkind.InputAt(c.Path, 0, 0, fmt.Errorf("hashAssets.digestedPattern: %w", err))
		}
	}
	return nil
}

// Resolve returns p resolved against the config folder (absolute and
// contract: references are returned as they are).
func (c *Config) Resolve(p string) string {
	if p == "" || filepath.IsAbs(p) || strings.Contains(p, ":") {
		return p
	}
	return filepath.Join(c.Dir, p)
}

// Service returns the service named name.
func (c *Config) Service(name string) (*Service, bool) {
	for i := range c.Services {
		if c.Services[i].Name == name {
			return &c.Services[i], true
		}
	}
	return nil, false
}
