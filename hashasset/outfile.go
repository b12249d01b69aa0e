package hashasset

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"syscall"
	"unsafe"

	"github.com/dsctl/dsctl/internal/errkind"
)

// The output folder is opened as an os.Root (builder.out): every file
// hash-assets writes, reads back, renames or deletes there is resolved
// inside it, so that a symlink in the output that leads elsewhere is
// refused by the path resolution itself, never followed.

// outFile is a file being written into the output folder: a hidden temp file
// beside its destination, renamed into place once complete, so that readers
// never see a partial file. A killed run leaves the temp file, which the next
// run deletes (cleanOutput).
type outFile struct {
	root   *os.Root
	f      *os.File
	tmp    string // relative to the output folder, slash-separated
	direct bool   // written with direct I/O (see createOut)
}

// directAlign is the alignment of buffers and lengths that direct I/O asks
// for: a multiple of every logical block size in use.
const directAlign = 4096

// createOut creates a temp file in the output folder, in the folder of rel
// (slash-separated), named after it. direct asks for direct I/O (O_DIRECT,
// Linux): the bytes of a large copy go from the copy buffer to the disk, not
// into the page cache, which on this build machine's VM costs 0.3 to 0.5 s
// of system time per 400 MB (measured A/B: docs/bench-hashassets.md). Writes
// must then come from directAlign-aligned buffers in multiples of it, but
// for the last one. A file system that refuses it (tmpfs) gets plain writes.
func (b *builder) createOut(rel string, direct bool) (*outFile, error) {
	if err := b.mkdirOnce(path.Dir(rel)); err != nil {
		return nil, err
	}
	direct = direct && directFlag != 0 && !b.noDirect.Load()
	for {
		tmp := tempName(rel)
		flag := os.O_WRONLY | os.O_CREATE | os.O_EXCL
		if direct {
			flag |= directFlag
		}
		f, err := b.out.OpenFile(filepath.FromSlash(tmp), flag, 0o644)
		switch {
		case errors.Is(err, fs.ErrExist):
			continue
		case direct && errors.Is(err, errInvalid):
			b.noDirect.Store(true)
			direct = false
			continue
		case err != nil:
			return nil, b.outErr(rel, "create", err)
		}
		return &outFile{root: b.out, f: f, tmp: tmp, direct: direct}, nil
	}
}

// Write appends p; in direct mode an unaligned p (the last buffer of a
// file) turns direct I/O off for the rest of the file.
func (o *outFile) Write(p []byte) (int, error) {
	if o.direct && (len(p)%directAlign != 0 || uintptr(unsafe.Pointer(unsafe.SliceData(p)))%directAlign != 0) {
		if err := setBuffered(o.f); err != nil {
			return 0, err
		}
		o.direct = false
	}
	return o.f.Write(p)
}

// newCopyBuf returns a copy buffer aligned for direct I/O.
func newCopyBuf() *[]byte {
	b := make([]byte, copyBufSize+directAlign)
	if r := int(uintptr(unsafe.Pointer(unsafe.SliceData(b))) % directAlign); r != 0 {
		b = b[directAlign-r:]
	}
	b = b[:copyBufSize:copyBufSize]
	return &b
}

// commit closes the file and gives it the name rel, replacing a file of that
// name; the caller syncs the written files once, before the manifest.
func (o *outFile) commit(rel string) error {
	if err := o.f.Close(); err != nil {
		_ = o.root.Remove(filepath.FromSlash(o.tmp))
		return envErr(fmt.Errorf("write %s: %w", rel, err))
	}
	if err := o.root.Rename(filepath.FromSlash(o.tmp), filepath.FromSlash(rel)); err != nil {
		_ = o.root.Remove(filepath.FromSlash(o.tmp))
		return envErr(fmt.Errorf("rename into %s: %w", rel, err))
	}
	return nil
}

// abort drops the file.
func (o *outFile) abort() {
	o.f.Close()
	_ = o.root.Remove(filepath.FromSlash(o.tmp))
}

// writeOut writes the output file rel through fill and gives it its name
// once complete.
func (b *builder) writeOut(rel string, fill func(w io.Writer) error) error {
	o, err := b.createOut(rel, false)
	if err != nil {
		return err
	}
	if err := fill(o); err != nil {
		o.abort()
		return err
	}
	return o.commit(rel)
}

// mkdirOnce creates an output folder (and its parents) once per run.
func (b *builder) mkdirOnce(dir string) error {
	if _, made := b.madeDirs.Load(dir); made {
		return nil
	}
	if err := b.out.MkdirAll(filepath.FromSlash(dir), 0o755); err != nil {
		return b.outErr(dir, "create folder", err)
	}
	b.madeDirs.Store(dir, true)
	return nil
}

// errInvalid is what open returns where a flag (O_DIRECT) is refused.
var errInvalid = syscall.EINVAL

// outErr wraps an error of the output folder: a path that os.Root refused
// (a symlink leading out of the output folder) is bad input, anything else
// the environment's fault.
func (b *builder) outErr(rel, op string, err error) error {
	p := filepath.Join(b.opts.Out, filepath.FromSlash(rel))
	if escapes(err) {
		return errkind.InputAt(p, 0, 0, errors.New("leads outside the output folder through a symlink; refused"))
	}
	return envErr(fmt.Errorf("%s %s: %w", op, p, err))
}

// statOut stats an output file (following symlinks that stay inside the
// output folder); with no output folder yet, nothing exists.
func (b *builder) statOut(rel string) (fs.FileInfo, error) {
	if b.out == nil {
		return nil, fs.ErrNotExist
	}
	return b.out.Stat(filepath.FromSlash(rel))
}

var (
	tempSeq atomic.Uint64
	pid     = os.Getpid()
)

// tempName is the temp name of rel while it is being written.
func tempName(rel string) string {
	return path.Join(path.Dir(rel), fmt.Sprintf(".%s.tmp-%d-%d", path.Base(rel), pid, tempSeq.Add(1)))
}

// staleTemp matches the temp files of a run that was killed: this package's
// (".NAME.tmp-PID-SEQ") and fsx's atomic writes (".NAME.tmp-DIGITS").
var staleTemp = regexp.MustCompile(`^\..+\.tmp-[0-9]+(-[0-9]+)?$`)

// pendingName is where a file that keeps its name (a page, its compressed
// copies) waits, complete, until the manifest that names its new content is
// in place; see builder.commitPending.
func pendingName(rel string) string {
	return path.Join(path.Dir(rel), "."+path.Base(rel)+".pending")
}

// escapes reports whether os.Root refused a path because it leads out of the
// root (through "..", or a symlink). os.Root has no exported error for it.
func escapes(err error) bool {
	return err != nil && strings.Contains(err.Error(), "path escapes from parent")
}
