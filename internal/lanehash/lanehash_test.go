package lanehash

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"fmt"
	"hash"
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

var algs = []struct {
	name   string
	alg    *algorithm
	new    func() hash.Hash
	crypto func() hash.Hash
}{
	{"sha256", sha256Alg, New256, sha256.New},
	{"sha384", sha384Alg, New384, sha512.New384},
	{"sha512", sha512Alg, New512, sha512.New},
}

// TestKernelsMatchGeneric checks each wide block function against the
// plain one, lane by lane, for lane masks and several block counts.
func TestKernelsMatchGeneric(t *testing.T) {
	if !useAVX512 {
		t.Skip("no AVX-512 here: the kernels are the generic functions")
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, name := range []string{"sha256", "sha512"} {
		alg := sha256Alg
		if name == "sha512" {
			alg = sha512Alg
		}
		for _, n := range []int{1, 2, 3, 17} {
			var data [MaxLanes][]byte
			var addr [MaxLanes]unsafe.Pointer
			for l := 0; l < alg.lanes; l++ {
				data[l] = randBytes(r, n*alg.blockSize)
				addr[l] = unsafe.Pointer(&data[l][0])
			}
			for try := 0; try < 300; try++ {
				mask := uint16(r.Uint32()) & uint16(1<<alg.lanes-1)
				if try < alg.lanes {
					mask = 1 << try // each lane alone
				}
				if mask == 0 {
					mask = 1<<alg.lanes - 1
				}
				init := make([][8]uint64, alg.lanes)
				wide, plain := alg.newLanes(), alg.newLanes()
				for l := range init {
					for i := range init[l] {
						init[l][i] = r.Uint64()
						if alg.wordBytes == 4 {
							init[l][i] &= 0xffffffff
						}
					}
					wide.set(l, &init[l])
					plain.set(l, &init[l])
				}
				wide.run(&addr, mask, n)
				switch p := plain.(type) {
				case *state512:
					p.runGeneric(&addr, mask, n)
				case *state256:
					p.runGeneric(&addr, mask, n)
				}
				for l := 0; l < alg.lanes; l++ {
					if mask&(1<<l) == 0 {
						continue
					}
					var got, want [8]uint64
					wide.get(l, &got)
					plain.get(l, &want)
					if got != want {
						t.Fatalf("%s n=%d mask=%016b lane %d: %x, want %x", name, n, mask, l, got, want)
					}
				}
			}
		}
	}
}

// TestDigestsMatchCrypto checks sums of many lengths and write patterns
// against the crypto packages, with digests written concurrently.
func TestDigestsMatchCrypto(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	data := randBytes(r, 3<<20)
	lengths := []int{0, 1, 55, 56, 63, 64, 65, 111, 112, 127, 128, 129, 255, 256, 2047, 2048, 2049, 1 << 20, 3<<20 - 5}
	for range 12 {
		lengths = append(lengths, r.IntN(len(data)))
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(algs)*len(lengths))
	for i, n := range lengths {
		for j, a := range algs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				p := data[:n]
				d := a.new()
				// Writes of varying lengths, some unaligned.
				pr := rand.New(rand.NewPCG(uint64(i), uint64(j)))
				for q := p; len(q) > 0; {
					k := min(len(q), pr.IntN(300_000)+1)
					d.Write(q[:k])
					q = q[k:]
				}
				h := a.crypto()
				h.Write(p)
				if got, want := d.Sum([]byte("x")), h.Sum([]byte("x")); !bytes.Equal(got, want) {
					errs <- fmt.Errorf("%s, %d bytes: %x, want %x", a.name, n, got, want)
				}
				// Sum does not change the state.
				d.Write([]byte("more"))
				h.Write([]byte("more"))
				if !bytes.Equal(d.Sum(nil), h.Sum(nil)) {
					errs <- fmt.Errorf("%s, %d bytes: sum after more writes differs", a.name, n)
				}
				if d.Size() != h.Size() || d.BlockSize() != h.BlockSize() {
					errs <- fmt.Errorf("%s: sizes %d/%d, want %d/%d", a.name, d.Size(), d.BlockSize(), h.Size(), h.BlockSize())
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// Every digest was summed: the engines wait for none of them.
	for _, a := range algs {
		if n := a.alg.engine().open.Load(); n != 0 {
			t.Errorf("%s engine counts %d open digests after all were summed", a.name, n)
		}
		d := a.new()
		d.Write(data[:1<<20])
		d.Reset()
		if n := a.alg.engine().open.Load(); n != 0 {
			t.Errorf("%s engine counts %d open digests after Reset", a.name, n)
		}
	}
}

func benchKernel(b *testing.B, alg *algorithm) {
	n := maxStepBytes / alg.blockSize
	var data [MaxLanes][]byte
	var addr [MaxLanes]unsafe.Pointer
	for l := 0; l < alg.lanes; l++ {
		data[l] = make([]byte, n*alg.blockSize)
		addr[l] = unsafe.Pointer(&data[l][0])
	}
	s := alg.newLanes()
	b.SetBytes(int64(alg.lanes * maxStepBytes))
	for b.Loop() {
		s.run(&addr, uint16(1<<alg.lanes-1), n)
	}
}

func BenchmarkKernel512x8(b *testing.B)  { benchKernel(b, sha512Alg) }
func BenchmarkKernel256x16(b *testing.B) { benchKernel(b, sha256Alg) }

func benchCrypto(b *testing.B, h hash.Hash) {
	p := make([]byte, maxStepBytes)
	b.SetBytes(int64(len(p)))
	for b.Loop() {
		h.Write(p)
	}
}

func BenchmarkCryptoSHA512(b *testing.B) { benchCrypto(b, sha512.New()) }
func BenchmarkCryptoSHA256(b *testing.B) { benchCrypto(b, sha256.New()) }

// BenchmarkDigests writes sixteen 1 MiB streams concurrently, as the
// digests of large files being copied side by side.
func BenchmarkDigests(b *testing.B) {
	p := make([]byte, 1<<20)
	for _, a := range algs {
		b.Run(a.name, func(b *testing.B) {
			b.SetBytes(16 << 20)
			for b.Loop() {
				var wg sync.WaitGroup
				for range 16 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						d := a.new()
						d.Write(p)
						d.Sum(nil)
					}()
				}
				wg.Wait()
			}
		})
	}
}
