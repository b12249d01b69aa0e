package cli

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/dsctl/dsctl/internal/output"
	"github.com/spf13/cobra"
)

// Release builds stamp these with -ldflags -X (see .goreleaser.yaml):
//
//	-X github.com/dsctl/dsctl/internal/cli.version=v0.1.0
//	-X github.com/dsctl/dsctl/internal/cli.commit=<full sha>
//	-X github.com/dsctl/dsctl/internal/cli.date=<commit date, RFC 3339>
//
// They stay empty in `go build` and `go install …@vX` builds, which print what
// the Go toolchain recorded in the binary's build info instead: the module
// version (v0.1.0 from go install, a pseudo-version or (devel) from a clone),
// and vcs.revision / vcs.time / vcs.modified when built in a git checkout.
var (
	version = ""
	commit  = ""
	date    = ""
)

// versionInfo is what `dsctl version` prints.
type versionInfo struct {
	Version  string `json:"version"`
	Commit   string `json:"commit,omitempty"`
	Date     string `json:"date,omitempty"`
	Modified bool   `json:"modified,omitempty"`
	Go       string `json:"go"`
	Platform string `json:"platform"`
}

func (v versionInfo) WriteText(w io.Writer, st output.Style) error {
	s := "dsctl " + v.Version
	if v.Commit != "" {
		c := v.Commit
		if len(c) > 12 {
			c = c[:12]
		}
		s += " (" + c
		if v.Date != "" {
			s += ", " + v.Date
		}
		if v.Modified {
			s += ", modified"
		}
		s += ")"
	}
	_, err := fmt.Fprintf(w, "%s %s %s\n", s, v.Go, v.Platform)
	return err
}

func readVersion() versionInfo {
	bi, _ := debug.ReadBuildInfo()
	return buildVersion(bi, version, commit, date)
}

// buildVersion combines the build info with the release stamps: a stamped
// version wins over the module version, and a stamped commit or date over the
// VCS settings, so a release archive prints the tag it was built from.
func buildVersion(bi *debug.BuildInfo, stampVersion, stampCommit, stampDate string) versionInfo {
	v := versionInfo{Version: "(devel)", Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi != nil {
		if bi.Main.Version != "" {
			v.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				v.Commit = s.Value
			case "vcs.time":
				v.Date = s.Value
			case "vcs.modified":
				v.Modified = s.Value == "true"
			}
		}
	}
	if stampVersion != "" {
		v.Version = stampVersion
	}
	if stampCommit != "" {
		v.Commit = stampCommit
	}
	if stampDate != "" {
		v.Date = stampDate
	}
	return v
}

// versionOptions are the (no) arguments of version.
type versionOptions struct {
	App *App
}

func newCmdVersion(app *App, runF func(*versionOptions) error) *cobra.Command {
	o := &versionOptions{App: app}
	return &cobra.Command{
		Use:   "version",
		Short: "Print the dsctl version (module version and commit)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runOr(o, runF, versionRun)
		},
	}
}

func versionRun(o *versionOptions) error { return o.App.Print(readVersion()) }

// completionOptions are the argument of completion, and the command tree
// the script completes.
type completionOptions struct {
	App   *App
	Shell string
	Root  *cobra.Command
}

func newCmdCompletion(app *App, runF func(*completionOptions) error) *cobra.Command {
	o := &completionOptions{App: app}
	return &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print a shell completion script",
		Long: `Print the completion script for a shell on stdout. To install it:

Bash (needs the bash-completion package):
  this shell:    source <(dsctl completion bash)
  every shell:   dsctl completion bash > /etc/bash_completion.d/dsctl              (Linux)
                 dsctl completion bash > $(brew --prefix)/etc/bash_completion.d/dsctl (macOS)

Zsh (completion must be on: autoload -U compinit; compinit in ~/.zshrc):
  every shell:   dsctl completion zsh > "${fpath[1]}/_dsctl"    then start a new shell

Fish:
  this shell:    dsctl completion fish | source
  every shell:   dsctl completion fish > ~/.config/fish/completions/dsctl.fish

PowerShell:
  this session:  dsctl completion powershell | Out-String | Invoke-Expression
  every session: add that line to your profile ($PROFILE)`,
		ValidArgs: []string{"bash", "zsh", "fish", "powershell"},
		Args:      cobra.MatchAll(cobra.ExactArgs(1), cobra.OnlyValidArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Shell, o.Root = args[0], cmd.Root()
			return runOr(o, runF, completionRun)
		},
	}
}

func completionRun(o *completionOptions) error {
	out := o.App.IO.Out
	switch o.Shell {
	case "bash":
		return o.Root.GenBashCompletionV2(out, true)
	case "zsh":
		return o.Root.GenZshCompletion(out)
	case "fish":
		return o.Root.GenFishCompletion(out, true)
	default:
		return o.Root.GenPowerShellCompletionWithDesc(out)
	}
}
