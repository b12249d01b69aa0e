package contracts

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/fsx"
	"github.com/dsctl/dsctl/internal/memfs"
)

// Unpack writes the files of a package archive into dst, atomically: dst is
// replaced as a whole (readers see the old folder or the new one). Unsafe
// archives (see ReadArchive) are refused before anything is written.
func Unpack(data []byte, dst string) error {
	files, err := ReadArchive(data)
	if err != nil {
		return fmt.Errorf("unpack into %s: %w", dst, err)
	}
	return WriteFiles(files, dst)
}

// WriteFiles replaces the folder dst with exactly files (path → content).
func WriteFiles(files map[string][]byte, dst string) error {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	err := fsx.ReplaceDir(dst, func(tmp string) error {
		for _, n := range names {
			p, err := fsx.SafeJoin(tmp, n)
			if err != nil {
				return errkind.Findingf("unpack %s: %w", n, err)
			}
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return fmt.Errorf("create folder for %s: %w", n, err)
			}
			if err := os.WriteFile(p, files[n], fileMode); err != nil {
				return fmt.Errorf("write %s: %w", n, err)
			}
		}
		return nil
	})
	if err != nil {
		if errkind.Of(err) != errkind.Unknown {
			return err
		}
		return errkind.Envf("unpack into %s: %w", dst, err)
	}
	return nil
}

// ArchiveFS decodes a package archive into a read-only in-memory file
// system, for loading, linting and diffing a published package without
// unpacking it. Unsafe archives (see ReadArchive) are refused.
func ArchiveFS(data []byte) (fs.FS, error) {
	files, err := ReadArchive(data)
	if err != nil {
		return nil, err
	}
	m, err := memfs.New(files)
	if err != nil {
		return nil, errkind.Inputf("read archive: %w: %w", err, ErrUnsafeArchive) // ReadArchive refuses what memfs would
	}
	return m, nil
}
