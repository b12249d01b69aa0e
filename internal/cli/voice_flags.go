package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/dsctl/dsctl/internal/textdist"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// flagVoice rewrites pflag's parse errors in dsctl's voice: "unknown flag:
// -Z" rather than "unknown shorthand flag: 'Z' in -Z", "invalid value "x"
// for --keep: want a whole number" rather than the strconv message, "--out
// needs a value"; an unknown long flag gets the nearest flag cmd has.
func flagVoice(cmd *cobra.Command, err error) error {
	var (
		notExist *pflag.NotExistError
		noValue  *pflag.ValueRequiredError
		invalid  *pflag.InvalidValueError
		syntax   *pflag.InvalidSyntaxError
	)
	switch {
	case errors.As(err, &notExist):
		name := notExist.GetSpecifiedName()
		if group := notExist.GetSpecifiedShortnames(); group != "" {
			if len(group) > 1 {
				return fmt.Errorf("unknown flag: -%c (in -%s)", []rune(name)[0], group)
			}
			return fmt.Errorf("unknown flag: -%c", []rune(name)[0])
		}
		msg := "unknown flag: --" + name
		if s := nearestFlag(cmd, name); s != "" {
			msg += "; did you mean --" + s + "?"
		}
		return errors.New(msg)
	case errors.As(err, &noValue):
		return fmt.Errorf("%s needs a value", flagName(noValue.GetFlag()))
	case errors.As(err, &invalid):
		f := invalid.GetFlag()
		want := valueWant(f)
		if want == "" {
			want = errors.Unwrap(invalid).Error()
		} else {
			want = "want " + want
		}
		return fmt.Errorf("invalid value %q for %s: %s", invalid.GetValue(), flagName(f), want)
	case errors.As(err, &syntax):
		return fmt.Errorf("bad flag syntax %q: flags are --name, --name=value or -n", syntax.GetSpecifiedFlag())
	}
	return err
}

// flagName is "--name", the form help prints first.
func flagName(f *pflag.Flag) string {
	if f == nil {
		return "the flag"
	}
	return "--" + f.Name
}

// valueWant says what a flag of a built-in type takes; "" for types whose
// own error says it (dsctl's flag values).
func valueWant(f *pflag.Flag) string {
	if f == nil {
		return ""
	}
	switch t := f.Value.Type(); {
	case t == "bool":
		return "true or false"
	case strings.HasPrefix(t, "uint"):
		return "a whole number, 0 or more"
	case strings.HasPrefix(t, "int") && !strings.HasSuffix(t, "Slice"):
		return "a whole number"
	case strings.HasPrefix(t, "float"):
		return "a number"
	case t == "duration":
		return "a duration such as 90s, 15m or 2h"
	case t == "stringToString":
		return "KEY=VALUE"
	}
	return ""
}

// nearestFlag returns the flag of cmd (its own or inherited) whose name is
// within two edits of name, "" when none is.
func nearestFlag(cmd *cobra.Command, name string) string {
	best, bestD := "", 3
	visit := func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		if d := textdist.Levenshtein(name, f.Name); d < bestD || (d == bestD && f.Name < best) {
			best, bestD = f.Name, d
		}
	}
	cmd.Flags().VisitAll(visit)
	cmd.InheritedFlags().VisitAll(visit)
	return best
}

// orSubcommand wraps the positional-argument check of a command that runs
// itself and also has subcommands (hash-assets SRC, hash-assets verify
// DIR): a first argument that is not a path on disk but is near one of the
// subcommand names is a misspelt subcommand ("hash-assets clena"), and is
// reported so, with the suggestion, rather than as the command's own
// argument.
func orSubcommand(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > 0 && cmd.HasAvailableSubCommands() {
			if _, err := os.Lstat(args[0]); err != nil {
				if cmd.SuggestionsMinimumDistance <= 0 {
					cmd.SuggestionsMinimumDistance = 2
				}
				if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
					// wrapArgs prefixes the command path.
					return fmt.Errorf("unknown command %q; did you mean %q?", args[0], s[0])
				}
			}
		}
		return check(cmd, args)
	}
}
