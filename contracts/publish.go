package contracts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/Masterminds/semver/v3"
	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/compat/verdict"
	"github.com/dsctl/dsctl/contracts/registry"
	"github.com/dsctl/dsctl/internal/cmdline"
	"github.com/dsctl/dsctl/internal/errkind"
)

// Publish statuses.
const (
	StatusPublished        = "published"
	StatusAlreadyPublished = "already-published"
	StatusWouldPublish     = "would-publish"
	// The refusals: a PublishResult with one of these comes with an error.
	StatusLintFailed      = "lint-failed"
	StatusVersionTooSmall = "version-too-small"
	StatusImmutable       = "immutable"
	// StatusWaiverExpired: a compat.ignore waiver has expired and the change it names is still there.
	StatusWaiverExpired = "waiver-expired"
)

// Errors of Publish that come with a result to print; both are findings (exit 1).
var (
	// ErrLintFailed: the package has lint errors (PublishResult.Lint).
	ErrLintFailed = errors.New("package has lint errors")
	// ErrVersionTooSmall: the changes need a larger version (PublishResult.Gate).
	ErrVersionTooSmall = errors.New("declared version is too small for the changes")
)

// PublishOptions configure Publish.
type PublishOptions struct {
	Store registry.Store
	// Engines judge the compatibility diff (see DiffOptions).
	Engines []compat.Engine
	// DryRun does everything but the push.
	DryRun bool
	// Consumers, when set, judges the package against the published packages
	// that consume it (contracts/consumers); a broken consumer refuses the
	// publish (ErrConsumersBroken).
	Consumers func(ctx context.Context, c *Contract) (*ConsumerReport, error)
	// ConsumerAware lowers to minor the major event changes that break no
	// registered consumer (see ConsumerAware) before the version gate.
	ConsumerAware bool
	// Waivers are dsctl.yaml's compat.ignore entries, applied as compat check
	// applies them; WaiverFile names dsctl.yaml in messages, Today
	// (YYYY-MM-DD, default the current UTC date) decides which have expired.
	Waivers    []compat.Waiver
	WaiverFile string
	Today      string
}

// PublishResult says what Publish did or would do.
type PublishResult struct {
	Name     string `json:"name"`
	Version  string `json:"version"`
	Registry string `json:"registry"`
	// Digest is the manifest digest; Archive the archive digest.
	Digest  string `json:"digest"`
	Archive string `json:"archive"`
	Status  string `json:"status"`
	// Against lists the earlier versions the package was compared with.
	Against []string `json:"against"`
	// Gate is the compatibility report that decided the version check (nil without earlier versions).
	Gate *compat.Report `json:"gate,omitempty"`
	// Reports are the per-event and per-API reports behind Gate.
	Reports []compat.Report `json:"reports,omitempty"`
	// Verdict is the decision behind Gate (nil without earlier versions).
	Verdict *verdict.Verdict `json:"-"`
	// Lint is set when the package failed lint.
	Lint *LintReport `json:"lint,omitempty"`
	// Consumers is the judgement against the registered consumers (when checked).
	Consumers *ConsumerReport `json:"consumers,omitempty"`
	// Error says why the package was not published (set by PublishAll).
	Error string `json:"error,omitempty"`
}

// Package packs a loaded contract into what a store pushes.
func (c *Contract) Package() (registry.Package, error) {
	archive, err := Pack(c.FS, c.Dir)
	if err != nil {
		return registry.Package{}, err
	}
	cfg, err := c.ConfigJSON()
	if err != nil {
		return registry.Package{}, err
	}
	return registry.Package{Name: c.Name, Version: c.Version, Archive: archive, Config: cfg}, nil
}

// Publish packs the package in dir and publishes it: the same version with
// the same content is a no-op, with other content an immutability finding;
// otherwise the package must pass lint and is compared with the highest
// earlier version (every earlier version of the same major in transitive
// modes) and refused when its version is smaller than the changes need.
func Publish(ctx context.Context, dir string, opts PublishOptions) (*PublishResult, error) {
	c, err := Load(dir)
	if err != nil {
		return nil, err
	}
	return PublishContract(ctx, c, opts)
}

// PublishContract is Publish for a loaded package.
func PublishContract(ctx context.Context, c *Contract, opts PublishOptions) (*PublishResult, error) {
	res := &PublishResult{Name: c.Name, Version: c.Version, Registry: opts.Store.Ref(), Against: []string{}}
	pkg, err := c.Package()
	if err != nil {
		return nil, err
	}
	_, layer, mdesc, _, err := registry.BuildManifest(pkg)
	if err != nil {
		return nil, err
	}
	res.Digest, res.Archive = mdesc.Digest.String(), layer.Digest.String()

	// Idempotence and immutability first: the cheap path for a republish.
	cur, err := opts.Store.Lookup(ctx, c.Name, c.Version)
	switch {
	case err == nil:
		if cur.Digest == res.Digest {
			res.Status = StatusAlreadyPublished
			return res, nil
		}
		res.Status = StatusImmutable
		return res, immutableErr(c, cur.Digest, res.Digest)
	case !errors.Is(err, registry.ErrNotFound):
		return nil, err
	}

	// Lint after the idempotence check: a package published by an older dsctl
	// stays "already published" even if a newer dsctl has more rules.
	lr, err := LintWith(ctx, c, opts.Engines)
	if err != nil {
		return nil, err
	}
	if lr.Failed() {
		res.Lint = lr
		res.Status = StatusLintFailed
		return res, ErrLintFailed
	}

	// The registered consumers, then the compatibility gate (which the
	// consumer-aware bump reads).
	if opts.Consumers != nil {
		cr, err := opts.Consumers(ctx, c)
		if err != nil {
			return res, err
		}
		res.Consumers = cr
	}
	if err := gate(ctx, c, opts, res); err != nil {
		return res, err
	}
	if len(res.Consumers.Broken()) > 0 {
		res.Status = StatusConsumersBroken
		return res, ErrConsumersBroken
	}
	if opts.DryRun {
		res.Status = StatusWouldPublish
		return res, nil
	}
	pr, err := opts.Store.Push(ctx, pkg)
	if err != nil {
		if errors.Is(err, registry.ErrImmutable) {
			// Lost a race with another publisher of this version.
			cur, lerr := opts.Store.Lookup(ctx, c.Name, c.Version)
			if lerr == nil && cur.Digest == res.Digest {
				res.Status = StatusAlreadyPublished
				return res, nil
			}
			res.Status = StatusImmutable
			return res, errkind.Findingf("%s@%s: %w: it was published concurrently with other content; bump the version", c.Name, c.Version, registry.ErrImmutable)
		}
		return res, err
	}
	res.Status = StatusPublished
	if pr.AlreadyPublished {
		res.Status = StatusAlreadyPublished
	}
	return res, nil
}

func immutableErr(c *Contract, published, local string) error {
	return &errkind.Error{Kind: errkind.Finding,
		Err: fmt.Errorf("%s@%s: %w: it is published as %s and this package is %s", c.Name, c.Version, registry.ErrImmutable, published, local),
		Hint: "a published version never changes; raise the version in contract.yaml to at least what this prints (add the --registry you publish to, if any): " +
			cmdline.Join("dsctl", "compat", "bump", "registry:"+c.Name+"@"+c.Version, dirOrDot(c.Dir))}
}

// Baselines returns the earlier versions a new version is compared with:
// the highest non-yanked version below it, or, in transitive modes, every
// non-yanked version below it with the same major (the highest one below it
// when the major is new).
func Baselines(versions []registry.Version, declared *semver.Version, mode compat.Mode) []registry.Version {
	var earlier []registry.Version
	for _, v := range versions {
		sv, err := semver.StrictNewVersion(v.Version)
		if err != nil || v.Yanked || !sv.LessThan(declared) {
			continue
		}
		earlier = append(earlier, v)
	}
	if len(earlier) == 0 {
		return nil
	}
	// versions are sorted ascending.
	highest := earlier[len(earlier)-1]
	if !mode.Transitive() {
		return []registry.Version{highest}
	}
	var same []registry.Version
	for _, v := range earlier {
		if sv, _ := semver.StrictNewVersion(v.Version); sv.Major() == declared.Major() {
			same = append(same, v)
		}
	}
	if len(same) == 0 {
		return []registry.Version{highest}
	}
	return same
}

// gate compares the package with its baselines through compat/verdict, the
// decision compat check makes: a release always has its version checked.
func gate(ctx context.Context, c *Contract, opts PublishOptions, res *PublishResult) error {
	versions, err := opts.Store.List(ctx, c.Name)
	if err != nil {
		return err
	}
	bases := Baselines(versions, c.SemVer(), c.Mode())
	if len(bases) == 0 {
		return nil
	}
	history := make([]*Contract, len(bases))
	for i, b := range bases {
		if history[i], err = LoadPublished(ctx, opts.Store, c.Name, b.Version); err != nil {
			return err
		}
	}
	today := opts.Today
	if today == "" {
		today = time.Now().UTC().Format(time.DateOnly)
	}
	req := verdict.Request[*Contract]{
		Comparer: Packages{Engines: opts.Engines}, History: history, New: c,
		RequireBump: true, Waivers: opts.Waivers, WaiverFile: opts.WaiverFile, Today: today,
	}
	if opts.ConsumerAware && res.Consumers != nil {
		req.Adjust = func(rs []*compat.Report) { consumerAware(rs, res.Consumers) }
	}
	v, err := verdict.Decide(ctx, req)
	if err != nil {
		return err
	}
	res.Against = v.Against
	res.Verdict = v
	for _, r := range v.Reports {
		res.Reports = append(res.Reports, *r)
	}
	res.Gate = v.Combined("contract")
	switch {
	case len(v.Expired) > 0:
		res.Status = StatusWaiverExpired
		return compat.ExpiredWaiversError(opts.WaiverFile, v.Expired)
	case v.Failed:
		res.Status = StatusVersionTooSmall
		return ErrVersionTooSmall
	}
	return nil
}

// LoadPublished fetches name@version from the store (verified) and loads it
// from memory; its files are named "name@version/path" in messages.
func LoadPublished(ctx context.Context, s registry.Store, name, version string) (*Contract, error) {
	data, _, err := s.Fetch(ctx, name, version)
	if err != nil {
		if errors.Is(err, registry.ErrNotFound) && errkind.Of(err) == errkind.Unknown {
			// A version that is not there is a wrong argument, not an unreachable store.
			return nil, &errkind.Error{Kind: errkind.Input, Err: notInStore{name + "@" + version, s.Ref(), err}}
		}
		return nil, err
	}
	fsys, err := ArchiveFS(data)
	if err != nil {
		return nil, fmt.Errorf("%s@%s in %s: %w", name, version, s.Ref(), err)
	}
	c, err := LoadFS(fsys, name+"@"+version)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// notInStore says that name@version is not in a store; it unwraps to the
// store's ErrNotFound.
type notInStore struct {
	ref, store string
	err        error
}

func (e notInStore) Error() string { return e.ref + " is not in " + e.store }
func (e notInStore) Unwrap() error { return e.err }

// dirOrDot is dir, or "." for the current folder ("").
func dirOrDot(dir string) string {
	if dir == "" {
		return "."
	}
	return dir
}
