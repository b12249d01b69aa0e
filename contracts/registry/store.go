// Package registry stores contract packages as OCI artifacts, either in an OCI
// image layout folder on disk (the default, .dsctl/registry) or in a remote OCI
// registry (oci://HOST[:PORT]/PREFIX), behind one Store interface.
//
// Every contract NAME is one OCI repository (a layout folder NAME/ in a local
// store, PREFIX/NAME on a registry) and every version is a tag. Publishing is
// idempotent and a published tag is immutable; yanks are tombstones.
package registry

import (
	"context"
	"errors"
)

// ArtifactType is the OCI artifactType of a contract package manifest.
const ArtifactType = "application/vnd.dsctl.contract.v1"

// Errors a Store returns; callers test them with errors.Is.
var (
	// ErrNotFound: no such contract or version.
	ErrNotFound = errors.New("not found")
	// ErrImmutable: the version exists with other content.
	ErrImmutable = errors.New("version is immutable")
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
