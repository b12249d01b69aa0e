package cli

import (
	"encoding/csv"
	"slices"
	"strings"

	"github.com/dsctl/dsctl/internal/cmdline"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// rerunCommand is the command line that repeats this invocation with the
// same arguments and flags, less the flags named in drop and the ones that
// only change how output looks (--output, --quiet, --no-color): the command
// a hint tells the user to run, one that works from where they stand (a
// one-off "gen dtos --spec … --check" is fixed by the same one-off command
// without --check, not by "gen dtos", which needs dsctl.yaml). Values are
// quoted for a POSIX shell (internal/cmdline); flags come in name order, so the line is the
// same for the same invocation.
func rerunCommand(cmd *cobra.Command, args []string, drop ...string) string {
	skip := map[string]bool{"output": true, "quiet": true, "no-color": true, "help": true}
	for _, d := range drop {
		skip[d] = true
	}
	parts := strings.Fields(cmd.CommandPath())
	for _, a := range args {
		parts = append(parts, cmdline.Quote(a))
	}
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if !f.Changed || skip[f.Name] {
			return
		}
		name := "--" + f.Name
		switch v := f.Value.(type) {
		case pflag.SliceValue:
			for _, s := range v.GetSlice() {
				parts = append(parts, name, cmdline.Quote(s))
			}
			return
		}
		switch f.Value.Type() {
		case "bool":
			if f.Value.String() == "true" {
				parts = append(parts, name)
			} else {
				parts = append(parts, name+"=false")
			}
		case "stringToString":
			for _, kv := range sortedPairs(f.Value.String()) {
				parts = append(parts, name, cmdline.Quote(kv))
			}
		default:
			parts = append(parts, name, cmdline.Quote(f.Value.String()))
		}
	})
	return strings.Join(parts, " ")
}

// sortedPairs splits pflag's "[k=v,k2=v2]" (a map, printed in no order)
// into its pairs, sorted.
func sortedPairs(s string) []string {
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	if s == "" {
		return nil
	}
	rec, err := csv.NewReader(strings.NewReader(s)).Read()
	if err != nil {
		return []string{s}
	}
	slices.Sort(rec)
	return rec
}
