package registry

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/content"
	"oras.land/oras-go/v2/errdef"
	"oras.land/oras-go/v2/registry/remote"
)

// maxRemoteContent bounds what one remote call reads into memory (contract
// packages are small; this only stops a hostile registry).
const maxRemoteContent = 256 << 20

// RemoteTarget is the Target of one contract name on a remote registry: the
// oras-go repository, with every call bounded and retried (RetryPolicy),
// content read whole and verified against its digest before it is returned,
// and pushes made safe to repeat. It satisfies Target and registry.ReferrerLister
// (the referrers API where the registry has it, the tag-schema fallback otherwise).
type RemoteTarget struct {
	repo   *remote.Repository
	remote *Remote

	mu sync.Mutex
	// pushed holds the manifests this target pushed, so that tagging one
	// does not read it back from the registry.
	pushed map[digest.Digest][]byte
}

var _ Target = (*RemoteTarget)(nil)

// Repository is the repository path (PREFIX/NAME).
func (t *RemoteTarget) Repository() string { return t.repo.Reference.Repository }

func short(d fmt.Stringer) string {
	s := d.String()
	if i := strings.IndexByte(s, ':'); i >= 0 && len(s) > i+13 {
		return s[:i+13]
	}
	return s
}

func kindOf(desc ocispec.Descriptor) string {
	switch desc.MediaType {
	case ocispec.MediaTypeImageManifest, ocispec.MediaTypeImageIndex, "application/vnd.oci.artifact.manifest.v1+json",
		"application/vnd.docker.distribution.manifest.v2+json", "application/vnd.docker.distribution.manifest.list.v2+json":
		return "manifest"
	}
	return "blob"
}

// Fetch reads the content whole, verifies size and digest, and retries when
// the bytes were cut short or corrupted on the way.
func (t *RemoteTarget) Fetch(ctx context.Context, desc ocispec.Descriptor) (io.ReadCloser, error) {
	if desc.Size > maxRemoteContent {
		return nil, errkind.Envf("registry %s: %s %s is %d bytes, more than dsctl reads (%d)", t.remote.ref.Host, kindOf(desc), desc.Digest, desc.Size, maxRemoteContent)
	}
	var data []byte
	err := t.remote.do(ctx, "fetch "+kindOf(desc)+" "+short(desc.Digest), false, func(ctx context.Context) error {
		rc, err := t.repo.Fetch(ctx, desc)
		if err != nil {
			return err
		}
		defer rc.Close()
		data, err = content.ReadAll(rc, desc)
		return err
	})
	if err != nil {
		return nil, err
	}
	return io.NopCloser(bytes.NewReader(data)), nil
}

// Push uploads the content (read into memory so that it can be sent again).
// It is safe to repeat: content that already exists counts as pushed, and an
// upload whose answer was lost is checked with Exists before it is retried.
func (t *RemoteTarget) Push(ctx context.Context, desc ocispec.Descriptor, r io.Reader) error {
	if desc.Size > maxRemoteContent {
		return errkind.Envf("registry %s: %s %s is %d bytes, more than dsctl pushes (%d)", t.remote.ref.Host, kindOf(desc), desc.Digest, desc.Size, maxRemoteContent)
	}
	data, err := content.ReadAll(r, desc)
	if err != nil {
		return fmt.Errorf("read %s %s: %w", kindOf(desc), desc.Digest, err)
	}
	return t.remote.do(ctx, "push "+kindOf(desc)+" "+short(desc.Digest), false, func(ctx context.Context) error {
		err := t.repo.Push(ctx, desc, bytes.NewReader(data))
		if err == nil || errors.Is(err, errdef.ErrAlreadyExists) {
			t.remember(desc, data)
			return nil
		}
		// The upload may have completed although its answer was lost. The
		// check has its own stats so that it does not hide the failure above.
		if ok, exErr := t.repo.Exists(withStats(ctx, &callStats{}), desc); exErr == nil && ok {
			return nil
		}
		return err
	})
}

func (t *RemoteTarget) remember(desc ocispec.Descriptor, data []byte) {
	if kindOf(desc) != "manifest" || len(data) > maxManifestSize {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.pushed == nil {
		t.pushed = map[digest.Digest][]byte{}
	}
	t.pushed[desc.Digest] = data
}

func (t *RemoteTarget) recall(desc ocispec.Descriptor) ([]byte, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	data, ok := t.pushed[desc.Digest]
	return data, ok && int64(len(data)) == desc.Size && digest.FromBytes(data) == desc.Digest
}

// Exists reports whether the content is in the repository.
func (t *RemoteTarget) Exists(ctx context.Context, desc ocispec.Descriptor) (bool, error) {
	var ok bool
	err := t.remote.do(ctx, "check "+kindOf(desc)+" "+short(desc.Digest), false, func(ctx context.Context) error {
		var err error
		ok, err = t.repo.Exists(ctx, desc)
		return err
	})
	return ok, err
}

// Resolve resolves a tag (or digest) to a manifest descriptor.
func (t *RemoteTarget) Resolve(ctx context.Context, reference string) (ocispec.Descriptor, error) {
	var desc ocispec.Descriptor
	err := t.remote.do(ctx, "resolve "+t.repo.Reference.Repository+":"+reference, false, func(ctx context.Context) error {
		var err error
		desc, err = t.repo.Resolve(ctx, reference)
		return err
	})
	return desc, err
}

// Tag points reference at the manifest desc: the manifest is fetched and
// verified, then pushed under the tag (one idempotent PUT, retried as a whole).
func (t *RemoteTarget) Tag(ctx context.Context, desc ocispec.Descriptor, reference string) error {
	data, ok := t.recall(desc)
	if !ok {
		rc, err := t.Fetch(ctx, desc)
		if err != nil {
			return err
		}
		if data, err = io.ReadAll(rc); err != nil {
			return fmt.Errorf("read manifest %s: %w", desc.Digest, err)
		}
	}
	err := t.remote.do(ctx, "tag "+t.repo.Reference.Repository+":"+reference, false, func(ctx context.Context) error {
		return t.repo.PushReference(ctx, desc, bytes.NewReader(data), reference)
	})
	if err == nil || !refusedWrite(err) {
		return err
	}
	// Registries with tag immutability (Harbor, ECR, ACR) refuse to move a tag:
	// if the tag exists, another publisher got there first.
	cur, rerr := t.Resolve(ctx, reference)
	if rerr != nil {
		return err
	}
	if cur.Digest == desc.Digest {
		return nil // the same content, published concurrently: idempotent
	}
	return &errkind.Error{Kind: errkind.Finding, Err: fmt.Errorf(
		"tag %s now points at %s and the registry refused to move it (tag immutability): %w",
		reference, cur.Digest, ErrImmutable)}
}

// refusedWrite reports whether the registry refused a write with a client
// error (tag immutability is reported as 400 TAG_INVALID by ECR, 412 by
// Harbor, 403/405/409 by others).
func refusedWrite(err error) bool {
	var er *errorResponse
	if !errors.As(err, &er) {
		return false
	}
	switch er.StatusCode {
	case 400, 403, 405, 409, 412:
		return true
	}
	return false
}

// Limits of listing the tags of one contract: a registry that pages forever,
// or lists more versions than any contract has, is cut off with an error that
// says where it was cut.
const (
	// MaxTagPages is the most pages of a tag list dsctl reads (each page is
	// at most 4 MiB, the limit of every registry answer dsctl reads).
	MaxTagPages = 100
	// MaxTags is the most tags of one contract dsctl reads.
	MaxTags = 10000
	// MaxListTime bounds listing the versions of one contract, from the
	// first page to the last manifest looked up.
	MaxListTime = 2 * time.Minute
)

// ErrTooManyTags is wrapped by the error of a tag list cut at a limit.
var ErrTooManyTags = errors.New("tag list too long")

// Tags lists every tag (all pages, retried as a whole, within MaxTagPages and
// MaxTags), then calls fn once.
func (t *RemoteTarget) Tags(ctx context.Context, last string, fn func(tags []string) error) error {
	var all []string
	var pages int
	cut := errors.New("cut")
	err := t.remote.do(ctx, "list tags of "+t.repo.Reference.Repository, false, func(ctx context.Context) error {
		all, pages = all[:0], 0
		return t.repo.Tags(ctx, last, func(tags []string) error {
			pages++
			all = append(all, tags...)
			if pages > MaxTagPages || len(all) > MaxTags {
				return cut
			}
			return nil
		})
	})
	if errors.Is(err, cut) {
		return errkind.Envf("registry %s: list tags of %s: cut after %d pages and %d tags, more than the %d pages or %d tags dsctl reads (a registry paging forever?): %w",
			t.remote.ref.Host, t.repo.Reference.Repository, pages, len(all), MaxTagPages, MaxTags, ErrTooManyTags)
	}
	if err != nil {
		return err
	}
	return fn(all)
}

// Referrers lists the manifests whose subject is desc, filtered by
// artifactType: the referrers API where the registry has it, else the
// tag-schema fallback (a sha256-<hex> index tag), both handled by oras-go.
func (t *RemoteTarget) Referrers(ctx context.Context, desc ocispec.Descriptor, artifactType string, fn func(referrers []ocispec.Descriptor) error) error {
	var all []ocispec.Descriptor
	err := t.remote.do(ctx, "list referrers of "+short(desc.Digest), false, func(ctx context.Context) error {
		all = all[:0]
		return t.repo.Referrers(ctx, desc, artifactType, func(refs []ocispec.Descriptor) error {
			all = append(all, refs...)
			return nil
		})
	})
	if err != nil {
		return err
	}
	return fn(all)
}

// Predecessors returns the referrers of desc (every artifact type).
func (t *RemoteTarget) Predecessors(ctx context.Context, desc ocispec.Descriptor) ([]ocispec.Descriptor, error) {
	var out []ocispec.Descriptor
	err := t.Referrers(ctx, desc, "", func(refs []ocispec.Descriptor) error {
		out = refs
		return nil
	})
	return out, err
}
