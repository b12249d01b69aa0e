package cli

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
)

// This file rewrites cobra's stock usage messages in dsctl's voice: what the
// command wants, what it got, and a suggestion for a misspelt subcommand.

var (
	reExact   = regexp.MustCompile(`^accepts (\d+) arg\(s\), received (\d+)$`)
	reAtLeast = regexp.MustCompile(`^requires at least (\d+) arg\(s\), only received (\d+)$`)
	reAtMost  = regexp.MustCompile(`^accepts at most (\d+) arg\(s\), received (\d+)$`)
	reBetween = regexp.MustCompile(`^accepts between (\d+) and (\d+) arg\(s\), received (\d+)$`)
	reInvalid = regexp.MustCompile(`^invalid argument "(.*)" for "(.*)"$`)
	reUnknown = regexp.MustCompile(`(?s)^unknown command "(.*?)" for "(.*?)"`)
	reReqFlag = regexp.MustCompile(`^required flag\(s\) (.*) not set$`)
)

// arguments is "1 argument" or "n arguments".
func arguments(n string) string {
	if n == "1" {
		return "1 argument"
	}
	return n + " arguments"
}

// argsVoice rewrites an error of a cobra.PositionalArgs check on cmd.
func argsVoice(cmd *cobra.Command, args []string, err error) string {
	m := err.Error()
	if g := reExact.FindStringSubmatch(m); g != nil {
		if g[1] == "0" {
			return fmt.Sprintf("takes no arguments, got %s", strconv.Quote(strings.Join(args, " ")))
		}
		return fmt.Sprintf("wants %s, got %s", arguments(g[1]), g[2])
	}
	if g := reAtLeast.FindStringSubmatch(m); g != nil {
		return fmt.Sprintf("wants at least %s, got %s", arguments(g[1]), g[2])
	}
	if g := reAtMost.FindStringSubmatch(m); g != nil {
		return fmt.Sprintf("wants at most %s, got %s", arguments(g[1]), g[2])
	}
	if g := reBetween.FindStringSubmatch(m); g != nil {
		return fmt.Sprintf("wants %s to %s arguments, got %s", g[1], g[2], g[3])
	}
	if g := reInvalid.FindStringSubmatch(m); g != nil && len(cmd.ValidArgs) > 0 {
		return fmt.Sprintf("invalid argument %q: want one of %s", g[1], strings.Join(cmd.ValidArgs, ", "))
	}
	if g := reUnknown.FindStringSubmatch(m); g != nil && !cmd.HasAvailableSubCommands() {
		// cobra.NoArgs on a command without subcommands.
		return fmt.Sprintf("takes no arguments, got %q", g[1])
	}
	return m
}

// unknownCommand is the message for a subcommand name group does not have,
// with the nearest names it does have.
func unknownCommand(group *cobra.Command, name string) string {
	msg := fmt.Sprintf("unknown command %q for %q", name, group.CommandPath())
	if group.SuggestionsMinimumDistance <= 0 {
		group.SuggestionsMinimumDistance = 2
	}
	if s := group.SuggestionsFor(name); len(s) > 0 {
		msg += "; did you mean " + strconv.Quote(s[0])
		for _, o := range s[1:] {
			msg += " or " + strconv.Quote(o)
		}
		msg += "?"
	}
	return msg
}

// inVoice rewrites the stock messages cobra returns from Execute itself
// (unknown command at the root, required flags) for the command cmd.
func inVoice(err error, cmd *cobra.Command) error {
	m := err.Error()
	if g := reUnknown.FindStringSubmatch(m); g != nil && g[2] == cmd.CommandPath() && strings.HasPrefix(m, "unknown command") {
		return usageErr(errors.New(unknownCommand(cmd, g[1])))
	}
	if g := reReqFlag.FindStringSubmatch(m); g != nil {
		var names []string
		for _, n := range strings.Split(g[1], ", ") {
			names = append(names, "--"+strings.Trim(n, `"`))
		}
		what := "flag"
		if len(names) > 1 {
			what = "flags"
		}
		return usageErr(fmt.Errorf("%s: missing required %s %s", cmd.CommandPath(), what, strings.Join(names, ", ")))
	}
	return err
}

// synopsis is the usage line printed under the usage error err of cmd.
func synopsis(cmd *cobra.Command, err error) string {
	if !cmd.Runnable() || (cmd.HasAvailableSubCommands() && strings.Contains(err.Error(), "unknown command")) {
		return cmd.CommandPath() + " COMMAND [flags]"
	}
	return cmd.UseLine()
}
