//go:build !linux

package hashasset

// allocArena returns nil: the chunk buffers come from the heap.
func allocArena(n int) (mem []byte, free func()) { return nil, nil }
