// Package consumers is consumer-driven contracts on top of a contract store:
// it finds the published packages whose contract.yaml declares (consumes:)
// that they read a producer's events, judges a producer package against each
// of their reader schemas, checks a consumer's declarations against the
// producer versions they pin, and draws who produces and who consumes what.
//
// The judgement is set inclusion, done by the JSON Schema engine
// (compat/jsonschema) in the forward mode with the reader schema as OLD and
// the producer's schema as NEW: a consumer is compatible when every instance
// valid under the producer's schema is valid under its reader schema.
//
// A consumer is the highest published, non-yanked version of a package: its
// current declaration. Packages are immutable per version, so an Index reads
// each name@version once however many producers are judged in a run.
package consumers

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"sync"

	"github.com/Masterminds/semver/v3"
	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/compat/jsonschema"
	"github.com/dsctl/dsctl/contracts"
	"github.com/dsctl/dsctl/contracts/registry"
	"github.com/dsctl/dsctl/internal/errkind"
)

// Index reads the packages of a store, each name@version once. The
// consumer scan (every package's highest version) is done once per Index:
// publishing many packages in one run judges each against the consumers
// registered when the first was judged. It is safe for concurrent use.
type Index struct {
	Store registry.Store
	mu    sync.Mutex
	pkgs  map[string]*contracts.Contract
	errs  map[string]error

	scanMu      sync.Mutex
	scanned     bool
	latest      []*contracts.Contract
	scanSkipped []contracts.SkippedPackage
}

// NewIndex returns an index over store.
func NewIndex(store registry.Store) *Index {
	return &Index{Store: store, pkgs: map[string]*contracts.Contract{}, errs: map[string]error{}}
}

// Load returns name@version from the store, read once. Input and finding
// errors (a package that does not load) are remembered; environment errors
// are not, so a retry can succeed.
func (x *Index) Load(ctx context.Context, name, version string) (*contracts.Contract, error) {
	key := name + "@" + version
	x.mu.Lock()
	c, ok := x.pkgs[key]
	err := x.errs[key]
	x.mu.Unlock()
	if ok || err != nil {
		return c, err
	}
	c, err = contracts.LoadPublished(ctx, x.Store, name, version)
	x.mu.Lock()
	defer x.mu.Unlock()
	if err != nil {
		if k := errkind.Of(err); k == errkind.Input || k == errkind.Finding {
			x.errs[key] = err
		}
		return nil, err
	}
	x.pkgs[key] = c
	return c, nil
}

// Latest returns the highest non-yanked version of name, or "" when it has none.
func Latest(versions []registry.Version) string {
	for i := len(versions) - 1; i >= 0; i-- {
		if !versions[i].Yanked {
			return versions[i].Version
		}
	}
	return ""
}

// Declaration is one consumes: entry of a published package.
type Declaration struct {
	Consumer *contracts.Contract
	contracts.Consume
}

// Declarations returns the consumes: entries that name producer in the
// highest non-yanked version of every other package of the store, sorted by
// consumer name and event; packages that cannot be read are listed apart.
func (x *Index) Declarations(ctx context.Context, producer string) ([]Declaration, []contracts.SkippedPackage, error) {
	latest, skipped, err := x.scan(ctx)
	if err != nil {
		return nil, nil, err
	}
	var out []Declaration
	for _, c := range latest {
		if c.Name == producer {
			continue
		}
		for _, d := range c.Consumed(producer) {
			out = append(out, Declaration{Consumer: c, Consume: d})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Consumer.Name != out[j].Consumer.Name {
			return out[i].Consumer.Name < out[j].Consumer.Name
		}
		return out[i].Event < out[j].Event
	})
	return out, skipped, nil
}

// scan reads the highest non-yanked version of every package of the store,
// once; packages that cannot be read are listed apart. An error is not
// remembered: the next call scans again.
func (x *Index) scan(ctx context.Context) ([]*contracts.Contract, []contracts.SkippedPackage, error) {
	x.scanMu.Lock()
	defer x.scanMu.Unlock()
	if x.scanned {
		return x.latest, x.scanSkipped, nil
	}
	names, err := x.Store.Names(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrNoCatalog, err)
	}
	var latest []*contracts.Contract
	var skipped []contracts.SkippedPackage
	for _, n := range names {
		vs, err := x.Store.List(ctx, n)
		if err != nil {
			return nil, nil, err
		}
		v := Latest(vs)
		if v == "" {
			continue
		}
		c, err := x.Load(ctx, n, v)
		if err != nil {
			if k := errkind.Of(err); k == errkind.Input || k == errkind.Finding {
				skipped = append(skipped, contracts.SkippedPackage{Name: n, Version: v, Error: err.Error()})
				continue
			}
			return nil, nil, err
		}
		latest = append(latest, c)
	}
	x.latest, x.scanSkipped, x.scanned = latest, skipped, true
	return latest, skipped, nil
}

// Check judges the producer package (as it stands on disk) against every
// registered consumer of it: those whose range contains its version are
// judged; the others are listed as older-major or out-of-range.
func (x *Index) Check(ctx context.Context, producer *contracts.Contract) (*contracts.ConsumerReport, error) {
	decls, skipped, err := x.Declarations(ctx, producer.Name)
	if err != nil {
		return nil, err
	}
	r := &contracts.ConsumerReport{Producer: producer.Name, Version: producer.Version, Registry: x.Store.Ref(),
		Consumers: []contracts.ConsumerResult{}, Skipped: skipped}
	if len(decls) == 0 {
		return r, nil
	}
	published, err := x.Store.List(ctx, producer.Name)
	if err != nil {
		return nil, err
	}
	v := producer.SemVer()
	for _, d := range decls {
		res := contracts.ConsumerResult{Name: d.Consumer.Name, Version: d.Consumer.Version, Event: d.Event,
			Range: d.Version, Schema: d.Consumer.File(d.Schema), Changes: []compat.Change{}}
		if !d.Accepts(v) {
			res.Status = contracts.ConsumerOutOfRange
			if olderMajor(d.Consume, published, v) {
				res.Status = contracts.ConsumerOlderMajor
			}
			r.Consumers = append(r.Consumers, res)
			continue
		}
		changes, err := Judge(ctx, producer, d.Consumer, d.Consume)
		if err != nil {
			return nil, err
		}
		ok := len(changes) == 0
		res.Compatible = &ok
		res.Status = contracts.ConsumerCompatible
		if !ok {
			res.Status = contracts.ConsumerBroken
			res.Changes = changes
		}
		r.Consumers = append(r.Consumers, res)
	}
	return r, nil
}

var versionToken = regexp.MustCompile(`\d+(\.\d+){0,2}`)

// olderMajor reports whether the range of a consumer that leaves v out
// contains a version of an older major: a published one, the first release
// of each older major, or a version the range itself names (its bounds:
// "^0.3" names 0.3.0, ">=0.1 <1" names 0.1.0).
func olderMajor(d contracts.Consume, published []registry.Version, v *semver.Version) bool {
	var probes []*semver.Version
	for _, p := range published {
		if pv, err := semver.StrictNewVersion(p.Version); err == nil {
			probes = append(probes, pv)
		}
	}
	for m := uint64(0); m < v.Major(); m++ {
		probes = append(probes, semver.New(m, 0, 0, "", ""))
	}
	for _, tok := range versionToken.FindAllString(d.Version, -1) {
		if pv, err := semver.NewVersion(tok); err == nil {
			probes = append(probes, pv)
		}
	}
	for _, p := range probes {
		if p.Major() < v.Major() && d.Accepts(p) {
			return true
		}
	}
	return false
}

// Change ids of a consumer judgement that the schema engine does not give.
const (
	// ChangeEventGone: the producer no longer has the event the consumer reads.
	ChangeEventGone = "event-removed"
	// ChangeReaderInvalid: the reader schema does not load; judged broken (fail closed).
	ChangeReaderInvalid = "reader-schema-invalid"
)

// Judge returns the changes by which the producer's schema of the consumed
// event accepts instances the reader schema rejects (none: compatible). A
// producer without the event breaks the consumer; a reader schema that does
// not load is judged broken (fail closed). A producer schema that does not
// load is an input error.
func Judge(ctx context.Context, producer, consumer *contracts.Contract, d contracts.Consume) ([]compat.Change, error) {
	ev, ok := producer.Event(d.Event)
	if !ok {
		return []compat.Change{{ID: ChangeEventGone, Path: "#/events/" + d.Event, Impact: compat.Major, Breaking: true,
			Message:  fmt.Sprintf("%s@%s has no event %s, which %s reads", producer.Name, producer.Version, d.Event, consumer.Name),
			Location: &compat.Location{File: producer.File(contracts.FileName)}}}, nil
	}
	reader := compat.Source{Name: consumer.File(d.Schema), FS: consumer.FS, Path: d.Schema, Display: consumer.File}
	prod := compat.Source{Name: producer.File(ev.Schema), FS: producer.FS, Path: ev.Schema, Display: producer.File}
	opts := compat.Options{Mode: compat.Forward, Policy: compat.Strict}
	rc, err := jsonschema.Compile(ctx, reader, opts)
	if err != nil {
		if errkind.Of(err) != errkind.Input {
			return nil, err
		}
		return []compat.Change{{ID: ChangeReaderInvalid, Path: "#", Impact: compat.Major, Breaking: true,
			Message:  fmt.Sprintf("the reader schema of %s does not load, so no event can be shown to satisfy it: %v", consumer.Name, err),
			Location: &compat.Location{File: reader.Name}}}, nil
	}
	pc, err := jsonschema.Compile(ctx, prod, opts)
	if err != nil {
		return nil, fmt.Errorf("event %s of %s: %w", d.Event, producer.Name, err)
	}
	var out []compat.Change
	for _, ch := range jsonschema.DiffCompiled(rc, pc, opts) {
		if ch.Breaking || ch.Impact == compat.Major {
			out = append(out, ch)
		}
	}
	seeded(producer, consumer, ev, d, out)
	compat.SortChanges(out)
	return out, nil
}

// ErrNoCatalog wraps a store's failure to list its packages (many hosted
// registries do not offer the catalog API): where the consumer check is
// optional (publish) it is skipped with a warning.
var ErrNoCatalog = errors.New("the store cannot list its packages")
