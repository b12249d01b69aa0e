//go:build amd64 && !purego

package sha512x8

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

var useAVX512 = cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW

//go:noescape
func block8(s *State, addr *[Lanes]unsafe.Pointer, mask uint64, n int)
