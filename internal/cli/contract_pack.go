package cli

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/dsctl/dsctl/contracts"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/fsx"
	"github.com/dsctl/dsctl/internal/output"
	"github.com/spf13/cobra"
)

type packResult struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Digest  string `json:"digest"`
	Size    int    `json:"size"`
	Out     string `json:"out,omitempty"`
}

func (r packResult) WriteText(w io.Writer, _ output.Style) error {
	_, err := fmt.Fprintln(w, r.Digest)
	return err
}

// contractPackOptions are the arguments and flags of contract pack.
type contractPackOptions struct {
	App *App
	Ctx context.Context
	Dir string
	Out string
}

func newCmdContractPack(app *App, runF func(*contractPackOptions) error) *cobra.Command {
	o := &contractPackOptions{App: app}
	cmd := &cobra.Command{
		Use:   "pack [DIR] [--out FILE]",
		Short: "Build the deterministic package archive and print its sha256 digest",
		Long: `pack writes the package as a gzipped tar: files in byte order, mode 0644, uid/gid 0,
mtime 0, no folders, no links, hidden files left out, and a gzip header without name or
time. The same files give the same sha256 digest on every machine. A package with lint
errors is not packed (exit 1): what is packed can be published.`,
		Example: `  dsctl contract pack contracts/orders
  dsctl contract pack contracts/orders --out orders.tgz -o json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Ctx = cmd.Context()
			o.Dir = argOr(args, ".")
			return runOr(o, runF, contractPackRun)
		},
	}
	cmd.Flags().StringVar(&o.Out, "out", "", "write the archive to FILE")
	return cmd
}

func contractPackRun(o *contractPackOptions) error {
	app := o.App
	c, err := contracts.Load(o.Dir)
	if err != nil {
		return err
	}
	if o.Out != "" && packsItself(o.Dir, o.Out) {
		// The next pack (and publish) would take the archive in as a
		// package file and give another digest.
		return usageErr(fmt.Errorf("--out %s is inside the package folder %s: the archive would become part of the package; write it elsewhere (or name it with a leading dot)", o.Out, filepath.ToSlash(o.Dir)))
	}
	lr, err := contracts.LintWith(o.Ctx, c, app.engines)
	if err != nil {
		return err
	}
	if lr.Failed() {
		if err := app.Print(lintResult{lr, app.Quiet}); err != nil {
			return err
		}
		return errkind.Findingf("%s@%s: not packed: the package has %s", c.Name, c.Version, plural(lr.Errors, "lint error"))
	}
	data, err := contracts.Pack(c.FS, c.Dir)
	if err != nil {
		return err
	}
	if o.Out != "" {
		if err := fsx.WriteFileAtomic(o.Out, data, 0o644); err != nil {
			return errkind.Envf("write %s: %w", o.Out, err)
		}
	}
	return app.Print(packResult{Name: c.Name, Version: c.Version, Digest: contracts.Digest(data), Size: len(data), Out: o.Out})
}

// packsItself reports whether writing the archive to out would put it in the
// package folder dir as a file pack takes in (hidden files are left out).
func packsItself(dir, out string) bool {
	d, err1 := filepath.Abs(dir)
	o, err2 := filepath.Abs(out)
	if err1 != nil || err2 != nil {
		return false
	}
	if strings.HasPrefix(filepath.Base(o), ".") {
		return false
	}
	rel, err := filepath.Rel(d, o)
	if err != nil || !fsx.Within(d, o) {
		return false
	}
	for _, part := range strings.Split(filepath.ToSlash(rel), "/") {
		if strings.HasPrefix(part, ".") {
			return false // in a hidden folder
		}
	}
	return true
}
