//go:build !linux

package hashasset

import (
	"fmt"
	"os"
	"path/filepath"
)

// syncWritten fsyncs every written file before the manifest names them
// (the file system as a whole is not synced: false).
func syncWritten(root *os.Root, _ string, written []string) (bool, error) {
	for _, rel := range written {
		f, err := root.Open(filepath.FromSlash(rel))
		if err != nil {
			return false, fmt.Errorf("sync %s: %w", rel, err)
		}
		err = f.Sync()
		f.Close()
		if err != nil {
			return false, fmt.Errorf("sync %s: %w", rel, err)
		}
	}
	return false, nil
}

// sameFS is not known here: the manifest is synced on its own.
func sameFS(a, b string) bool { return false }
