package hashasset

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync/atomic"

	"github.com/dsctl/dsctl/internal/errkind"
)

// directAlign is the alignment of buffers, offsets and lengths that direct
// I/O (O_DIRECT) asks for: a multiple of every logical block size in use.
const directAlign = 4096

// outFile is a file being written into the output folder. Where the file
// system allows it, it is an unnamed file (O_TMPFILE) that gets its name
// only once it is complete (linkat), so that a killed run leaves nothing
// behind; elsewhere a hidden temp file beside its destination, renamed into
// place. Large files are written with direct I/O where the file system
// supports it: the bytes go from the copy buffer to the disk without a
// second copy in the page cache, which is most of the cost of copying a
// large file that nobody reads back soon (and makes the final sync cheap).
type outFile struct {
	f       *os.File
	dst     string
	tmpName string // "" for an unnamed file
	direct  bool   // the file is in direct-I/O mode
	off     int64  // bytes written
	caps    *outCaps
}

// outCaps remembers what the output file system refused, so that each
// fallback is taken once.
type outCaps struct {
	noUnnamed atomic.Bool
	noDirect  atomic.Bool
}

// createOut creates the file that will become dst. direct asks for direct
// I/O (granted only where the file system supports it).
func (b *builder) createOut(dst string, direct bool) (*outFile, error) {
	dir := filepath.Dir(dst)
	if err := b.mkdirOnce(dir); err != nil {
		return nil, err
	}
	direct = direct && !b.caps.noDirect.Load()
	if !b.caps.noUnnamed.Load() {
		f, gotDirect, err := openUnnamed(dir, direct, &b.caps)
		if err == nil {
			return &outFile{f: f, dst: dst, direct: gotDirect, caps: &b.caps}, nil
		}
		if !errors.Is(err, errNoUnnamed) {
			return nil, errkind.Wrap(errkind.Env, fmt.Errorf("create file in %s: %w", dir, err))
		}
		b.caps.noUnnamed.Store(true)
	}
	f, err := createTemp(dst)
	if err != nil {
		return nil, errkind.Wrap(errkind.Env, fmt.Errorf("create temp file for %s: %w", dst, err))
	}
	o := &outFile{f: f, dst: dst, tmpName: f.Name(), caps: &b.caps}
	if direct && setDirect(f, true) == nil {
		o.direct = true
	}
	return o, nil
}

// mkdirOnce creates an output folder (and its parents) once per run.
func (b *builder) mkdirOnce(dir string) error {
	if _, made := b.madeDirs.Load(dir); made {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return errkind.Wrap(errkind.Env, fmt.Errorf("create folder %s: %w", dir, err))
	}
	b.madeDirs.Store(dir, true)
	return nil
}

// Write appends p. In direct mode every write but the last must be a
// multiple of directAlign from an aligned buffer (chunks are); the
// unaligned tail of the last one is written through the page cache.
func (o *outFile) Write(p []byte) (int, error) {
	written := 0
	if o.direct {
		aligned := len(p) &^ (directAlign - 1)
		if aligned > 0 {
			n, err := o.f.Write(p[:aligned])
			written += n
			o.off += int64(n)
			if err != nil && !errors.Is(err, errInvalid) {
				return written, err
			}
			p = p[n:]
		}
		if len(p) > 0 {
			// An unaligned tail, or a file system that refused the direct
			// write after all: the rest goes through the page cache.
			if err := setDirect(o.f, false); err != nil {
				return written, err
			}
			o.direct = false
		}
	}
	n, err := o.f.Write(p)
	o.off += int64(n)
	return written + n, err
}

// commit gives the complete file its name, replacing a file of that name.
// sync starts the write-back of a large file written through the page
// cache, so that the final sync overlaps with the rest of the run (small
// files are left to the final sync, which writes them in one batch: one
// write request per small file costs more than it saves, and so did
// flushing them in batches of a few MiB while the run went on).
func (o *outFile) commit(sync bool) error {
	if sync && !o.direct && o.off >= directMin {
		startWriteback(o.f)
	}
	if o.tmpName != "" {
		if err := o.f.Close(); err != nil {
			os.Remove(o.tmpName)
			return errkind.Wrap(errkind.Env, fmt.Errorf("close %s: %w", o.dst, err))
		}
		if err := os.Rename(o.tmpName, o.dst); err != nil {
			os.Remove(o.tmpName)
			return errkind.Wrap(errkind.Env, fmt.Errorf("rename into %s: %w", o.dst, err))
		}
		return nil
	}
	defer o.f.Close()
	err := linkUnnamed(o.f, o.dst)
	if errors.Is(err, fs.ErrExist) {
		// Replace: link under a temp name, then rename over.
		for {
			tmp := tempName(o.dst)
			err = linkUnnamed(o.f, tmp)
			if errors.Is(err, fs.ErrExist) {
				continue
			}
			if err == nil {
				if err = os.Rename(tmp, o.dst); err != nil {
					os.Remove(tmp)
				}
			}
			break
		}
	}
	if err != nil && !errors.Is(err, fs.ErrExist) {
		// Something refuses to name unnamed files here (no /proc and no
		// CAP_DAC_READ_SEARCH, a sandbox): copy this one into a temp file,
		// and use temp files from now on.
		o.caps.noUnnamed.Store(true)
		err = o.copyToTemp()
	}
	if err != nil {
		return errkind.Wrap(errkind.Env, fmt.Errorf("name %s: %w", o.dst, err))
	}
	return nil
}

// copyToTemp copies the unnamed file into a temp file beside dst and
// renames that into place.
func (o *outFile) copyToTemp() error {
	if o.direct {
		if err := setDirect(o.f, false); err != nil {
			return err
		}
	}
	if _, err := o.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	tmp, err := createTemp(o.dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(tmp, o.f); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), o.dst); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}

// abort drops the file.
func (o *outFile) abort() {
	o.f.Close()
	if o.tmpName != "" {
		os.Remove(o.tmpName)
	}
}

// writeTemp writes dst through fill and gives it its name once complete;
// the caller syncs the written files once, before the manifest.
func (b *builder) writeTemp(dst string, fill func(w io.Writer) error) error {
	o, err := b.createOut(dst, false)
	if err != nil {
		return err
	}
	if err := fill(o); err != nil {
		o.abort()
		return err
	}
	return o.commit(!b.opts.NoSync)
}

var (
	tempSeq atomic.Uint64
	pid     = os.Getpid()
)

func tempName(dst string) string {
	return filepath.Join(filepath.Dir(dst), fmt.Sprintf(".%s.tmp-%d-%d", filepath.Base(dst), pid, tempSeq.Add(1)))
}

// createTemp creates a hidden temp file beside dst, readable by all (0644
// before the umask), like the files it becomes.
func createTemp(dst string) (*os.File, error) {
	for {
		f, err := os.OpenFile(tempName(dst), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, err
	}
}
