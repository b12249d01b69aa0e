package hashasset

import (
	"context"
	"errors"
	"io"
	"sync"
	"sync/atomic"
)

// chunkSize is the unit of the streaming copy: a multiple of directAlign.
const chunkSize = 1 << 20

// wideChunkSize is the unit when sixteen large files stream side by side
// (their digests hashed together): the same memory in all.
const wideChunkSize = 256 << 10

// chunksPerWorker bounds the chunks in flight per worker: one being read,
// the others being hashed and written.
const chunksPerWorker = 4

// chunk is one buffer of a file being streamed; it goes back to its pool
// once every sink is done with it.
type chunk struct {
	buf  []byte
	n    int
	refs atomic.Int32
	pool chan *chunk
}

func (c *chunk) release() {
	if c.refs.Add(-1) == 0 {
		c.pool <- c
	}
}

// newChunkPool returns n chunks of size bytes (a multiple of
// directAlign), aligned for direct I/O: carved from mem when it holds
// n*size bytes, from the heap otherwise.
func newChunkPool(n, size int, mem []byte) chan *chunk {
	pool := make(chan *chunk, n)
	if len(mem) < n*size {
		mem = make([]byte, n*size+directAlign)
		if r := int(uintptrOf(mem) % directAlign); r != 0 {
			mem = mem[directAlign-r:]
		}
	}
	for i := range n {
		pool <- &chunk{buf: mem[i*size : (i+1)*size : (i+1)*size], pool: pool}
	}
	return pool
}

// sink consumes the bytes of a file in order.
type sink func(p []byte) error

// errSinkFailed stops the reader once a sink failed.
var errSinkFailed = errors.New("sink failed")

// stream reads src to its end and feeds every chunk to each sink, each sink
// on its own goroutine: the two digests of a large file and its write run
// side by side, on both cores. It returns the bytes read, the sinks' errors
// (in the order of sinks) and the read error.
func stream(ctx context.Context, src io.Reader, pool chan *chunk, progress func(int64), sinks ...sink) (int64, []error, error) {
	chans := make([]chan *chunk, len(sinks))
	errs := make([]error, len(sinks))
	var failed atomic.Bool
	var wg sync.WaitGroup
	for i, s := range sinks {
		ch := make(chan *chunk, cap(pool))
		chans[i] = ch
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range ch {
				if errs[i] == nil {
					if errs[i] = s(c.buf[:c.n]); errs[i] != nil {
						failed.Store(true)
					}
				}
				c.release()
			}
		}()
	}
	var n int64
	var rerr error
	for rerr == nil {
		if failed.Load() {
			rerr = errSinkFailed
			break
		}
		var c *chunk
		select {
		case c = <-pool:
		case <-ctx.Done():
			rerr = ctx.Err()
			continue
		}
		m, err := io.ReadFull(src, c.buf)
		if m > 0 {
			c.n = m
			n += int64(m)
			c.refs.Store(int32(len(sinks)))
			for _, ch := range chans {
				ch <- c
			}
			if progress != nil {
				progress(int64(m))
			}
		} else {
			pool <- c
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		rerr = err
	}
	for _, ch := range chans {
		close(ch)
	}
	wg.Wait()
	if rerr == errSinkFailed {
		rerr = nil
	}
	return n, errs, rerr
}

// hashSink feeds a hash.
func hashSink(h io.Writer) sink {
	return func(p []byte) error {
		_, err := h.Write(p)
		return err
	}
}
