//go:build linux

package hashasset

import "golang.org/x/sys/unix"

// hugePage is the size of a transparent huge page on x86-64 and arm64.
const hugePage = 2 << 20

// allocArena returns n bytes outside the Go heap, aligned to a huge page
// and asked to be backed by huge pages: the chunk buffers of a run are
// touched once each, and on a virtual machine every 4 KiB page fault
// costs a trap to the hypervisor (16 MiB of chunks is 4,096 of them). free
// gives the memory back; nil means use the heap.
func allocArena(n int) (mem []byte, free func()) {
	raw, err := unix.Mmap(-1, 0, n+hugePage, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		return nil, nil
	}
	off := 0
	if r := int(uintptrOf(raw) % hugePage); r != 0 {
		off = hugePage - r
	}
	mem = raw[off : off+n : off+n]
	_ = unix.Madvise(mem, unix.MADV_HUGEPAGE) // advice: refused is fine
	return mem, func() { _ = unix.Munmap(raw) }
}
