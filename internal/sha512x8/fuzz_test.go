package sha512x8

import (
	"bytes"
	"crypto/sha512"
	"sync"
	"testing"
)

// FuzzDigest: any data written in any pieces, by eight digests at once,
// sums as crypto/sha512 does.
func FuzzDigest(f *testing.F) {
	f.Add([]byte("abc"), uint16(1))
	f.Add(bytes.Repeat([]byte{7}, 5000), uint16(2048))
	f.Add(bytes.Repeat([]byte{1, 2, 3}, 40000), uint16(129))
	f.Fuzz(func(t *testing.T, data []byte, piece uint16) {
		step := int(piece)%(64<<10) + 1
		want := sha512.Sum384(data)
		var wg sync.WaitGroup
		sums := make([][]byte, Lanes)
		for l := range Lanes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				d := New384()
				s := step + l*BlockSize // lanes out of step with each other
				for p := data; len(p) > 0; {
					k := min(len(p), s)
					d.Write(p[:k])
					p = p[k:]
				}
				sums[l] = d.Sum(nil)
			}()
		}
		wg.Wait()
		for l, got := range sums {
			if !bytes.Equal(got, want[:]) {
				t.Fatalf("lane %d: %x, want %x", l, got, want)
			}
		}
	})
}
