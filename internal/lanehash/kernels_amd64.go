//go:build amd64 && !purego

package lanehash

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

var useAVX512 = cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW

//go:noescape
func block512x8(s *state512, addr *[MaxLanes]unsafe.Pointer, n int)

//go:noescape
func block256x16(s *state256, addr *[MaxLanes]unsafe.Pointer, n int)
