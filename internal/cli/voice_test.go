package cli

import (
	"bytes"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// stockTexts are cobra's and pflag's own messages (and Go's), which must
// never reach the user: dsctl says the same in its voice (voice.go,
// voice_flags.go).
var stockTexts = regexp.MustCompile(`arg\(s\)|required flag\(s\)|unknown shorthand flag|invalid argument "|flag needs an argument|bad flag syntax:|strconv\.|Error: |Usage:|Did you mean this|panic|goroutine `)

// stderrLine is the shape of every line dsctl writes on stderr when a
// command fails on bad input.
var stderrLine = regexp.MustCompile(`^(error|usage|hint|warning|drift): |^Run 'dsctl[a-z -]*--help' for usage\.$`)

// commandPaths returns the path (without "dsctl") of every runnable
// command, and of every group, found by walking the command tree.
func commandPaths() (runnable, groups [][]string) {
	root := newRootCmd(&App{}, strings.NewReader(""), io.Discard, io.Discard)
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		for _, sub := range c.Commands() {
			if sub.Hidden || sub.Name() == "help" {
				continue
			}
			p := append(append([]string{}, path...), sub.Name())
			if sub.Runnable() {
				runnable = append(runnable, p)
			}
			if sub.HasAvailableSubCommands() {
				groups = append(groups, p)
			}
			walk(sub, p)
		}
	}
	walk(root, nil)
	return runnable, groups
}

// flagsOf returns the local flags of the command at path.
func flagsOf(t *testing.T, path []string) []*pflag.Flag {
	root := newRootCmd(&App{}, strings.NewReader(""), io.Discard, io.Discard)
	c, _, err := root.Find(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []*pflag.Flag
	c.LocalFlags().VisitAll(func(f *pflag.Flag) {
		if !f.Hidden && f.Name != "help" {
			out = append(out, f)
		}
	})
	return out
}

// TestMessagesInVoice runs every command with bad input (an unknown flag,
// an unknown shorthand, every flag without its value and with a value of
// the wrong type, too many arguments, none) and checks that what it prints
// on stderr is dsctl's: each line starts with error:, usage:, hint:,
// warning: or drift: (or is the "Run 'dsctl … --help'" line), and no stock
// cobra/pflag/strconv text leaks. A flag error is a usage error: exit 2.
// Each group suggests the subcommand a misspelt name is near.
func TestMessagesInVoice(t *testing.T) {
	work := t.TempDir()
	t.Chdir(work)
	t.Setenv("HOME", work+"/home")
	t.Setenv("XDG_DATA_HOME", work+"/xdg")
	t.Setenv("XDG_CONFIG_HOME", work+"/xdgconfig")
	t.Setenv("DSCTL_CONFIG", "")
	t.Setenv("NO_COLOR", "1")
	t.Setenv("DOCKER_CONFIG", work+"/docker")

	run := func(t *testing.T, wantCode int, args ...string) {
		t.Helper()
		var stdout, stderr bytes.Buffer
		code := Main(args, strings.NewReader(""), &stdout, &stderr)
		line := "dsctl " + strings.Join(args, " ")
		if wantCode >= 0 && code != wantCode {
			t.Errorf("%s: exit %d, want %d\nstderr: %s", line, code, wantCode, stderr.String())
		}
		if code == 0 {
			return
		}
		if m := stockTexts.FindString(stderr.String()); m != "" {
			t.Errorf("%s: stock text %q leaks:\n%s", line, m, stderr.String())
		}
		if stderr.Len() == 0 && code == 2 {
			t.Errorf("%s: exit 2 and nothing on stderr", line)
		}
		for _, l := range strings.Split(strings.TrimRight(stderr.String(), "\n"), "\n") {
			if l != "" && !stderrLine.MatchString(l) {
				t.Errorf("%s: stderr line not in dsctl's voice: %q", line, l)
			}
		}
	}

	runnable, groups := commandPaths()
	if len(runnable) < 20 {
		t.Fatalf("found %d runnable commands; the walk is broken", len(runnable))
	}
	for _, path := range runnable {
		t.Run(strings.Join(path, "_"), func(t *testing.T) {
			run(t, 2, append(path, "--no-such-flag")...)
			run(t, 2, append(path, "-Z")...)
			for _, f := range flagsOf(t, path) {
				if f.NoOptDefVal == "" {
					// A value flag given last, without its value.
					run(t, 2, append(path, "--"+f.Name)...)
				}
				bad := ""
				switch f.Value.Type() {
				case "bool":
					bad = "maybe"
				case "int", "int64", "int32", "uint", "uint64", "float64", "duration", "count":
					bad = "lots"
				case "stringToString":
					bad = "novalue"
				}
				if bad != "" {
					run(t, 2, append(path, "--"+f.Name+"="+bad)...)
				}
			}
			// Too many arguments, and none: whatever the command makes of
			// them (a usage error, or files that do not exist), it says so
			// in its voice.
			run(t, -1, append(path, "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9")...)
			run(t, -1, path...)
		})
	}
	for _, path := range groups {
		subs := []string{}
		root := newRootCmd(&App{}, strings.NewReader(""), io.Discard, io.Discard)
		g, _, _ := root.Find(path)
		for _, s := range g.Commands() {
			if !s.Hidden && s.Name() != "help" && len(s.Name()) > 3 {
				subs = append(subs, s.Name())
			}
		}
		if len(subs) == 0 {
			continue
		}
		// The first subcommand with its last two letters swapped.
		name := subs[0]
		typo := name[:len(name)-2] + name[len(name)-1:] + name[len(name)-2:len(name)-1]
		t.Run(strings.Join(path, "_")+"_typo", func(t *testing.T) {
			var stderr bytes.Buffer
			code := Main(append(append([]string{}, path...), typo), strings.NewReader(""), io.Discard, &stderr)
			if code != 2 || !strings.Contains(stderr.String(), `did you mean "`+name+`"?`) {
				t.Errorf("dsctl %s %s: exit %d, want 2 and a suggestion of %q:\n%s", strings.Join(path, " "), typo, code, name, stderr.String())
			}
		})
	}
}
