//go:build linux

package hashasset

import (
	"os"
	"syscall"
)

// directFlag is the open flag of direct I/O (O_DIRECT).
const directFlag = syscall.O_DIRECT

// setBuffered turns direct I/O off for the rest of a file (its unaligned
// tail).
func setBuffered(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := rc.Control(func(fd uintptr) {
		fl, _, e := syscall.Syscall(syscall.SYS_FCNTL, fd, syscall.F_GETFL, 0)
		if e != 0 {
			ferr = e
			return
		}
		if _, _, e := syscall.Syscall(syscall.SYS_FCNTL, fd, syscall.F_SETFL, fl&^syscall.O_DIRECT); e != 0 {
			ferr = e
		}
	}); err != nil {
		return err
	}
	return ferr
}
