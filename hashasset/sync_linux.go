//go:build linux

package hashasset

import (
	"fmt"
	"os"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// startWriteback asks the kernel to start writing a file's pages now, so
// that the final sync overlaps with the hashing of the next files.
func startWriteback(f *os.File) {
	// SyscallConn, not Fd: Fd would switch the file to blocking mode.
	rc, err := f.SyscallConn()
	if err != nil {
		return
	}
	_ = rc.Control(func(fd uintptr) {
		_ = unix.SyncFileRange(int(fd), 0, 0, unix.SYNC_FILE_RANGE_WRITE)
	})
}

// syncWritten makes the written files durable before the manifest names
// them: one syncfs of the output file system instead of one fsync per file.
func syncWritten(out string, written []string) error {
	if len(written) == 0 {
		return nil
	}
	return syncfs(out)
}

// flushEvery is how many bytes of small files are written between two
// background flushes.
const flushEvery = 4 << 20

// flusher makes the small files written so far durable in the background,
// in batches (syncfs), while the run goes on.
type flusher struct {
	dir     string
	pending atomic.Int64
	busy    atomic.Bool
	wg      sync.WaitGroup
	mu      sync.Mutex
	err     error
}

// wrote counts n bytes written through the page cache and starts a flush
// when a batch is complete and none is running.
func (f *flusher) wrote(n int64) {
	if f.pending.Add(n) < flushEvery || !f.busy.CompareAndSwap(false, true) {
		return
	}
	f.pending.Store(0)
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		defer f.busy.Store(false)
		if err := syncfs(f.dir); err != nil {
			f.mu.Lock()
			if f.err == nil {
				f.err = err
			}
			f.mu.Unlock()
		}
	}()
}

// wait waits for the running flush and returns the first flush error (a
// write-back error is reported once per descriptor: it must not be lost).
func (f *flusher) wait() error {
	if f == nil {
		return nil
	}
	f.wg.Wait()
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}

func syncfs(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open %s: %w", dir, err)
	}
	defer d.Close()
	if err := unix.Syncfs(int(d.Fd())); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
