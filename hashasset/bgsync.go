package hashasset

import (
	"sync"
	"sync/atomic"
)

// syncEvery is how many bytes of large files are written between two
// background syncs.
const syncEvery = 64 << 20

// bgSync syncs the output file system on a goroutine of its own whenever
// kicked: the run does not wait for it, and the final sync finds little
// left to do. Methods on a nil *bgSync do nothing.
type bgSync struct {
	kicks   chan struct{}
	quit    chan struct{}
	done    chan struct{}
	err     error // the first sync error, read after done
	once    sync.Once
	written atomic.Int64
}

func startBGSync(dir string) *bgSync {
	s := &bgSync{kicks: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		for {
			select {
			case <-s.kicks:
				if err := syncfs(dir); err != nil && s.err == nil {
					s.err = err
				}
			case <-s.quit:
				return
			}
		}
	}()
	return s
}

// kick asks for a sync (one pending at most).
func (s *bgSync) kick() {
	if s == nil {
		return
	}
	select {
	case s.kicks <- struct{}{}:
	default:
	}
}

// wrote counts n bytes written to large files, kicking every syncEvery.
func (s *bgSync) wrote(n int) {
	if s == nil {
		return
	}
	after := s.written.Add(int64(n))
	if after/syncEvery != (after-int64(n))/syncEvery {
		s.kick()
	}
}

// stop waits for a sync under way and returns the first sync error.
func (s *bgSync) stop() error {
	if s == nil {
		return nil
	}
	s.once.Do(func() { close(s.quit) })
	<-s.done
	return s.err
}
