package contracts

import (
	"errors"
	"fmt"
	"strings"

	"github.com/dsctl/dsctl/compat"
)

// Consumer statuses: how a registered consumer stands against a producer version.
const (
	// ConsumerCompatible: every event the producer may send is accepted by the reader schema.
	ConsumerCompatible = "compatible"
	// ConsumerBroken: the producer may send an event the reader schema rejects.
	ConsumerBroken = "broken"
	// ConsumerOlderMajor: the consumer's range stops at an older major; not judged.
	ConsumerOlderMajor = "older-major"
	// ConsumerOutOfRange: the range leaves the version out, not for an older major
	// (a newer one, or a narrower range within this major); not judged.
	ConsumerOutOfRange = "out-of-range"
)

// StatusConsumersBroken is the publish status of a package that breaks a registered consumer.
const StatusConsumersBroken = "consumers-broken"

// ErrConsumersBroken: the package breaks a registered consumer (PublishResult.Consumers); a finding.
var ErrConsumersBroken = errors.New("package breaks registered consumers")

// ConsumerReport judges a producer package against the published packages
// that declare (consumes:) that they read its events.
type ConsumerReport struct {
	// Producer and Version name the package judged.
	Producer string `json:"producer"`
	Version  string `json:"version"`
	Registry string `json:"registry"`
	// Consumers has one entry per consumer package and event, sorted by name, version, event.
	Consumers []ConsumerResult `json:"consumers"`
	// Skipped lists published packages that could not be read (they are not judged).
	Skipped []SkippedPackage `json:"skipped,omitempty"`
}

// ConsumerResult is one consumer package's reading of one event.
type ConsumerResult struct {
	// Name and Version are the consumer package (its highest published version).
	Name    string `json:"name"`
	Version string `json:"version"`
	Event   string `json:"event"`
	// Range is the producer versions the consumer accepts.
	Range string `json:"range"`
	// Schema is the consumer's reader schema, as named in messages.
	Schema string `json:"schema"`
	Status string `json:"status"`
	// Compatible is set for judged consumers only (absent for older-major and out-of-range).
	Compatible *bool `json:"compatible,omitempty"`
	// Changes are the differences that break the consumer (none when compatible).
	Changes []compat.Change `json:"changes"`
}

// SkippedPackage is a published package the consumer scan could not read.
type SkippedPackage struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
	Error   string `json:"error"`
}

// Broken returns the consumers that break.
func (r *ConsumerReport) Broken() []ConsumerResult {
	if r == nil {
		return nil
	}
	var out []ConsumerResult
	for _, c := range r.Consumers {
		if c.Status == ConsumerBroken {
			out = append(out, c)
		}
	}
	return out
}

// BrokenText names the broken consumers ("shipping@1.0.0 (OrderPlaced)").
func (r *ConsumerReport) BrokenText() string {
	var s []string
	for _, c := range r.Broken() {
		s = append(s, fmt.Sprintf("%s@%s (%s)", c.Name, c.Version, c.Event))
	}
	return strings.Join(s, ", ")
}

// eventBroken reports whether a judged consumer of event breaks.
func (r *ConsumerReport) eventBroken(event string) bool {
	for _, c := range r.Broken() {
		if c.Event == event {
			return true
		}
	}
	return false
}

// ConsumerAware lowers the major changes of the events no registered
// consumer breaks to minor (the consumer-aware bump): changes in event
// schemas (Kind "jsonschema" reports, New "name@version#Event") and removed
// events. API changes are left as they are: consumes: covers events only.
// Each lowered change says so in its message.
func ConsumerAware(reports []compat.Report, cr *ConsumerReport) {
	if cr == nil {
		return
	}
	lower := func(ch *compat.Change, event string) {
		if ch.Impact != compat.Major || ch.Waived != "" || cr.eventBroken(event) {
			return
		}
		ch.Impact, ch.Breaking, ch.Breaks = compat.Minor, false, nil
		ch.Message += fmt.Sprintf(" (consumer-aware: no registered consumer of %s breaks)", event)
	}
	for i := range reports {
		r := &reports[i]
		for j := range r.Changes {
			ch := &r.Changes[j]
			switch {
			case r.Kind == "jsonschema":
				if _, ev, ok := strings.Cut(r.New, "#"); ok {
					lower(ch, ev)
				}
			case r.Kind == "contract" && ch.ID == ChangeEventRemoved:
				lower(ch, strings.TrimPrefix(ch.Path, "#/events/"))
			}
		}
		r.RequiredBump = compat.RequiredBump(r.Changes)
	}
}

// consumerAware is ConsumerAware on the reports of a verdict (compat/verdict's
// Request.Adjust).
func consumerAware(rs []*compat.Report, cr *ConsumerReport) {
	vals := make([]compat.Report, len(rs))
	for i, r := range rs {
		vals[i] = *r
	}
	ConsumerAware(vals, cr)
	for i := range rs {
		*rs[i] = vals[i]
	}
}
