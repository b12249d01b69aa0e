//go:build !linux

package hashasset

import (
	"errors"
	"os"
)

// errNoUnnamed says the platform has no unnamed files (O_TMPFILE).
var errNoUnnamed = errors.New("no O_TMPFILE")

// errInvalid is never returned here.
var errInvalid = errors.New("invalid")

func openUnnamed(string, bool, *outCaps) (*os.File, bool, error) { return nil, false, errNoUnnamed }

func linkUnnamed(*os.File, string) error { return errNoUnnamed }

func setDirect(*os.File, bool) error { return errors.New("no direct I/O on this platform") }
