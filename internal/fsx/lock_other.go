//go:build !unix

package fsx

import (
	"errors"
	"fmt"
	"os"
	"time"
)

// Lock is an advisory lock held by an exclusively created file.
type Lock struct{ path string }

// ErrLocked is returned by TryLockFile when the lock is held elsewhere.
var ErrLocked = errors.New("locked by another process")

// LockFile takes the lock, waiting until it is free.
func LockFile(path string) (*Lock, error) {
	for {
		l, err := TryLockFile(path)
		if !errors.Is(err, ErrLocked) {
			return l, err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TryLockFile takes the lock without waiting.
func TryLockFile(path string) (*Lock, error) {
	f, err := os.OpenFile(path+".lck", os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		if os.IsExist(err) {
			return nil, fmt.Errorf("lock %s: %w", path, ErrLocked)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	f.Close()
	return &Lock{path: path + ".lck"}, nil
}

// Unlock releases the lock.
func (l *Lock) Unlock() error {
	if l == nil {
		return nil
	}
	return os.Remove(l.path)
}

// LockDir locks a folder through a lock file beside it.
func LockDir(dir string) (*Lock, error) { return LockFile(dir + ".dsctl") }
