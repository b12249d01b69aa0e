//go:build !amd64 || purego

package sha512x8

import "unsafe"

const useAVX512 = false

func block8(s *State, addr *[Lanes]unsafe.Pointer, mask uint64, n int) {
	blocksGeneric(s, addr, uint8(mask), n)
}
