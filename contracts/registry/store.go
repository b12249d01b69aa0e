// Package registry stores contract packages as OCI artifacts, either in an OCI
// image layout folder on disk (the default, .dsctl/registry) or in a remote OCI
// registry (oci://HOST[:PORT]/PREFIX), behind one Store interface.
//
// Every contract NAME is one OCI repository (a layout folder NAME/ in a local
// store, PREFIX/NAME on a registry) and every version is a tag. Publishing is
// idempotent and a published tag is immutable; yanks are tombstones.
//
// Shape, for the engineers building on it:
//
//   - Target is what one contract name is stored in: an oras.GraphTarget that
//     can also list its tags (oci.Store and remote.Repository both are).
//   - NewTargetStore(ref, open, names) builds the one generic Store over
//     targets: open(ctx, name) returns the target of a contract name, names(ctx)
//     lists the contract names. Set (*TargetStore).Lock to serialise check+push
//     per name (the layout store uses a file lock; a remote store leaves it nil).
//   - Open(ref, opts) parses a reference: a path or oci-layout:PATH opens a
//     layout folder (one OCI layout per name: <root>/<name>/); oci://... opens
//     a remote registry (NewRemote, in remote.go).
//
// Artifact: an OCI image manifest with artifactType ArtifactType, the archive
// as its one layer (LayerMediaType), the contract manifest as the config blob
// (ConfigMediaType), annotations org.opencontainers.image.version and a fixed
// org.opencontainers.image.created (FixedCreated), so the same content gives
// the same manifest digest. Yanks are referrer artifacts (YankArtifactType)
// whose subject is the version's manifest; the reason is the YankReasonAnnotation.
package registry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/dsctl/dsctl/internal/errkind"
	"oras.land/oras-go/v2"
	"oras.land/oras-go/v2/registry"
)

// ArtifactType is the OCI artifactType of a contract package manifest.
const ArtifactType = "application/vnd.dsctl.contract.v1"

// Media types and annotations of the artifact.
const (
	// LayerMediaType is the media type of the archive layer (a gzipped tar).
	LayerMediaType = "application/vnd.dsctl.contract.layer.v1.tar+gzip"
	// ConfigMediaType is the media type of the config blob (the contract manifest as JSON).
	ConfigMediaType = "application/vnd.dsctl.contract.config.v1+json"
	// YankArtifactType is the artifactType of a yank tombstone (a referrer of the yanked version).
	YankArtifactType = "application/vnd.dsctl.yank.v1"
	// YankReasonAnnotation holds the reason of a yank on the tombstone manifest.
	YankReasonAnnotation = "dev.dsctl.yank.reason"
	// NameAnnotation holds the contract name on the package manifest.
	NameAnnotation = "dev.dsctl.contract.name"
	// FixedCreated is the org.opencontainers.image.created value of every
	// manifest dsctl writes: no clock, so equal content gives equal digests.
	FixedCreated = "1970-01-01T00:00:00Z"
)

// Errors a Store returns; callers test them with errors.Is.
var (
	// ErrNotFound: no such contract or version.
	ErrNotFound = errors.New("not found")
	// ErrImmutable: the version exists with other content.
	ErrImmutable = errors.New("version is immutable")
	// ErrCorrupt: fetched content does not match its digest or is not a contract package.
	ErrCorrupt = errors.New("content does not match its digest")
)

// Package is a packed contract ready to push: the deterministic archive and what describes it.
type Package struct {
	Name    string
	Version string
	// Archive is the deterministic package archive (the one layer).
	Archive []byte
	// Config is the config blob (the contract manifest as JSON).
	Config []byte
	// Annotations are added to the OCI manifest (fixed values only: no clock).
	Annotations map[string]string
}

// Version describes one published version.
type Version struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	// Digest is the OCI manifest digest ("sha256:...").
	Digest string `json:"digest"`
	// ArchiveDigest is the digest of the archive layer.
	ArchiveDigest string `json:"archiveDigest,omitempty"`
	Yanked        bool   `json:"yanked,omitempty"`
	YankReason    string `json:"yankReason,omitempty"`
}

// PushResult says what Push did.
type PushResult struct {
	Version Version
	// AlreadyPublished is true when the tag already pointed at the same manifest (no-op).
	AlreadyPublished bool
}

// Store is where contract packages are published and pulled from.
type Store interface {
	// Ref is the store reference as the user would write it (no credentials).
	Ref() string
	// Names lists the contract names in the store, sorted.
	Names(ctx context.Context) ([]string, error)
	// List returns every version of name with yank marks, sorted by semver ascending.
	List(ctx context.Context, name string) ([]Version, error)
	// Lookup resolves name@version (an exact tag) to its manifest; ErrNotFound if absent.
	Lookup(ctx context.Context, name, version string) (Version, error)
	// Push publishes pkg: blobs, then manifest, then the tag last. Same content
	// under an existing tag is a no-op; other content is ErrImmutable and changes nothing.
	Push(ctx context.Context, pkg Package) (PushResult, error)
	// Fetch returns the archive of name@version after verifying it against its digests.
	Fetch(ctx context.Context, name, version string) ([]byte, Version, error)
	// Yank marks name@version as withdrawn with a reason (a tombstone, never a deletion).
	Yank(ctx context.Context, name, version, reason string) error
}

// Target is the storage of one contract name: an OCI graph target (blobs,
// manifests, tags, predecessors for referrers) that also lists its tags.
// oras-go's content/oci.Store and registry/remote.Repository both satisfy it.
type Target interface {
	oras.GraphTarget
	registry.TagLister
}

// OpenTargetFunc returns the target that holds the contract name.
type OpenTargetFunc func(ctx context.Context, name string) (Target, error)

// NamesFunc lists the contract names of a store (unsorted is fine).
type NamesFunc func(ctx context.Context) ([]string, error)

// LockFunc takes an exclusive lock on name for a check-and-push; the returned
// function releases it.
type LockFunc func(ctx context.Context, name string) (unlock func() error, err error)

// Options configure Open. The layout store ignores the network settings.
type Options struct {
	// PlainHTTP allows http:// for oci:// references (loopback only unless allowed by the remote code).
	PlainHTTP bool
	// Retries bounds the retries of idempotent registry calls; 0 means the remote default, -1 none.
	Retries int
	// Timeout bounds each registry call; 0 means the remote default.
	Timeout time.Duration
	// Log receives warnings (retries); nil discards them.
	Log io.Writer
	// FromRepository says ref was read from dsctl.yaml (see RemoteOptions).
	FromRepository bool
	// Create says the command creates the store if needed (publish). Without
	// it a folder reference that exists but is not a store is refused (see
	// CheckLayoutRoot): a command that only reads would otherwise report an
	// empty folder, or a file, as a store with no contracts.
	Create bool
}

// remotePrefix is the scheme of remote registry references (RemoteScheme in remote.go).
const remotePrefix = "oci://"

// LayoutScheme prefixes an OCI image layout reference.
const LayoutScheme = "oci-layout:"

// Open parses a store reference and opens the store: oci://... is a remote
// registry (openRemote), oci-layout:PATH or a plain path is an OCI
// image layout folder, created on first push.
func Open(ref string, opts Options) (Store, error) {
	switch {
	case ref == "":
		return nil, errkind.Inputf("empty registry reference")
	case strings.HasPrefix(ref, remotePrefix):
		return openRemote(ref, opts)
	case strings.HasPrefix(ref, LayoutScheme):
		p := strings.TrimPrefix(ref, LayoutScheme)
		if p == "" {
			return nil, errkind.Inputf("registry %s: empty path", ref)
		}
		return openLayoutChecked(ref, p, opts)
	case strings.Contains(ref, "://"):
		return nil, errkind.Inputf("registry %s: unknown scheme (want a folder, oci-layout:PATH or oci://HOST/PREFIX)", ref)
	default:
		return openLayoutChecked(ref, ref, opts)
	}
}

func openLayoutChecked(ref, root string, opts Options) (Store, error) {
	if !opts.Create {
		if err := CheckLayoutRoot(ref, root); err != nil {
			return nil, err
		}
	}
	return OpenLayout(ref, root), nil
}

// DefaultDir is the store used when neither --registry nor dsctl.yaml's
// registry: name one, relative to the project folder (the folder of
// dsctl.yaml, else the current folder). It belongs to the project, never to
// the user: two projects never share a default store.
const DefaultDir = ".dsctl/registry"

// DefaultRef returns the default store of the project folder dir.
func DefaultRef(dir string) string {
	return filepath.Join(dir, filepath.FromSlash(DefaultDir))
}

// ValidName reports whether name is a valid contract name ([a-z0-9][a-z0-9.-]*).
func ValidName(name string) bool {
	if name == "" || len(name) > 128 {
		return false
	}
	for i, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		case (r == '.' || r == '-') && i > 0:
		default:
			return false
		}
	}
	return !strings.Contains(name, "..")
}

func checkName(name string) error {
	if !ValidName(name) {
		return errkind.Inputf("invalid contract name %q (want [a-z0-9][a-z0-9.-]*)", name)
	}
	return nil
}

func wrapNotFound(what string) error { return fmt.Errorf("%s: %w", what, ErrNotFound) }
