package registry

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"

	"github.com/Masterminds/semver/v3"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/opencontainers/go-digest"
	specs "github.com/opencontainers/image-spec/specs-go"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/content"
	"oras.land/oras-go/v2/errdef"
	"oras.land/oras-go/v2/registry"
	"oras.land/oras-go/v2/registry/remote/errcode"
)

// Bounds on what is read from a store, checked before anything is fetched
// (oras-go allocates a blob's declared size): a manifest, a config blob, and
// an archive (packages hold at most 64 MiB uncompressed).
const (
	maxManifestSize = 4 << 20
	maxConfigSize   = 4 << 20
	maxArchiveSize  = 80 << 20
)

// TargetStore is the one Store implementation, over oras-go targets: an OCI
// image layout per name on disk, or a repository per name on a registry.
type TargetStore struct {
	ref   string
	open  OpenTargetFunc
	names NamesFunc
	// Lock, when set, is held around every check-and-push and yank of a name,
	// and the target is opened inside it (so it sees what other writers did).
	Lock LockFunc
}

// NewTargetStore returns a Store named ref whose contract names live in the
// targets open returns and are listed by names.
func NewTargetStore(ref string, open OpenTargetFunc, names NamesFunc) *TargetStore {
	return &TargetStore{ref: ref, open: open, names: names}
}

// Ref returns the reference the store was opened with.
func (s *TargetStore) Ref() string { return s.ref }

// Names lists the contract names, sorted.
func (s *TargetStore) Names(ctx context.Context) ([]string, error) {
	if s.names == nil {
		return nil, errkind.Inputf("registry %s: listing contract names is not supported; name a contract", s.ref)
	}
	ns, err := s.names(ctx)
	if err != nil {
		return nil, err
	}
	sort.Strings(ns)
	return ns, nil
}

func (s *TargetStore) target(ctx context.Context, name string) (Target, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	return s.open(ctx, name)
}

func (s *TargetStore) lock(ctx context.Context, name string) (func() error, error) {
	if s.Lock == nil {
		return func() error { return nil }, nil
	}
	return s.Lock(ctx, name)
}

// BuildManifest returns the blobs and the manifest of pkg exactly as Push
// writes them; the manifest digest depends only on the package content.
func BuildManifest(pkg Package) (config, layer, manifest ocispec.Descriptor, manifestJSON []byte, err error) {
	config = ocispec.Descriptor{
		MediaType: ConfigMediaType,
		Digest:    digest.FromBytes(pkg.Config),
		Size:      int64(len(pkg.Config)),
	}
	layer = ocispec.Descriptor{
		MediaType: LayerMediaType,
		Digest:    digest.FromBytes(pkg.Archive),
		Size:      int64(len(pkg.Archive)),
		Annotations: map[string]string{
			ocispec.AnnotationTitle: pkg.Name + "-" + pkg.Version + ".tar.gz",
		},
	}
	ann := map[string]string{}
	for k, v := range pkg.Annotations {
		ann[k] = v
	}
	ann[ocispec.AnnotationVersion] = pkg.Version
	ann[ocispec.AnnotationCreated] = FixedCreated
	ann[NameAnnotation] = pkg.Name
	m := ocispec.Manifest{
		Versioned:    specs.Versioned{SchemaVersion: 2},
		MediaType:    ocispec.MediaTypeImageManifest,
		ArtifactType: ArtifactType,
		Config:       config,
		Layers:       []ocispec.Descriptor{layer},
		Annotations:  ann,
	}
	// encoding/json sorts map keys: the bytes are deterministic.
	manifestJSON, err = json.Marshal(m)
	if err != nil {
		return config, layer, manifest, nil, fmt.Errorf("encode manifest: %w", err)
	}
	manifest = ocispec.Descriptor{
		MediaType:    ocispec.MediaTypeImageManifest,
		ArtifactType: ArtifactType,
		Digest:       digest.FromBytes(manifestJSON),
		Size:         int64(len(manifestJSON)),
	}
	return config, layer, manifest, manifestJSON, nil
}

// Push publishes pkg; see Store.
func (s *TargetStore) Push(ctx context.Context, pkg Package) (PushResult, error) {
	if err := checkName(pkg.Name); err != nil {
		return PushResult{}, err
	}
	if _, err := semver.StrictNewVersion(pkg.Version); err != nil {
		return PushResult{}, errkind.Inputf("invalid version %q: %w", pkg.Version, err)
	}
	cfg, layer, mdesc, mjson, err := BuildManifest(pkg)
	if err != nil {
		return PushResult{}, err
	}
	res := PushResult{Version: Version{Name: pkg.Name, Version: pkg.Version, Digest: mdesc.Digest.String(), ArchiveDigest: layer.Digest.String()}}

	unlock, err := s.lock(ctx, pkg.Name)
	if err != nil {
		return res, err
	}
	defer unlock()
	t, err := s.target(WithWrite(ctx), pkg.Name)
	if err != nil {
		return res, err
	}
	// Immutability: check the tag before writing anything.
	if cur, err := t.Resolve(ctx, pkg.Version); err == nil {
		if cur.Digest == mdesc.Digest {
			res.AlreadyPublished = true
			return res, nil
		}
		return res, fmt.Errorf("%s@%s is published as %s, this package is %s: %w",
			pkg.Name, pkg.Version, cur.Digest, mdesc.Digest, ErrImmutable)
	} else if !isNotFound(err) {
		return res, s.envErr("resolve "+pkg.Name+"@"+pkg.Version, err)
	}
	// Blobs, then the manifest, then the tag last: a reader never sees a tag
	// pointing at a partial artifact, and a rerun after a failure is safe.
	if err := pushIfMissing(ctx, t, cfg, pkg.Config); err != nil {
		return res, s.envErr("push config of "+pkg.Name+"@"+pkg.Version, err)
	}
	if err := pushIfMissing(ctx, t, layer, pkg.Archive); err != nil {
		return res, s.envErr("push archive of "+pkg.Name+"@"+pkg.Version, err)
	}
	if err := pushIfMissing(ctx, t, mdesc, mjson); err != nil {
		return res, s.envErr("push manifest of "+pkg.Name+"@"+pkg.Version, err)
	}
	if err := t.Tag(ctx, mdesc, pkg.Version); err != nil {
		return res, s.envErr("tag "+pkg.Name+"@"+pkg.Version, err)
	}
	// Tags on a registry are mutable: make sure the tag points at our digest.
	if cur, err := t.Resolve(ctx, pkg.Version); err != nil {
		return res, s.envErr("resolve "+pkg.Name+"@"+pkg.Version+" after push", err)
	} else if cur.Digest != mdesc.Digest {
		return res, fmt.Errorf("%s@%s was published concurrently as %s: %w", pkg.Name, pkg.Version, cur.Digest, ErrImmutable)
	}
	return res, nil
}

// isNotFound reports whether err says the tag, manifest or repository does not exist.
func isNotFound(err error) bool {
	if errors.Is(err, errdef.ErrNotFound) {
		return true
	}
	var er *errcode.ErrorResponse
	return errors.As(err, &er) && er.StatusCode == http.StatusNotFound
}

func pushIfMissing(ctx context.Context, t Target, desc ocispec.Descriptor, data []byte) error {
	ok, err := t.Exists(ctx, desc)
	if err != nil {
		return err
	}
	if ok {
		return nil
	}
	err = t.Push(ctx, desc, bytes.NewReader(data))
	if errors.Is(err, errdef.ErrAlreadyExists) {
		return nil
	}
	return err
}

func (s *TargetStore) envErr(what string, err error) error {
	if errkind.Of(err) != errkind.Unknown || errors.Is(err, ErrNotFound) || errors.Is(err, ErrImmutable) {
		return fmt.Errorf("registry %s: %s: %w", s.ref, what, err)
	}
	return errkind.Envf("registry %s: %s: %w", s.ref, what, err)
}

// List returns every version of name, sorted by semver; tags that are not
// semver (referrer fallback tags, for example) are skipped.
func (s *TargetStore) List(ctx context.Context, name string) ([]Version, error) {
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, MaxListTime)
	defer cancel()
	out, err := s.list(ctx, name)
	if err != nil && parent.Err() == nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return nil, errkind.Envf("registry %s: list versions of %s: cut after %s, the longest dsctl spends listing one contract: %w", s.ref, name, MaxListTime, ErrTooManyTags)
	}
	return out, err
}

func (s *TargetStore) list(ctx context.Context, name string) ([]Version, error) {
	t, err := s.target(ctx, name)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, nil
		}
		return nil, err
	}
	tags, err := registry.Tags(ctx, t)
	if err != nil {
		if isNotFound(err) {
			return nil, nil
		}
		return nil, s.envErr("list tags of "+name, err)
	}
	type tv struct {
		tag string
		v   *semver.Version
	}
	var vs []tv
	for _, tag := range tags {
		v, err := semver.StrictNewVersion(tag)
		if err != nil {
			continue
		}
		vs = append(vs, tv{tag, v})
	}
	sort.Slice(vs, func(i, j int) bool { return vs[i].v.LessThan(vs[j].v) })
	out := make([]Version, 0, len(vs))
	for _, x := range vs {
		v, _, err := s.lookup(ctx, t, name, x.tag)
		if err != nil {
			if errors.Is(err, ErrNotFound) {
				continue
			}
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// Lookup resolves name@version; see Store.
func (s *TargetStore) Lookup(ctx context.Context, name, version string) (Version, error) {
	t, err := s.target(ctx, name)
	if err != nil {
		return Version{}, err
	}
	v, _, err := s.lookup(ctx, t, name, version)
	return v, err
}

func (s *TargetStore) lookup(ctx context.Context, t Target, name, version string) (Version, ocispec.Manifest, error) {
	var m ocispec.Manifest
	desc, err := t.Resolve(ctx, version)
	if err != nil {
		if isNotFound(err) {
			return Version{}, m, wrapNotFound(name + "@" + version)
		}
		return Version{}, m, s.envErr("resolve "+name+"@"+version, err)
	}
	m, err = fetchManifest(ctx, t, desc)
	if err != nil {
		return Version{}, m, s.envErr("fetch manifest of "+name+"@"+version, err)
	}
	if m.ArtifactType != ArtifactType || len(m.Layers) != 1 || m.Layers[0].MediaType != LayerMediaType {
		return Version{}, m, errkind.Inputf("registry %s: %s@%s is not a dsctl contract package (artifactType %q)", s.ref, name, version, m.ArtifactType)
	}
	v := Version{Name: name, Version: version, Digest: desc.Digest.String(), ArchiveDigest: m.Layers[0].Digest.String()}
	// Yank tombstones are referrers of the version's manifest.
	mdesc := ocispec.Descriptor{MediaType: ocispec.MediaTypeImageManifest, Digest: desc.Digest, Size: desc.Size}
	refs, err := registry.Referrers(ctx, t, mdesc, YankArtifactType)
	if err != nil && !isNotFound(err) {
		return Version{}, m, s.envErr("list yanks of "+name+"@"+version, err)
	}
	var reasons []string
	for _, r := range refs {
		if r.ArtifactType != YankArtifactType {
			continue
		}
		reason := r.Annotations[YankReasonAnnotation]
		if reason == "" {
			// The referrers fallback may not carry annotations: read the tombstone.
			if ym, err := fetchManifest(ctx, t, r); err == nil {
				reason = ym.Annotations[YankReasonAnnotation]
			}
		}
		v.Yanked = true
		reasons = append(reasons, reason)
	}
	if len(reasons) > 0 {
		sort.Strings(reasons)
		v.YankReason = reasons[0]
	}
	return v, m, nil
}

func fetchManifest(ctx context.Context, t Target, desc ocispec.Descriptor) (ocispec.Manifest, error) {
	var m ocispec.Manifest
	if desc.Size > maxManifestSize {
		return m, fmt.Errorf("manifest %s is %d bytes, more than %d", desc.Digest, desc.Size, maxManifestSize)
	}
	if desc.MediaType == "" {
		desc.MediaType = ocispec.MediaTypeImageManifest
	}
	// FetchAll verifies size and digest.
	data, err := content.FetchAll(ctx, t, desc)
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return m, fmt.Errorf("decode manifest %s: %w: %w", desc.Digest, err, ErrCorrupt)
	}
	return m, nil
}

// Fetch returns the archive of name@version, verified against the manifest's
// layer digest (and the manifest against its own digest).
func (s *TargetStore) Fetch(ctx context.Context, name, version string) ([]byte, Version, error) {
	t, err := s.target(ctx, name)
	if err != nil {
		return nil, Version{}, err
	}
	v, m, err := s.lookup(ctx, t, name, version)
	if err != nil {
		return nil, v, err
	}
	if m.Layers[0].Size < 0 || m.Layers[0].Size > maxArchiveSize {
		return nil, v, errkind.Findingf("registry %s: archive of %s@%s declares %d bytes, more than %d: %w", s.ref, name, version, m.Layers[0].Size, maxArchiveSize, ErrCorrupt)
	}
	data, err := content.FetchAll(ctx, t, m.Layers[0])
	if err != nil {
		if errors.Is(err, content.ErrMismatchedDigest) || errors.Is(err, content.ErrTrailingData) {
			return nil, v, errkind.Findingf("registry %s: archive of %s@%s: %w: %w", s.ref, name, version, err, ErrCorrupt)
		}
		return nil, v, s.envErr("fetch archive of "+name+"@"+version, err)
	}
	if digest.FromBytes(data) != m.Layers[0].Digest {
		return nil, v, errkind.Findingf("registry %s: archive of %s@%s: %w", s.ref, name, version, ErrCorrupt)
	}
	return data, v, nil
}

// FetchConfig returns the config blob (contract manifest JSON) of name@version.
func (s *TargetStore) FetchConfig(ctx context.Context, name, version string) ([]byte, error) {
	t, err := s.target(ctx, name)
	if err != nil {
		return nil, err
	}
	_, m, err := s.lookup(ctx, t, name, version)
	if err != nil {
		return nil, err
	}
	if m.Config.Size < 0 || m.Config.Size > maxConfigSize {
		return nil, errkind.Findingf("registry %s: config of %s@%s declares %d bytes: %w", s.ref, name, version, m.Config.Size, ErrCorrupt)
	}
	data, err := content.FetchAll(ctx, t, m.Config)
	if err != nil {
		return nil, s.envErr("fetch config of "+name+"@"+version, err)
	}
	return data, nil
}

// YankManifest returns the tombstone manifest for the version manifest
// subject and its config blob. The config's media type is the yank artifact
// type too, so registries that report a referrer's artifactType from its
// config (as before image-spec 1.1) list it the same way.
func YankManifest(subject ocispec.Descriptor, reason string) (ocispec.Descriptor, []byte, ocispec.Descriptor, []byte, error) {
	cfgData, err := json.Marshal(map[string]string{"reason": reason})
	if err != nil {
		return ocispec.Descriptor{}, nil, ocispec.Descriptor{}, nil, fmt.Errorf("encode yank: %w", err)
	}
	cfg := ocispec.Descriptor{MediaType: YankArtifactType, Digest: digest.FromBytes(cfgData), Size: int64(len(cfgData))}
	m := ocispec.Manifest{
		Versioned:    specs.Versioned{SchemaVersion: 2},
		MediaType:    ocispec.MediaTypeImageManifest,
		ArtifactType: YankArtifactType,
		Config:       cfg,
		Layers:       []ocispec.Descriptor{ocispec.DescriptorEmptyJSON},
		Subject:      &subject,
		Annotations: map[string]string{
			ocispec.AnnotationCreated: FixedCreated,
			YankReasonAnnotation:      reason,
		},
	}
	data, err := json.Marshal(m)
	if err != nil {
		return ocispec.Descriptor{}, nil, cfg, cfgData, fmt.Errorf("encode yank manifest: %w", err)
	}
	return ocispec.Descriptor{
		MediaType:    ocispec.MediaTypeImageManifest,
		ArtifactType: YankArtifactType,
		Digest:       digest.FromBytes(data),
		Size:         int64(len(data)),
		Annotations:  m.Annotations,
	}, data, cfg, cfgData, nil
}

// Yank pushes a tombstone referrer for name@version; yanking again is a no-op.
func (s *TargetStore) Yank(ctx context.Context, name, version, reason string) error {
	unlock, err := s.lock(ctx, name)
	if err != nil {
		return err
	}
	defer unlock()
	t, err := s.target(WithWrite(ctx), name)
	if err != nil {
		return err
	}
	v, _, err := s.lookup(ctx, t, name, version)
	if err != nil {
		return err
	}
	if v.Yanked {
		return nil
	}
	d, err := digest.Parse(v.Digest)
	if err != nil {
		return errkind.Envf("registry %s: %s@%s: bad digest %q: %w", s.ref, name, version, v.Digest, err)
	}
	desc, err := t.Resolve(ctx, version)
	if err != nil {
		return s.envErr("resolve "+name+"@"+version, err)
	}
	subject := ocispec.Descriptor{MediaType: ocispec.MediaTypeImageManifest, Digest: d, Size: desc.Size}
	ydesc, ydata, cfg, cfgData, err := YankManifest(subject, reason)
	if err != nil {
		return err
	}
	if err := pushIfMissing(ctx, t, ocispec.DescriptorEmptyJSON, ocispec.DescriptorEmptyJSON.Data); err != nil {
		return s.envErr("push yank of "+name+"@"+version, err)
	}
	if err := pushIfMissing(ctx, t, cfg, cfgData); err != nil {
		return s.envErr("push yank of "+name+"@"+version, err)
	}
	if err := pushIfMissing(ctx, t, ydesc, ydata); err != nil {
		return s.envErr("push yank of "+name+"@"+version, err)
	}
	return nil
}
