//go:build !linux

package hashasset

import (
	"fmt"
	"os"
	"path/filepath"
)

func startWriteback(*os.File) {}

// syncWritten fsyncs every written file before the manifest names them.
func syncWritten(out string, written []string) error {
	for _, rel := range written {
		f, err := os.Open(filepath.Join(out, filepath.FromSlash(rel)))
		if err != nil {
			return fmt.Errorf("sync %s: %w", rel, err)
		}
		err = f.Sync()
		f.Close()
		if err != nil {
			return fmt.Errorf("sync %s: %w", rel, err)
		}
	}
	return nil
}

// syncfs does nothing here: the final per-file fsyncs do it all.
func syncfs(string) error { return nil }
