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

// genDTOsOptions are the flags of gen dtos.
type genDTOsOptions struct {
	App      *App
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

	// fix is the command that updates stale files: this one without --check.
	fix string
}

func newCmdGenDTOs(app *App, runF func(*genDTOsOptions) error) *cobra.Command {
	opts := &genDTOsOptions{App: app}
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
			opts.fix = rerunCommand(cmd, args, "check")
			return runOr(opts, runF, genDTOsRun)
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

func genDTOsRun(opts *genDTOsOptions) error {
	app := opts.App
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
		return &errkind.Error{Kind: errkind.Finding, Label: "drift",
			Err: fmt.Errorf("%d of %d generated files are stale; regenerate and commit them: %s", stale, len(report.Services), opts.fix)}
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
