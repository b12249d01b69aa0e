package openapi

import (
	"runtime/debug"
	"testing"
)

func currentGOGC() int {
	p := debug.SetGCPercent(-1)
	debug.SetGCPercent(p)
	return p
}

// TestGCPercentDuringRun: a run loads at GOGC 200 and compares at 100, never
// below the user's GOGC, keeps a higher one or off, and restores it.
func TestGCPercentDuringRun(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	for _, c := range []struct{ user, load, compare int }{
		{100, 200, 100},
		{50, 200, 100},
		{150, 200, 150},
		{300, 300, 300},
		{-1, -1, -1},
	} {
		debug.SetGCPercent(c.user)
		raiseGC()
		load := currentGOGC()
		compareGC()
		compare := currentGOGC()
		restoreGC()
		if after := currentGOGC(); load != c.load || compare != c.compare || after != c.user {
			t.Errorf("GOGC %d: load %d, compare %d, after %d; want %d, %d, %d", c.user, load, compare, after, c.load, c.compare, c.user)
		}
	}
}
