package consumers

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/compat/jsonschema"
	"github.com/dsctl/dsctl/contracts"
	"github.com/dsctl/dsctl/contracts/registry"
)

// writePkg writes files (path → content) into a new folder and loads it.
func writePkg(t *testing.T, files map[string]string) *contracts.Contract {
	t.Helper()
	dir := t.TempDir()
	for p, data := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c, err := contracts.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	c.Dir = "pkg"
	return c
}

const producerYAML = `apiVersion: dsctl.dev/v1
name: orders
version: VERSION
compatibility: backward
events:
  - name: OrderPlaced
    schema: placed.json
    lint: {ignore: [example-missing, event-id-missing, occurred-at-missing, entity-version-missing, schema-id]}
`

// producer returns an orders package at version whose OrderPlaced schema is
// closed and has the properties given (name → schema).
func producer(t *testing.T, version, props string) *contracts.Contract {
	return writePkg(t, map[string]string{
		"contract.yaml": strings.Replace(producerYAML, "VERSION", version, 1),
		"placed.json":   `{"type": "object", "additionalProperties": false, ` + props + `}`,
	})
}

const baseProps = `"required": ["orderId", "email"], "properties": {"orderId": {"type": "string"}, "notes": {"type": "string"}, "channel": {"type": "string", "enum": ["web", "phone"]}, "email": {"type": "string"}}`

func consumer(t *testing.T, name, rng, reader string) *contracts.Contract {
	return writePkg(t, map[string]string{
		"contract.yaml": "apiVersion: dsctl.dev/v1\nname: " + name + "\nversion: 1.0.0\nconsumes:\n  - package: orders\n    event: OrderPlaced\n    version: '" + rng + "'\n    schema: r.json\n",
		"r.json":        reader,
	})
}

func publish(t *testing.T, s registry.Store, c *contracts.Contract) {
	t.Helper()
	if _, err := contracts.PublishContract(context.Background(), c, contracts.PublishOptions{Store: s, Engines: []compat.Engine{jsonschema.Engine{}}}); err != nil {
		t.Fatalf("publish %s: %v", c.Name, err)
	}
}

func store(t *testing.T) registry.Store {
	s := registry.OpenLayout("reg", filepath.Join(t.TempDir(), "reg"))
	publish(t, s, producer(t, "1.0.0", baseProps))
	publish(t, s, consumer(t, "billing", "^1", `{"type": "object", "required": ["orderId", "email"], "properties": {"orderId": {"type": "string"}, "email": {"type": "string"}}}`))
	publish(t, s, consumer(t, "shipping", "^1", `{"type": "object", "required": ["orderId"], "properties": {"orderId": {"type": "string"}, "channel": {"enum": ["web", "phone"]}}}`))
	publish(t, s, consumer(t, "legacy", ">=0.1 <1", `{"type": "object"}`))
	publish(t, s, consumer(t, "next", "^2", `{"type": "object"}`))
	return s
}

func statuses(r *contracts.ConsumerReport) string {
	var s []string
	for _, c := range r.Consumers {
		x := c.Name + "=" + c.Status
		for _, ch := range c.Changes {
			x += ":" + ch.ID
		}
		s = append(s, x)
	}
	return strings.Join(s, " ")
}

func TestCheck(t *testing.T) {
	s := store(t)
	tests := []struct {
		name, version, props, want string
	}{
		{"unchanged", "1.0.1", baseProps, "billing=compatible legacy=older-major next=out-of-range shipping=compatible"},
		{"field nobody reads removed", "1.1.0", `"required": ["orderId", "email"], "properties": {"orderId": {"type": "string"}, "channel": {"type": "string", "enum": ["web", "phone"]}, "email": {"type": "string"}}`,
			"billing=compatible legacy=older-major next=out-of-range shipping=compatible"},
		{"field a consumer reads removed", "1.1.0", `"required": ["orderId"], "properties": {"orderId": {"type": "string"}, "notes": {"type": "string"}, "channel": {"type": "string", "enum": ["web", "phone"]}}`,
			"billing=broken:required-removed legacy=older-major next=out-of-range shipping=compatible"},
		{"enum a consumer reads widened", "1.1.0", `"required": ["orderId", "email"], "properties": {"orderId": {"type": "string"}, "notes": {"type": "string"}, "channel": {"type": "string", "enum": ["web", "phone", "kiosk"]}, "email": {"type": "string"}}`,
			"billing=compatible legacy=older-major next=out-of-range shipping=broken:enum-value-added"},
		{"older major", "2.0.0", `"properties": {"orderId": {"type": "integer"}}`, "billing=older-major legacy=older-major next=compatible shipping=older-major"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewIndex(s).Check(context.Background(), producer(t, tt.version, tt.props))
			if err != nil {
				t.Fatal(err)
			}
			if got := statuses(r); got != tt.want {
				t.Fatalf("got  %s\nwant %s", got, tt.want)
			}
			for _, c := range r.Consumers {
				if (c.Compatible != nil) != (c.Status == contracts.ConsumerCompatible || c.Status == contracts.ConsumerBroken) {
					t.Errorf("%s: compatible set for status %s", c.Name, c.Status)
				}
			}
		})
	}
}

func TestCheckEventRemoved(t *testing.T) {
	s := store(t)
	p := writePkg(t, map[string]string{"contract.yaml": "apiVersion: dsctl.dev/v1\nname: orders\nversion: 1.1.0\n"})
	r, err := NewIndex(s).Check(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if got := statuses(r); got != "billing=broken:event-removed legacy=older-major next=out-of-range shipping=broken:event-removed" {
		t.Fatal(got)
	}
}

func TestLint(t *testing.T) {
	s := store(t)
	ctx := context.Background()
	ok := consumer(t, "audit", "^1", `{"type": "object", "properties": {"orderId": {"type": "string"}}}`)
	fs, err := NewIndex(s).Lint(ctx, ok)
	if err != nil || len(fs) != 0 {
		t.Fatalf("%v %v", fs, err)
	}
	// The pinned orders@1.0.0 sends channel "phone"; this reader takes only "web".
	bad := consumer(t, "audit", "^1", `{"type": "object", "properties": {"channel": {"enum": ["web"]}}}`)
	fs, err = NewIndex(s).Lint(ctx, bad)
	if err != nil || len(fs) != 1 || fs[0].Rule != contracts.RuleReaderIncompatible || !strings.Contains(fs[0].Message, "orders@1.0.0 sends events this reader schema rejects: enum-value-added") {
		t.Fatalf("%+v %v", fs, err)
	}
	none := consumer(t, "audit", "^3", `{}`)
	fs, err = NewIndex(s).Lint(ctx, none)
	if err != nil || len(fs) != 1 || fs[0].Rule != contracts.RuleProducerMissing {
		t.Fatalf("%+v %v", fs, err)
	}
}

func TestConsumerAware(t *testing.T) {
	reports := []compat.Report{
		{Kind: "contract", Changes: []compat.Change{{ID: contracts.ChangeEventRemoved, Path: "#/events/OrderCancelled", Impact: compat.Major, Breaking: true}}},
		{Kind: "jsonschema", New: "orders@1.1.0#OrderPlaced", Changes: []compat.Change{{ID: "x", Impact: compat.Major, Breaking: true}}},
		{Kind: "jsonschema", New: "orders@1.1.0#OrderShipped", Changes: []compat.Change{{ID: "y", Impact: compat.Major, Breaking: true}}},
		{Kind: "openapi", New: "orders@1.1.0#api", Changes: []compat.Change{{ID: "z", Impact: compat.Major, Breaking: true}}},
	}
	f := false
	cr := &contracts.ConsumerReport{Consumers: []contracts.ConsumerResult{{Name: "shipping", Event: "OrderPlaced", Status: contracts.ConsumerBroken, Compatible: &f}}}
	contracts.ConsumerAware(reports, cr)
	want := []compat.Impact{compat.Minor, compat.Major, compat.Minor, compat.Major}
	for i, r := range reports {
		if r.RequiredBump != want[i] {
			t.Errorf("report %d (%s): %s, want %s", i, r.New, r.RequiredBump, want[i])
		}
	}
	if !strings.Contains(reports[2].Changes[0].Message, "consumer-aware") || reports[2].Changes[0].Breaking {
		t.Errorf("%+v", reports[2].Changes[0])
	}
}

func TestGraph(t *testing.T) {
	s := store(t)
	g, err := NewIndex(s).Graph(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Events) != 1 || len(g.Events[0].Consumers) != 4 || g.Events[0].Consumers[0].Resolves != "1.0.0" || g.Events[0].Consumers[1].Resolves != "" {
		t.Fatalf("%+v", g.Events)
	}
	for _, f := range Formats {
		var a, b bytes.Buffer
		if err := g.Write(&a, f); err != nil {
			t.Fatal(err)
		}
		g2, _ := NewIndex(s).Graph(context.Background())
		if err := g2.Write(&b, f); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) || a.Len() == 0 {
			t.Errorf("%s: not deterministic or empty", f)
		}
	}
	var m bytes.Buffer
	_ = g.Write(&m, "mermaid")
	for _, want := range []string{`e0 -->|"#gt;=0.1 #lt;1 (no match)"| p1`, `p3 -->|"1.0.0"| e0`, `p3["orders<br/>1.0.0"]`, `e0 -->|"^2 (no match)"| p2`} {
		if !strings.Contains(m.String(), want) {
			t.Errorf("mermaid lacks %q:\n%s", want, m.String())
		}
	}
	var h bytes.Buffer
	_ = g.Write(&h, "html")
	if strings.Contains(h.String(), "http://") && !strings.Contains(h.String(), "http://www.w3.org/2000/svg") || strings.Contains(h.String(), "https://") {
		t.Errorf("html page refers to the network")
	}
	if err := g.Write(&h, "svg"); err == nil {
		t.Error("svg accepted")
	}
}

func TestInstancePointer(t *testing.T) {
	for path, want := range map[string]string{
		"#/properties/channel/enum/4":             "channel",
		"#/properties/customer/required/1":        "customer",
		"#/properties/lines/items/properties/sku": "lines/0/sku",
		"#/properties/a~1b/type":                  "a/b",
		"#/$defs/Customer/properties/email":       "<nil>",
		"#/properties/x/anyOf/0":                  "<nil>",
		"#":                                       "<nil>",
	} {
		got := "<nil>"
		if p := instancePointer(path); p != nil {
			got = strings.Join(p, "/")
		}
		if got != want {
			t.Errorf("instancePointer(%q) = %s, want %s", path, got, want)
		}
	}
}
