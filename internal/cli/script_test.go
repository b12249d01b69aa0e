package cli_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	"github.com/dsctl/dsctl/internal/cli"
	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"dsctl": func() { os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
		// want-exit CODE dsctl ARGS... runs dsctl and succeeds only if it exits with CODE,
		// so scripts can check exit codes and still match stdout and stderr.
		"want-exit": func() {
			if len(os.Args) < 3 || os.Args[2] != "dsctl" {
				fmt.Fprintln(os.Stderr, "usage: want-exit CODE dsctl ARGS...")
				os.Exit(100)
			}
			want, err := strconv.Atoi(os.Args[1])
			if err != nil {
				fmt.Fprintln(os.Stderr, "want-exit: bad code:", err)
				os.Exit(100)
			}
			got := cli.Main(os.Args[3:], os.Stdin, os.Stdout, os.Stderr)
			if got != want {
				fmt.Fprintf(os.Stderr, "want-exit: dsctl exited %d, want %d\n", got, want)
				os.Exit(101)
			}
			os.Exit(0)
		},
	})
}

// repoRoot is the module root, so scripts can copy examples/ with $REPO.
func repoRoot(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	root, err := filepath.Abs(filepath.Join(filepath.Dir(file), "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// TestScripts runs internal/cli/testdata/script/*.txtar. DSCTL_UPDATE=1
// rewrites the golden files in the archives from the actual output.
func TestScripts(t *testing.T) {
	root := repoRoot(t)
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		UpdateScripts:       os.Getenv("DSCTL_UPDATE") == "1",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Setup: func(e *testscript.Env) error {
			e.Setenv("REPO", root)
			e.Setenv("NO_COLOR", "1")
			e.Setenv("HOME", e.WorkDir+"/home")
			e.Setenv("XDG_DATA_HOME", e.WorkDir+"/xdg")
			e.Setenv("GOFLAGS", os.Getenv("GOFLAGS"))
			e.Setenv("GOPATH", os.Getenv("GOPATH"))
			e.Setenv("GOMODCACHE", os.Getenv("GOMODCACHE"))
			e.Setenv("GOCACHE", os.Getenv("GOCACHE"))
			e.Setenv("GOPROXY", "off")
			return nil
		},
		Cmds: scriptCmds(),
	})
}
