package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

func argOr(args []string, def string) string {
	if len(args) > 0 {
		return args[0]
	}
	return def
}

// plural formats n and a noun, with an s unless n is 1: "1 error", "2 errors".
func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// argsWant checks the number of positional arguments (max -1: no limit) and
// says what they are when it is wrong, rather than only how many were given.
func argsWant(minN, maxN int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) >= minN && (maxN < 0 || len(args) <= maxN) {
			return nil
		}
		// The CLI prefixes the command path.
		return usageErr(fmt.Errorf("want %s (got %s)", what, plural(len(args), "argument")))
	}
}

// runOr is the seam of every command: newCmdX fills opts from the flags and
// arguments, then calls runF when a test gave one, else the command's run
// function, which holds the logic and knows nothing of cobra.
func runOr[T any](opts *T, runF, run func(*T) error) error {
	if runF != nil {
		return runF(opts)
	}
	return run(opts)
}
