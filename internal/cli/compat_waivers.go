package cli

import (
	"time"

	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/internal/config"
)

func init() { applyWaivers = waiveCompatReport }

// waiveCompatReport applies dsctl.yaml's compat.ignore entries to a report:
// matching changes are marked waived; a waiver past its expiry date that
// still matches a change fails the check (exit 1) naming its line.
func waiveCompatReport(cfg *config.Config, r *compat.Report) error {
	if len(cfg.Compat.Ignore) == 0 {
		return nil
	}
	waivers := make([]compat.Waiver, len(cfg.Compat.Ignore))
	for i, w := range cfg.Compat.Ignore {
		waivers[i] = compat.Waiver{ID: w.ID, Path: w.Path, Reason: w.Reason, Expires: w.Expires, Line: w.Line}
	}
	expired, err := compat.ApplyWaivers(r.Changes, waivers, time.Now().UTC().Format(time.DateOnly))
	if err != nil {
		return err
	}
	return compat.ExpiredWaiversError(cfg.Path, expired)
}
