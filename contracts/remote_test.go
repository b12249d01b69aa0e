package contracts

import (
	"context"
	"errors"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	ggcr "github.com/google/go-containerregistry/pkg/registry"

	"github.com/dsctl/dsctl/contracts/registry"
)

// TestWorkflowOnOCIRegistry runs publish (with its gate), yank and pull
// against an in-process OCI registry (go-containerregistry) on loopback,
// through registry.Open("oci://…") with plain HTTP.
func TestWorkflowOnOCIRegistry(t *testing.T) {
	ctx := context.Background()
	srv := httptest.NewServer(ggcr.New(ggcr.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	ref := "oci://" + strings.TrimPrefix(srv.URL, "http://") + "/team"
	s, err := registry.Open(ref, registry.Options{PlainHTTP: true, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "pkg")
	copyDir(t, "testdata/pkg", dir)
	if r, err := publish(t, s, dir); err != nil || r.Status != StatusPublished {
		t.Fatalf("publish = %+v, %v", r, err)
	}
	if r, err := publish(t, s, dir); err != nil || r.Status != StatusAlreadyPublished {
		t.Fatalf("republish = %+v, %v", r, err)
	}
	schema := filepath.Join(dir, "events", "thing-made.schema.json")
	edit(t, schema, `"red", "green", "blue"`, `"red", "green"`)
	if _, err := publish(t, s, dir); !errors.Is(err, registry.ErrImmutable) {
		t.Fatalf("other content under 1.0.0: %v", err)
	}
	setVersion(t, dir, "1.1.0")
	if _, err := publish(t, s, dir); !errors.Is(err, ErrVersionTooSmall) {
		t.Fatalf("breaking minor: %v", err)
	}
	edit(t, schema, `"red", "green"`, `"red", "green", "blue", "black"`)
	if r, err := publish(t, s, dir); err != nil || r.Gate == nil || r.Gate.RequiredBump.String() != "minor" {
		t.Fatalf("compatible minor = %+v, %v", r, err)
	}
	if err := s.Yank(ctx, "things", "1.1.0", "wrong colour"); err != nil {
		t.Fatal(err)
	}
	ws := t.TempDir()
	opts := PullOptions{Store: s, LockPath: filepath.Join(ws, LockFileName), VendorDir: filepath.Join(ws, "vendor")}
	r, err := Pull(ctx, "things", "^1", opts)
	if err != nil || r.Version != "1.0.0" || len(r.Skipped) != 1 {
		t.Fatalf("pull ^1 = %+v, %v", r, err)
	}
	lock, _ := os.ReadFile(opts.LockPath)
	if !strings.Contains(string(lock), `"registry": "`+ref+`"`) {
		t.Fatalf("lock does not record the registry:\n%s", lock)
	}
	if vr, err := Verify(opts.LockPath, opts.VendorDir); err != nil || !vr.OK {
		t.Fatalf("verify = %+v, %v", vr, err)
	}
}
