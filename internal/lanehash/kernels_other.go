//go:build !amd64 || purego

package lanehash

import "unsafe"

const useAVX512 = false

// Without AVX-512 the "kernels" hash one lane after the other (digests
// then never hand blocks to an engine: see Digest.advance).
func block512x8(s *state512, addr *[MaxLanes]unsafe.Pointer, n int) {
	s.runGeneric(addr, 1<<MaxLanes-1, n)
}

func block256x16(s *state256, addr *[MaxLanes]unsafe.Pointer, n int) {
	s.runGeneric(addr, 1<<MaxLanes-1, n)
}
