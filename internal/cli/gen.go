package cli

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"github.com/dsctl/dsctl/codegen"
	"github.com/dsctl/dsctl/contracts"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/fsx"
	"github.com/dsctl/dsctl/internal/output"
	"github.com/spf13/cobra"
)

func newGenCmd(app *App) *cobra.Command {
	cmd := newGroupCmd("gen", "Generate each service's own DTOs and event types",
		`Each consuming service keeps its own copy of the types it uses, generated
from the provider's OpenAPI spec (gen dtos) or contract package (gen events),
instead of sharing a DTO library. Generated files name the spec's sha256 in
their header; --check in CI fails when one is stale.`)
	cmd.Example = `  dsctl gen dtos                    # every service of dsctl.yaml
  dsctl gen dtos --check            # CI: exit 1 with a diff when a file is stale
  dsctl gen events orders/contract --package orderevents --out billing/orderevents/events.gen.go`
	cmd.AddCommand(newGenDTOsCmd(app, nil), newGenEventsCmd(app, nil))
	return cmd
}

// genDTOsOptions are the flags of gen dtos.
type genDTOsOptions struct {
	Services []string
	Check    bool

	Spec                  string
	Package               string
	Out                   string
	Operations            []string
	Tags                  []string
	Schemas               []string
	ExcludeErrorResponses bool
	AllowRemoteRefs       bool
	Root                  string
	AllowImports          []string
	Rename                map[string]string
	VendorDir             string
}

func newGenDTOsCmd(app *App, runF func(*genDTOsOptions) error) *cobra.Command {
	opts := &genDTOsOptions{}
	cmd := &cobra.Command{
		Use:   "dtos",
		Short: "Generate each service's own copy of the DTOs it uses from an OpenAPI spec",
		Long: `Generate Go DTOs for each service listed under services: in dsctl.yaml, or for
one spec given with --spec. Only the schemas the service's operations, tags and
root schemas reach are generated; each file is type-checked before it is written,
and written only when its content changed.

With --check nothing is written: the files are regenerated in memory and
compared with disk; a stale or missing file prints a unified diff and exits 1.`,
		Example: `  dsctl gen dtos
  dsctl gen dtos --service billing --check
  dsctl gen dtos --spec orders/openapi.yaml --package ordersapi --out ordersapi/dtos.gen.go --operation getOrder`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Spec == "" && (opts.Package != "" || opts.Out != "" || len(opts.Operations)+len(opts.Tags)+len(opts.Schemas) > 0) {
				return usageErr(errors.New("--package, --out, --operation, --tag and --schema need --spec"))
			}
			if opts.Spec != "" && (opts.Package == "" || opts.Out == "") {
				return usageErr(errors.New("--spec needs --package and --out"))
			}
			if opts.Spec != "" && len(opts.Services) > 0 {
				return usageErr(errors.New("--service selects services of dsctl.yaml; it does not mix with --spec"))
			}
			if runF != nil {
				return runF(opts)
			}
			return genDTOsRun(app, opts)
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&opts.Services, "service", nil, "only these services of dsctl.yaml (repeatable)")
	f.BoolVar(&opts.Check, "check", false, "write nothing; exit 1 with a diff when a generated file is stale")
	f.StringVar(&opts.Spec, "spec", "", "one-off: OpenAPI file or contract:NAME@CONSTRAINT#API")
	f.StringVar(&opts.Package, "package", "", "one-off: Go package name")
	f.StringVar(&opts.Out, "out", "", "one-off: output file")
	f.StringArrayVar(&opts.Operations, "operation", nil, "one-off: keep what this operationId uses (repeatable)")
	f.StringArrayVar(&opts.Tags, "tag", nil, "one-off: keep what operations with this tag use (repeatable)")
	f.StringArrayVar(&opts.Schemas, "schema", nil, "one-off: keep this component schema and what it uses (repeatable)")
	f.BoolVar(&opts.ExcludeErrorResponses, "exclude-error-responses", false, "one-off: ignore 4xx, 5xx and default responses")
	f.BoolVar(&opts.AllowRemoteRefs, "allow-remote-refs", false, "one-off: let the spec $ref http(s) URLs")
	f.StringVar(&opts.Root, "root", "", "one-off: the folder the spec's local $refs must stay inside (default: the spec's folder)")
	f.StringArrayVar(&opts.AllowImports, "allow-import", nil, "one-off: an import path the spec may add to the generated code with x-go-type-import (repeatable)")
	f.StringToStringVar(&opts.Rename, "rename", nil, "one-off: SCHEMA=GoName renames a schema's Go type (repeatable)")
	f.StringVar(&opts.VendorDir, "dir", "", "folder contract: specs were pulled into (default contracts/vendor beside dsctl.lock)")
	return cmd
}

// dtosReport is the result of gen dtos, for people and for -o json.
type dtosReport struct {
	Check    bool                 `json:"check"`
	Services []*codegen.JobResult `json:"services"`

	// quiet drops the per-file summary lines of the text form; diffs stay.
	quiet bool
}

// WriteText implements output.Texter.
func (r *dtosReport) WriteText(w io.Writer, st output.Style) error {
	for _, s := range r.Services {
		if r.quiet {
			break
		}
		// A one-off job has no service name; its output is already on the line.
		prefix := ""
		if s.Name != "" {
			prefix = s.Name + ": "
		}
		status := s.Status
		switch status {
		case "stale", "missing":
			status = st.Red(status)
		case "written":
			status = st.Green(status)
		}
		from := s.Spec
		if s.Converted != "" {
			from += " (" + s.Converted + ", converted to OpenAPI 3)"
		}
		if _, err := fmt.Fprintf(w, "%skept %d of %d schemas from %s -> %s (%s)\n",
			prefix, len(s.Kept), s.Total, from, s.Output, status); err != nil {
			return err
		}
	}
	for _, s := range r.Services {
		if s.Diff != "" {
			if _, err := io.WriteString(w, s.Diff); err != nil {
				return err
			}
		}
	}
	return nil
}

func genDTOsRun(app *App, opts *genDTOsOptions) error {
	jobs, err := dtosJobs(app, opts)
	if err != nil {
		return err
	}
	cache := codegen.NewSpecCache()
	report := &dtosReport{Check: opts.Check, quiet: app.Quiet}
	// Every service is generated (and type-checked) before any file is
	// written, so bad input in one leaves all files as they were.
	for _, job := range jobs {
		res, err := cache.Run(job)
		if err != nil {
			return err
		}
		for _, w := range res.Warnings {
			app.IO.Warnf("%s", w)
		}
		report.Services = append(report.Services, res)
	}
	for _, res := range report.Services {
		if opts.Check {
			err = res.Compare()
		} else {
			err = res.Write()
		}
		if err != nil {
			return err
		}
	}
	if err := app.Print(report); err != nil {
		return err
	}
	stale := 0
	for _, s := range report.Services {
		if s.Status == "stale" || s.Status == "missing" {
			stale++
		}
	}
	if stale > 0 {
		fmt.Fprintf(app.IO.Err, "%s %d of %d generated files are stale; run 'dsctl gen dtos' and commit the result\n",
			app.IO.ErrStyle().Red("drift:"), stale, len(report.Services))
		return errkind.SilentFinding()
	}
	return nil
}

// dtosJobs turns the config's services (or the one-off flags) into jobs.
func dtosJobs(app *App, opts *genDTOsOptions) ([]codegen.Job, error) {
	cfg, err := app.Config()
	if err != nil {
		return nil, err
	}
	if opts.Spec != "" {
		lock := contracts.LockFileName
		if cfg != nil {
			lock = filepath.Join(cfg.Dir, contracts.LockFileName)
		}
		return []codegen.Job{{
			Spec:     opts.Spec,
			LockPath: lock,
			Package:  opts.Package,
			Output:   opts.Out,
			Selection: codegen.Selection{
				Operations:            opts.Operations,
				Tags:                  opts.Tags,
				Schemas:               opts.Schemas,
				ExcludeErrorResponses: opts.ExcludeErrorResponses,
			},
			Rename:          opts.Rename,
			AllowRemoteRefs: opts.AllowRemoteRefs,
			Root:            opts.Root,
			AllowImports:    opts.AllowImports,
			VendorDir:       opts.VendorDir,
		}}, nil
	}
	if cfg == nil {
		return nil, usageErr(errors.New("no dsctl.yaml here: pass --config, or --spec, --package and --out"))
	}
	if len(cfg.Services) == 0 {
		return nil, errkind.InputAt(cfg.Path, 0, 0, errors.New("no services: list them under services: (name, spec, package, output)"))
	}
	want := map[string]bool{}
	for _, s := range opts.Services {
		if _, ok := cfg.Service(s); !ok {
			var names []string
			for _, sv := range cfg.Services {
				names = append(names, sv.Name)
			}
			sort.Strings(names)
			return nil, usageErr(fmt.Errorf("no service %q in %s (it has %s)", s, cfg.Path, strings.Join(names, ", ")))
		}
		want[s] = true
	}
	var jobs []codegen.Job
	outputs := map[string]string{}
	for _, s := range cfg.Services {
		out, err := fsx.SafeJoin(cfg.Dir, s.Output)
		if err != nil {
			return nil, errkind.InputAt(cfg.Path, s.Line, 0, fmt.Errorf("service %s: output %s must be a path inside the config's folder", s.Name, s.Output))
		}
		if prev, dup := outputs[out]; dup {
			return nil, errkind.InputAt(cfg.Path, s.Line, 0, fmt.Errorf("services %s and %s both write %s", prev, s.Name, filepath.ToSlash(filepath.Clean(s.Output))))
		}
		outputs[out] = s.Name
		if len(want) > 0 && !want[s.Name] {
			continue
		}
		if s.Root != "" {
			// dsctl.yaml is repository content: a root it names must stay
			// inside the config's folder on the real path.
			if err := rootInside(cfg.Dir, s.Root); err != nil {
				return nil, errkind.InputAt(cfg.Path, s.Line, 0, fmt.Errorf("service %s: root %s: %w", s.Name, s.Root, err))
			}
		}
		job := codegen.ServiceJob(cfg, s)
		job.VendorDir = opts.VendorDir
		jobs = append(jobs, job)
	}
	return jobs, nil
}

// rootInside refuses a root folder that is not inside dir once symbolic
// links are resolved.
func rootInside(dir, root string) error {
	if filepath.IsAbs(root) {
		return errors.New("must be a folder inside the config's folder, not an absolute path")
	}
	dirReal, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return err
	}
	real, err := filepath.EvalSymlinks(filepath.Join(dir, root))
	if err != nil {
		return errors.New("no such folder")
	}
	if !fsx.Within(dirReal, real) {
		return errors.New("must be a folder inside the config's folder (on the real path)")
	}
	return nil
}

// genEventsOptions are the flags of gen events.
type genEventsOptions struct {
	Source    string
	Package   string
	Out       string
	Check     bool
	VendorDir string
	// Operations and Channels select the messages of the package's AsyncAPI
	// document that an operation sends or receives, or a channel carries.
	Operations []string
	Channels   []string
}

func newGenEventsCmd(app *App, runF func(*genEventsOptions) error) *cobra.Command {
	opts := &genEventsOptions{}
	cmd := &cobra.Command{
		Use:   "events [DIR|NAME@VERSION]",
		Short: "Generate Go types for a contract package's event schemas",
		Long: `Generate Go types for the event schemas of a contract package: a folder with
contract.yaml (default: the current folder), or NAME@VERSION of a package pulled
into contracts/vendor (as pinned in dsctl.lock). Each event also gets a constant
with its name and one with its schema's $id. The messages of the package's
AsyncAPI document are events too; --operation and --channel generate only the
messages an operation sends or receives, or a channel carries.

With --check nothing is written; a stale file prints a unified diff and exits 1.`,
		Example: `  dsctl gen events orders/contract --package orderevents --out billing/orderevents/events.gen.go
  dsctl gen events orders@1.0.0 --package orderevents --out orderevents/events.gen.go --check
  dsctl gen events orders/contract --operation consumeCancelRequests --package cancels --out cancels/events.gen.go`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Source = args[0]
			}
			if opts.Package == "" || opts.Out == "" {
				return usageErr(errors.New("gen events needs --package and --out"))
			}
			if runF != nil {
				return runF(opts)
			}
			return genEventsRun(app, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Package, "package", "", "Go package name")
	f.StringVar(&opts.Out, "out", "", "output file")
	f.BoolVar(&opts.Check, "check", false, "write nothing; exit 1 with a diff when the file is stale")
	f.StringVar(&opts.VendorDir, "dir", "", "folder NAME@VERSION was pulled into (default contracts/vendor beside dsctl.lock)")
	f.StringSliceVar(&opts.Operations, "operation", nil, "only the messages this AsyncAPI operation sends or receives (repeatable)")
	f.StringSliceVar(&opts.Channels, "channel", nil, "only the messages this AsyncAPI channel carries (repeatable)")
	return cmd
}

func genEventsRun(app *App, opts *genEventsOptions) error {
	cfg, err := app.Config()
	if err != nil {
		return err
	}
	lock := contracts.LockFileName
	if cfg != nil {
		lock = filepath.Join(cfg.Dir, contracts.LockFileName)
	}
	pkg, source, err := loadEventsSource(opts.Source, lock, opts.VendorDir)
	if err != nil {
		return err
	}
	res, err := codegen.GenerateEvents(pkg, codegen.EventsOptions{Package: opts.Package, Source: source, Operations: opts.Operations, Channels: opts.Channels})
	if err != nil {
		return err
	}
	// Like gen dtos: relative to the working folder, never an absolute path.
	res.Output = codegen.DisplayPath("", opts.Out)
	res.Path = opts.Out
	if err := res.CheckPath(); err != nil {
		return err
	}
	if opts.Check {
		err = res.Compare()
	} else {
		err = res.Write()
	}
	if err != nil {
		return err
	}
	if err := app.Print(&dtosReport{Check: opts.Check, Services: []*codegen.JobResult{res}, quiet: app.Quiet}); err != nil {
		return err
	}
	if res.Status == "stale" || res.Status == "missing" {
		fmt.Fprintf(app.IO.Err, "%s %s is stale; run 'dsctl gen events' and commit the result\n", app.IO.ErrStyle().Red("drift:"), res.Output)
		return errkind.SilentFinding()
	}
	return nil
}

// loadEventsSource loads a contract package from a folder or, for
// NAME@VERSION, from the vendored copy pinned in dsctl.lock.
func loadEventsSource(src, lock, vendorDir string) (*contracts.Contract, string, error) {
	if src == "" {
		src = "."
	}
	if name, version, ok := strings.Cut(src, "@"); ok && !strings.ContainsAny(name, `/\`) {
		c, entry, err := contracts.Vendored(lock, vendorDir, name, version)
		if err != nil {
			return nil, "", err
		}
		return c, fmt.Sprintf("%s@%s", name, entry.Version), nil
	}
	c, err := contracts.Load(src)
	if err != nil {
		return nil, "", err
	}
	return c, fmt.Sprintf("%s@%s", c.Name, c.Version), nil
}
