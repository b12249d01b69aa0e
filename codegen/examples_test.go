package codegen

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/dsctl/dsctl/internal/config"
)

// update rewrites golden files (the examples' generated DTOs included).
var update = os.Getenv("DSCTL_UPDATE") == "1"

// TestExamplesGolden regenerates the DTOs of every service of
// examples/dsctl.yaml and compares them with the committed files: the same
// check as `dsctl gen dtos --check` in CI. DSCTL_UPDATE=1 rewrites them.
func TestExamplesGolden(t *testing.T) {
	cfg, err := config.Load(filepath.Join("..", "examples", "dsctl.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cache := NewSpecCache()
	kept := map[string][]string{}
	for _, s := range cfg.Services {
		res, err := cache.Run(ServiceJob(cfg, s))
		if err != nil {
			t.Fatalf("service %s: %v", s.Name, err)
		}
		kept[s.Name] = res.Kept
		if update {
			if err := res.Write(); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := res.Compare(); err != nil {
			t.Fatal(err)
		}
		if res.Status != "unchanged" {
			t.Errorf("%s is %s; run DSCTL_UPDATE=1 go test ./codegen or dsctl gen dtos:\n%s", res.Output, res.Status, res.Diff)
		}
	}
	// Each service gets only what it calls.
	for _, c := range []struct {
		service string
		has     []string
		hasNot  []string
	}{
		{"billing", []string{"Payment", "PaymentMethod", "CardPayment", "RefundRequest", "Refund", "Order", "Error"},
			[]string{"Shipment", "Carrier", "NewOrder", "Health", "OrderPage"}},
		{"shipping", []string{"Shipment", "ShipmentEvent", "NewShipment", "Carrier", "Order"},
			[]string{"Payment", "PaymentMethod", "Error", "ErrorDetail", "Refund", "Health"}},
	} {
		got, ok := kept[c.service]
		if !ok {
			t.Fatalf("no service %s in examples/dsctl.yaml", c.service)
		}
		for _, n := range c.has {
			if !slices.Contains(got, n) {
				t.Errorf("%s: schema %s missing from %v", c.service, n, got)
			}
		}
		for _, n := range c.hasNot {
			if slices.Contains(got, n) {
				t.Errorf("%s: schema %s should not be generated (kept %v)", c.service, n, got)
			}
		}
	}
}

// TestExamplesBuild compiles the examples' services, generated DTOs and the
// hand-written code that uses them, as part of the main module.
func TestExamplesBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go build")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	cmd := exec.Command(goBin, "build", "./examples/billing/...", "./examples/shipping/...")
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build examples: %v\n%s", err, out)
	}
}
