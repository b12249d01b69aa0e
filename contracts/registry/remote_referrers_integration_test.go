package registry_test

import (
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dsctl/dsctl/contracts/registry"
	"github.com/dsctl/dsctl/contracts/registry/internal/regtest"
	ggcr "github.com/google/go-containerregistry/pkg/registry"
)

// TestRemoteReferrersAPIYank yanks over a registry that implements the OCI 1.1
// referrers API (go-containerregistry's, in process): the tombstone is found
// through the API and no sha256-<digest> fallback tag is written. The same
// flow against docker-registry 2.8 (no referrers API) uses the fallback; see
// TestRemoteIntegrationLifecycle.
func TestRemoteReferrersAPIYank(t *testing.T) {
	srv := httptest.NewServer(ggcr.New(ggcr.WithReferrersSupport(true), ggcr.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	proxy := regtest.NewProxy(t, strings.TrimPrefix(srv.URL, "http://"), nil)
	ctx := context.Background()
	_, st := openRemote(t, proxy.Host, "ref", registry.RemoteOptions{})
	if _, err := st.Push(ctx, pkg("orders", "1.0.0", "a")); err != nil {
		t.Fatal(err)
	}
	if err := st.Yank(ctx, "orders", "1.0.0", "superseded"); err != nil {
		t.Fatal(err)
	}
	v, err := st.Lookup(ctx, "orders", "1.0.0")
	if err != nil || !v.Yanked || v.YankReason != "superseded" {
		t.Fatalf("lookup: %+v %v", v, err)
	}
	if proxy.Count("GET referrers") == 0 {
		t.Errorf("the referrers API was not used: %v", proxy.Counts())
	}
	resp, err := http.Get(srv.URL + "/v2/ref/orders/tags/list")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf strings.Builder
	_, _ = io.Copy(&buf, resp.Body)
	if strings.Contains(buf.String(), "sha256-") {
		t.Errorf("a fallback referrers tag was written although the registry has the API: %s", buf.String())
	}
}
