//go:build !linux

package hashasset

import (
	"io"
	"os"
)

// readSmall reads up to len(buf) bytes of a small file.
func readSmall(path string, buf []byte) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n, err := io.ReadFull(f, buf)
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		err = nil
	}
	return n, err
}

// writeSmall has no fast path here.
func writeSmall(string, []byte) error { return errNoUnnamed }
