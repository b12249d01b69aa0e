package consumers

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// EnvRequireChromium makes the browser test fail, not skip, without
// chromium (set by .ci/run, which installs it).
const EnvRequireChromium = "DSCTL_REQUIRE_CHROMIUM"

// TestGraphHTMLInChromium opens the html graph in headless Chromium (no
// network, a throwaway profile) and checks the nodes and edges its script
// drew in the DOM.
func TestGraphHTMLInChromium(t *testing.T) {
	bin, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv(EnvRequireChromium) == "1" {
			t.Fatalf("chromium not found and %s=1", EnvRequireChromium)
		}
		t.Skip("chromium not installed (apt-get install -y chromium): the html graph is not opened in a browser")
	}
	g, err := NewIndex(store(t)).Graph(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "graph.html")
	var b bytes.Buffer
	if err := g.Write(&b, "html"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--no-first-run", "--disable-component-update", "--disable-sync", "--user-data-dir="+filepath.Join(dir, "profile"),
		"--dump-dom", "file://"+page)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	dom := string(out)
	if !strings.Contains(dom, `data-rendered="1"`) {
		t.Fatalf("the page's script did not run to the end:\n%s", dom)
	}
	for _, want := range []string{
		`data-kind="producer" data-id="orders"`,
		`data-kind="event" data-id="orders/OrderPlaced"`,
		`data-kind="consumer" data-id="billing"`,
		`data-kind="consumer" data-id="shipping"`,
		`data-kind="consumer" data-id="legacy"`,
		`data-kind="consumer" data-id="next"`,
		`>^1 → 1.0.0</text>`,
		`>&gt;=0.1 &lt;1 (no match)</text>`,
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("rendered DOM lacks %s", want)
		}
	}
	if n := len(regexp.MustCompile(`<path class="edge consumes"`).FindAllString(dom, -1)); n != 4 {
		t.Errorf("%d consumes edges drawn, want 4", n)
	}
	if n := len(regexp.MustCompile(`<path class="edge produces"`).FindAllString(dom, -1)); n != 1 {
		t.Errorf("%d produces edges drawn, want 1", n)
	}
}
