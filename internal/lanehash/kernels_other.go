//go:build !amd64 || purego

package lanehash

import "unsafe"

const useAVX512 = false

func block512x8(s *state512, addr *[MaxLanes]unsafe.Pointer, n int) {
	s.runGeneric(addr, 1<<MaxLanes-1, n)
}

func block256x16(s *state256, addr *[MaxLanes]unsafe.Pointer, n int) {
	s.runGeneric(addr, 1<<MaxLanes-1, n)
}
