package regtest

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// Fault is what the proxy does to one request.
type Fault int

// The faults the proxy injects.
const (
	// Pass forwards the request untouched.
	Pass Fault = iota
	// Reset closes the connection with a TCP RST before answering.
	Reset
	// Delay holds the request for Proxy.Delay before forwarding it (longer than
	// the client's per-attempt timeout, so the client gives up on it).
	Delay
	// Status500 answers 500 Internal Server Error without forwarding.
	Status500
	// Status503 answers 503 Service Unavailable without forwarding.
	Status503
	// Status429 answers 429 Too Many Requests (Retry-After: Proxy.RetryAfter) without forwarding.
	Status429
	// Truncate forwards the request, then sends only half of the response body
	// (with the full Content-Length) and drops the connection. A response
	// without a body is reset instead.
	Truncate
	// Immutable answers 400 TAG_INVALID without forwarding, as ECR does for a
	// tag write to an immutable repository.
	Immutable
)

func (f Fault) String() string {
	return [...]string{"pass", "reset", "delay", "500", "503", "429", "truncate", "immutable"}[f]
}

// Schedule picks the fault for request number n (0-based, in arrival order).
type Schedule func(n int, r *http.Request) Fault

// Cycle injects faults[i%len(faults)] into every k-th request (n%k == k-1) and
// passes the others: deterministic for a given request order.
func Cycle(k int, faults ...Fault) Schedule {
	return func(n int, r *http.Request) Fault {
		if k <= 0 || len(faults) == 0 || n%k != k-1 {
			return Pass
		}
		return faults[(n/k)%len(faults)]
	}
}

// Always injects f into every request.
func Always(f Fault) Schedule { return func(int, *http.Request) Fault { return f } }

// Proxy is a loopback HTTP proxy in front of a registry that injects faults and
// counts the requests it sees.
type Proxy struct {
	// Host is 127.0.0.1:PORT of the proxy.
	Host string
	// Delay is how long a Delay fault holds a request (default 2s).
	Delay time.Duration
	// RetryAfter is the Retry-After value of a 429 ("" sends none).
	RetryAfter string
	// After, when set, runs after a forwarded request got its answer (tests use
	// it to act "between" two requests of the client, e.g. to win a race).
	After func(r *http.Request, status int)

	mu       sync.Mutex
	schedule Schedule
	n        int
	counts   map[string]int
	faults   map[Fault]int
	srv      *httptest.Server
	rp       *httputil.ReverseProxy
}

// NewProxy starts a proxy to the registry at upstream (host:port) with a schedule.
func NewProxy(t testing.TB, upstream string, schedule Schedule) *Proxy {
	t.Helper()
	u := &url.URL{Scheme: "http", Host: upstream}
	p := &Proxy{Delay: 2 * time.Second, schedule: schedule, counts: map[string]int{}, faults: map[Fault]int{}}
	p.rp = httputil.NewSingleHostReverseProxy(u)
	p.rp.ErrorLog = nil
	p.rp.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) {
		http.Error(w, "proxy: "+err.Error(), http.StatusBadGateway)
	}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	p.srv.Config.ErrorLog = nil
	p.Host = strings.TrimPrefix(p.srv.URL, "http://")
	t.Cleanup(p.srv.Close)
	return p
}

// SetSchedule replaces the schedule and restarts request numbering.
func (p *Proxy) SetSchedule(s Schedule) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.schedule, p.n = s, 0
}

// Reset clears the counters.
func (p *Proxy) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.counts, p.faults, p.n = map[string]int{}, map[Fault]int{}, 0
}

// Count returns how many requests of a kind arrived ("POST upload", "PUT
// upload", "GET manifest", "HEAD blob", ...; see Kind). Faulted ones count too.
func (p *Proxy) Count(kind string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.counts[kind]
}

// Counts returns every count, as sorted "kind=n" strings (for failure messages).
func (p *Proxy) Counts() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for k, v := range p.counts {
		out = append(out, fmt.Sprintf("%s=%d", k, v))
	}
	sort.Strings(out)
	return out
}

// Injected returns how many times fault f was injected.
func (p *Proxy) Injected(f Fault) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.faults[f]
}

// Uploads is the number of blob upload requests (POST, PATCH, PUT to /blobs/uploads/).
func (p *Proxy) Uploads() int {
	return p.Count("POST upload") + p.Count("PATCH upload") + p.Count("PUT upload")
}

// Kind names the registry API a request belongs to: its method and one of
// ping, upload, blob, manifest, tags, referrers, catalog, other.
func Kind(r *http.Request) string {
	path := r.URL.Path
	k := "other"
	switch {
	case path == "/v2/" || path == "/v2":
		k = "ping"
	case strings.Contains(path, "/blobs/uploads"):
		k = "upload"
	case strings.Contains(path, "/blobs/"):
		k = "blob"
	case strings.Contains(path, "/manifests/"):
		k = "manifest"
	case strings.HasSuffix(path, "/tags/list"):
		k = "tags"
	case strings.Contains(path, "/referrers/"):
		k = "referrers"
	case path == "/v2/_catalog":
		k = "catalog"
	}
	return r.Method + " " + k
}

func (p *Proxy) serve(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	n := p.n
	p.n++
	f := Pass
	if p.schedule != nil {
		f = p.schedule(n, r)
	}
	p.counts[Kind(r)]++
	if f != Pass {
		p.faults[f]++
	}
	after := p.After
	p.mu.Unlock()

	switch f {
	case Reset:
		reset(w)
		return
	case Delay:
		t := time.NewTimer(p.Delay)
		select {
		case <-r.Context().Done():
			t.Stop()
			return
		case <-t.C:
		}
	case Status500, Status503, Status429:
		code := map[Fault]int{Status500: 500, Status503: 503, Status429: 429}[f]
		if f == Status429 && p.RetryAfter != "" {
			w.Header().Set("Retry-After", p.RetryAfter)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		fmt.Fprintf(w, `{"errors":[{"code":"UNKNOWN","message":"injected %s"}]}`, f)
		return
	case Immutable:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"errors":[{"code":"TAG_INVALID","message":"The image tag already exists and cannot be overwritten because the repository is immutable."}]}`)
		return
	case Truncate:
		if r.Method == http.MethodHead {
			reset(w)
			return
		}
		rec := httptest.NewRecorder()
		p.rp.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		if len(body) < 2 {
			reset(w)
			return
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.WriteHeader(rec.Code)
		_, _ = io.Copy(w, bytes.NewReader(body[:len(body)/2]))
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		reset(w)
		return
	}
	sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
	p.rp.ServeHTTP(sw, r)
	if after != nil {
		after(r, sw.code)
	}
}

// reset drops the client's connection with a TCP RST.
func reset(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("regtest: response writer cannot hijack")
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	conn.Close()
}

type statusWriter struct {
	http.ResponseWriter
	code int
}

func (s *statusWriter) WriteHeader(code int) {
	s.code = code
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
