package sha512x8

import (
	"bytes"
	"crypto/sha512"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"unsafe"
)

func randBytes(r *rand.Rand, n int) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(r.Uint32())
	}
	return p
}

// TestBlocksMatchGeneric checks the eight-lane function against the plain
// one, for every lane mask and several block counts.
func TestBlocksMatchGeneric(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 3, 17} {
		var data [Lanes][]byte
		var addr [Lanes]unsafe.Pointer
		for l := range data {
			data[l] = randBytes(r, n*BlockSize)
			addr[l] = unsafe.Pointer(&data[l][0])
		}
		for mask := 1; mask < 256; mask++ {
			var s0 State
			for i := range s0 {
				for l := range s0[i] {
					s0[i][l] = r.Uint64()
				}
			}
			want, got := s0, s0
			blocksGeneric(&want, &addr, uint8(mask), n)
			blocks(&got, &addr, uint8(mask), n)
			for l := 0; l < Lanes; l++ {
				if mask&(1<<l) == 0 {
					continue
				}
				for i := range got {
					if got[i][l] != want[i][l] {
						t.Fatalf("n=%d mask=%08b lane %d word %d: %x, want %x", n, mask, l, i, got[i][l], want[i][l])
					}
				}
			}
		}
	}
}

// TestDigestMatchesCrypto checks sums of many lengths and write patterns
// against crypto/sha512, with digests written concurrently.
func TestDigestMatchesCrypto(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	data := randBytes(r, 3<<20)
	lengths := []int{0, 1, 111, 112, 127, 128, 129, 255, 256, 2047, 2048, 2049, 1 << 20, 3<<20 - 5}
	for range 20 {
		lengths = append(lengths, r.IntN(len(data)))
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2*len(lengths))
	for i, n := range lengths {
		for _, size := range []int{sha512.Size384, sha512.Size} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				p := data[:n]
				d := newDigest(size)
				// Writes of varying lengths, some unaligned.
				pr := rand.New(rand.NewPCG(uint64(i), uint64(size)))
				for q := p; len(q) > 0; {
					k := min(len(q), pr.IntN(300_000)+1)
					d.Write(q[:k])
					q = q[k:]
				}
				var want []byte
				if size == sha512.Size384 {
					s := sha512.Sum384(p)
					want = s[:]
				} else {
					s := sha512.Sum512(p)
					want = s[:]
				}
				if got := d.Sum([]byte("x")); !bytes.Equal(got[1:], want) || got[0] != 'x' {
					errs <- fmt.Errorf("size %d, %d bytes: %x, want %x", size, n, got[1:], want)
				}
				// Sum does not change the state.
				d.Write([]byte("more"))
				h := sha512.New()
				if size == sha512.Size384 {
					h = sha512.New384()
				}
				h.Write(p)
				h.Write([]byte("more"))
				if !bytes.Equal(d.Sum(nil), h.Sum(nil)) {
					errs <- fmt.Errorf("size %d, %d bytes: sum after more writes differs", size, n)
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// Every digest was summed: the engine waits for none of them.
	if n := defaultEngine().open.Load(); n != 0 {
		t.Errorf("engine counts %d open digests after all were summed", n)
	}
	d := New512()
	d.Write(data[:1<<20])
	d.Reset()
	if n := defaultEngine().open.Load(); n != 0 {
		t.Errorf("engine counts %d open digests after Reset", n)
	}
}

func BenchmarkBlocks8(b *testing.B) {
	const n = 512
	var data [Lanes][]byte
	var addr [Lanes]unsafe.Pointer
	for l := range data {
		data[l] = make([]byte, n*BlockSize)
		addr[l] = unsafe.Pointer(&data[l][0])
	}
	var s State
	b.SetBytes(Lanes * n * BlockSize)
	for b.Loop() {
		blocks(&s, &addr, 0xff, n)
	}
}

func BenchmarkCryptoSHA512(b *testing.B) {
	p := make([]byte, 512*BlockSize)
	h := sha512.New()
	b.SetBytes(int64(len(p)))
	for b.Loop() {
		h.Write(p)
	}
}

// BenchmarkDigests8 writes eight 1 MiB streams concurrently, as the
// integrity digests of eight large files being copied.
func BenchmarkDigests8(b *testing.B) {
	p := make([]byte, 1<<20)
	b.SetBytes(8 << 20)
	for b.Loop() {
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				d := New384()
				d.Write(p)
				d.Sum(nil)
			}()
		}
		wg.Wait()
	}
}
