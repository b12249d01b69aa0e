package registry

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dsctl/dsctl/internal/errkind"
)

// fastPolicy keeps the retry tests quick.
var fastPolicy = RetryPolicy{Retries: 3, Timeout: 2 * time.Second, MinWait: time.Millisecond, MaxWait: 4 * time.Millisecond, MaxRetryAfter: 20 * time.Millisecond}

func newTestTransport(p RetryPolicy) *retryTransport {
	return &retryTransport{base: http.DefaultTransport, policy: p.withDefaults()}
}

func TestRetryTransportStatuses(t *testing.T) {
	tests := []struct {
		name     string
		fail     int // failures before success
		status   int
		method   string
		body     bool
		wantN    int32
		wantCode int
	}{
		{"503 then ok", 2, 503, "GET", false, 3, 200},
		{"429 then ok", 1, 429, "HEAD", false, 2, 200},
		{"500 exhausts", 10, 500, "GET", false, 4, 500},
		{"404 not retried", 10, 404, "GET", false, 1, 404},
		{"501 not retried", 10, 501, "GET", false, 1, 501},
		{"PUT with rewindable body retried", 1, 502, "PUT", true, 2, 200},
		{"POST without body retried", 1, 503, "POST", false, 2, 200},
		{"PATCH not retried", 1, 503, "PATCH", true, 1, 503},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var n atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				if tc.body && string(b) != "payload" {
					t.Errorf("attempt %d got body %q", n.Load()+1, b)
				}
				if int(n.Add(1)) <= tc.fail {
					w.WriteHeader(tc.status)
					return
				}
				w.WriteHeader(200)
			}))
			defer srv.Close()
			var body io.Reader
			if tc.body {
				body = bytes.NewReader([]byte("payload"))
			}
			req, _ := http.NewRequest(tc.method, srv.URL, body)
			st := &callStats{}
			req = req.WithContext(withStats(context.Background(), st))
			resp, err := newTestTransport(fastPolicy).RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.wantCode || n.Load() != tc.wantN {
				t.Errorf("status %d after %d attempts, want %d after %d", resp.StatusCode, n.Load(), tc.wantCode, tc.wantN)
			}
			if got, _ := st.last(); got != int(tc.wantN) {
				t.Errorf("stats say %d attempts, want %d", got, tc.wantN)
			}
		})
	}
}

func TestRetryTransportTruncatedBody(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "10")
		if n.Add(1) == 1 {
			_, _ = w.Write([]byte("01234")) // half, then the handler ends: the connection drops
			return
		}
		_, _ = w.Write([]byte("0123456789"))
	}))
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL, nil)
	resp, err := newTestTransport(fastPolicy).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || string(b) != "0123456789" || n.Load() != 2 {
		t.Fatalf("body %q, err %v, attempts %d", b, err, n.Load())
	}
}

func TestRetryTransportAttemptTimeout(t *testing.T) {
	var n atomic.Int32
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			select { // hang until the client gives up on this attempt
			case <-r.Context().Done():
			case <-release:
			}
			return
		}
		w.WriteHeader(200)
	}))
	defer srv.Close()
	defer close(release)
	p := fastPolicy
	p.Timeout = 300 * time.Millisecond
	req, _ := http.NewRequest("GET", srv.URL, nil)
	resp, err := newTestTransport(p).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// At least 2: a loaded machine may time out a later attempt too.
	if resp.StatusCode != 200 || n.Load() < 2 {
		t.Fatalf("status %d after %d attempts", resp.StatusCode, n.Load())
	}
}

func TestRetryAfterBounded(t *testing.T) {
	p := fastPolicy.withDefaults()
	mk := func(code int, v string) *http.Response {
		return &http.Response{StatusCode: code, Header: http.Header{"Retry-After": {v}}}
	}
	if d, ok := p.retryAfter(mk(429, "3600")); !ok || d != p.MaxRetryAfter {
		t.Errorf("an hour is capped at MaxRetryAfter: %v %v", d, ok)
	}
	p2 := RetryPolicy{MaxRetryAfter: 10 * time.Second}.withDefaults()
	if d, ok := p2.retryAfter(mk(429, "2")); !ok || d != 2*time.Second {
		t.Errorf("2 seconds: %v %v", d, ok)
	}
	if d, ok := p2.retryAfter(mk(503, time.Now().Add(time.Hour).UTC().Format(http.TimeFormat))); !ok || d != 10*time.Second {
		t.Errorf("HTTP date: %v %v", d, ok)
	}
	if _, ok := p2.retryAfter(mk(500, "2")); ok {
		t.Error("Retry-After only counts on 429 and 503")
	}
	if _, ok := p2.retryAfter(mk(429, "soon")); ok {
		t.Error("garbage Retry-After accepted")
	}
}

func TestBackoffGrowsWithJitterWithinBounds(t *testing.T) {
	p := RetryPolicy{MinWait: 100 * time.Millisecond, MaxWait: time.Second}.withDefaults()
	for attempt := 0; attempt < 8; attempt++ {
		base := min(p.MinWait<<attempt, p.MaxWait)
		for i := 0; i < 50; i++ {
			d := p.backoff(attempt)
			if d < base/2 || d > base {
				t.Fatalf("attempt %d: wait %v outside [%v, %v]", attempt, d, base/2, base)
			}
		}
	}
}

func TestCallGivesUpWithClearEnvError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(503)
	}))
	defer srv.Close()
	ref, _ := ParseRemoteRef("oci://" + strings.TrimPrefix(srv.URL, "http://") + "/t")
	r, err := NewRemote(ref, RemoteOptions{PlainHTTP: true, Retry: fastPolicy, Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Ping(context.Background())
	if errkind.Of(err) != errkind.Env {
		t.Fatalf("kind %v: %v", errkind.Of(err), err)
	}
	for _, want := range []string{ref.Host, "ping", "HTTP 503", "gave up after 4 attempts"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}
	var ke *errkind.Error
	if !errors.As(err, &ke) || ke.Hint == "" {
		t.Errorf("no hint: %v", err)
	}
}

func TestConnectionRefusedIsEnvError(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	host := strings.TrimPrefix(srv.URL, "http://")
	srv.Close() // nothing listens there now
	ref, _ := ParseRemoteRef("oci://" + host + "/t")
	r, _ := NewRemote(ref, RemoteOptions{PlainHTTP: true, Retry: fastPolicy, Getenv: func(string) string { return "" }})
	_, err := r.Ping(context.Background())
	if errkind.Of(err) != errkind.Env || !strings.Contains(err.Error(), "connection refused") || !strings.Contains(err.Error(), "4 attempts") {
		t.Fatalf("got %v", err)
	}
}

func TestHTTPSAgainstPlainServerHints(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	ref, _ := ParseRemoteRef("oci://" + strings.TrimPrefix(srv.URL, "http://") + "/t")
	r, _ := NewRemote(ref, RemoteOptions{Retry: fastPolicy, Getenv: func(string) string { return "" }})
	_, err := r.Ping(context.Background())
	var ke *errkind.Error
	if !errors.As(err, &ke) || !strings.Contains(ke.Hint, "--plain-http") {
		t.Fatalf("got %v (hint %q)", err, ke.Hint)
	}
}
