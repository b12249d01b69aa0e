package consumers

import (
	"context"
	"errors"
	"fmt"

	"github.com/dsctl/dsctl/contracts"
	"github.com/dsctl/dsctl/contracts/registry"
	"github.com/dsctl/dsctl/internal/errkind"
)

// Lint checks each consumes: entry of c against the store: the version the
// range pins (the highest non-yanked match, what pull would lock) has the
// event, and every instance its schema accepts is accepted by the reader
// schema. A store that cannot be read gives one consumes-unchecked warning
// (lint works offline); a producer, version or event it lacks, a
// consumes-producer-missing warning; a pinned version the reader schema does
// not accept, a consumes-incompatible error per breaking change. Only a
// cancelled ctx is returned as an error.
func (x *Index) Lint(ctx context.Context, c *contracts.Contract) ([]contracts.Finding, error) {
	var out []contracts.Finding
	manifest := c.File(contracts.FileName)
	for _, d := range c.Consumes {
		at := func(rule, format string, args ...any) contracts.Finding {
			return contracts.Finding{Rule: rule, File: manifest, Line: d.Line, Column: d.Column, Message: fmt.Sprintf(format, args...)}
		}
		chosen, _, err := contracts.ResolveIn(ctx, x.Store, d.Package, d.Version)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if errors.Is(err, registry.ErrNotFound) {
				out = append(out, at(contracts.RuleProducerMissing, "consumes %s %s: %v", d.Package, d.Event, err))
				continue
			}
			return append(out, at(contracts.RuleConsumesUnchecked,
				"consumes: not checked against the producers: %s cannot be read: %v", x.Store.Ref(), err)), nil
		}
		producer, err := x.Load(ctx, d.Package, chosen.Version)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if k := errkind.Of(err); k == errkind.Input || k == errkind.Finding {
				out = append(out, at(contracts.RuleProducerMissing, "consumes %s %s: %s@%s does not load: %v", d.Package, d.Event, d.Package, chosen.Version, err))
				continue
			}
			return append(out, at(contracts.RuleConsumesUnchecked,
				"consumes: not checked against the producers: %s cannot be read: %v", x.Store.Ref(), err)), nil
		}
		if _, ok := producer.Event(d.Event); !ok {
			out = append(out, at(contracts.RuleProducerMissing, "consumes %s %s: %s@%s (the highest version %s pins) has no event %s",
				d.Package, d.Event, d.Package, chosen.Version, d.Version, d.Event))
			continue
		}
		changes, err := Judge(ctx, producer, c, d)
		if err != nil {
			if k := errkind.Of(err); k == errkind.Input || k == errkind.Finding {
				out = append(out, at(contracts.RuleProducerMissing, "consumes %s %s: %v", d.Package, d.Event, err))
				continue
			}
			return nil, err
		}
		for _, ch := range changes {
			f := contracts.Finding{Rule: contracts.RuleReaderIncompatible, File: c.File(d.Schema), Pointer: ch.Path,
				Message: fmt.Sprintf("consumes %s %s: %s@%s sends events this reader schema rejects: %s: %s", d.Package, d.Event, d.Package, chosen.Version, ch.ID, ch.Message)}
			if ch.Location != nil {
				f.File, f.Line, f.Column = ch.Location.File, ch.Location.Line, ch.Location.Column
			}
			out = append(out, f)
		}
	}
	return out, nil
}
