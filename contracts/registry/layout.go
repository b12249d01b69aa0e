package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/dsctl/dsctl/internal/cmdline"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/fsx"
	specs "github.com/opencontainers/image-spec/specs-go"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/content/oci"
	"oras.land/oras-go/v2/errdef"
)

// LockFileName is the per-name lock file of a layout store (<root>/<name>/.lock).
const LockFileName = ".lock"

// OpenLayout returns the store in the OCI image layout folder root: one layout
// per contract name in <root>/<name>/. Nothing is created until a push. ref is
// how the store is named in messages and in dsctl.lock.
//
// Writes go through oras-go's oci.Store, except index.json, which this package
// writes atomically (temp file and rename) so that readers, which open the
// layout read-only and take no lock, and a process killed mid-write never see
// a half-written index.
func OpenLayout(ref, root string) *TargetStore {
	s := NewTargetStore(ref,
		func(ctx context.Context, name string) (Target, error) {
			dir := filepath.Join(root, name)
			if !forWrite(ctx) {
				if _, err := os.Stat(filepath.Join(dir, "index.json")); err != nil {
					return nil, wrapNotFound(name)
				}
				fsys, err := openLayoutFS(dir)
				if err != nil {
					return nil, layoutErr(ref, fmt.Errorf("open %s: %w", name, err))
				}
				st, err := oci.NewFromFS(ctx, fsys)
				if err != nil {
					return nil, layoutErr(ref, fmt.Errorf("open %s: %w", name, err))
				}
				return readOnly{st}, nil
			}
			return openLayoutWrite(ctx, ref, dir)
		},
		func(ctx context.Context) ([]string, error) {
			ents, err := os.ReadDir(root)
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return nil, nil
				}
				return nil, layoutErr(ref, err)
			}
			var names []string
			for _, e := range ents {
				if !e.IsDir() || !ValidName(e.Name()) {
					continue
				}
				if _, err := os.Stat(filepath.Join(root, e.Name(), "index.json")); err == nil {
					names = append(names, e.Name())
				}
			}
			return names, nil
		})
	s.Lock = func(ctx context.Context, name string) (func() error, error) {
		if err := checkName(name); err != nil {
			return nil, err
		}
		l, err := fsx.LockFile(filepath.Join(root, name, LockFileName))
		if err != nil {
			return nil, layoutErr(ref, err)
		}
		return l.Unlock, nil
	}
	return s
}

// layoutFS is a layout folder as read by oras-go, with dsctl's limits applied
// before oras-go reads anything (it reads index.json whole, and every manifest
// the index lists, at the size the index declares): paths resolve inside the
// folder on the real file system (a blob linked to /dev/zero or outside is
// refused), only regular files open, index.json and oci-layout are at most
// maxManifestSize and a blob at most maxArchiveSize.
type layoutFS struct{ fsys fs.FS }

// openLayoutFS opens the layout folder dir to read and checks its index.json:
// every manifest it lists declares at most maxManifestSize.
func openLayoutFS(dir string) (fs.FS, error) {
	root, err := fsx.RootFS(dir)
	if err != nil {
		return nil, err
	}
	l := layoutFS{root}
	data, err := fs.ReadFile(l, ocispec.ImageIndexFile)
	if err != nil {
		return nil, err
	}
	var index ocispec.Index
	if err := json.Unmarshal(data, &index); err != nil {
		return nil, fmt.Errorf("%s: %w", ocispec.ImageIndexFile, err)
	}
	for _, d := range index.Manifests {
		if d.Size < 0 || d.Size > maxManifestSize {
			return nil, fmt.Errorf("%s lists manifest %s of %d bytes, more than %d", ocispec.ImageIndexFile, d.Digest, d.Size, maxManifestSize)
		}
	}
	return l, nil
}

// Open implements fs.FS within the limits of layoutFS.
func (l layoutFS) Open(name string) (fs.File, error) {
	f, err := l.fsys.Open(name)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	limit := int64(maxArchiveSize)
	if name == ocispec.ImageIndexFile || name == ocispec.ImageLayoutFile {
		limit = maxManifestSize
	}
	switch {
	case fi.IsDir():
	case !fi.Mode().IsRegular():
		f.Close()
		return nil, fmt.Errorf("%s is not a regular file", name)
	case fi.Size() > limit:
		f.Close()
		return nil, fmt.Errorf("%s is %d bytes, more than %d", name, fi.Size(), limit)
	}
	return f, nil
}

func layoutErr(ref string, err error) error {
	return errkind.Envf("registry %s: %w", ref, err)
}

type writeKey struct{}

// forWrite reports whether the target is opened to write (created when missing).
func forWrite(ctx context.Context) bool { return ctx.Value(writeKey{}) != nil }

// WithWrite marks ctx as opening targets to write: a layout store creates the
// folder of a new name only then, and opens it read-only otherwise.
func WithWrite(ctx context.Context) context.Context { return context.WithValue(ctx, writeKey{}, true) }

// readOnly is a layout opened to read: pushes and tags are refused.
type readOnly struct{ *oci.ReadOnlyStore }

// Push refuses: the layout is open to read.
func (readOnly) Push(context.Context, ocispec.Descriptor, io.Reader) error {
	return fmt.Errorf("layout opened read-only: %w", errdef.ErrUnsupported)
}

// Tag refuses: the layout is open to read.
func (readOnly) Tag(context.Context, ocispec.Descriptor, string) error {
	return fmt.Errorf("layout opened read-only: %w", errdef.ErrUnsupported)
}

// layoutTarget is an oci.Store whose index.json this package keeps, atomically.
type layoutTarget struct {
	*oci.Store
	dir   string
	index ocispec.Index
}

func openLayoutWrite(ctx context.Context, ref, dir string) (Target, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, layoutErr(ref, err)
	}
	// The layout marker and the first, empty index are written atomically but
	// not synced: the tagged index.json that follows is synced (file and
	// folder), and a marker lost to a power cut is written again here
	// (an empty or invalid marker is replaced).
	layoutFile := filepath.Join(dir, ocispec.ImageLayoutFile)
	var marker ocispec.ImageLayout
	if b, err := fsx.ReadFileLimited(layoutFile, maxManifestSize); err != nil || json.Unmarshal(b, &marker) != nil || marker.Version == "" {
		b, _ := json.Marshal(ocispec.ImageLayout{Version: ocispec.ImageLayoutVersion})
		if err := renameInto(layoutFile, b); err != nil {
			return nil, layoutErr(ref, err)
		}
	}
	lt := &layoutTarget{dir: dir}
	indexFile := filepath.Join(dir, "index.json")
	data, err := fsx.ReadFileLimited(indexFile, maxManifestSize)
	switch {
	case err == nil:
		if err := json.Unmarshal(data, &lt.index); err != nil {
			return nil, layoutErr(ref, fmt.Errorf("%s: %w", indexFile, err))
		}
	case errors.Is(err, fs.ErrNotExist):
		lt.index = ocispec.Index{Versioned: specs.Versioned{SchemaVersion: 2}, MediaType: ocispec.MediaTypeImageIndex, Manifests: []ocispec.Descriptor{}}
		b, _ := json.Marshal(lt.index)
		if err := renameInto(indexFile, b); err != nil {
			return nil, layoutErr(ref, err)
		}
	default:
		return nil, layoutErr(ref, err)
	}
	st, err := oci.NewWithContext(ctx, dir)
	if err != nil {
		return nil, layoutErr(ref, err)
	}
	st.AutoSaveIndex = false
	lt.Store = st
	return lt, nil
}

// renameInto writes data to a temp file beside path and renames it over path:
// readers and a killed process see the old file or the new, never a part.
// Unlike fsx.WriteFileAtomic it does not fsync (see openLayoutWrite).
func renameInto(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("create temp file for %s: %w", path, err)
	}
	_, werr := f.Write(data)
	cerr := f.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(f.Name(), 0o644)
	}
	if werr == nil {
		werr = os.Rename(f.Name(), path)
	}
	if werr != nil {
		os.Remove(f.Name())
		return fmt.Errorf("write %s: %w", path, werr)
	}
	return nil
}

func (l *layoutTarget) save() error {
	b, err := json.Marshal(l.index)
	if err != nil {
		return fmt.Errorf("encode index.json: %w", err)
	}
	return fsx.WriteFileAtomic(filepath.Join(l.dir, "index.json"), b, 0o644)
}

// record adds desc to the index, under tag when tag is not empty (moving the
// tag), and saves the index unless save is false (a package manifest, whose
// tag follows at once and saves both).
func (l *layoutTarget) record(desc ocispec.Descriptor, tag string, save bool) error {
	d := ocispec.Descriptor{MediaType: desc.MediaType, ArtifactType: desc.ArtifactType, Digest: desc.Digest, Size: desc.Size}
	out := l.index.Manifests[:0:0]
	have := false
	for _, m := range l.index.Manifests {
		t := m.Annotations[ocispec.AnnotationRefName]
		switch {
		case tag != "" && t == tag:
			continue // the tag moves
		case tag != "" && t == "" && m.Digest == desc.Digest:
			continue // the untagged entry becomes the tagged one
		case tag == "" && m.Digest == desc.Digest:
			have = true
		}
		out = append(out, m)
	}
	if tag != "" {
		d.Annotations = map[string]string{ocispec.AnnotationRefName: tag}
		out = append(out, d)
	} else if !have {
		out = append(out, d)
	}
	l.index.Manifests = out
	if !save {
		return nil
	}
	return l.save()
}

// Push stores content; a manifest is also recorded in index.json.
func (l *layoutTarget) Push(ctx context.Context, expected ocispec.Descriptor, r io.Reader) error {
	if err := l.Store.Push(ctx, expected, r); err != nil {
		return err
	}
	if isManifest(expected.MediaType) {
		// A tombstone (or any other untagged manifest) is saved now; a package
		// manifest is saved with its tag: until then it is unreachable anyway.
		return l.record(expected, "", expected.ArtifactType != ArtifactType)
	}
	return nil
}

// Tag points reference at desc, in memory and in index.json.
func (l *layoutTarget) Tag(ctx context.Context, desc ocispec.Descriptor, reference string) error {
	if err := l.Store.Tag(ctx, desc, reference); err != nil {
		return err
	}
	return l.record(desc, reference, true)
}

func isManifest(mt string) bool {
	return mt == ocispec.MediaTypeImageManifest || mt == ocispec.MediaTypeImageIndex
}

// CheckLayoutRoot returns an input error when root exists but is not a
// folder store: a file, or a folder without one contract in it (no
// NAME/index.json). A missing folder is an empty store (nothing published
// yet). Commands that only read call it, so that a mistyped or wrong path is
// refused (exit 2) rather than read as a store with no contracts; publish
// creates the store and does not. ref names the store in the message.
func CheckLayoutRoot(ref, root string) error {
	fi, err := os.Stat(root)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return errkind.Inputf("registry %s: %w", ref, fsx.PathCause(err))
	}
	notStore := func(why, hint string) error {
		return &errkind.Error{Kind: errkind.Input, Err: fmt.Errorf("registry %s is not a contract store: %s", ref, why), Hint: hint}
	}
	if !fi.IsDir() {
		return notStore("it is a file", "a store is a folder with one OCI layout per contract (NAME/index.json), made by 'dsctl contract publish'")
	}
	ents, err := os.ReadDir(root)
	if err != nil {
		return errkind.Inputf("registry %s: %w", ref, fsx.PathCause(err))
	}
	for _, e := range ents {
		if e.IsDir() && ValidName(e.Name()) {
			if _, err := os.Stat(filepath.Join(root, e.Name(), ocispec.ImageIndexFile)); err == nil {
				return nil
			}
		}
	}
	if _, err := os.Stat(filepath.Join(root, ocispec.ImageIndexFile)); err == nil {
		return notStore("it is the OCI layout of one contract", "name the folder above it: a store holds one layout per contract (NAME/index.json)")
	}
	return notStore("no contract is published in it", "check the path; to make a store there, publish to it: "+cmdline.Join("dsctl", "contract", "publish", "--registry", ref))
}
