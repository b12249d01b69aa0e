// Package source turns a command-line argument of dsctl compat into a
// compat.Source: a file on disk, standard input ("-"), or a file in a git
// tree at a ref ("git:REF:PATH", read with git show so CI needs no second
// checkout). Contract inputs (a package folder, registry:NAME@VERSION) are
// recognised by Classify but opened by the contracts code, not here.
package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/fsx"
)

// Kind is what an argument names.
type Kind int

// Argument kinds.
const (
	// File is a document on disk.
	File Kind = iota
	// Stdin is "-": the document on standard input.
	Stdin
	// Git is git:REF:PATH, a document in a git tree.
	Git
	// Folder is a folder on disk: a contract package.
	Folder
	// Registry is registry:NAME@VERSION, a published contract package.
	Registry
)

// String names the kind.
func (k Kind) String() string {
	switch k {
	case File:
		return "file"
	case Stdin:
		return "stdin"
	case Git:
		return "git"
	case Folder:
		return "folder"
	case Registry:
		return "registry"
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// StdinName is the argument that reads standard input.
const StdinName = "-"

// StdinDisplay is how standard input is named in reports.
const StdinDisplay = "<stdin>"

// Classify tells what an argument names. A path that is a folder on disk is a
// Folder; anything that does not exist is a File (opening it reports the error).
func Classify(arg string) Kind {
	switch {
	case arg == StdinName:
		return Stdin
	case strings.HasPrefix(arg, "git:"):
		return Git
	case strings.HasPrefix(arg, "registry:"):
		return Registry
	}
	if fi, err := os.Stat(arg); err == nil && fi.IsDir() {
		return Folder
	}
	return File
}

// IsContract reports whether an argument names a contract package (a folder
// or registry:NAME@VERSION) rather than a single document.
func IsContract(arg string) bool {
	k := Classify(arg)
	return k == Folder || k == Registry
}

// Options are what opening a source needs from its environment.
type Options struct {
	// Stdin is read for "-".
	Stdin io.Reader
	// Dir is the working folder: file paths are relative to it and git runs in
	// it; "" means the process's working folder.
	Dir string
	// Git is the git command; "" means "git" on PATH.
	Git string
}

// Open turns a file, "-" or git:REF:PATH argument into a compat.Source.
// Errors are input errors (exit 2) naming the argument.
func Open(ctx context.Context, arg string, opts Options) (compat.Source, error) {
	switch Classify(arg) {
	case Stdin:
		return openStdin(opts)
	case Git:
		return openGit(ctx, arg, opts)
	case Folder, Registry:
		return compat.Source{}, errkind.Inputf("%s: a contract package, not a single document", arg)
	}
	return openFile(arg, opts)
}

// MaxDocument bounds every document the engines read (a file, a git
// revision's file, standard input, a file a $ref names): far above any real
// contract, and it turns a hostile multi-gigabyte file into an input error
// instead of an out-of-memory kill. A variable so that tests can lower it.
var MaxDocument int64 = 64 << 20

// ReadDocument returns the bytes of the source's main document, at most
// MaxDocument of them.
func ReadDocument(src compat.Source) ([]byte, error) {
	b, err := fsx.ReadLimited(src.FS, src.Path, MaxDocument)
	if err != nil {
		var ke *errkind.Error
		if errors.As(err, &ke) {
			return nil, err
		}
		return nil, errkind.InputAt(src.DisplayPath(src.Path), 0, 0, fmt.Errorf("read: %w", fsx.PathCause(err)))
	}
	return b, nil
}

// ReadHead returns up to n first bytes of the source's main document: enough
// for an engine's Detect without reading (or parsing) a large document twice.
func ReadHead(src compat.Source, n int) ([]byte, error) {
	f, err := src.FS.Open(src.Path)
	if err != nil {
		return nil, errkind.InputAt(src.DisplayPath(src.Path), 0, 0, fmt.Errorf("read: %w", fsx.PathCause(err)))
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, int64(n)))
	if err != nil {
		return nil, errkind.InputAt(src.DisplayPath(src.Path), 0, 0, fmt.Errorf("read: %w", fsx.PathCause(err)))
	}
	return b, nil
}

func workDir(opts Options) (string, error) {
	if opts.Dir != "" {
		return filepath.Abs(opts.Dir)
	}
	return os.Getwd()
}

func openFile(arg string, opts Options) (compat.Source, error) {
	wd, err := workDir(opts)
	if err != nil {
		return compat.Source{}, errkind.Envf("working folder: %w", err)
	}
	abs := arg
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(wd, arg)
	}
	abs = filepath.Clean(abs)
	fi, err := os.Stat(abs)
	if err != nil {
		return compat.Source{}, errkind.InputAt(arg, 0, 0, fmt.Errorf("read: %w", fsx.PathCause(err)))
	}
	if fi.IsDir() {
		return compat.Source{}, errkind.InputAt(arg, 0, 0, errors.New("is a folder, not a document"))
	}
	dir := filepath.Dir(abs)
	// relDir is the file's folder as printed: relative to the working folder,
	// slash-separated, never absolute.
	relDir := relativeTo(wd, dir)
	// The folder as an os.Root: a $ref (or a link) that leads out of it on
	// the real file system is refused, not only one that does so lexically.
	fsys, err := fsx.RootFS(dir)
	if err != nil {
		return compat.Source{}, errkind.InputAt(arg, 0, 0, fmt.Errorf("read: %w", fsx.PathCause(err)))
	}
	return compat.Source{
		Name: arg,
		FS:   fsys,
		Path: filepath.Base(abs),
		Display: func(p string) string {
			return cleanJoin(relDir, p)
		},
	}, nil
}

// relativeTo returns target relative to base, slash-separated; when no
// relative path exists (another volume) it returns "" so that only the names
// under target are printed, never an absolute path.
func relativeTo(base, target string) string {
	rel, err := filepath.Rel(base, target)
	if err != nil || filepath.IsAbs(rel) {
		return ""
	}
	return filepath.ToSlash(rel)
}

func cleanJoin(dir, p string) string {
	if dir == "" || dir == "." {
		return path.Clean(p)
	}
	return path.Clean(dir + "/" + p)
}

func openStdin(opts Options) (compat.Source, error) {
	if opts.Stdin == nil {
		return compat.Source{}, errkind.Inputf("%s: no standard input", StdinName)
	}
	b, err := io.ReadAll(io.LimitReader(opts.Stdin, MaxDocument+1))
	if err != nil {
		return compat.Source{}, errkind.InputAt(StdinDisplay, 0, 0, fmt.Errorf("read: %w", err))
	}
	if int64(len(b)) > MaxDocument {
		return compat.Source{}, errkind.InputAt(StdinDisplay, 0, 0, fmt.Errorf("read: larger than %d MiB", MaxDocument>>20))
	}
	return compat.Source{
		Name: StdinName,
		FS:   memFS{name: StdinName, data: b},
		Path: StdinName,
		// Standard input is one file: whatever name an engine's loader gives it
		// ("-", "stdin"), it is printed as <stdin>.
		Display: func(string) string { return StdinDisplay },
	}, nil
}

// OpenBytes returns a source holding one in-memory document named name
// (tests and callers that already hold the bytes).
func OpenBytes(name string, data []byte) compat.Source {
	return compat.Source{Name: name, FS: memFS{name: name, data: data}, Path: name}
}
