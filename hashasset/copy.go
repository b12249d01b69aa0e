package hashasset

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/lanehash"
)

// smallMax is the size below which a file is read whole into memory: one
// read, both digests, one write.
const smallMax = 256 << 10

// directMin is the size from which a copy is written with direct I/O.
const directMin = 1 << 20

// hashOpaque hashes and copies the files that are not rewritten (images,
// fonts, digested bundles) in parallel, streaming: large files first,
// largest first, so that the workers finish together; each worker holds at
// most one file open for reading and one for writing.
func (b *builder) hashOpaque(ctx context.Context) error {
	var jobs []*file
	for _, rel := range b.order {
		f := b.files[rel]
		if !f.rewritable {
			jobs = append(jobs, f)
		}
	}
	orderJobs(jobs)
	// The small files go first; once they are all written, one background
	// sync makes them (and their many inodes) durable while the large files
	// are hashed, so that the final sync has little left to wait for.
	small := 0
	for small < len(jobs) && jobs[small].size < smallMax {
		small++
	}
	var smallDone atomic.Int64
	// A background sync makes the output durable while the run goes on:
	// once the small files are written (they and their many inodes), then
	// after every syncEvery bytes of large files, whose direct writes sit
	// in the disk's cache until a flush; the final sync then has little
	// left to wait for.
	if !b.opts.NoSync && !b.opts.DryRun && small < len(jobs) {
		b.bg = startBGSync(b.opts.Out)
		defer b.bg.stop()
	}
	// Workers take the next job from a shared index: no hand-off through a
	// feeding goroutine (which would need a core of its own to run). Where
	// sixteen SHA-256 streams (or eight SHA-512 ones) hash faster than one,
	// sixteen large files stream at a time, their digests hashed together,
	// in smaller chunks; the workers beyond opts.Workers start with the
	// large files.
	workers, chunk := b.opts.Workers, chunkSize
	if b.wide {
		workers, chunk = max(workers, lanehash.MaxLanes), wideChunkSize
	}
	// The chunks of all workers, in one arena (see allocArena).
	var arena []byte
	if small < len(jobs) {
		var free func()
		if arena, free = allocArena(workers * chunksPerWorker * chunk); free != nil {
			defer free() // after the workers are done (wg.Wait below)
		}
	}
	largeStart := make(chan struct{})
	var startOnce sync.Once
	var next atomic.Int64
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if w >= b.opts.Workers {
				select {
				case <-largeStart:
				case <-ctx.Done():
					return
				}
			}
			wk := &worker{chunkSize: chunk}
			if arena != nil {
				wk.mem = arena[w*chunksPerWorker*chunk : (w+1)*chunksPerWorker*chunk]
			}
			for ctx.Err() == nil {
				i := next.Add(1) - 1
				if i >= int64(small) {
					startOnce.Do(func() { close(largeStart) })
				}
				if i >= int64(len(jobs)) {
					return
				}
				if err := b.copyOpaque(ctx, jobs[i], wk); err != nil {
					errs <- err
					cancel()
					return
				}
				if i < int64(small) && smallDone.Add(1) == int64(small) {
					b.bg.kick()
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
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

// orderJobs orders the copies: small files first, interleaved across
// folders (the first file of every folder, then the second, …), so that the
// workers name files in different folders and do not wait for each other on
// a folder's lock; then the large ones, largest first, so that the workers
// finish together (and a large file's digests run side by side anyway).
func orderJobs(jobs []*file) {
	pos := make(map[*file]int, len(jobs))
	seen := map[string]int{}
	for _, f := range jobs {
		d := path.Dir(f.rel)
		pos[f] = seen[d]
		seen[d]++
	}
	sort.SliceStable(jobs, func(i, j int) bool {
		a, c := jobs[i], jobs[j]
		al, cl := a.size >= smallMax, c.size >= smallMax
		switch {
		case al != cl:
			return cl
		case al:
			return a.size > c.size
		case pos[a] != pos[c]:
			return pos[a] < pos[c]
		}
		return a.rel < c.rel
	})
}

// worker holds the buffers of one copy worker, made on first use.
type worker struct {
	buf       []byte      // a whole small file
	pool      chan *chunk // chunks for streaming large files
	chunkSize int
	mem       []byte // where to make the chunks (nil: the heap)
}

func (b *builder) copyOpaque(ctx context.Context, f *file, wk *worker) error {
	if f.size < smallMax {
		if wk.buf == nil {
			wk.buf = make([]byte, smallMax+1)
		}
		return b.copySmall(ctx, f, wk.buf)
	}
	src, err := openSource(f)
	if err != nil {
		return err
	}
	defer src.Close()
	if wk.pool == nil {
		wk.pool = newChunkPool(chunksPerWorker, wk.chunkSize, wk.mem)
	}
	return b.copyLarge(ctx, f, src, wk.pool)
}

// existsWithSize reports whether p is a file of n bytes: a hashed name
// never changes content, so a file of the right size is the file. In an
// output folder this run created, nothing is there but what it wrote.
func (b *builder) existsWithSize(p string, n int64) bool {
	if b.freshOut && !b.opts.DryRun {
		return false
	}
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Size() == n
}

// copyLarge streams a large file through its digests and, when its copy is
// probably new, into the output in the same pass; a second pass is made
// only when the first one could not know everything (a changed file whose
// previous version had the same size).
func (b *builder) copyLarge(ctx context.Context, f *file, src *os.File, pool chan *chunk) error {
	prev, havePrev := b.prevAsset(f.rel)
	sameSize := havePrev && prev.Size == f.size
	provisional := filepath.Join(b.opts.Out, filepath.FromSlash(f.rel))
	// The copy is written in the first pass unless the previous build
	// probably has this file already (same size, its file still there).
	writeNow := !b.opts.DryRun
	switch {
	case f.digested:
		writeNow = writeNow && !b.existsWithSize(provisional, f.size)
	case sameSize:
		writeNow = writeNow && !b.existsWithSize(filepath.Join(b.opts.Out, filepath.FromSlash(prev.Path)), f.size)
	}
	// The integrity digest of a file whose previous version had the same
	// size waits until its sha256 says whether it changed.
	needInt := b.alg.new != nil && !sameSize

	sum, integrity, out, err := b.streamPass(ctx, f, src, pool, needInt, writeNow, provisional, b.opts.Progress)
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
	dst := filepath.Join(b.opts.Out, filepath.FromSlash(name))
	exists := b.existsWithSize(dst, f.size)
	if out != nil {
		if exists {
			out.abort()
			out = nil
		} else {
			out.dst = dst
			if err := out.commit(!b.opts.NoSync); err != nil {
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
		sum2, integrity2, out2, err := b.streamPass(ctx, f, src, pool, integrity == "", needWrite, dst, nil)
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
			if err := out2.commit(!b.opts.NoSync); err != nil {
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

// streamPass reads src once: its sha256, its integrity digest when asked
// (otherwise "" unless the algorithm is sha256), and its copy into an
// output file when asked (returned uncommitted).
func (b *builder) streamPass(ctx context.Context, f *file, src *os.File, pool chan *chunk, withInt, write bool, dst string, progress func(int64)) ([]byte, string, *outFile, error) {
	h256 := newSHA256(b.wide)
	sinks := []sink{hashSink(h256)}
	var hInt hash.Hash
	if withInt {
		if hInt = b.alg.newHash(b.wide); hInt != nil {
			sinks = append(sinks, hashSink(hInt))
		}
	}
	var out *outFile
	if write {
		var err error
		if out, err = b.createOut(dst, f.size >= directMin); err != nil {
			return nil, "", nil, err
		}
		sinks = append(sinks, func(p []byte) error {
			_, err := out.Write(p)
			b.bg.wrote(len(p))
			return err
		})
	}
	n, serrs, rerr := stream(ctx, readerOnly{src}, pool, progress, sinks...)
	fail := func(err error) ([]byte, string, *outFile, error) {
		if out != nil {
			out.abort()
		}
		h256.Reset() // a shared digest engine stops waiting for them
		if hInt != nil {
			hInt.Reset()
		}
		return nil, "", nil, err
	}
	if rerr != nil {
		if ctx.Err() != nil {
			return fail(ctx.Err())
		}
		return fail(errkind.InputAt(f.abs, 0, 0, fmt.Errorf("read: %w", rerr)))
	}
	for i, err := range serrs {
		if err == nil {
			continue
		}
		if out != nil && i == len(sinks)-1 {
			return fail(envErr(fmt.Errorf("write %s: %w", f.rel, err)))
		}
		return fail(fmt.Errorf("hash %s: %w", f.rel, err))
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

// copySmall handles a file that fits in buf: one read, both digests, and
// one write from memory when the hashed name is new.
func (b *builder) copySmall(ctx context.Context, f *file, buf []byte) error {
	// One byte more than the listed size tells a file that grew.
	n, err := readSmall(f.abs, buf[:f.size+1])
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return errkind.InputAt(f.abs, 0, 0, errors.New("file disappeared during the run"))
		}
		return errkind.InputAt(f.abs, 0, 0, fmt.Errorf("unreadable: %w", err))
	}
	if int64(n) != f.size {
		return errkind.InputAt(f.abs, 0, 0, errors.New("file changed during the run"))
	}
	data := buf[:n]
	if b.opts.Progress != nil {
		b.opts.Progress(int64(n))
	}
	s256 := sha256Of(data)
	sum := hex.EncodeToString(s256)
	name := f.rel
	if !f.digested {
		name = HashedPath(f.rel, sum[:b.opts.HashLength])
	}
	f.asset = Asset{Path: name, Size: int64(n), SHA256: sum, Integrity: b.knownIntegrity(f.rel, sum, s256)}
	if f.asset.Integrity == "" {
		f.asset.Integrity = b.alg.of(data, s256)
	}
	dst := filepath.Join(b.opts.Out, filepath.FromSlash(name))
	if b.existsWithSize(dst, int64(n)) {
		return nil
	}
	if b.opts.DryRun {
		b.noteWritten(name)
		return nil
	}
	if err := b.writeSmall(dst, data); err != nil {
		return err
	}
	b.noteWritten(name)
	return ctx.Err()
}

// writeSmall writes a small file from memory: with plain system calls where
// unnamed files work, through writeTemp otherwise.
func (b *builder) writeSmall(dst string, data []byte) error {
	if !b.caps.noUnnamed.Load() {
		if err := b.mkdirOnce(filepath.Dir(dst)); err != nil {
			return err
		}
		err := writeSmall(dst, data)
		if err == nil {
			return nil
		}
		if !errors.Is(err, errNoUnnamed) {
			return envErr(err)
		}
		b.caps.noUnnamed.Store(true)
	}
	return b.writeTemp(dst, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
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
