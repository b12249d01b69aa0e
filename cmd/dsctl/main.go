// Command dsctl is a toolkit for the contracts between services and their
// versions. All of its logic lives in internal/cli and the domain packages.
package main

import (
	"os"

	"github.com/dsctl/dsctl/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
