// Package remoteread fetches documents named by URLs that came from untrusted
// input (the remote $refs of specs and schemas, allowed only with
// --allow-remote-refs / allowRemoteRefs): one size limit and one time limit
// for every such read, whichever loader asks.
//
// A Fetcher also bounds what one load may read in total, so that a document
// referring to many large documents cannot add up to more than MaxTotal.
package remoteread

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/dsctl/dsctl/internal/errkind"
)

// The limits of remote reads.
const (
	// MaxSize is the largest remote document read (32 MiB).
	MaxSize = 32 << 20
	// MaxTotal is the most one Fetcher reads over all its documents (128 MiB).
	MaxTotal = 128 << 20
	// MaxDocs is the most documents one Fetcher reads.
	MaxDocs = 1000
	// Timeout bounds one read, from connecting to the last byte.
	Timeout = 30 * time.Second
)

// ErrLimit is wrapped by errors of reads refused or cut by a limit.
var ErrLimit = errors.New("remote read limit")

// Fetcher reads remote documents within the limits; its zero value is ready.
// It is safe for concurrent use.
type Fetcher struct {
	// Client is the HTTP client (default: http.DefaultClient, which follows
	// up to 10 redirects and sends no credentials).
	Client *http.Client

	mu    sync.Mutex
	total int64
	docs  int
}

// Get reads the document at rawURL (http or https only) with the one-read
// limits. Errors name the URL (without user information) and carry a kind:
// a limit or a 4xx answer is an input error, a network failure or a 5xx an
// environment error.
func Get(ctx context.Context, rawURL string) ([]byte, error) {
	return new(Fetcher).Get(ctx, rawURL)
}

// Get reads the document at rawURL within MaxSize, Timeout and what is left
// of the Fetcher's MaxTotal and MaxDocs.
func (f *Fetcher) Get(ctx context.Context, rawURL string) ([]byte, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errkind.Inputf("remote $ref %q: only http and https URLs can be read", redact(rawURL))
	}
	shown := u.Redacted()
	f.mu.Lock()
	if f.docs >= MaxDocs {
		f.mu.Unlock()
		return nil, errkind.Inputf("remote $ref %s: more than %d remote documents in one load: %w", shown, MaxDocs, ErrLimit)
	}
	f.docs++
	left := int64(MaxTotal) - f.total
	f.mu.Unlock()
	limit := min(int64(MaxSize), left)
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, errkind.Inputf("remote $ref %s: %w", shown, err)
	}
	c := f.Client
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, errkind.Envf("fetch remote $ref %s: %w", shown, timeoutErr(ctx, err))
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode >= 400 && resp.StatusCode < 500:
		return nil, errkind.Inputf("fetch remote $ref %s: %s", shown, resp.Status)
	case resp.StatusCode != http.StatusOK:
		return nil, errkind.Envf("fetch remote $ref %s: %s", shown, resp.Status)
	}
	if resp.ContentLength > limit {
		return nil, f.tooBig(shown, limit)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	f.mu.Lock()
	f.total += int64(len(data))
	f.mu.Unlock()
	if err != nil {
		return nil, errkind.Envf("fetch remote $ref %s: %w", shown, timeoutErr(ctx, err))
	}
	if int64(len(data)) > limit {
		return nil, f.tooBig(shown, limit)
	}
	return data, nil
}

func (f *Fetcher) tooBig(shown string, limit int64) error {
	if limit < MaxSize {
		return errkind.Inputf("remote $ref %s: the remote documents of one load are more than %d bytes in total: %w", shown, MaxTotal, ErrLimit)
	}
	return errkind.Inputf("remote $ref %s: document is more than %d bytes: %w", shown, MaxSize, ErrLimit)
}

// timeoutErr says "took longer than 30s" rather than "context deadline exceeded".
func timeoutErr(ctx context.Context, err error) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("took longer than %s: %w", Timeout, ErrLimit)
	}
	return err
}

func redact(s string) string {
	if u, err := url.Parse(s); err == nil {
		return u.Redacted()
	}
	return "(invalid URL)"
}
