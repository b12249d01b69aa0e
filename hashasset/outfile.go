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
	root *os.Root
	f    *os.File
	tmp  string // relative to the output folder, slash-separated
}

// createOut creates a temp file in the output folder, in the folder of rel
// (slash-separated), named after it.
func (b *builder) createOut(rel string) (*outFile, error) {
	if err := b.mkdirOnce(path.Dir(rel)); err != nil {
		return nil, err
	}
	for {
		tmp := tempName(rel)
		f, err := b.out.OpenFile(filepath.FromSlash(tmp), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, b.outErr(rel, "create", err)
		}
		return &outFile{root: b.out, f: f, tmp: tmp}, nil
	}
}

func (o *outFile) Write(p []byte) (int, error) { return o.f.Write(p) }

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
	o, err := b.createOut(rel)
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
