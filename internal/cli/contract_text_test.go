package cli

import (
	"bytes"
	"testing"

	"github.com/dsctl/dsctl/contracts"
	"github.com/dsctl/dsctl/contracts/registry"
	"github.com/dsctl/dsctl/internal/output"
)

// TestListAndVerifyAlignOnTTY: on a terminal the columns line up whatever the
// name lengths; off it they stay tab-separated for scripts.
func TestListAndVerifyAlignOnTTY(t *testing.T) {
	list := listResult{Registry: "reg", Contracts: []listEntry{
		{Name: "billing-events", Versions: []registry.Version{{Version: "1.0.0", Digest: "sha256:a"}}},
		{Name: "o", Versions: []registry.Version{{Version: "10.20.30", Digest: "sha256:b"}}},
	}}
	var buf bytes.Buffer
	if err := list.WriteText(&buf, output.Style{}); err != nil {
		t.Fatal(err)
	}
	if want := "billing-events\t1.0.0\tsha256:a\no\t10.20.30\tsha256:b\n"; buf.String() != want {
		t.Errorf("off a terminal:\n%q\nwant\n%q", buf.String(), want)
	}
	list.tty = true
	buf.Reset()
	if err := list.WriteText(&buf, output.Style{}); err != nil {
		t.Fatal(err)
	}
	if want := "billing-events  1.0.0     sha256:a\no               10.20.30  sha256:b\n"; buf.String() != want {
		t.Errorf("on a terminal:\n%q\nwant\n%q", buf.String(), want)
	}

	v := verifyResult{&contracts.VerifyReport{Contracts: []contracts.VerifyEntry{
		{Name: "billing-events", Version: "1.0.0", Status: contracts.VerifyOK},
		{Name: "o", Version: "2.0.0", Status: contracts.VerifyOK},
	}}, true, false}
	buf.Reset()
	if err := v.WriteText(&buf, output.Style{}); err != nil {
		t.Fatal(err)
	}
	if want := "billing-events  1.0.0  ok\no               2.0.0  ok\n"; buf.String() != want {
		t.Errorf("verify on a terminal:\n%q\nwant\n%q", buf.String(), want)
	}
}
