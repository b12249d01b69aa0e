package registry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/dsctl/dsctl/internal/errkind"
	"oras.land/oras-go/v2/errdef"
	orasreg "oras.land/oras-go/v2/registry"
	"oras.land/oras-go/v2/registry/remote"
	"oras.land/oras-go/v2/registry/remote/auth"
)

// RemoteScheme prefixes a remote registry reference: oci://HOST[:PORT]/PREFIX.
const RemoteScheme = "oci://"

// EnvInsecureRegistries lists the hosts (comma or space separated, "host" or
// "host:port") that may be reached over plain HTTP although they are not loopback.
const EnvInsecureRegistries = "DSCTL_INSECURE_REGISTRIES"

// repoPathRegexp is the OCI distribution grammar of a repository path.
var repoPathRegexp = regexp.MustCompile(`^[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*)*$`)

// IsRemoteRef reports whether ref names a remote registry (oci://...).
func IsRemoteRef(ref string) bool { return strings.HasPrefix(ref, RemoteScheme) }

// RemoteRef is a parsed oci://HOST[:PORT]/PREFIX store reference. Every contract
// NAME lives in the repository PREFIX/NAME (or NAME when the prefix is empty).
type RemoteRef struct {
	// Host is HOST or HOST:PORT, lower case; IPv6 literals keep their brackets.
	Host string
	// Prefix is the repository path prefix without slashes at either end; may be empty.
	Prefix string
}

// ParseRemoteRef parses oci://HOST[:PORT][/PREFIX]. Credentials, queries,
// fragments, tags and digests are refused: a store reference names a place,
// and secrets never go into it. Errors are input errors (exit 2).
func ParseRemoteRef(s string) (RemoteRef, error) {
	bad := func(format string, args ...any) (RemoteRef, error) {
		return RemoteRef{}, errkind.Inputf("registry reference %q: %s", redactRef(s), fmt.Sprintf(format, args...))
	}
	if !IsRemoteRef(s) {
		return bad("want %sHOST[:PORT]/PREFIX", RemoteScheme)
	}
	rest := strings.TrimPrefix(s, RemoteScheme)
	if strings.Contains(rest, "@") {
		// Userinfo or a digest: either way the reference is not echoed, since a
		// password may hold any character, "/" included.
		return RemoteRef{}, errkind.Inputf("registry reference %sREDACTED: credentials do not belong in a reference (use DSCTL_REGISTRY_USERNAME/DSCTL_REGISTRY_PASSWORD or the Docker config), nor does a digest", RemoteScheme)
	}
	hostPart, prefix, _ := strings.Cut(rest, "/")
	if strings.ContainsAny(rest, "?#") {
		return bad("queries and fragments are not allowed")
	}
	if hostPart == "" {
		return bad("missing host")
	}
	u, err := url.Parse("https://" + hostPart)
	if err != nil || u.Host != hostPart || u.Hostname() == "" {
		return bad("invalid host %q", hostPart)
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return bad("invalid port %q", p)
		}
	} else if strings.HasSuffix(hostPart, ":") {
		return bad("empty port")
	}
	prefix = strings.TrimSuffix(prefix, "/")
	if prefix != "" && !repoPathRegexp.MatchString(prefix) {
		if strings.Contains(prefix, ":") {
			return bad("a store reference names a repository prefix, not a tag or digest")
		}
		return bad("invalid repository prefix %q: lower-case letters, digits and . _ - separated by /", prefix)
	}
	return RemoteRef{Host: strings.ToLower(hostPart), Prefix: prefix}, nil
}

// redactRef hides a reference that may carry userinfo before it is printed.
func redactRef(s string) string {
	if strings.Contains(s, "@") {
		return "REDACTED"
	}
	return s
}

// String returns the reference as the user writes it.
func (r RemoteRef) String() string {
	if r.Prefix == "" {
		return RemoteScheme + r.Host
	}
	return RemoteScheme + r.Host + "/" + r.Prefix
}

// Repository returns the repository path of contract name.
func (r RemoteRef) Repository(name string) string {
	if r.Prefix == "" {
		return name
	}
	return r.Prefix + "/" + name
}

// Hostname is Host without the port.
func (r RemoteRef) Hostname() string {
	h := r.Host
	if host, _, err := net.SplitHostPort(h); err == nil {
		return host
	}
	return strings.Trim(h, "[]")
}

// lookupIPAddr resolves host names (a variable for tests).
var lookupIPAddr = net.DefaultResolver.LookupIPAddr

// IsLoopback reports whether the host is a loopback address, or the name
// localhost or NAME.localhost that resolves to loopback addresses only. A
// name is resolved, never trusted for its spelling: "evil.localhost" may
// resolve anywhere. A Remote on such a name also refuses to connect to any
// address that is not loopback (see loopbackOnlyControl), so the answer
// cannot change between this check and the connection.
func (r RemoteRef) IsLoopback() bool {
	h := strings.ToLower(r.Hostname())
	if ip := net.ParseIP(h); ip != nil {
		return ip.IsLoopback()
	}
	if h != "localhost" && !strings.HasSuffix(h, ".localhost") {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	addrs, err := lookupIPAddr(ctx, h)
	if err != nil || len(addrs) == 0 {
		return false
	}
	for _, a := range addrs {
		if !a.IP.IsLoopback() {
			return false
		}
	}
	return true
}

// loopbackOnlyControl is a net.Dialer Control that refuses to connect to an
// address that is not loopback: the dialer of a registry that was granted
// loopback's allowances (plain HTTP, loopback token realms) by name.
func loopbackOnlyControl(network, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		host = address
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("refusing to connect to %s: the registry's name is a loopback name but resolved to another address", address)
	}
	return nil
}

// AllowPlainHTTP reports whether plain HTTP may be used for this host: loopback
// hosts always, others only when insecure (the value of
// DSCTL_INSECURE_REGISTRIES) lists the host or host:port.
func (r RemoteRef) AllowPlainHTTP(insecure string) bool {
	if r.IsLoopback() {
		return true
	}
	for _, h := range strings.FieldsFunc(insecure, func(c rune) bool { return c == ',' || c == ' ' || c == '\t' || c == '\n' }) {
		h = strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(h, "http://"), "https://"), "/"))
		if h == r.Host || h == r.Hostname() {
			return true
		}
	}
	return false
}

// RemoteOptions configure how a remote registry is reached.
type RemoteOptions struct {
	// PlainHTTP uses http:// instead of https://. Allowed only for loopback hosts
	// and the hosts listed in DSCTL_INSECURE_REGISTRIES.
	PlainHTTP bool
	// Retry bounds timeouts and retries; zero fields take the defaults.
	Retry RetryPolicy
	// Getenv reads the environment (credentials, DOCKER_CONFIG, HOME,
	// DSCTL_INSECURE_REGISTRIES); nil means os.Getenv.
	Getenv func(string) string
	// Credential overrides the credential lookup (tests); nil means
	// DSCTL_REGISTRY_USERNAME/PASSWORD, else the Docker config.
	Credential auth.CredentialFunc
	// FromRepository says the reference was read from the repository
	// (dsctl.yaml), not from the command line or the environment: the
	// environment's credentials are then sent only to the host that
	// DSCTL_REGISTRY_HOST names.
	FromRepository bool
	// Transport is the base HTTP transport (tests); nil means a tuned clone of
	// http.DefaultTransport.
	Transport http.RoundTripper
	// UserAgent is sent with every request; empty means "dsctl".
	UserAgent string
	// Log receives one line per retry (never credentials); nil discards.
	Log io.Writer
}

// Remote is a connection to one remote OCI registry under a repository prefix.
type Remote struct {
	ref    RemoteRef
	opts   RemoteOptions
	policy RetryPolicy
	client *auth.Client
	// credSource says where credentials come from, for error messages (never the secret).
	credSource string
	log        func(string, ...any)
}

// NewRemote prepares a connection to ref (no network traffic yet). It refuses
// plain HTTP to a non-loopback host that DSCTL_INSECURE_REGISTRIES does not list.
func NewRemote(ref RemoteRef, opts RemoteOptions) (*Remote, error) {
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	opts.Getenv = getenv
	if opts.PlainHTTP && !ref.AllowPlainHTTP(getenv(EnvInsecureRegistries)) {
		return nil, &errkind.Error{Kind: errkind.Input,
			Err:  fmt.Errorf("registry %s: --plain-http is only allowed for loopback hosts", ref.Host),
			Hint: fmt.Sprintf("use TLS, or list the host in %s=%s if you accept unencrypted traffic", EnvInsecureRegistries, ref.Host)}
	}
	policy := opts.Retry.withDefaults()
	cred, source, err := credentialFunc(ref, opts)
	if err != nil {
		return nil, err
	}
	base := opts.Transport
	if base == nil {
		// A loopback name (localhost, NAME.localhost) connects to loopback only.
		byName := net.ParseIP(ref.Hostname()) == nil && ref.IsLoopback()
		base = defaultTransport(policy, byName)
	}
	ua := opts.UserAgent
	if ua == "" {
		ua = "dsctl"
	}
	log := logger(opts.Log)
	client := &auth.Client{
		Client:     &http.Client{Transport: &retryTransport{base: base, policy: policy, logf: log}},
		Header:     http.Header{"User-Agent": {ua}},
		Credential: cred,
		Cache:      auth.NewCache(),
		// oras-go refuses token realms on loopback (a registry must not send a
		// client's credentials to a local service) except when the registry is
		// itself on loopback: a local registry with a local token server.
		BlockedRealmPrefixes: realmDenylist(ref),
	}
	return &Remote{ref: ref, opts: opts, policy: policy, client: client, credSource: source, log: log}, nil
}

// realmDenylist is oras-go's default denylist of bearer realm addresses,
// without the loopback prefixes when the registry is on loopback.
func realmDenylist(ref RemoteRef) []netip.Prefix {
	deny := auth.DefaultBlockedRealmPrefixes()
	if !ref.IsLoopback() {
		return deny
	}
	out := deny[:0]
	for _, p := range deny {
		if !p.Addr().IsLoopback() {
			out = append(out, p)
		}
	}
	return out
}

func logger(w io.Writer) func(string, ...any) {
	if w == nil {
		return nil
	}
	var mu sync.Mutex
	return func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, "warning: "+format+"\n", args...)
	}
}

func (r *Remote) logf(format string, args ...any) {
	if r.log != nil {
		r.log(format, args...)
	}
}

// openRemote opens an oci:// reference as a Store (Open calls it).
func openRemote(ref string, opts Options) (Store, error) {
	rr, err := ParseRemoteRef(ref)
	if err != nil {
		return nil, err
	}
	r, err := NewRemote(rr, RemoteOptions{
		PlainHTTP:      opts.PlainHTTP,
		Retry:          RetryPolicy{Retries: opts.Retries, Timeout: opts.Timeout},
		Log:            opts.Log,
		FromRepository: opts.FromRepository,
	})
	if err != nil {
		return nil, err
	}
	return r.Store(), nil
}

// Store returns the contract Store over this registry: one repository per
// contract name under the prefix. No lock: the registry is shared, so a lost
// race is detected after the push instead (see TargetStore.Push).
func (r *Remote) Store() *TargetStore {
	return NewTargetStore(r.ref.String(), func(ctx context.Context, name string) (Target, error) {
		t, err := r.Target(ctx, name)
		if err != nil {
			return nil, err
		}
		return t, nil
	}, r.Names)
}

// Ref returns the parsed reference.
func (r *Remote) Ref() RemoteRef { return r.ref }

// repository returns the oras repository for contract name.
func (r *Remote) repository(name string) (*remote.Repository, error) {
	path := r.ref.Repository(name)
	if !repoPathRegexp.MatchString(path) {
		return nil, errkind.Inputf("registry %s: invalid repository name %q", r.ref.Host, path)
	}
	repo := &remote.Repository{
		Client:    r.client,
		Reference: orasreg.Reference{Registry: r.ref.Host, Repository: path},
		PlainHTTP: r.opts.PlainHTTP,
		// dsctl never deletes: yanks are tombstones, and a referrers index that
		// is replaced is left for the registry's garbage collection.
		SkipReferrersGC: true,
	}
	return repo, nil
}

// Target returns the OCI target (a retrying, verifying wrapper around the
// registry's repository) that holds contract name.
func (r *Remote) Target(ctx context.Context, name string) (*RemoteTarget, error) {
	repo, err := r.repository(name)
	if err != nil {
		return nil, err
	}
	return &RemoteTarget{repo: repo, remote: r}, nil
}

// Names lists the contract names under the prefix with the catalog API. Many
// hosted registries (GHCR, ECR with restricted policies) do not offer the
// catalog; the error then says so.
func (r *Remote) Names(ctx context.Context) ([]string, error) {
	reg := &remote.Registry{RepositoryOptions: remote.RepositoryOptions{
		Client:    r.client,
		Reference: orasreg.Reference{Registry: r.ref.Host},
		PlainHTTP: r.opts.PlainHTTP,
	}}
	prefix := ""
	if r.ref.Prefix != "" {
		prefix = r.ref.Prefix + "/"
	}
	var names []string
	err := r.call(ctx, "list repositories (catalog API)", func(ctx context.Context) error {
		names = names[:0]
		return reg.Repositories(ctx, "", func(repos []string) error {
			for _, repo := range repos {
				rest, ok := strings.CutPrefix(repo, prefix)
				if ok && ValidName(rest) {
					names = append(names, rest)
				}
			}
			return nil
		})
	})
	if err != nil {
		var er *errorResponse
		if errors.As(err, &er) {
			switch er.StatusCode {
			case http.StatusNotFound, http.StatusMethodNotAllowed:
				return nil, errkind.Envf("registry %s does not offer the catalog API (listing repositories); name the contract", r.ref.Host)
			case http.StatusUnauthorized, http.StatusForbidden:
				// Many registries reserve the catalog to administrators: if the
				// credentials are good otherwise, say so instead of "authentication failed".
				if _, perr := r.Ping(ctx); perr == nil {
					return nil, errkind.Envf("registry %s does not let these credentials list repositories (catalog API); name the contract", r.ref.Host)
				}
			}
		}
		return nil, err
	}
	sort.Strings(names)
	return names, nil
}

// PingResult reports what a ping found.
type PingResult struct {
	// Ref is the store reference (no credentials).
	Ref string `json:"ref"`
	// URL is the base URL that was reached.
	URL string `json:"url"`
	// Reachable is true when the registry answered the /v2/ endpoint.
	Reachable bool `json:"reachable"`
	// Auth is "anonymous" (no credentials needed or used) or "authenticated".
	Auth string `json:"auth"`
	// Credentials says where credentials came from ("none", "environment", "docker config").
	Credentials string `json:"credentials"`
	// Attempts is how many HTTP attempts the ping took (retries included).
	Attempts int `json:"attempts"`
}

// Ping checks that the registry answers the OCI distribution API and that the
// credentials (if any) are accepted. Failures are environment errors (exit 3)
// that name the host and the cause, never the secret.
func (r *Remote) Ping(ctx context.Context) (PingResult, error) {
	res := PingResult{Ref: r.ref.String(), URL: r.baseURL(), Credentials: r.credSource, Auth: "anonymous"}
	reg := &remote.Registry{RepositoryOptions: remote.RepositoryOptions{
		Client:    r.client,
		Reference: orasreg.Reference{Registry: r.ref.Host},
		PlainHTTP: r.opts.PlainHTTP,
	}}
	st := &callStats{}
	err := r.call(withStats(ctx, st), "ping", func(ctx context.Context) error {
		err := reg.Ping(ctx)
		if errors.Is(err, errdef.ErrNotFound) {
			return fmt.Errorf("%s does not serve the OCI distribution API (/v2/ answered 404)", r.baseURL())
		}
		return err
	})
	res.Attempts = st.total()
	if err != nil {
		return res, err
	}
	if err := r.checkNotWebPage(ctx); err != nil {
		return res, err
	}
	res.Reachable = true
	if st.sawAuthChallenge() {
		res.Auth = "authenticated"
	}
	return res, nil
}

// checkNotWebPage catches a web server that answers /v2/ with 200 and an
// HTML page (a wrong host or port, a login portal): a registry answers with
// JSON, so ping must not call that reachable.
func (r *Remote) checkNotWebPage(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.baseURL(), nil)
	if err != nil {
		return errkind.Envf("registry %s: ping: %w", r.ref.Host, err)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		// The ping itself just succeeded; a hiccup now is not a verdict.
		return nil
	}
	defer resp.Body.Close()
	ct := strings.ToLower(resp.Header.Get("Content-Type"))
	if resp.StatusCode == http.StatusOK && strings.HasPrefix(ct, "text/html") {
		return errkind.Envf("registry %s: ping: %s answered a web page (text/html), not the OCI distribution API; check the host and port", r.ref.Host, r.baseURL())
	}
	return nil
}

func (r *Remote) baseURL() string {
	if r.opts.PlainHTTP {
		return "http://" + r.ref.Host + "/v2/"
	}
	return "https://" + r.ref.Host + "/v2/"
}
