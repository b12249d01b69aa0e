//go:build linux

package hashasset

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// readSmall reads up to len(buf) bytes of a small file with plain system
// calls: os.Open adds five to each file (non-blocking mode on and off, and a
// poller registration that a regular file refuses), which is a quarter of
// the system calls of copying a 10 KB file.
func readSmall(path string, buf []byte) (int, error) {
	fd, err := openNoEINTR(path, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NONBLOCK, 0) // a FIFO put in its place must not block
	if err != nil {
		return 0, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer unix.Close(fd)
	n := 0
	for n < len(buf) {
		m, err := unix.Read(fd, buf[n:])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return n, &fs.PathError{Op: "read", Path: path, Err: err}
		}
		if m == 0 {
			break
		}
		n += m
	}
	return n, nil
}

func openNoEINTR(path string, flags int, mode uint32) (int, error) {
	for {
		fd, err := unix.Open(path, flags, mode)
		if err != unix.EINTR {
			return fd, err
		}
	}
}

// writeSmall writes data as dst with plain system calls: an unnamed file in
// dst's folder, linked under its name once complete (replacing a file of that
// name). errNoUnnamed means the file system has no unnamed files.
func writeSmall(dst string, data []byte) error {
	dir := filepath.Dir(dst)
	fd, err := openNoEINTR(dir, unix.O_TMPFILE|unix.O_WRONLY|unix.O_CLOEXEC, 0o644)
	switch {
	case err == unix.EOPNOTSUPP || err == unix.EISDIR || err == unix.EINVAL:
		return errNoUnnamed
	case err != nil:
		return fmt.Errorf("create file in %s: %w", dir, err)
	}
	defer unix.Close(fd)
	for len(data) > 0 {
		n, err := unix.Write(fd, data)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return fmt.Errorf("write %s: %w", dst, err)
		}
		data = data[n:]
	}
	err = linkFD(fd, dst)
	if errors.Is(err, unix.EEXIST) {
		for {
			tmp := tempName(dst)
			err = linkFD(fd, tmp)
			if errors.Is(err, unix.EEXIST) {
				continue
			}
			if err == nil {
				if err = os.Rename(tmp, dst); err != nil {
					os.Remove(tmp)
				}
			}
			break
		}
	}
	if err != nil {
		// Something refuses to name unnamed files here (no /proc and no
		// CAP_DAC_READ_SEARCH): the caller writes a temp file instead.
		return fmt.Errorf("name %s: %w (%w)", dst, err, errNoUnnamed)
	}
	return nil
}

// linkHook, when set, may refuse a link (tests).
var linkHook func(dst string) error

// linkFD names an unnamed file by its descriptor (AT_EMPTY_PATH needs
// CAP_DAC_READ_SEARCH before Linux 6.10), else through /proc.
func linkFD(fd int, dst string) error {
	if linkHook != nil {
		if err := linkHook(dst); err != nil {
			return err
		}
	}
	err := unix.Linkat(fd, "", unix.AT_FDCWD, dst, unix.AT_EMPTY_PATH)
	if err == unix.EPERM || err == unix.ENOENT || err == unix.EINVAL {
		err = unix.Linkat(unix.AT_FDCWD, fmt.Sprintf("/proc/self/fd/%d", fd), unix.AT_FDCWD, dst, unix.AT_SYMLINK_FOLLOW)
	}
	return err
}
