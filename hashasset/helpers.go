package hashasset

import (
	"errors"
	"fmt"

	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/fsx"
)

func inputAt(file, msg string) error { return errkind.InputAt(file, 0, 0, errors.New(msg)) }

func envErr(err error) error { return errkind.Wrap(errkind.Env, err) }

// writeManifest writes the manifest atomically.
func writeManifest(file string, data []byte) error {
	if err := fsx.WriteFileAtomic(file, data, 0o644); err != nil {
		return envErr(fmt.Errorf("write manifest: %w", err))
	}
	return nil
}
