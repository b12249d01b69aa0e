package hashasset

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"sort"
	"sync"

	"github.com/dsctl/dsctl/internal/errkind"
)

// copyBufSize is the buffer of one copy: a small file is read whole in one
// read, a large one streamed through it.
const copyBufSize = 1 << 20

// hashOpaque hashes and copies the files that are not rewritten (images,
// fonts, digested bundles), one file per worker, largest first so that the
// workers finish together. Each file is read once: every buffer goes to
// sha256, the integrity digest and the copy in turn.
func (b *builder) hashOpaque(ctx context.Context) error {
	var jobs []*file
	for _, rel := range b.order {
		f := b.files[rel]
		if !f.rewritable {
			jobs = append(jobs, f)
		}
	}
	sort.SliceStable(jobs, func(i, j int) bool { return jobs[i].size > jobs[j].size })
	bufs := sync.Pool{New: func() any { return newCopyBuf() }}
	err := each(ctx, len(jobs), b.opts.Workers, func(ctx context.Context, i int) error {
		buf := bufs.Get().(*[]byte)
		defer bufs.Put(buf)
		return b.copyOpaque(ctx, jobs[i], *buf)
	})
	if err != nil {
		return err
	}
	for _, f := range jobs {
		if f.digested {
			b.res.Digested++
		} else {
			b.res.Hashed++
		}
	}
	return nil
}

// existsWithSize reports whether the output file rel is a file of n bytes: a
// hashed name never changes content, so a file of the right size is the
// file. In an output folder this run created, nothing is there but what it
// wrote.
func (b *builder) existsWithSize(rel string, n int64) bool {
	if b.freshOut && !b.opts.DryRun {
		return false
	}
	fi, err := b.statOut(rel)
	return err == nil && fi.Mode().IsRegular() && fi.Size() == n
}

// copyOpaque reads a file through its digests and, when its copy is probably
// new, into the output in the same pass; a second pass is made only when the
// first one could not know everything (a changed file whose previous version
// had the same size).
func (b *builder) copyOpaque(ctx context.Context, f *file, buf []byte) error {
	src, err := b.openSource(f)
	if err != nil {
		return err
	}
	defer src.Close()
	prev, havePrev := b.prevAsset(f.rel)
	sameSize := havePrev && prev.Size == f.size
	// The copy is written in the first pass unless the previous build
	// probably has this file already (same size, its file still there).
	writeNow := !b.opts.DryRun
	switch {
	case f.digested:
		writeNow = writeNow && !b.existsWithSize(f.rel, f.size)
	case sameSize:
		writeNow = writeNow && !b.existsWithSize(prev.Path, f.size)
	}
	// The integrity digest of a file whose previous version had the same
	// size waits until its sha256 says whether it changed.
	needInt := b.alg.new != nil && !sameSize

	sum, integrity, out, err := b.copyPass(ctx, f, src, buf, needInt, writeNow, b.opts.Progress)
	if err != nil {
		return err
	}
	hexSum := hex.EncodeToString(sum)
	name := f.rel
	if !f.digested {
		name = HashedPath(f.rel, hexSum[:b.opts.HashLength])
	}
	if integrity == "" {
		integrity = b.knownIntegrity(f.rel, hexSum, sum)
	}
	f.asset = Asset{Path: name, Size: f.size, SHA256: hexSum, Integrity: integrity}
	exists := b.existsWithSize(name, f.size)
	if out != nil {
		if exists {
			out.abort()
			out = nil
		} else {
			if err := out.commit(name); err != nil {
				return err
			}
			b.noteWritten(name)
			exists = true
		}
	}
	needWrite := !exists && !b.opts.DryRun
	if needWrite || integrity == "" {
		if _, err := src.Seek(0, io.SeekStart); err != nil {
			return errkind.InputAt(f.abs, 0, 0, fmt.Errorf("seek: %w", err))
		}
		sum2, integrity2, out2, err := b.copyPass(ctx, f, src, buf, integrity == "", needWrite, nil)
		if err != nil {
			return err
		}
		if string(sum2) != string(sum) {
			if out2 != nil {
				out2.abort()
			}
			return errkind.InputAt(f.abs, 0, 0, errors.New("file changed during the run"))
		}
		if integrity == "" {
			f.asset.Integrity = integrity2
		}
		if out2 != nil {
			if err := out2.commit(name); err != nil {
				return err
			}
			b.noteWritten(name)
		}
	}
	if b.opts.DryRun && !exists {
		b.noteWritten(name)
	}
	return ctx.Err()
}

// copyPass reads src once: its sha256, its integrity digest when asked
// (otherwise "" unless the algorithm is sha256), and its copy into an output
// file when asked (returned uncommitted).
func (b *builder) copyPass(ctx context.Context, f *file, src io.Reader, buf []byte, withInt, write bool, progress func(int64)) ([]byte, string, *outFile, error) {
	h256 := sha256.New()
	var hInt hash.Hash
	if withInt {
		hInt = b.alg.newHash()
	}
	var out *outFile
	if write {
		var err error
		if out, err = b.createOut(f.rel, f.size >= copyBufSize); err != nil {
			return nil, "", nil, err
		}
	}
	fail := func(err error) ([]byte, string, *outFile, error) {
		if out != nil {
			out.abort()
		}
		return nil, "", nil, err
	}
	var n int64
	for {
		m, rerr := io.ReadFull(src, buf)
		if m > 0 {
			p := buf[:m]
			h256.Write(p)
			if hInt != nil {
				hInt.Write(p)
			}
			if out != nil {
				if _, err := out.Write(p); err != nil {
					return fail(envErr(fmt.Errorf("write %s: %w", f.rel, err)))
				}
			}
			n += int64(m)
			if progress != nil {
				progress(int64(m))
			}
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			return fail(errkind.InputAt(f.abs, 0, 0, fmt.Errorf("read: %w", rerr)))
		}
		if err := ctx.Err(); err != nil {
			return fail(err)
		}
	}
	if n != f.size {
		return fail(errkind.InputAt(f.abs, 0, 0, errors.New("file changed during the run")))
	}
	sum := h256.Sum(nil)
	integrity := ""
	switch {
	case hInt != nil:
		integrity = b.alg.value(hInt.Sum(nil))
	case b.alg.new == nil:
		integrity = b.alg.value(sum)
	}
	return sum, integrity, out, nil
}

func (b *builder) prevAsset(rel string) (Asset, bool) {
	if b.prev == nil {
		return Asset{}, false
	}
	a, ok := b.prev.Assets[rel]
	return a, ok
}

// knownIntegrity returns the SRI value of a file whose sha256 is sum
// (hex) and s256 (bytes) without reading it again: derived from the sha256
// when that is the algorithm, or the value the previous manifest recorded
// for the same logical file with the same sha256; "" otherwise.
func (b *builder) knownIntegrity(rel, sum string, s256 []byte) string {
	if b.alg.new == nil {
		return b.alg.value(s256)
	}
	if a, ok := b.prevAsset(rel); ok && a.SHA256 == sum {
		if alg, ok := sriAlgOf(a.Integrity); ok && alg.name == b.alg.name {
			return a.Integrity
		}
	}
	return ""
}
