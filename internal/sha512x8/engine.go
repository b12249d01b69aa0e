package sha512x8

import (
	"crypto/sha512"
	"encoding"
	"encoding/binary"
	"hash"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// maxStep bounds the blocks one call advances the lanes by, so that a
// stream arriving meanwhile waits for at most 64 KiB per lane.
const maxStep = 512

// minDirect is the submission, in blocks, below which a digest hashes by
// itself: handing a few blocks to the engine costs more than it saves.
const minDirect = 16

// maxWait is how long the engine waits for more streams' blocks before it
// hashes with lanes empty: a digest whose blocks were just hashed hands in
// its next ones within microseconds, and a lane left empty is work thrown
// away on every block of the others.
const maxWait = 300 * time.Microsecond

// minLanes is the number of busy lanes from which the eight-lane function
// pays; below it each lane is hashed on its own.
const minLanes = 2

// request asks the engine to advance h by the blocks of p.
type request struct {
	h    *[8]uint64
	p    []byte
	done chan struct{}
}

// engine advances the streams of all digests on one goroutine, eight at a
// time: a request waits until the blocks it brought are hashed.
type engine struct {
	reqs chan *request
	// open counts the digests that have handed in blocks and not been
	// summed: the streams that will probably hand in more.
	open atomic.Int64
}

var defaultEngine = sync.OnceValue(func() *engine {
	e := &engine{reqs: make(chan *request, 4*Lanes)}
	go e.run()
	return e
})

func (e *engine) run() {
	var (
		lanes  [Lanes]*request
		s      State
		addr   [Lanes]unsafe.Pointer
		active int
	)
	take := func(r *request) {
		for l := range lanes {
			if lanes[l] == nil {
				lanes[l] = r
				for i := range r.h {
					s[i][l] = r.h[i]
				}
				active++
				return
			}
		}
	}
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		if active == 0 {
			take(<-e.reqs)
		}
	drain:
		for active < Lanes {
			select {
			case r := <-e.reqs:
				take(r)
			default:
				break drain
			}
		}
		// Lanes are empty while other open digests are between two
		// writes: wait a little for them.
		for waited := false; !waited && active < Lanes && int64(active) < e.open.Load(); {
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
		var mask uint8
		for l, r := range lanes {
			if r == nil {
				continue
			}
			mask |= 1 << l
			addr[l] = unsafe.Pointer(unsafe.SliceData(r.p))
			step = min(step, len(r.p)/BlockSize)
		}
		if active < minLanes || !useAVX512 {
			// Too few streams for the wide function: each on its own.
			for l, r := range lanes {
				if r != nil {
					var h [8]uint64
					for i := range h {
						h[i] = s[i][l]
					}
					blocksScalar(&h, r.p[:step*BlockSize])
					for i := range h {
						s[i][l] = h[i]
					}
				}
			}
		} else {
			blocks(&s, &addr, mask, step)
		}
		for l, r := range lanes {
			if r == nil {
				continue
			}
			addr[l] = nil
			r.p = r.p[step*BlockSize:]
			if len(r.p) == 0 {
				for i := range r.h {
					r.h[i] = s[i][l]
				}
				lanes[l] = nil
				active--
				r.done <- struct{}{}
			}
		}
	}
}

const (
	magic384      = "sha\x04"
	magic512      = "sha\x07"
	marshaledSize = 4 + 8*8 + BlockSize + 8
)

// blocksScalar advances h by the whole blocks of p with crypto/sha512 (its
// assembly is the fastest way to hash one stream), through its state.
func blocksScalar(h *[8]uint64, p []byte) {
	var b [marshaledSize]byte
	copy(b[:], magic512)
	for i, v := range h {
		binary.BigEndian.PutUint64(b[4+8*i:], v)
	}
	d := sha512.New()
	if err := d.(encoding.BinaryUnmarshaler).UnmarshalBinary(b[:]); err != nil {
		panic("sha512x8: " + err.Error())
	}
	d.Write(p)
	m, err := d.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		panic("sha512x8: " + err.Error())
	}
	for i := range h {
		h[i] = binary.BigEndian.Uint64(m[4+8*i:])
	}
}

var (
	iv384 = [8]uint64{
		0xcbbb9d5dc1059ed8, 0x629a292a367cd507, 0x9159015a3070dd17, 0x152fecd8f70e5939,
		0x67332667ffc00b31, 0x8eb44a8768581511, 0xdb0c2e0d64f98fa7, 0x47b5481dbefa4fa4,
	}
	iv512 = [8]uint64{
		0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
		0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179,
	}
)

// Digest is a SHA-384 or SHA-512 digest whose long writes are hashed by
// the shared engine, side by side with those of other digests being
// written at the same time (on other goroutines). Like any hash.Hash it is
// not safe for concurrent use.
type Digest struct {
	size int
	open bool // counted in the engine's open digests
	h    [8]uint64
	len  uint64
	buf  [BlockSize]byte
	nbuf int
	req  request
}

// New384 returns a SHA-384 digest.
func New384() *Digest { return newDigest(sha512.Size384) }

// New512 returns a SHA-512 digest.
func New512() *Digest { return newDigest(sha512.Size) }

func newDigest(size int) *Digest {
	d := &Digest{size: size}
	d.req.done = make(chan struct{}, 1)
	d.Reset()
	return d
}

var _ hash.Hash = (*Digest)(nil)

// Reset restarts the digest.
func (d *Digest) Reset() {
	d.close()
	d.h = iv512
	if d.size == sha512.Size384 {
		d.h = iv384
	}
	d.len, d.nbuf = 0, 0
}

// Size is the length of the sum in bytes.
func (d *Digest) Size() int { return d.size }

// BlockSize is SHA-512's block size.
func (d *Digest) BlockSize() int { return BlockSize }

// Write adds p; it never fails.
func (d *Digest) Write(p []byte) (int, error) {
	n := len(p)
	d.len += uint64(n)
	if d.nbuf > 0 {
		c := copy(d.buf[d.nbuf:], p)
		d.nbuf += c
		p = p[c:]
		if d.nbuf < BlockSize {
			return n, nil
		}
		blocksScalar(&d.h, d.buf[:])
		d.nbuf = 0
	}
	if full := len(p) &^ (BlockSize - 1); full > 0 {
		d.advance(p[:full])
		p = p[full:]
	}
	d.nbuf = copy(d.buf[:], p)
	return n, nil
}

// advance hashes whole blocks: by the engine when there are enough of them
// to be worth the hand-off.
func (d *Digest) advance(p []byte) {
	if len(p) < minDirect*BlockSize {
		blocksScalar(&d.h, p)
		return
	}
	e := defaultEngine()
	if !d.open {
		d.open = true
		e.open.Add(1)
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
		defaultEngine().open.Add(-1)
	}
}

// Sum appends the digest of what was written to b. Writing after Sum is
// allowed, as with any hash.Hash, but a digest that is summed is done, as
// far as the engine's scheduling is concerned.
func (d *Digest) Sum(b []byte) []byte {
	d.close()
	var m [marshaledSize]byte
	fresh := sha512.New()
	if d.size == sha512.Size384 {
		copy(m[:], magic384)
		fresh = sha512.New384()
	} else {
		copy(m[:], magic512)
	}
	for i, v := range d.h {
		binary.BigEndian.PutUint64(m[4+8*i:], v)
	}
	copy(m[4+64:], d.buf[:d.nbuf])
	binary.BigEndian.PutUint64(m[4+64+BlockSize:], d.len)
	if err := fresh.(encoding.BinaryUnmarshaler).UnmarshalBinary(m[:]); err != nil {
		panic("sha512x8: " + err.Error())
	}
	return fresh.Sum(b)
}
