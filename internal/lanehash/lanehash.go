// Package lanehash computes SHA-256, SHA-384 and SHA-512 digests of many
// streams side by side: one AVX-512 instruction advances sixteen SHA-256
// streams (in 32-bit lanes) or eight SHA-512 ones (in 64-bit lanes), which
// hashes several times more bytes per core than one stream at a time,
// where the processor has AVX-512. Each algorithm has an engine, one
// goroutine that hashes the blocks handed in by all the digests being
// written at the same time (on other goroutines); a digest is a hash.Hash
// whose sums are those of crypto/sha256 and crypto/sha512. Where Fast is
// false callers should use the crypto packages instead: the portable block
// functions here are for tests.
package lanehash

//go:generate go run gen.go

import (
	"encoding"
	"encoding/binary"
	"hash"
	"math/bits"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// MaxLanes is the most streams one block call advances (SHA-256's).
const MaxLanes = 16

// Fast reports whether streams are hashed side by side with AVX-512 here.
func Fast() bool { return useAVX512 }

// Lanes512 and Lanes256 are the streams one call advances.
const (
	Lanes512 = 8
	Lanes256 = 16
)

// maxStepBytes bounds what one call hashes per lane, so that a stream
// arriving meanwhile waits little.
const maxStepBytes = 64 << 10

// minDirectBytes is the submission below which a digest hashes by itself:
// handing a few blocks to the engine costs more than it saves.
const minDirectBytes = 2 << 10

// maxWait is how long an engine waits for more streams' blocks before it
// hashes with lanes empty: a digest whose blocks were just hashed hands in
// its next ones within microseconds, and a lane left empty is work thrown
// away on every block of the others.
const maxWait = 300 * time.Microsecond

// lanes is the state of an engine's lanes, in the layout of its kernel.
type lanes interface {
	set(l int, h *[8]uint64)
	get(l int, h *[8]uint64)
	// run advances the lanes in mask by n blocks read from addr.
	run(addr *[MaxLanes]unsafe.Pointer, mask uint16, n int)
}

// fillIdle returns addr with every lane outside mask (which must not be
// 0) pointing at the first busy lane's blocks: the kernels read every
// lane, and an idle lane's result is thrown away.
func fillIdle(addr *[MaxLanes]unsafe.Pointer, mask uint16) [MaxLanes]unsafe.Pointer {
	a := *addr
	busy := a[bits.TrailingZeros16(mask)]
	for l := range a {
		if mask&(1<<l) == 0 {
			a[l] = busy
		}
	}
	return a
}

// algorithm is one hash function of the package.
type algorithm struct {
	lanes     int // streams per call
	minLanes  int // busy lanes from which the wide call pays
	blockSize int
	size      int // of the sum
	iv        [8]uint64
	// The crypto package's marshaled state: magic of this size, magic of
	// the full-size function (whose blocks are the same), word size.
	magic, blockMagic string
	wordBytes         int
	newCrypto         func() hash.Hash // the crypto hash of this size
	newBlock          func() hash.Hash // the crypto hash of blockMagic
	newLanes          func() lanes
	engine            func() *engine
}

func (a *algorithm) marshaledSize() int { return 4 + 8*a.wordBytes + a.blockSize + 8 }

// blocksScalar advances h by the whole blocks of p with the crypto
// package (its assembly is the fastest way to hash one stream), through
// its marshaled state.
func (a *algorithm) blocksScalar(h *[8]uint64, p []byte) {
	var buf [4 + 8*8 + 128 + 8]byte
	m := buf[:a.marshaledSize()]
	copy(m, a.blockMagic)
	a.putWords(m[4:], h)
	d := a.newBlock()
	if err := d.(encoding.BinaryUnmarshaler).UnmarshalBinary(m); err != nil {
		panic("lanehash: " + err.Error())
	}
	d.Write(p)
	out, err := d.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		panic("lanehash: " + err.Error())
	}
	for i := range h {
		if a.wordBytes == 8 {
			h[i] = binary.BigEndian.Uint64(out[4+8*i:])
		} else {
			h[i] = uint64(binary.BigEndian.Uint32(out[4+4*i:]))
		}
	}
}

func (a *algorithm) putWords(b []byte, h *[8]uint64) {
	for i, v := range h {
		if a.wordBytes == 8 {
			binary.BigEndian.PutUint64(b[8*i:], v)
		} else {
			binary.BigEndian.PutUint32(b[4*i:], uint32(v))
		}
	}
}

// request asks an engine to advance h by the blocks of p.
type request struct {
	h    *[8]uint64
	p    []byte
	done chan struct{}
}

// engine advances the streams of all digests of one algorithm on one
// goroutine, its lanes at a time: a request waits until the blocks it
// brought are hashed.
type engine struct {
	alg  *algorithm
	reqs chan *request
	// open counts the digests that have handed in blocks and not been
	// summed: the streams that will probably hand in more.
	open atomic.Int64
}

func newEngine(a *algorithm) func() *engine {
	return sync.OnceValue(func() *engine {
		e := &engine{alg: a, reqs: make(chan *request, 4*MaxLanes)}
		go e.run()
		return e
	})
}

func (e *engine) run() {
	a := e.alg
	var (
		busy   [MaxLanes]*request
		addr   [MaxLanes]unsafe.Pointer
		active int
	)
	s := a.newLanes()
	take := func(r *request) {
		for l := 0; l < a.lanes; l++ {
			if busy[l] == nil {
				busy[l] = r
				s.set(l, r.h)
				active++
				return
			}
		}
	}
	maxStep := maxStepBytes / a.blockSize
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		if active == 0 {
			take(<-e.reqs)
		}
	drain:
		for active < a.lanes {
			select {
			case r := <-e.reqs:
				take(r)
			default:
				break drain
			}
		}
		// Lanes are empty while other open digests are between two
		// writes: wait a little for them.
		for waited := false; !waited && active < a.lanes && int64(active) < e.open.Load(); {
			timer.Reset(maxWait)
			select {
			case r := <-e.reqs:
				take(r)
			case <-timer.C:
				waited = true
			}
			timer.Stop()
		}
		step := maxStep
		var mask uint16
		for l, r := range busy[:a.lanes] {
			if r != nil {
				mask |= 1 << l
				addr[l] = unsafe.Pointer(unsafe.SliceData(r.p))
				step = min(step, len(r.p)/a.blockSize)
			}
		}
		if active < a.minLanes {
			// Too few streams for the wide call: each on its own.
			var h [8]uint64
			for l, r := range busy[:a.lanes] {
				if r != nil {
					s.get(l, &h)
					a.blocksScalar(&h, r.p[:step*a.blockSize])
					s.set(l, &h)
				}
			}
		} else {
			s.run(&addr, mask, step)
		}
		for l, r := range busy[:a.lanes] {
			if r == nil {
				continue
			}
			addr[l] = nil
			r.p = r.p[step*a.blockSize:]
			if len(r.p) == 0 {
				s.get(l, r.h)
				busy[l] = nil
				active--
				r.done <- struct{}{}
			}
		}
	}
}

// Digest is a SHA-256, SHA-384 or SHA-512 digest whose long writes are
// hashed by its algorithm's engine, side by side with those of other
// digests being written at the same time. Like any hash.Hash it is not
// safe for concurrent use.
type Digest struct {
	alg  *algorithm
	h    [8]uint64
	len  uint64
	buf  [128]byte
	nbuf int
	open bool // counted in the engine's open digests
	req  request
}

var _ hash.Hash = (*Digest)(nil)

func newDigest(a *algorithm) *Digest {
	d := &Digest{alg: a}
	d.req.done = make(chan struct{}, 1)
	d.Reset()
	return d
}

// Reset restarts the digest.
func (d *Digest) Reset() {
	d.close()
	d.h = d.alg.iv
	d.len, d.nbuf = 0, 0
}

// Size is the length of the sum in bytes.
func (d *Digest) Size() int { return d.alg.size }

// BlockSize is the algorithm's block size.
func (d *Digest) BlockSize() int { return d.alg.blockSize }

// Write adds p; it never fails.
func (d *Digest) Write(p []byte) (int, error) {
	n := len(p)
	bs := d.alg.blockSize
	d.len += uint64(n)
	if d.nbuf > 0 {
		c := copy(d.buf[d.nbuf:bs], p)
		d.nbuf += c
		p = p[c:]
		if d.nbuf < bs {
			return n, nil
		}
		d.alg.blocksScalar(&d.h, d.buf[:bs])
		d.nbuf = 0
	}
	if full := len(p) - len(p)%bs; full > 0 {
		d.advance(p[:full])
		p = p[full:]
	}
	d.nbuf = copy(d.buf[:bs], p)
	return n, nil
}

// advance hashes whole blocks: by the engine when there are enough of them
// to be worth the hand-off.
func (d *Digest) advance(p []byte) {
	if len(p) < minDirectBytes || !useAVX512 {
		d.alg.blocksScalar(&d.h, p)
		return
	}
	e := d.alg.engine()
	if !d.open {
		d.open = true
		e.open.Add(1)
	}
	if e.open.Load() < int64(d.alg.minLanes) {
		// Too few streams to fill the lanes: on this goroutine, side by
		// side with the others on theirs.
		d.alg.blocksScalar(&d.h, p)
		return
	}
	d.req.h, d.req.p = &d.h, p
	e.reqs <- &d.req
	<-d.req.done
	d.req.p = nil
}

// close tells the engine that no more blocks will come from d (until it
// writes again).
func (d *Digest) close() {
	if d.open {
		d.open = false
		d.alg.engine().open.Add(-1)
	}
}

// Sum appends the digest of what was written to b. Writing after Sum is
// allowed, as with any hash.Hash; as far as the engine's scheduling is
// concerned, a summed digest is done.
func (d *Digest) Sum(b []byte) []byte {
	d.close()
	a := d.alg
	var buf [4 + 8*8 + 128 + 8]byte
	m := buf[:a.marshaledSize()]
	copy(m, a.magic)
	a.putWords(m[4:], &d.h)
	copy(m[4+8*a.wordBytes:], d.buf[:d.nbuf])
	binary.BigEndian.PutUint64(m[len(m)-8:], d.len)
	fresh := a.newCrypto()
	if err := fresh.(encoding.BinaryUnmarshaler).UnmarshalBinary(m); err != nil {
		panic("lanehash: " + err.Error())
	}
	return fresh.Sum(b)
}
