package hashasset

import "unsafe"

// uintptrOf returns the address of a buffer's first byte (to align it).
func uintptrOf(b []byte) uintptr { return uintptr(unsafe.Pointer(unsafe.SliceData(b))) }
