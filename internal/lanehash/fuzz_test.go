package lanehash

import (
	"bytes"
	"sync"
	"testing"
)

// FuzzDigests: any data written in any pieces, by sixteen digests of each
// algorithm at once, sums as the crypto packages do.
func FuzzDigests(f *testing.F) {
	f.Add([]byte("abc"), uint16(1))
	f.Add(bytes.Repeat([]byte{7}, 5000), uint16(2048))
	f.Add(bytes.Repeat([]byte{1, 2, 3}, 40000), uint16(129))
	f.Fuzz(func(t *testing.T, data []byte, piece uint16) {
		step := int(piece)%(64<<10) + 1
		for _, a := range algs {
			h := a.crypto()
			h.Write(data)
			want := h.Sum(nil)
			var wg sync.WaitGroup
			sums := make([][]byte, MaxLanes)
			for l := range MaxLanes {
				wg.Add(1)
				go func() {
					defer wg.Done()
					d := a.new()
					s := step + l*64 // lanes out of step with each other
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
				if !bytes.Equal(got, want) {
					t.Fatalf("%s lane %d: %x, want %x", a.name, l, got, want)
				}
			}
		}
	})
}
