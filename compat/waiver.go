package compat

import (
	"fmt"
	"strings"
	"time"

	"github.com/dsctl/dsctl/internal/errkind"
)

// Waiver silences the changes with one rule id at one path: a compat.ignore
// entry of dsctl.yaml. It is keyed by rule id and path, never by message text.
type Waiver struct {
	// ID is the rule id ("response-required-property-removed").
	ID string
	// Path is the change's path ("GET /orders/{id}",
	// "#/components/schemas/Order/properties/total"); a trailing "*" matches
	// every path that starts with what precedes it.
	Path string
	// Reason is shown on the waived change.
	Reason string
	// Expires is a date (YYYY-MM-DD), the last day the waiver holds; empty never expires.
	Expires string
	// Line is the waiver's line in the config file, for messages; 0 when unknown.
	Line int
}

// Matches reports whether the waiver applies to the change.
func (w Waiver) Matches(c Change) bool {
	if w.ID != c.ID {
		return false
	}
	if prefix, ok := strings.CutSuffix(w.Path, "*"); ok {
		return strings.HasPrefix(c.Path, prefix)
	}
	return w.Path == c.Path
}

// Expired reports whether the waiver's expiry date is before today (YYYY-MM-DD).
func (w Waiver) Expired(today string) bool {
	return w.Expires != "" && w.Expires < today
}

// ApplyWaivers marks every change a valid waiver matches as waived (Waived
// holds the waiver's reason, or "waived"), so it no longer counts toward the
// required bump. It returns the waivers that have expired and still match a
// change: those changes stay counted and the check must fail
// (ExpiredWaiversError). today is the current date as YYYY-MM-DD; the CLI
// passes time.Now in UTC, tests a fixed date.
func ApplyWaivers(changes []Change, waivers []Waiver, today string) (expired []Waiver, err error) {
	if _, err := time.Parse(time.DateOnly, today); err != nil {
		return nil, fmt.Errorf("apply waivers: today %q: want YYYY-MM-DD", today)
	}
	for _, w := range waivers {
		if w.Expires != "" {
			if _, err := time.Parse(time.DateOnly, w.Expires); err != nil {
				return nil, fmt.Errorf("apply waivers: waiver for %s at %s: expires %q: want YYYY-MM-DD", w.ID, w.Path, w.Expires)
			}
		}
	}
	reported := map[int]bool{}
	for i := range changes {
		c := &changes[i]
		for j, w := range waivers {
			if !w.Matches(*c) {
				continue
			}
			if w.Expired(today) {
				if !reported[j] {
					reported[j] = true
					expired = append(expired, w)
				}
				continue
			}
			if c.Waived == "" {
				c.Waived = w.Reason
				if c.Waived == "" {
					c.Waived = "waived"
				}
			}
		}
	}
	return expired, nil
}

// ExpiredWaiversError is the finding (exit 1) for waivers that expired while
// the changes they name are still there; configFile names dsctl.yaml as the
// user wrote it.
func ExpiredWaiversError(configFile string, expired []Waiver) error {
	if len(expired) == 0 {
		return nil
	}
	var b strings.Builder
	for i, w := range expired {
		if i > 0 {
			b.WriteString("\n")
		}
		pos := configFile
		if w.Line > 0 {
			pos = fmt.Sprintf("%s:%d", configFile, w.Line)
		}
		fmt.Fprintf(&b, "%s: compat.ignore waiver for %s at %s expired on %s and the change is still there: fix it or renew the waiver", pos, w.ID, w.Path, w.Expires)
	}
	return errkind.Findingf("%s", b.String())
}
