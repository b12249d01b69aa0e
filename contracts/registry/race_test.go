package registry

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestHelperPublisher is not a test: TestProcessesRacePublish runs the test
// binary again with it, one process per publisher.
func TestHelperPublisher(t *testing.T) {
	root, content := os.Getenv("DSCTL_RACE_ROOT"), os.Getenv("DSCTL_RACE_CONTENT")
	if root == "" {
		t.Skip("helper process only")
	}
	_, err := OpenLayout("reg", root).Push(context.Background(), pkg("orders", "1.0.0", content))
	switch {
	case err == nil:
		fmt.Println("RESULT won")
	case errors.Is(err, ErrImmutable):
		fmt.Println("RESULT immutable")
	default:
		fmt.Println("RESULT error", err)
	}
}

// TestProcessesRacePublish: separate processes publish one version with
// different content to one layout folder at the same time; the file lock makes
// exactly one win, and the layout stays readable.
func TestProcessesRacePublish(t *testing.T) {
	if os.Getenv("DSCTL_RACE_ROOT") != "" {
		t.Skip("inside a helper")
	}
	root := filepath.Join(t.TempDir(), "reg")
	const n = 6
	out := make([]string, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperPublisher$", "-test.count=1")
			cmd.Env = append(os.Environ(), "DSCTL_RACE_ROOT="+root, fmt.Sprintf("DSCTL_RACE_CONTENT=%d", i))
			b, _ := cmd.CombinedOutput()
			out[i] = string(b)
		}(i)
	}
	wg.Wait()
	won := 0
	for i, o := range out {
		switch {
		case strings.Contains(o, "RESULT won"):
			won++
		case strings.Contains(o, "RESULT immutable"):
		default:
			t.Errorf("publisher %d: %s", i, o)
		}
	}
	if won != 1 {
		t.Fatalf("%d processes won, want exactly 1", won)
	}
	vs, err := OpenLayout("reg", root).List(context.Background(), "orders")
	if err != nil || len(vs) != 1 {
		t.Fatalf("List = %+v, %v", vs, err)
	}
	if _, _, err := OpenLayout("reg", root).Fetch(context.Background(), "orders", "1.0.0"); err != nil {
		t.Fatal(err)
	}
}
