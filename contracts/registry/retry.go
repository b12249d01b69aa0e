package registry

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/dsctl/dsctl/internal/errkind"
	"oras.land/oras-go/v2/content"
	"oras.land/oras-go/v2/errdef"
	"oras.land/oras-go/v2/registry/remote/auth"
	"oras.land/oras-go/v2/registry/remote/errcode"
)

// Defaults of RetryPolicy.
const (
	DefaultRetries       = 4
	DefaultTimeout       = 30 * time.Second
	DefaultMinWait       = 200 * time.Millisecond
	DefaultMaxWait       = 5 * time.Second
	DefaultMaxElapsed    = 2 * time.Minute
	DefaultMaxRetryAfter = 30 * time.Second
)

// bufferLimit is the largest response body read into memory inside one attempt,
// so that a body cut short is retried like a failed request.
const bufferLimit = 16 << 20

// RetryPolicy bounds every registry call: a timeout per HTTP attempt, and
// retries with exponential backoff and jitter, bounded in count and in total
// time. Zero fields take the defaults.
type RetryPolicy struct {
	// Retries is how many times a failed call is retried after the first
	// attempt: 0 means DefaultRetries, a negative value means none.
	Retries int
	// Timeout bounds one HTTP attempt, body included.
	Timeout time.Duration
	// MinWait and MaxWait bound the wait between attempts (before jitter).
	MinWait, MaxWait time.Duration
	// MaxElapsed bounds one call, waits included: no retry starts after it.
	MaxElapsed time.Duration
	// MaxRetryAfter caps how long a Retry-After header may make dsctl wait.
	MaxRetryAfter time.Duration
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	switch {
	case p.Retries == 0:
		p.Retries = DefaultRetries
	case p.Retries < 0:
		p.Retries = 0
	}
	if p.Timeout <= 0 {
		p.Timeout = DefaultTimeout
	}
	if p.MinWait <= 0 {
		p.MinWait = DefaultMinWait
	}
	if p.MaxWait <= 0 {
		p.MaxWait = DefaultMaxWait
	}
	if p.MaxWait < p.MinWait {
		p.MaxWait = p.MinWait
	}
	if p.MaxElapsed <= 0 {
		p.MaxElapsed = DefaultMaxElapsed
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = DefaultMaxRetryAfter
	}
	return p
}

// backoff returns the wait before retry number attempt+1: exponential from
// MinWait, capped at MaxWait, with "equal jitter" (half fixed, half random) so
// that parallel clients do not retry in lockstep.
func (p RetryPolicy) backoff(attempt int) time.Duration {
	w := p.MinWait
	for i := 0; i < attempt && w < p.MaxWait; i++ {
		w *= 2
	}
	w = min(w, p.MaxWait)
	half := w / 2
	if half <= 0 {
		return w
	}
	return half + rand.N(half+1)
}

// retryAfter reads a Retry-After header (seconds or an HTTP date), capped at MaxRetryAfter.
func (p RetryPolicy) retryAfter(resp *http.Response) (time.Duration, bool) {
	if resp == nil || (resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable) {
		return 0, false
	}
	v := strings.TrimSpace(resp.Header.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	var d time.Duration
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		d = time.Duration(min(n, int64(p.MaxRetryAfter/time.Second)+1)) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = time.Until(t)
	} else {
		return 0, false
	}
	return max(0, min(d, p.MaxRetryAfter)), true
}

// retryableStatus reports whether an HTTP status is worth retrying: request
// timeout, rate limiting and server errors (but not "not implemented").
func retryableStatus(code int) bool {
	switch {
	case code == http.StatusRequestTimeout, code == http.StatusTooManyRequests:
		return true
	case code == http.StatusNotImplemented, code == http.StatusHTTPVersionNotSupported:
		return false
	default:
		return code >= 500
	}
}

// retryableNetErr reports whether a transport error is transient: timeouts,
// resets, refused or dropped connections, and bodies cut short.
func retryableNetErr(err error) bool {
	if err == nil {
		return false
	}
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	if errors.As(err, &certErr) || errors.As(err, &unknownAuth) || errors.As(err, &hostErr) {
		return false
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return dnsErr.IsTemporary || dnsErr.IsTimeout
	}
	if errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	var oe *net.OpError
	return errors.As(err, &oe)
}

// idempotentRequest reports whether a request may be sent again: the
// idempotent methods, and a POST without a body (it only opens a blob upload
// session; an abandoned session holds nothing).
func idempotentRequest(req *http.Request) bool {
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	case http.MethodPost:
		return req.Body == nil || req.Body == http.NoBody
	}
	return false
}

// callStats records what the transport did for one registry call, for error
// messages and tests. Safe for concurrent use.
type callStats struct {
	mu           sync.Mutex
	attempts     int // HTTP attempts of all requests
	lastAttempts int // attempts of the last request
	authorized   bool
	exhausted    bool // the transport gave up on a retryable failure
}

type statsKey struct{}

func withStats(ctx context.Context, st *callStats) context.Context {
	return context.WithValue(ctx, statsKey{}, st)
}

func statsFrom(ctx context.Context) *callStats {
	st, _ := ctx.Value(statsKey{}).(*callStats)
	return st
}

func (s *callStats) record(attempt int, authorized bool) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.attempts++
	s.lastAttempts = attempt
	s.authorized = s.authorized || authorized
}

func (s *callStats) giveUp(v bool) {
	if s == nil {
		return
	}
	s.mu.Lock()
	s.exhausted = v
	s.mu.Unlock()
}

func (s *callStats) total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts
}

func (s *callStats) last() (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastAttempts, s.exhausted
}

func (s *callStats) sawAuthChallenge() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.authorized
}

// retryTransport sends each request with a per-attempt timeout and retries
// transient failures of idempotent requests. Response bodies up to bufferLimit
// are read inside the attempt, so a body cut short is retried too.
type retryTransport struct {
	base   http.RoundTripper
	policy RetryPolicy
	// logf reports each retry; nil discards.
	logf func(format string, args ...any)
}

// RoundTrip implements http.RoundTripper.
func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	parent := req.Context()
	st := statsFrom(parent)
	start := time.Now()
	canRetry := idempotentRequest(req)
	for attempt := 0; ; attempt++ {
		if attempt > 0 && req.Body != nil && req.Body != http.NoBody {
			body, err := req.GetBody()
			if err != nil {
				return nil, fmt.Errorf("rewind request body: %w", err)
			}
			req = req.Clone(parent)
			req.Body = body
		}
		ctx, cancel := context.WithTimeout(parent, t.policy.Timeout)
		resp, err := t.base.RoundTrip(req.WithContext(ctx))
		if err == nil {
			err = bufferBody(resp)
			if err != nil {
				resp.Body.Close()
				resp = nil
			}
		}
		if err != nil && parent.Err() == nil && ctx.Err() == context.DeadlineExceeded {
			err = &attemptTimeoutError{timeout: t.policy.Timeout, err: err}
		}
		st.record(attempt+1, req.Header.Get("Authorization") != "")

		transient := (err != nil && parent.Err() == nil && retryableNetErr(err)) ||
			(err == nil && retryableStatus(resp.StatusCode))
		if !transient || !canRetry || (req.Body != nil && req.Body != http.NoBody && req.GetBody == nil) {
			st.giveUp(false)
			return finish(resp, err, cancel)
		}
		wait, ok := t.policy.retryAfter(resp)
		if !ok {
			wait = t.policy.backoff(attempt)
		}
		if attempt >= t.policy.Retries || time.Since(start)+wait > t.policy.MaxElapsed {
			st.giveUp(true)
			return finish(resp, err, cancel)
		}
		if t.logf != nil {
			why := ""
			if err != nil {
				why = netCause(err)
			} else {
				why = fmt.Sprintf("HTTP %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
			}
			t.logf("registry %s: %s %s: %s; retrying in %s (attempt %d of %d)", req.URL.Host, req.Method, req.URL.Path, why,
				wait.Round(time.Millisecond), attempt+2, t.policy.Retries+1)
		}
		if resp != nil {
			resp.Body.Close()
		}
		cancel()
		timer := time.NewTimer(wait)
		select {
		case <-parent.Done():
			timer.Stop()
			return nil, parent.Err()
		case <-timer.C:
		}
	}
}

// finish returns the attempt's outcome, releasing its context when the body is closed.
func finish(resp *http.Response, err error, cancel context.CancelFunc) (*http.Response, error) {
	if err != nil || resp == nil {
		cancel()
		return nil, err
	}
	resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// bufferBody reads a small body inside the attempt; a larger one is left streaming.
func bufferBody(resp *http.Response) error {
	if resp.Body == nil || resp.Body == http.NoBody || resp.ContentLength > bufferLimit {
		return nil
	}
	var buf bytes.Buffer
	if resp.ContentLength > 0 {
		buf.Grow(int(resp.ContentLength))
	}
	n, err := io.Copy(&buf, io.LimitReader(resp.Body, bufferLimit+1))
	if err != nil {
		return fmt.Errorf("read response body: %w", err)
	}
	if resp.ContentLength >= 0 && n != resp.ContentLength {
		return fmt.Errorf("read response body: got %d of %d bytes: %w", n, resp.ContentLength, io.ErrUnexpectedEOF)
	}
	if n > bufferLimit {
		resp.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(&buf, resp.Body), resp.Body}
		return nil
	}
	resp.Body.Close()
	resp.Body = io.NopCloser(&buf)
	return nil
}

// attemptTimeoutError is one HTTP attempt running past RetryPolicy.Timeout.
type attemptTimeoutError struct {
	timeout time.Duration
	err     error
}

func (e *attemptTimeoutError) Error() string { return fmt.Sprintf("no answer within %s", e.timeout) }
func (e *attemptTimeoutError) Unwrap() error { return e.err }
func (e *attemptTimeoutError) Timeout() bool { return true }

// defaultTransport is http.DefaultTransport with bounded dial and handshake
// times; loopbackOnly refuses connections to any address that is not loopback.
func defaultTransport(p RetryPolicy, loopbackOnly bool) http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	d := &net.Dialer{Timeout: min(10*time.Second, p.Timeout), KeepAlive: 30 * time.Second}
	if loopbackOnly {
		d.Control = loopbackOnlyControl
	}
	t.DialContext = d.DialContext
	t.TLSHandshakeTimeout = min(10*time.Second, p.Timeout)
	t.MaxIdleConnsPerHost = 16
	return t
}

// errorResponse is the registry's answer to a failed request.
type errorResponse = errcode.ErrorResponse

// opRetryable reports whether a whole operation should be run again after the
// transport gave up or could not retry: a body cut short while streaming, a
// digest that did not match (bytes lost on the way), an upload session the
// registry forgot (its PUT was retried after it had completed).
func opRetryable(err error) bool {
	if errors.Is(err, content.ErrMismatchedDigest) || errors.Is(err, content.ErrTrailingData) {
		return true
	}
	var er *errorResponse
	if errors.As(err, &er) {
		for _, e := range er.Errors {
			if e.Code == errcode.ErrorCodeBlobUploadUnknown || e.Code == errcode.ErrorCodeBlobUploadInvalid {
				return true
			}
		}
		return retryableStatus(er.StatusCode)
	}
	return retryableNetErr(err)
}

// call runs op with bounded operation-level retries and turns a final failure
// into an environment error that names the host, what failed and the attempts.
// Not-found errors pass through untouched (callers test them with errors.Is).
func (r *Remote) call(ctx context.Context, what string, op func(ctx context.Context) error) error {
	return r.do(ctx, what, true, op)
}

// do is call; withHost=false leaves "registry HOST: WHAT:" out of the final
// error, for callers (TargetStore) that say which store and operation failed.
func (r *Remote) do(ctx context.Context, what string, withHost bool, op func(ctx context.Context) error) error {
	st := statsFrom(ctx)
	if st == nil {
		st = &callStats{}
		ctx = withStats(ctx, st)
	}
	start := time.Now()
	for round := 0; ; round++ {
		err := op(ctx)
		if err == nil || errors.Is(err, errdef.ErrNotFound) || errors.Is(err, errdef.ErrAlreadyExists) {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		_, exhausted := st.last()
		wait := r.policy.backoff(round)
		if exhausted || round >= r.policy.Retries || !opRetryable(err) || time.Since(start)+wait > r.policy.MaxElapsed {
			if isRegistryNotFound(err) {
				return fmt.Errorf("%s: %w: %w", what, errdef.ErrNotFound, err)
			}
			if !withHost {
				what = ""
			}
			return r.classify(what, st, err)
		}
		r.logf("registry %s: %s: %s; retrying in %s (round %d of %d)", r.ref.Host, what, oneLineErr(err), wait.Round(time.Millisecond), round+2, r.policy.Retries+1)
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		case <-timer.C:
		}
	}
}

// isNotFound reports whether the registry answered 404 for a missing name, manifest or blob.
func isRegistryNotFound(err error) bool {
	var er *errorResponse
	if !errors.As(err, &er) || er.StatusCode != http.StatusNotFound {
		return false
	}
	for _, e := range er.Errors {
		switch e.Code {
		case errcode.ErrorCodeNameUnknown, errcode.ErrorCodeManifestUnknown, errcode.ErrorCodeBlobUnknown:
		default:
			return false
		}
	}
	return true
}

func oneLineErr(err error) string {
	var er *errorResponse
	if errors.As(err, &er) {
		return fmt.Sprintf("HTTP %d %s", er.StatusCode, http.StatusText(er.StatusCode))
	}
	return netCause(err)
}

// remoteError is a registry failure with a message written for a person; the
// cause stays in the chain for errors.Is/As.
type remoteError struct {
	msg string
	err error
}

func (e *remoteError) Error() string { return e.msg }
func (e *remoteError) Unwrap() error { return e.err }

// ErrAuth marks authentication and authorisation failures (test with errors.Is).
var ErrAuth = errors.New("authentication failed")

type authError struct{ err error }

func (e *authError) Error() string        { return e.err.Error() }
func (e *authError) Unwrap() []error      { return []error{ErrAuth, e.err} }
func (e *authError) Is(target error) bool { return target == ErrAuth }

// classify turns err into an errkind.Env error: "registry HOST: WHAT: CAUSE",
// or only CAUSE when what is empty.
func (r *Remote) classify(what string, st *callStats, err error) error {
	host := r.ref.Host
	attempts, _ := st.last()
	prefix := fmt.Sprintf("registry %s: %s: ", host, what)
	if what == "" {
		prefix = ""
	}
	env := func(cause error, msg, hint string) error {
		return &errkind.Error{Kind: errkind.Env, Err: &remoteError{msg: msg, err: cause}, Hint: hint}
	}
	retried := ""
	if attempts > 1 {
		retried = fmt.Sprintf(" (gave up after %d attempts)", attempts)
	}
	if errors.Is(err, auth.ErrBasicCredentialNotFound) {
		hint := fmt.Sprintf("set %s and %s, or run 'docker login %s'", EnvRegistryUsername, EnvRegistryPassword, host)
		withheld := ""
		if i := strings.Index(r.credSource, " ("+CredsEnvironment+" not sent"); i >= 0 {
			// The environment has credentials, bound to another host or to none.
			withheld = r.credSource[i:]
			hint = fmt.Sprintf("set %s=%s to send the environment's credentials to it", EnvRegistryHost, host)
		}
		return env(&authError{err}, fmt.Sprintf("%sauthentication required: no credentials for %s%s", prefix, host, withheld), hint)
	}
	var er *errorResponse
	if errors.As(err, &er) {
		status := fmt.Sprintf("HTTP %d %s", er.StatusCode, http.StatusText(er.StatusCode))
		if len(er.Errors) > 0 {
			status += ": " + er.Errors.Error()
		}
		switch er.StatusCode {
		case http.StatusUnauthorized:
			return env(&authError{err}, fmt.Sprintf("%sauthentication failed (credentials from %s)", prefix, r.credSource),
				fmt.Sprintf("check %s/%s or run 'docker login %s'", EnvRegistryUsername, EnvRegistryPassword, host))
		case http.StatusForbidden:
			return env(&authError{err}, fmt.Sprintf("%spermission denied (credentials from %s): %s", prefix, r.credSource, status),
				"the account needs pull and push rights on the repository")
		}
		hint := ""
		if retryableStatus(er.StatusCode) {
			hint = "the registry is overloaded or failing; retry later or raise --retries"
		}
		return env(err, fmt.Sprintf("%s%s%s", prefix, status, retried), hint)
	}
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var recordErr tls.RecordHeaderError
	switch {
	case errors.As(err, &certErr), errors.As(err, &unknownAuth), errors.As(err, &hostErr):
		return env(err, fmt.Sprintf("%sTLS certificate not trusted: %v", prefix, rootCause(err)),
			"install the registry's CA certificate in the system trust store")
	case errors.As(err, &recordErr), strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		hint := "the registry speaks plain HTTP"
		if r.ref.IsLoopback() {
			hint += "; add --plain-http"
		} else {
			hint += fmt.Sprintf("; add --plain-http and list the host in %s if you accept unencrypted traffic", EnvInsecureRegistries)
		}
		return env(err, fmt.Sprintf("%sTLS handshake failed on %s", prefix, host), hint)
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return env(err, fmt.Sprintf("%scannot resolve host %s%s", prefix, dnsErr.Name, retried), "check the registry reference and your DNS")
	}
	if retryableNetErr(err) {
		return env(err, fmt.Sprintf("%s%s%s", prefix, netCause(err), retried),
			"check that the registry is reachable; raise --retries or --registry-timeout for a slow link")
	}
	return env(err, fmt.Sprintf("%s%v", prefix, err), "")
}

// netCause names a network failure in a few words.
func netCause(err error) string {
	var te *attemptTimeoutError
	switch {
	case errors.As(err, &te):
		return te.Error()
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset by peer"
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "connection closed before the response was complete"
	case errors.Is(err, context.DeadlineExceeded):
		return "timed out"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "timed out"
	}
	return rootCause(err).Error()
}

func rootCause(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}
