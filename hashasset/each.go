package hashasset

import (
	"context"
	"errors"

	"golang.org/x/sync/errgroup"
)

// each runs fn(ctx, i) for i in [0, n) on at most limit goroutines. The first
// failure cancels the others' ctx; the error returned is that of the lowest
// i that failed on its own (not by the cancellation), so that the result does
// not depend on which goroutine was faster.
func each(ctx context.Context, n, limit int, fn func(ctx context.Context, i int) error) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(limit, 1))
	errs := make([]error, n)
	for i := range n {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			errs[i] = fn(gctx, i)
			return errs[i]
		})
	}
	first := g.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
	}
	return first
}
