//go:build linux

package hashasset

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// syncWritten makes the written files durable before the manifest names
// them: one syncfs of the output file system instead of one fsync per file.
// It reports whether it synced the file system.
func syncWritten(_ *os.Root, out string, written []string) (bool, error) {
	if len(written) == 0 {
		return false, nil
	}
	return true, syncfs(out)
}

// sameFS reports whether a and b are on one file system.
func sameFS(a, b string) bool {
	var sa, sb unix.Stat_t
	return unix.Stat(a, &sa) == nil && unix.Stat(b, &sb) == nil && sa.Dev == sb.Dev
}

// syncfs makes the file system that holds dir durable.
func syncfs(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open %s: %w", dir, err)
	}
	defer d.Close()
	if err := unix.Syncfs(int(d.Fd())); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
