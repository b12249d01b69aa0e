//go:build linux

package hashasset

import (
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"

	"golang.org/x/sys/unix"
)

// TestUnnamedFilesRefused: where unnamed files cannot be named (no /proc and
// no CAP_DAC_READ_SEARCH), the file in hand is copied into a temp file and
// the rest of the run uses temp files; the output is complete and clean.
func TestUnnamedFilesRefused(t *testing.T) {
	for _, name := range []string{"small-first", "large-first"} {
		t.Run(name, func(t *testing.T) {
			var refused atomic.Int32
			linkHook = func(string) error { refused.Add(1); return unix.EPERM }
			t.Cleanup(func() { linkHook = nil })
			dir := t.TempDir()
			src, out := filepath.Join(dir, "src"), filepath.Join(dir, "out")
			var files map[string][]byte
			if name == "small-first" {
				files = writeSized(t, src, 4)
			} else {
				// Only large files: the first refusal is in outFile.commit.
				files = map[string][]byte{}
				for i, n := range []int{directMin + 5, chunkSize*2 + 1} {
					b := make([]byte, n)
					for j := range b {
						b[j] = byte((i + j) % 251)
					}
					files[fmt.Sprintf("big/f%d.bin", i)] = b
				}
				writeTree(t, src, toStrings(files))
			}
			res := build(t, Options{Src: src, Out: out, Workers: 1})
			if res.Written != len(files) {
				t.Fatalf("wrote %d files, want %d", res.Written, len(files))
			}
			// Large files may stream side by side (see builder.wide): each
			// one committing before the first refusal was seen tries once.
			if n := int(refused.Load()); n != 1 && (name == "small-first" || n > len(files)) {
				t.Fatalf("%d links refused, want 1 (then temp files)", n)
			}
			checkOut(t, out, files, "sha384")
		})
	}
}

func toStrings(m map[string][]byte) map[string]string {
	s := make(map[string]string, len(m))
	for k, v := range m {
		s[k] = string(v)
	}
	return s
}
