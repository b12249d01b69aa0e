package examples

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dsctl/dsctl/internal/config"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

// contractFile is the part of contract.yaml these tests read.
type contractFile struct {
	APIVersion    string `yaml:"apiVersion"`
	Name          string `yaml:"name"`
	Version       string `yaml:"version"`
	Owner         string `yaml:"owner"`
	Compatibility string `yaml:"compatibility"`
	Policy        string `yaml:"policy"`
	Events        []struct {
		Name      string   `yaml:"name"`
		Schema    string   `yaml:"schema"`
		Examples  []string `yaml:"examples"`
		Producers []string `yaml:"producers"`
		Consumers []string `yaml:"consumers"`
	} `yaml:"events"`
	APIs []struct {
		Name string `yaml:"name"`
		Spec string `yaml:"spec"`
	} `yaml:"apis"`
}

const contractDir = "orders/contract"

func readContract(t *testing.T) contractFile {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(contractDir, "contract.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var c contractFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		t.Fatalf("contract.yaml: %v", err)
	}
	return c
}

func compileSchema(t *testing.T, path string) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	s, err := c.Compile(path)
	if err != nil {
		t.Fatalf("compile %s: %v", path, err)
	}
	return s
}

func readInstance(t *testing.T, path string) any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v
}

func loadSpec(t *testing.T, path string) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromFile(path)
	if err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("validate %s: %v", path, err)
	}
	return doc
}

func operationIDs(doc *openapi3.T) []string {
	var ids []string
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			ids = append(ids, op.OperationID)
		}
	}
	slices.Sort(ids)
	return ids
}

func TestContractPackage(t *testing.T) {
	c := readContract(t)
	if c.APIVersion != "dsctl.dev/v1" || c.Name != "orders" || c.Version != "1.0.0" ||
		c.Owner != "orders-service" || c.Compatibility != "backward" || c.Policy != "strict" {
		t.Errorf("contract.yaml header = %+v", c)
	}
	var names []string
	for _, e := range c.Events {
		names = append(names, e.Name)
		if !slices.Equal(e.Producers, []string{"orders"}) || !slices.Equal(e.Consumers, []string{"billing", "shipping"}) {
			t.Errorf("%s: producers %v consumers %v", e.Name, e.Producers, e.Consumers)
		}
		if len(e.Examples) == 0 {
			t.Errorf("%s has no example", e.Name)
		}
		schema := compileSchema(t, filepath.Join(contractDir, e.Schema))
		for _, ex := range e.Examples {
			if err := schema.Validate(readInstance(t, filepath.Join(contractDir, ex))); err != nil {
				t.Errorf("%s example %s: %v", e.Name, ex, err)
			}
		}
	}
	if !slices.Equal(names, []string{"OrderPlaced", "OrderCancelled"}) {
		t.Errorf("events = %v", names)
	}
	if len(c.APIs) != 1 || c.APIs[0].Name != "orders-api" || c.APIs[0].Spec != "openapi.yaml" {
		t.Errorf("apis = %+v", c.APIs)
	}
}

// TestEventConventions checks the rules the contract README promises: ids of
// package and major version, an eventId, occurredAt and orderVersion in every
// event, and string ids everywhere.
func TestEventConventions(t *testing.T) {
	for _, e := range readContract(t).Events {
		data, err := os.ReadFile(filepath.Join(contractDir, e.Schema))
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		base := strings.TrimSuffix(filepath.Base(e.Schema), ".schema.json")
		if want := "https://contracts.dsctl.dev/orders/v1/" + base + ".schema.json"; doc["$id"] != want {
			t.Errorf("%s: $id = %v, want %s", e.Schema, doc["$id"], want)
		}
		if doc["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
			t.Errorf("%s: $schema = %v", e.Schema, doc["$schema"])
		}
		required, _ := doc["required"].([]any)
		for _, f := range []string{"eventId", "occurredAt", "orderId", "orderVersion"} {
			if !slices.Contains(required, any(f)) {
				t.Errorf("%s: %s is not required", e.Schema, f)
			}
		}
		walkProperties(doc, "#", func(path, name string, prop map[string]any) {
			if strings.HasSuffix(name, "Id") && prop["type"] != "string" {
				t.Errorf("%s %s: id %s has type %v, want string", e.Schema, path, name, prop["type"])
			}
		})
	}
}

func walkProperties(node any, path string, f func(path, name string, prop map[string]any)) {
	switch n := node.(type) {
	case map[string]any:
		if props, ok := n["properties"].(map[string]any); ok {
			for name, p := range props {
				if pm, ok := p.(map[string]any); ok {
					f(path+"/properties/"+name, name, pm)
				}
			}
		}
		for k, v := range n {
			walkProperties(v, path+"/"+k, f)
		}
	case []any:
		for _, v := range n {
			walkProperties(v, path, f)
		}
	}
}

func TestEventExamplesRejectBadInput(t *testing.T) {
	schema := compileSchema(t, filepath.Join(contractDir, "events/order-placed.schema.json"))
	cases := map[string]string{
		"integer id":      `"orderId": "0b9c2f4e-8a71-4d3e-b5c6-2f1e0d9c8b7a"|"orderId": 42`,
		"unknown enum":    `"currency": "EUR" }|"currency": "BTC" }`,
		"bad uuid":        `"eventId": "7d6e1f5a-3c2b-4b8e-9f0a-1e2d3c4b5a69"|"eventId": "not-a-uuid"`,
		"bad date-time":   `"occurredAt": "2026-03-14T09:26:53Z"|"occurredAt": "yesterday"`,
		"unknown field":   `"channel": "web"|"channel": "web", "extra": 1`,
		"float amount":    `"total": { "amount": "33.90"|"total": { "amount": 33.9`,
		"missing version": `"orderVersion": 1,|`,
	}
	orig, err := os.ReadFile(filepath.Join(contractDir, "examples/order-placed.json"))
	if err != nil {
		t.Fatal(err)
	}
	for name, edit := range cases {
		from, to, _ := strings.Cut(edit, "|")
		if !bytes.Contains(orig, []byte(from)) {
			t.Fatalf("%s: %q not in the example", name, from)
		}
		src := bytes.Replace(orig, []byte(from), []byte(to), 1)
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(src))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := schema.Validate(v); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestOpenAPISpecs(t *testing.T) {
	cases := []struct {
		path, version string
		ops           int
		has, hasNot   string
	}{
		{"orders/contract/openapi.yaml", "1.0.0", 12, "listShipmentEvents", "getOrderHistory"},
		{"changes/openapi.v1.1.yaml", "1.1.0", 13, "getOrderHistory", ""},
		{"changes/openapi.v2.yaml", "2.0.0", 12, "getOrderHistory", "listShipmentEvents"},
	}
	for _, c := range cases {
		doc := loadSpec(t, c.path)
		if doc.OpenAPI != "3.0.3" || doc.Info.Version != c.version {
			t.Errorf("%s: openapi %s version %s", c.path, doc.OpenAPI, doc.Info.Version)
		}
		ids := operationIDs(doc)
		if len(ids) != c.ops || !slices.Contains(ids, c.has) || (c.hasNot != "" && slices.Contains(ids, c.hasNot)) {
			t.Errorf("%s: operations %v", c.path, ids)
		}
		for p, item := range doc.Paths.Map() {
			for m, op := range item.Operations() {
				if op.OperationID == "" || len(op.Tags) == 0 {
					t.Errorf("%s: %s %s needs an operationId and a tag", c.path, m, p)
				}
			}
		}
	}
	doc := loadSpec(t, "orders/contract/openapi.yaml")
	pm := doc.Components.Schemas["PaymentMethod"].Value
	if len(pm.OneOf) != 2 || pm.Discriminator == nil || pm.Discriminator.PropertyName != "type" {
		t.Errorf("PaymentMethod should be a oneOf with a discriminator")
	}
	if li := doc.Components.Schemas["LineItem"].Value; len(li.AllOf) != 2 {
		t.Errorf("LineItem should be an allOf of two schemas")
	}
}

func TestConfig(t *testing.T) {
	cfg, err := config.Load("dsctl.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(cfg.Contracts, []string{contractDir, "billing/contract", "shipping/contract"}) || cfg.Registry != ".dsctl/registry" {
		t.Errorf("contracts %v registry %q", cfg.Contracts, cfg.Registry)
	}
	ids := operationIDs(loadSpec(t, "orders/contract/openapi.yaml"))
	for _, name := range []string{"billing", "shipping"} {
		s, ok := cfg.Service(name)
		if !ok {
			t.Fatalf("no service %s", name)
		}
		if s.Package != "ordersapi" || s.Output != name+"/ordersapi/dtos.gen.go" {
			t.Errorf("%s: package %s output %s", name, s.Package, s.Output)
		}
		if _, err := os.Stat(cfg.Resolve(s.Spec)); err != nil {
			t.Errorf("%s: spec: %v", name, err)
		}
		for _, op := range s.Operations {
			if !slices.Contains(ids, op) {
				t.Errorf("%s: operation %s is not in the spec", name, op)
			}
		}
	}
}

// TestChanges checks the next versions: v1.1 still accepts a 1.0.0 event,
// v2 does not.
func TestChanges(t *testing.T) {
	ex := readInstance(t, filepath.Join(contractDir, "examples/order-placed.json"))
	if err := compileSchema(t, "changes/order-placed.v1.1.schema.json").Validate(ex); err != nil {
		t.Errorf("v1.1 rejects a 1.0.0 event: %v", err)
	}
	if err := compileSchema(t, "changes/order-placed.v2.schema.json").Validate(ex); err == nil {
		t.Errorf("v2 accepts a 1.0.0 event that carries customer.email")
	}
}

// TestWebAssets checks that every file the pages, styles and scripts name
// exists, that the decoys do not, and that the binaries are what they claim.
func TestWebAssets(t *testing.T) {
	refs := map[string][]string{
		"index.html": {"img/og.png", "favicon.ico", "fonts/inter.woff2", "css/site.css", "js/app.js",
			"js/vendor-3f2a9c1b7d8e.digested.js", "img/logo.png", "img/logo@2x.png", "about.html",
			"img/hero.svg", "img/poster.png", "media/intro.mp4"},
		"about.html": {"/img/og.png", "favicon.ico", "./img/logo@2x.png", "/css/site.css?v=1", "./js/app.js", "index.html", "./img/logo.png", "img/bg.png"},
		"css/site.css": {"reset.css", "../fonts/inter.eot?#iefix", "../fonts/inter.woff2", "../fonts/inter-bold.woff2",
			"../img/bg.png", "../img/hero.svg", "../img/hero.svg#mark", "/img/logo.png", "site.css.map"},
		"js/app.js":  {"./util.js", "./format.js", "./lazy.js", "../img/logo.png", "app.js.map"},
		"js/lazy.js": {"./util.js"},
	}
	for file, list := range refs {
		data, err := os.ReadFile(filepath.Join("web", file))
		if err != nil {
			t.Fatal(err)
		}
		for _, ref := range list {
			if !bytes.Contains(data, []byte(ref)) {
				t.Errorf("%s does not name %s", file, ref)
			}
			target := ref
			if i := strings.IndexAny(target, "?#"); i >= 0 {
				target = target[:i]
			}
			var p string
			if strings.HasPrefix(target, "/") {
				p = filepath.Join("web", target)
			} else {
				p = filepath.Join("web", filepath.Dir(file), target)
			}
			if _, err := os.Stat(p); err != nil {
				t.Errorf("%s names %s: %v", file, ref, err)
			}
		}
	}
	for _, decoy := range []string{"web/js/not-a-ref.js", "web/img/old-bg.png"} {
		if _, err := os.Stat(decoy); err == nil {
			t.Errorf("%s must not exist: it is named only in a comment or a string", decoy)
		}
	}
	for _, p := range []string{"logo.png", "logo@2x.png", "og.png", "poster.png", "bg.png"} {
		f, err := os.Open(filepath.Join("web/img", p))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := png.Decode(f); err != nil {
			t.Errorf("%s: %v", p, err)
		}
		f.Close()
	}
	for _, m := range []string{"js/app.js.map", "css/site.css.map"} {
		data, err := os.ReadFile(filepath.Join("web", m))
		if err != nil {
			t.Fatal(err)
		}
		var sm struct {
			Version  int      `json:"version"`
			File     string   `json:"file"`
			Sources  []string `json:"sources"`
			Mappings string   `json:"mappings"`
		}
		if err := json.Unmarshal(data, &sm); err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		if sm.Version != 3 || sm.File != strings.TrimSuffix(filepath.Base(m), ".map") || len(sm.Sources) == 0 || sm.Mappings == "" {
			t.Errorf("%s: %+v", m, sm)
		}
	}
	ico, err := os.ReadFile("web/favicon.ico")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(ico, []byte{0, 0, 1, 0, 1, 0}) {
		t.Errorf("favicon.ico has no ICO header")
	}
}

// TestReaderSchemasAcceptOrdersExamples checks billing's and shipping's
// reader schemas (consumes:) against the events orders documents: each
// reader accepts every example of the event it reads.
func TestReaderSchemasAcceptOrdersExamples(t *testing.T) {
	c := readContract(t)
	examples := map[string][]string{}
	for _, e := range c.Events {
		examples[e.Name] = e.Examples
	}
	for _, svc := range []string{"billing", "shipping"} {
		data, err := os.ReadFile(filepath.Join(svc, "contract", "contract.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		var pkg struct {
			Name     string `yaml:"name"`
			Consumes []struct {
				Package string `yaml:"package"`
				Event   string `yaml:"event"`
				Version string `yaml:"version"`
				Schema  string `yaml:"schema"`
			} `yaml:"consumes"`
		}
		if err := yaml.Unmarshal(data, &pkg); err != nil {
			t.Fatal(err)
		}
		if pkg.Name != svc || len(pkg.Consumes) != 2 {
			t.Fatalf("%s: name %q, %d consumes entries", svc, pkg.Name, len(pkg.Consumes))
		}
		for _, d := range pkg.Consumes {
			if d.Package != "orders" || d.Version != "^1" || len(examples[d.Event]) == 0 {
				t.Fatalf("%s: %+v", svc, d)
			}
			sch := compileSchema(t, filepath.Join(svc, "contract", d.Schema))
			for _, ex := range examples[d.Event] {
				if err := sch.Validate(readInstance(t, filepath.Join(contractDir, ex))); err != nil {
					t.Errorf("%s's reader schema of %s rejects %s: %v", svc, d.Event, ex, err)
				}
			}
		}
	}
}
