package cli_test

import (
	"net"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestRegistryScripts runs internal/cli/testdata/registry/*.txtar: end-to-end
// scripts against real registries (docker-registry). They are kept apart from
// testdata/script because each run gets its own free loopback ports, $PORT1
// and $PORT2, so parallel runs (two checkouts, two CI jobs on one host) do not
// collide on fixed ports.
func TestRegistryScripts(t *testing.T) {
	root := repoRoot(t)
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/registry",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Setup: func(e *testscript.Env) error {
			e.Setenv("REPO", root)
			e.Setenv("NO_COLOR", "1")
			e.Setenv("HOME", e.WorkDir+"/home")
			e.Setenv("XDG_DATA_HOME", e.WorkDir+"/xdg")
			ports, err := freePorts(2)
			if err != nil {
				return err
			}
			e.Setenv("PORT1", strconv.Itoa(ports[0]))
			e.Setenv("PORT2", strconv.Itoa(ports[1]))
			// The registries read their settings from REGISTRY_*; none leak in.
			for _, kv := range os.Environ() {
				if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "REGISTRY_") {
					e.Setenv(name, "")
				}
			}
			return nil
		},
		Cmds: scriptCmds(),
	})
}

// freePorts returns n distinct loopback TCP ports that were free a moment
// ago: the kernel picks them, and the listeners are closed (all at the end, so
// no port is handed out twice) for docker-registry to take them.
func freePorts(n int) ([]int, error) {
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
