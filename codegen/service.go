package codegen

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/dsctl/dsctl/contracts"
	"github.com/dsctl/dsctl/internal/cmdline"
	"github.com/dsctl/dsctl/internal/config"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/fsx"
)

// Job is one service's DTO generation, as configured in dsctl.yaml or given
// with flags.
type Job struct {
	// Name names the service in reports ("" for one-off use).
	Name string
	// Spec is an OpenAPI file relative to Base, or contract:NAME@CONSTRAINT#API.
	Spec string
	// Base is the folder Spec and Output are relative to (the config's folder).
	Base string
	// LockPath is dsctl.lock for contract: specs (default: Base/dsctl.lock).
	LockPath string
	// VendorDir is where contract packages were pulled (default:
	// contracts/vendor beside LockPath).
	VendorDir string
	// Package and Output (relative to Base) of the generated file.
	Package string
	Output  string
	// Selection picks the schemas.
	Selection Selection
	// Rename maps schema names to Go type names.
	Rename map[string]string
	// AllowRemoteRefs lets the spec $ref http(s) URLs.
	AllowRemoteRefs bool
	// Root is the folder the spec's local $refs must stay inside (relative
	// to Base; the spec's folder when empty). Containment is checked on the
	// real path.
	Root string
	// AllowImports are import paths the generated code may gain from the
	// spec (x-go-type-import); any other import beyond the generator's own
	// is refused.
	AllowImports []string
	// Config and ConfigLine locate the service in dsctl.yaml, so an error in
	// a value it sets (a selection, the package, the spec path) names that line.
	Config     string
	ConfigLine int
}

// JobResult is the outcome of a job, before anything is written.
type JobResult struct {
	Name   string   `json:"name,omitempty"`
	Spec   string   `json:"spec"`
	Digest string   `json:"digest"`
	Output string   `json:"output"`
	Kept   []string `json:"schemas"`
	Total  int      `json:"totalSchemas"`
	// Warnings name schemas generated as json.RawMessage (oapi-codegen
	// cannot generate them).
	Warnings []string `json:"warnings,omitempty"`
	// Converted names the format the spec was converted from ("Swagger
	// 2.0"), empty for an OpenAPI 3 spec.
	Converted string `json:"convertedFrom,omitempty"`
	// Status is "written", "unchanged", "stale" or "missing" once the
	// caller has compared with or written to disk.
	Status string `json:"status,omitempty"`
	// Diff is the unified diff against the file on disk (--check).
	Diff string `json:"diff,omitempty"`
	Code []byte `json:"-"`
	// Path is where the output lives on disk.
	Path string `json:"-"`
}

// ContractPrefix starts a spec that names an API of a vendored contract package.
const ContractPrefix = "contract:"

// Run generates the job's file in memory; the spec is loaded through the cache.
func (c *SpecCache) Run(job Job) (*JobResult, error) {
	specPath, specName, err := job.resolveSpec()
	if err != nil {
		return nil, job.locate(err)
	}
	root := ""
	if job.Root != "" {
		root = joinBase(job.Base, job.Root)
	}
	spec, err := c.LoadWith(specPath, LoadOptions{AllowRemote: job.AllowRemoteRefs, Root: root})
	if err != nil {
		return nil, job.locate(err)
	}
	res, err := Generate(spec, Options{
		Package:      job.Package,
		SpecName:     specName,
		Tool:         "dsctl gen dtos",
		Selection:    job.Selection,
		Rename:       job.Rename,
		AllowImports: job.AllowImports,
	})
	if err != nil {
		return nil, job.locate(err)
	}
	out := &JobResult{
		Name:      job.Name,
		Spec:      specName,
		Digest:    res.Digest,
		Converted: map[bool]string{true: "Swagger 2.0"}[spec.Swagger],
		Output:    displayPath(job.Base, job.Output),
		Kept:      res.Kept,
		Total:     res.Total,
		Warnings:  res.Warnings,
		Code:      res.Code,
		Path:      joinBase(job.Base, job.Output),
	}
	if err := out.CheckPath(); err != nil {
		return nil, job.locate(err)
	}
	return out, nil
}

// CheckPath refuses an output path that is an existing folder, before
// anything is written (an input error, not a failed rename).
func (r *JobResult) CheckPath() error {
	if fi, err := os.Stat(r.Path); err == nil && fi.IsDir() {
		return errkind.Inputf("output %s is a folder; name the .go file to write", r.Output)
	}
	return nil
}

// locate names the service in err. An input error without a line (an unknown
// operation, tag or schema, a bad package name, a missing spec) comes from a
// value the service sets, so it is placed at the service's line in dsctl.yaml;
// an error with a line in the spec keeps it.
func (job Job) locate(err error) error {
	if job.Name == "" {
		return err
	}
	var e *errkind.Error
	if job.Config != "" && errors.As(err, &e) && e.Kind == errkind.Input && e.Line == 0 {
		return errkind.InputAt(job.Config, job.ConfigLine, 0, fmt.Errorf("service %s: %w", job.Name, err))
	}
	return fmt.Errorf("service %s: %w", job.Name, err)
}

// resolveSpec returns the file to load and the name for the header.
func (job Job) resolveSpec() (path, name string, err error) {
	if !strings.HasPrefix(job.Spec, ContractPrefix) {
		return joinBase(job.Base, job.Spec), displayPath(job.Base, job.Spec), nil
	}
	ref := strings.TrimPrefix(job.Spec, ContractPrefix)
	nameVer, api, ok := strings.Cut(ref, "#")
	if !ok || api == "" {
		return "", "", errkind.Inputf("spec %q: want contract:NAME@CONSTRAINT#API", job.Spec)
	}
	cname, constraint, _ := strings.Cut(nameVer, "@")
	lock := job.LockPath
	if lock == "" {
		lock = filepath.Join(job.Base, contracts.LockFileName)
	}
	pkg, entry, err := contracts.Vendored(lock, job.VendorDir, cname, constraint)
	if err != nil {
		return "", "", err
	}
	a, err := pkg.API(api)
	if err != nil {
		return "", "", err
	}
	if pkg.Version != entry.Version {
		install := []string{"dsctl", "contract", "install"}
		if job.VendorDir != "" {
			install = append(install, "--dir", filepath.ToSlash(job.VendorDir))
		}
		return "", "", &errkind.Error{Kind: errkind.Input, File: pkg.File(contracts.FileName),
			Err:  fmt.Errorf("vendored %s is %s but dsctl.lock pins %s", cname, pkg.Version, entry.Version),
			Hint: "to vendor what the lock pins, run: " + cmdline.Join(install...)}
	}
	vendor := job.VendorDir
	if vendor == "" {
		vendor = filepath.Join(filepath.Dir(lock), contracts.DefaultVendorDir)
	}
	dir := filepath.Join(vendor, cname)
	return filepath.Join(dir, filepath.FromSlash(a.Spec)),
		fmt.Sprintf("%s%s@%s#%s", ContractPrefix, cname, entry.Version, api), nil
}

func joinBase(base, p string) string {
	if filepath.IsAbs(p) || base == "" {
		return p
	}
	return filepath.Join(base, p)
}

// DisplayPath is p relative to base, for messages; see displayPath.
func DisplayPath(base, p string) string { return displayPath(base, p) }

// displayPath is p relative to base, slash-separated; an absolute path
// outside base is shown by its relative form to the working folder or,
// failing that, its base name, so no absolute path reaches a header.
func displayPath(base, p string) string {
	if !filepath.IsAbs(p) {
		return filepath.ToSlash(filepath.Clean(p))
	}
	for _, root := range []string{base, "."} {
		if root == "" {
			continue
		}
		r, err := filepath.Abs(root)
		if err != nil {
			continue
		}
		if rel, err := filepath.Rel(r, p); err == nil && fsx.Within(r, p) {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.Base(p)
}

// Compare sets r.Status to "unchanged", "stale" or "missing" and, when the
// file differs, r.Diff to a unified diff from the file on disk to r.Code.
func (r *JobResult) Compare() error {
	old, err := os.ReadFile(r.Path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		r.Status = "missing"
		r.Diff = UnifiedDiff(r.Output+" (missing)", r.Output+" (generated)", nil, r.Code)
		return nil
	case err != nil:
		return errkind.Envf("read %s: %w", r.Output, err)
	}
	if bytes.Equal(old, r.Code) {
		r.Status = "unchanged"
		return nil
	}
	r.Status = "stale"
	r.Diff = UnifiedDiff(r.Output+" (on disk)", r.Output+" (generated)", old, r.Code)
	return nil
}

// Write writes r.Code atomically unless the file already holds it (so a
// second run changes nothing) and sets r.Status.
func (r *JobResult) Write() error {
	if old, err := os.ReadFile(r.Path); err == nil && bytes.Equal(old, r.Code) {
		r.Status = "unchanged"
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(r.Path), 0o755); err != nil {
		return errkind.Envf("create folder for %s: %w", r.Output, err)
	}
	if err := fsx.WriteFileAtomic(r.Path, r.Code, 0o644); err != nil {
		return errkind.Envf("write %s: %w", r.Output, err)
	}
	r.Status = "written"
	return nil
}

// ServiceJob returns the job for a service of dsctl.yaml.
func ServiceJob(cfg *config.Config, s config.Service) Job {
	return Job{
		Name:     s.Name,
		Spec:     s.Spec,
		Base:     cfg.Dir,
		LockPath: filepath.Join(cfg.Dir, contracts.LockFileName),
		Package:  s.Package,
		Output:   s.Output,
		Selection: Selection{
			Operations:            s.Operations,
			Tags:                  s.Tags,
			Schemas:               s.Schemas,
			ExcludeErrorResponses: s.ExcludeErrorResponses,
		},
		Rename:          s.Rename,
		AllowRemoteRefs: s.AllowRemoteRefs,
		Root:            s.Root,
		AllowImports:    s.AllowImports,
		Config:          cfg.Path,
		ConfigLine:      s.Line,
	}
}
