package contracts

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/dsctl/dsctl/internal/fsx"

	"github.com/dsctl/dsctl/internal/errkind"
)

// Limits of an archive, on pack and on unpack.
const (
	// MaxFiles is the most files a package may hold.
	MaxFiles = 10000
	// MaxFileSize is the largest file a package may hold.
	MaxFileSize = 16 << 20
	// MaxPackageSize is the largest total (uncompressed) size of a package.
	MaxPackageSize = 64 << 20
)

// fileMode is the mode of every archived file.
const fileMode = 0o644

// Files lists the files of a package folder that go into its archive, sorted:
// every regular file, except hidden files and folders (a name starting with
// '.'). Symbolic links and other special files are input errors: a package is
// plain files only.
func Files(fsys fs.FS, display string) ([]string, error) {
	var files []string
	var total int64
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return errkind.InputAt(joinDisplay(display, p), 0, 0, fmt.Errorf("read package: %w", fsx.PathCause(err)))
		}
		if p == "." {
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		if !d.Type().IsRegular() {
			return errkind.InputAt(joinDisplay(display, p), 0, 0, errors.New("not a regular file (links and special files cannot be packed)"))
		}
		if err := checkEntryName(p); err != nil {
			return errkind.InputAt(joinDisplay(display, p), 0, 0, fmt.Errorf("cannot be packed: %w", err))
		}
		fi, err := d.Info()
		if err != nil {
			return errkind.InputAt(joinDisplay(display, p), 0, 0, fmt.Errorf("stat: %w", fsx.PathCause(err)))
		}
		if fi.Size() > MaxFileSize {
			return errkind.InputAt(joinDisplay(display, p), 0, 0, fmt.Errorf("file is %d bytes, more than the %d a package file may hold", fi.Size(), MaxFileSize))
		}
		total += fi.Size()
		files = append(files, p)
		if len(files) > MaxFiles {
			return errkind.InputAt(display, 0, 0, fmt.Errorf("more than %d files in the package", MaxFiles))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if total > MaxPackageSize {
		return nil, errkind.InputAt(display, 0, 0, fmt.Errorf("package is %d bytes, more than %d", total, MaxPackageSize))
	}
	sort.Strings(files)
	return files, nil
}

func joinDisplay(display, p string) string {
	if display == "" || display == "." {
		return p
	}
	return path.Join(strings.ReplaceAll(display, `\`, "/"), p)
}

// Pack writes the deterministic archive of the package folder fsys: a gzipped
// tar of Files in byte order, every entry a regular file with mode 0644,
// uid/gid 0, no user or group names and mtime 0; the gzip header carries no
// name and no time. The same files give the same bytes on every machine.
func Pack(fsys fs.FS, display string) ([]byte, error) {
	files, err := Files(fsys, display)
	if err != nil {
		return nil, err
	}
	return PackFiles(fsys, display, files)
}

// PackFiles packs the given (sorted, slash-separated) files of fsys; see Pack.
func PackFiles(fsys fs.FS, display string, files []string) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
	if err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	// Zero header: no name, no modification time, OS "unknown" (Go's default).
	zw.Header = gzip.Header{OS: 255}
	tw := tar.NewWriter(zw)
	for _, p := range files {
		data, err := fsx.ReadLimited(fsys, p, MaxFileSize)
		if err != nil {
			return nil, errkind.InputAt(joinDisplay(display, p), 0, 0, fmt.Errorf("read: %w", fsx.PathCause(err)))
		}
		hdr := &tar.Header{
			Typeflag: tar.TypeReg,
			Name:     p,
			Size:     int64(len(data)),
			Mode:     fileMode,
			ModTime:  time.Unix(0, 0),
			Format:   tar.FormatPAX,
		}
		if len(p) <= 100 {
			hdr.Format = tar.FormatUSTAR
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, fmt.Errorf("pack %s: %w", p, err)
		}
		if _, err := tw.Write(data); err != nil {
			return nil, fmt.Errorf("pack %s: %w", p, err)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("pack: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("pack: %w", err)
	}
	return buf.Bytes(), nil
}

// Digest returns "sha256:<hex>" of data.
func Digest(data []byte) string {
	s := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(s[:])
}

// ErrUnsafeArchive is wrapped by ReadArchive errors for archives that Pack
// could not have written: entries that would escape the package, are not
// plain files, are hidden, carry control characters, come out of order, or a
// package without contract.yaml.
var ErrUnsafeArchive = errors.New("unsafe archive")

// ReadArchive decodes a package archive into its files (path → content). It
// accepts only what Pack could have written, and says which entry is not:
//   - every entry a regular file (no folders, links or special files);
//   - names relative, clean, slash-separated, valid UTF-8, without control
//     characters, backslashes or a trailing slash, and without hidden parts
//     (a name part starting with '.', such as .git/config);
//   - names in strictly increasing byte order (so no duplicates), no name
//     both a file and a folder;
//   - contract.yaml present; sizes within MaxFileSize, MaxPackageSize and
//     MaxFiles.
//
// Errors are input errors (exit 2) wrapping ErrUnsafeArchive; nothing is
// written by anyone before ReadArchive has accepted the whole archive.
func ReadArchive(data []byte) (map[string][]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, errkind.Inputf("read archive: %w: %w", err, ErrUnsafeArchive)
	}
	zr.Multistream(false)
	tr := tar.NewReader(zr)
	files := map[string][]byte{}
	dirs := map[string]bool{}
	var total int64
	prev := ""
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, errkind.Inputf("read archive: %w: %w", err, ErrUnsafeArchive)
		}
		name := hdr.Name
		refuse := func(format string, args ...any) error {
			return errkind.Inputf("archive entry %q: %s: %w", name, fmt.Sprintf(format, args...), ErrUnsafeArchive)
		}
		if err := checkEntryName(name); err != nil {
			return nil, refuse("%v", err)
		}
		if hdr.Typeflag != tar.TypeReg {
			return nil, refuse("type %q is not a regular file (a package holds plain files only)", hdr.Typeflag)
		}
		if prev != "" && name <= prev {
			if name == prev {
				return nil, refuse("duplicate")
			}
			return nil, refuse("out of order after %q (Pack writes names in byte order)", prev)
		}
		prev = name
		if hdr.Size < 0 || hdr.Size > MaxFileSize {
			return nil, refuse("size %d out of bounds", hdr.Size)
		}
		total += hdr.Size
		if total > MaxPackageSize || len(files) >= MaxFiles {
			return nil, errkind.Inputf("archive: more than %d bytes or %d files: %w", MaxPackageSize, MaxFiles, ErrUnsafeArchive)
		}
		b, err := io.ReadAll(io.LimitReader(tr, hdr.Size))
		if err != nil || int64(len(b)) != hdr.Size {
			return nil, refuse("truncated")
		}
		files[name] = b
		for d := path.Dir(name); d != "."; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	for d := range dirs {
		if _, clash := files[d]; clash {
			return nil, errkind.Inputf("archive entry %q is both a file and a folder: %w", d, ErrUnsafeArchive)
		}
	}
	if _, ok := files[FileName]; !ok {
		return nil, errkind.Inputf("archive has no %s at its root, so it is not a contract package: %w", FileName, ErrUnsafeArchive)
	}
	return files, nil
}

// checkEntryName refuses a name Files would never list.
func checkEntryName(n string) error {
	switch {
	case n == "" || n == ".":
		return errors.New("empty name")
	case !utf8.ValidString(n):
		return errors.New("name is not valid UTF-8")
	case strings.HasSuffix(n, "/"):
		return errors.New("name ends in '/' (a folder; a package holds files only)")
	case strings.Contains(n, `\`):
		return errors.New("backslash in name")
	case strings.HasPrefix(n, "/") || (len(n) > 1 && n[1] == ':'):
		return errors.New("absolute path")
	case path.Clean(n) != n:
		return errors.New("path is not clean")
	case n == ".." || strings.HasPrefix(n, "../"):
		return errors.New("path leaves the package")
	}
	for _, r := range n {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return errors.New("control character in name")
		}
	}
	for _, part := range strings.Split(n, "/") {
		switch {
		case part == ".." || part == "." || part == "":
			return errors.New("path leaves the package")
		case strings.HasPrefix(part, "."):
			return fmt.Errorf("hidden name %q (Pack never writes hidden files or folders)", part)
		}
	}
	return nil
}
