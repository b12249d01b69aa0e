//go:build linux

package hashasset

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// errNoUnnamed says the file system has no unnamed files (O_TMPFILE).
var errNoUnnamed = errors.New("no O_TMPFILE")

// errInvalid is what a refused direct write returns.
var errInvalid = unix.EINVAL

// openUnnamed opens an unnamed file in dir (O_TMPFILE), with direct I/O when
// asked and supported.
func openUnnamed(dir string, direct bool, caps *outCaps) (*os.File, bool, error) {
	flags := unix.O_TMPFILE | unix.O_RDWR | unix.O_CLOEXEC
	for {
		fl := flags
		if direct {
			fl |= unix.O_DIRECT
		}
		fd, err := unix.Open(dir, fl, 0o644)
		switch {
		case err == nil:
			return os.NewFile(uintptr(fd), dir), direct, nil
		case err == unix.EINTR:
			continue
		case direct && err == unix.EINVAL:
			// No direct I/O here (tmpfs); ask once.
			caps.noDirect.Store(true)
			direct = false
			continue
		case err == unix.EOPNOTSUPP || err == unix.EISDIR || err == unix.EINVAL || err == unix.ENOENT && dirExists(dir):
			return nil, false, errNoUnnamed
		}
		return nil, false, err
	}
}

func dirExists(dir string) bool {
	fi, err := os.Stat(dir)
	return err == nil && fi.IsDir()
}

// linkUnnamed names an unnamed file.
func linkUnnamed(f *os.File, dst string) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var lerr error
	if cerr := rc.Control(func(fd uintptr) { lerr = linkFD(int(fd), dst) }); cerr != nil {
		return cerr
	}
	if lerr != nil {
		return &os.LinkError{Op: "link", Old: f.Name(), New: dst, Err: lerr}
	}
	return nil
}

// setDirect turns direct I/O on or off for an open file.
func setDirect(f *os.File, on bool) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if cerr := rc.Control(func(fd uintptr) {
		fl, err := unix.FcntlInt(fd, unix.F_GETFL, 0)
		if err != nil {
			ferr = err
			return
		}
		if on {
			fl |= unix.O_DIRECT
		} else {
			fl &^= unix.O_DIRECT
		}
		_, ferr = unix.FcntlInt(fd, unix.F_SETFL, fl)
	}); cerr != nil {
		return cerr
	}
	if ferr != nil {
		return fmt.Errorf("set O_DIRECT: %w", ferr)
	}
	return nil
}
