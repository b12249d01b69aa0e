package registry

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/fsx"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/content/oci"
)

// LockFileName is the per-name lock file of a layout store (<root>/<name>/.lock).
const LockFileName = ".lock"

// OpenLayout returns the store in the OCI image layout folder root: one layout
// per contract name in <root>/<name>/. Nothing is created until a push. ref is
// how the store is named in messages and in dsctl.lock.
func OpenLayout(ref, root string) *TargetStore {
	s := NewTargetStore(ref,
		func(ctx context.Context, name string) (Target, error) {
			dir := filepath.Join(root, name)
			if !forWrite(ctx) {
				if _, err := os.Stat(filepath.Join(dir, ocispec.ImageLayoutFile)); err != nil {
					return nil, wrapNotFound(name)
				}
			}
			st, err := oci.NewWithContext(ctx, dir)
			if err != nil {
				return nil, layoutErr(ref, err)
			}
			return st, nil
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
				if _, err := os.Stat(filepath.Join(root, e.Name(), ocispec.ImageLayoutFile)); err == nil {
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

func layoutErr(ref string, err error) error {
	return errkind.Envf("registry %s: %w", ref, err)
}

type writeKey struct{}

// forWrite reports whether the target is opened to write (created when missing).
func forWrite(ctx context.Context) bool { return ctx.Value(writeKey{}) != nil }

// WithWrite marks ctx as opening targets to write: a layout store creates the
// folder of a new name only then.
func WithWrite(ctx context.Context) context.Context { return context.WithValue(ctx, writeKey{}, true) }
