package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/internal/output"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

func loc(file string, line, col int) *compat.Location {
	return &compat.Location{File: file, Line: line, Column: col}
}

func change(id, path string, imp compat.Impact, msg string, l *compat.Location) compat.Change {
	return compat.Change{ID: id, Path: path, Impact: imp, Breaking: imp == compat.Major, Message: msg, Location: l}
}

func gated(t *testing.T, r *compat.Report, failOn compat.Impact) *compat.Report {
	t.Helper()
	if err := compat.Gate(r); err != nil {
		t.Fatal(err)
	}
	r.FailOn = failOn
	return r
}

// fixtures are the report lists every printer is tested on.
func fixtures(t *testing.T) map[string][]*compat.Report {
	many := &compat.Report{Kind: "openapi", Mode: compat.Backward, Policy: compat.Strict,
		Old: "git:origin/main:api/openapi.yaml", New: "api/openapi.yaml"}
	for i, id := range []string{"endpoint-added", "response-property-added", "request-property-removed", "description-changed"} {
		for j := 0; j < 3; j++ {
			imp := []compat.Impact{compat.Minor, compat.Minor, compat.Major, compat.Patch}[i]
			c := change(id, "#/components/schemas/Order/properties/f"+string(rune('a'+j)), imp,
				"change "+id+" number "+string(rune('1'+j)), loc("api/openapi.yaml", 10+i*10+j, 7))
			if id == "request-property-removed" {
				c.Operations = []string{"GET /orders", "GET /orders/{id}", "POST /orders", "PUT /orders/{id}", "DELETE /orders/{id}", "PATCH /orders/{id}", "GET /v2/orders"}
			}
			many.Changes = append(many.Changes, c)
		}
	}
	compat.SortChanges(many.Changes)

	return map[string][]*compat.Report{
		"breaking": {gated(t, &compat.Report{
			Kind: "jsonschema", Mode: compat.Backward, Policy: compat.Strict,
			Old: "git:HEAD~1:events/order-placed.schema.json", New: "events/order-placed.schema.json",
			From: "1.2.0", To: "1.3.0",
			Changes: []compat.Change{
				change("property-removed", "#/properties/total", compat.Major,
					`property "total" was removed; consumers reading it break`, loc("git:HEAD~1:events/order-placed.schema.json", 12, 5)),
				change("enum-extended", "#/properties/channel/enum", compat.Minor,
					"enum gained \"kiosk\", 50% more: a,b|c <b>", loc("events/order-placed.schema.json", 40, 15)),
				change("description-changed", "#/properties/notes/description", compat.Patch,
					"description changed:\nnew line, with: colon", loc("events/order-placed.schema.json", 44, 7)),
				{ID: "max-length-decreased", Path: "#/properties/notes/maxLength", Impact: compat.Major, Breaking: true,
					Message: "maxLength decreased from 500 to 400", Location: loc("events/order-placed.schema.json", 45, 20),
					Waived: "notes are never longer than 300 in practice (until 2027-01-01)"},
			},
		}, compat.Major)},
		"clean": {gated(t, &compat.Report{
			Kind: "jsonschema", Mode: compat.Full, Policy: compat.Lenient,
			Old: "old.json", New: "new.json", From: "1.2.0", To: "1.2.0",
		}, compat.Major)},
		"unversioned": {gated(t, many, compat.Major)},
		"zero": {gated(t, &compat.Report{
			Kind: "jsonschema", Mode: compat.BackwardTransitive, Policy: compat.Strict,
			Old: "v1.json, v2.json", New: "-", From: "0.3.0", To: "0.4.0",
			Changes: []compat.Change{
				{ID: "type-changed", Path: "#/properties/id", Impact: compat.Major, Breaking: true,
					Message: "type changed from string to integer", Location: loc("<stdin>", 3, 11), Against: "v1.json"},
				{ID: "type-changed", Path: "#/properties/id", Impact: compat.Major, Breaking: true,
					Message: "type changed from string to integer", Location: loc("<stdin>", 3, 11), Against: "v2.json"},
			},
		}, compat.Major)},
		"package": {
			gated(t, &compat.Report{Kind: "jsonschema", Mode: compat.Backward, Policy: compat.Strict,
				Old: "registry:orders@1.0.0#OrderPlaced", New: "orders/contract/events/order-placed.schema.json",
				From: "1.0.0", To: "1.1.0",
				Changes: []compat.Change{change("property-added-optional", "#/properties/coupon", compat.Minor,
					`optional property "coupon" added`, loc("orders/contract/events/order-placed.schema.json", 50, 5))}}, compat.Major),
			gated(t, &compat.Report{Kind: "openapi", Mode: compat.Backward, Policy: compat.Strict,
				Old: "registry:orders@1.0.0#orders-api", New: "orders/contract/openapi.yaml",
				From: "1.0.0", To: "1.1.0",
				Changes: []compat.Change{change("response-required-property-removed", "GET /orders/{id}", compat.Major,
					"the required response property total was removed", loc("orders/contract/openapi.yaml", 88, 11))}}, compat.Major),
		},
		"witness": {gated(t, &compat.Report{Kind: "jsonschema", Mode: compat.Backward, Policy: compat.Strict,
			Old: "v1.json", New: "v2.json", From: "1.0.0",
			Changes: []compat.Change{
				{ID: "max-length-decreased", Path: "#/properties/note/maxLength", Impact: compat.Major, Breaking: true,
					Message: "maxLength decreased from 5 to 3", Location: loc("v2.json", 4, 30),
					Witness: json.RawMessage(`{
  "note": "a|b` + "`" + `<i>\n::x"
}`)},
				{ID: "required-added", Path: "#/required", Impact: compat.Major, Breaking: true,
					Message: "property \"id\" became required", Location: loc("v2.json", 2, 3),
					NoWitness: "no witness found within the search budget"},
				{ID: "type-changed", Path: "#/properties/n", Impact: compat.Major, Breaking: true,
					Message: "type changed from number to integer", Location: loc("v2.json", 6, 20),
					Witness: json.RawMessage(`{"n":1.5}`), Breaks: []compat.Mode{compat.Forward}},
				change("property-added-optional", "#/properties/coupon", compat.Minor,
					`optional property "coupon" added`, loc("v2.json", 3, 5)),
			}}, compat.Major)},
		"none-mode": {gated(t, &compat.Report{Kind: "jsonschema", Mode: compat.NoneMode, Policy: compat.Strict,
			Old: "a.json", New: "b.json",
			Changes: []compat.Change{change("property-removed", "#/properties/a", compat.Major, "property \"a\" was removed", nil)}}, compat.Major)},
	}
}

var extensions = map[string]string{
	"text": "txt", "json": "json", "markdown": "md", "github": "github.txt", "junit": "xml", "sarif": "sarif.json",
}

// TestGolden prints every fixture in every format and compares with
// testdata/<fixture>.<ext>; DSCTL_UPDATE=1 rewrites the goldens.
func TestGolden(t *testing.T) {
	update := os.Getenv("DSCTL_UPDATE") == "1"
	for name, reports := range fixtures(t) {
		for _, format := range Formats {
			t.Run(name+"/"+format, func(t *testing.T) {
				p, err := New(format, Options{})
				if err != nil {
					t.Fatal(err)
				}
				var buf bytes.Buffer
				if err := p.Print(&buf, reports); err != nil {
					t.Fatal(err)
				}
				// Printing twice gives the same bytes.
				var again bytes.Buffer
				if err := p.Print(&again, reports); err != nil || !bytes.Equal(buf.Bytes(), again.Bytes()) {
					t.Fatalf("output is not deterministic (err %v)", err)
				}
				golden := filepath.Join("testdata", name+"."+extensions[format])
				if update {
					if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run with DSCTL_UPDATE=1 to create it)", err)
				}
				if !bytes.Equal(buf.Bytes(), want) {
					t.Errorf("%s differs from the golden file; got:\n%s", golden, buf.String())
				}
			})
		}
	}
}

func TestNewUnknownFormat(t *testing.T) {
	if _, err := New("yaml", Options{}); err == nil || !strings.Contains(err.Error(), "markdown") {
		t.Errorf("unknown format: %v", err)
	}
}

func TestVerdict(t *testing.T) {
	fx := fixtures(t)
	cases := map[string]string{
		"breaking":    "requires a MAJOR bump: 1.2.0 → 2.0.0 (declared 1.3.0: too small)",
		"clean":       "no changes: 1.2.0 → 1.2.0 (declared 1.2.0: ok)",
		"unversioned": "requires a MAJOR bump",
		"zero":        "requires a MINOR bump (major changes below 1.0.0): 0.3.0 → 0.4.0 (declared 0.4.0: ok)",
		"none-mode":   "requires a MAJOR bump [mode none: reported, never fails]",
	}
	for name, want := range cases {
		if got := Verdict(fx[name][0]); got != want {
			t.Errorf("%s: verdict %q, want %q", name, got, want)
		}
	}
	if !Failed(fx["breaking"][0]) || Failed(fx["clean"][0]) || Failed(fx["zero"][0]) || Failed(fx["none-mode"][0]) || !Failed(fx["unversioned"][0]) {
		t.Error("Failed disagrees with the fixtures")
	}
}

func TestJSONShape(t *testing.T) {
	var buf bytes.Buffer
	if err := (JSON{}).Print(&buf, fixtures(t)["breaking"]); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"kind", "mode", "policy", "requiredBump", "from", "to", "suggested", "versionOk", "changes"} {
		if _, ok := got[k]; !ok {
			t.Errorf("missing key %q", k)
		}
	}
	if got["requiredBump"] != "major" || got["suggested"] != "2.0.0" || got["versionOk"] != false {
		t.Errorf("verdict fields %v %v %v", got["requiredBump"], got["suggested"], got["versionOk"])
	}
	c := got["changes"].([]any)[0].(map[string]any)
	for _, k := range []string{"id", "path", "impact", "breaking", "message", "location"} {
		if _, ok := c[k]; !ok {
			t.Errorf("change lacks %q", k)
		}
	}
	l := c["location"].(map[string]any)
	if l["file"] == nil || l["line"] == nil || l["column"] == nil {
		t.Errorf("location %v", l)
	}

	// Several reports: an object with the reports list.
	buf.Reset()
	if err := (JSON{}).Print(&buf, fixtures(t)["package"]); err != nil {
		t.Fatal(err)
	}
	var set Set
	if err := json.Unmarshal(buf.Bytes(), &set); err != nil || len(set.Reports) != 2 || set.RequiredBump != compat.Major || !set.Failed {
		t.Errorf("set %+v %v", set, err)
	}
}

func TestGitHubEscaping(t *testing.T) {
	got := workflowCommand("error", [][2]string{{"file", "a,b:c.json"}, {"title", "50%"}}, "x%y\r\nz, w: v")
	want := "::error file=a%2Cb%3Ac.json,title=50%25::x%25y%0D%0Az, w: v"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	var buf bytes.Buffer
	if err := (GitHub{}).Print(&buf, fixtures(t)["breaking"]); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"::error file=events/order-placed.schema.json,title=property-removed (major)::#/properties/total: property \"total\" was removed; consumers reading it break (line 12 at HEAD~1)",
		"::warning file=events/order-placed.schema.json,line=40,col=15,title=enum-extended (minor)::",
		"::notice file=events/order-placed.schema.json,line=44,col=7,title=description-changed (patch)::",
		"::error title=version-bump-too-small::",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("github output lacks %q:\n%s", want, out)
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if !strings.HasPrefix(line, "::") {
			t.Errorf("not a workflow command: %q", line)
		}
	}
}

func TestJUnitParses(t *testing.T) {
	for name, reports := range fixtures(t) {
		var buf bytes.Buffer
		if err := (JUnit{}).Print(&buf, reports); err != nil {
			t.Fatal(err)
		}
		var doc junitSuites
		if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(doc.Suites) != len(reports) {
			t.Errorf("%s: %d suites for %d reports", name, len(doc.Suites), len(reports))
		}
		failures := 0
		for _, s := range doc.Suites {
			if len(s.Cases) == 0 {
				t.Errorf("%s: suite %q has no testcase (GitLab would hide it)", name, s.Name)
			}
			for _, c := range s.Cases {
				if c.Failure != nil {
					failures++
				}
			}
		}
		if (failures > 0) != AnyFailed(reports) {
			t.Errorf("%s: %d failures, but failed = %v", name, failures, AnyFailed(reports))
		}
	}
}

// TestSARIFShape checks the fields SARIF 2.1.0 requires, and validates the
// whole log against the SARIF schema when DSCTL_SARIF_SCHEMA names a copy of it.
func TestSARIFShape(t *testing.T) {
	var sch *jsonschema.Schema
	if p := os.Getenv("DSCTL_SARIF_SCHEMA"); p != "" {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		c := jsonschema.NewCompiler()
		if err := c.AddResource("sarif.json", doc); err != nil {
			t.Fatal(err)
		}
		if sch, err = c.Compile("sarif.json"); err != nil {
			t.Fatal(err)
		}
	}
	for name, reports := range fixtures(t) {
		var buf bytes.Buffer
		if err := (SARIF{}).Print(&buf, reports); err != nil {
			t.Fatal(err)
		}
		if sch != nil {
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if err := sch.Validate(inst); err != nil {
				t.Errorf("%s: not valid SARIF: %v", name, err)
			}
		}
		var log struct {
			Version string `json:"version"`
			Runs    []struct {
				Tool struct {
					Driver struct {
						Name  string `json:"name"`
						Rules []struct {
							ID               string `json:"id"`
							ShortDescription struct {
								Text string `json:"text"`
							} `json:"shortDescription"`
						} `json:"rules"`
					} `json:"driver"`
				} `json:"tool"`
				Results []struct {
					RuleID    string `json:"ruleId"`
					RuleIndex int    `json:"ruleIndex"`
					Level     string `json:"level"`
					Message   struct {
						Text string `json:"text"`
					} `json:"message"`
					Locations []struct {
						PhysicalLocation *struct {
							ArtifactLocation struct {
								URI string `json:"uri"`
							} `json:"artifactLocation"`
							Region *struct {
								StartLine int `json:"startLine"`
							} `json:"region"`
						} `json:"physicalLocation"`
					} `json:"locations"`
				} `json:"results"`
			} `json:"runs"`
		}
		if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
			t.Fatal(err)
		}
		if log.Version != "2.1.0" || len(log.Runs) != 1 || log.Runs[0].Tool.Driver.Name != "dsctl" {
			t.Fatalf("%s: header %+v", name, log)
		}
		run := log.Runs[0]
		for _, res := range run.Results {
			if res.RuleIndex >= len(run.Tool.Driver.Rules) || run.Tool.Driver.Rules[res.RuleIndex].ID != res.RuleID {
				t.Errorf("%s: result %s has a wrong ruleIndex", name, res.RuleID)
			}
			if res.Message.Text == "" || (res.Level != "error" && res.Level != "warning" && res.Level != "note") {
				t.Errorf("%s: result %+v", name, res)
			}
			for _, l := range res.Locations {
				if pl := l.PhysicalLocation; pl != nil {
					if pl.ArtifactLocation.URI == "" || filepath.IsAbs(pl.ArtifactLocation.URI) || strings.Contains(pl.ArtifactLocation.URI, ":") {
						t.Errorf("%s: uri %q is not a relative path", name, pl.ArtifactLocation.URI)
					}
					if pl.Region != nil && pl.Region.StartLine < 1 {
						t.Errorf("%s: startLine %d", name, pl.Region.StartLine)
					}
				}
			}
		}
		for _, r := range run.Tool.Driver.Rules {
			if r.ShortDescription.Text == "" {
				t.Errorf("%s: rule %s without shortDescription", name, r.ID)
			}
		}
	}
}

func TestTextColour(t *testing.T) {
	var buf bytes.Buffer
	if err := (Text{Style: output.Style{Color: true}}).Print(&buf, fixtures(t)["breaking"]); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "\x1b[31m") {
		t.Error("no red on a colour terminal")
	}
	buf.Reset()
	if err := (Text{}).Print(&buf, fixtures(t)["breaking"]); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "\x1b[") {
		t.Error("colour codes without colour")
	}
}

func TestAnnotationPath(t *testing.T) {
	for in, want := range map[string]string{
		"git:origin/main:api/openapi.yaml": "api/openapi.yaml",
		"git:HEAD:./a.json":                "a.json",
		"events/a.json":                    "events/a.json",
		"<stdin>":                          "",
	} {
		if got := AnnotationPath(in); got != want {
			t.Errorf("AnnotationPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMarkdownFolds(t *testing.T) {
	var buf bytes.Buffer
	p, _ := New("markdown", Options{CollapseAfter: 3})
	if err := p.Print(&buf, fixtures(t)["unversioned"]); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "<details>\n<summary>12 changes") {
		t.Errorf("long list not folded:\n%s", buf.String())
	}
}

func TestMarkdownCapsRows(t *testing.T) {
	var buf bytes.Buffer
	p, _ := New("markdown", Options{MaxRows: 4})
	if err := p.Print(&buf, fixtures(t)["unversioned"]); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Count(out, "| minor |")+strings.Count(out, "| **major** |")+strings.Count(out, "| patch |") != 4 ||
		!strings.Contains(out, "… and 8 more changes") {
		t.Errorf("table not capped at 4 rows:\n%s", out)
	}
}

func TestRepoPath(t *testing.T) {
	for _, tc := range []struct{ file, prefix, want string }{
		{"api.yaml", "", "api.yaml"},
		{"api.yaml", "examples/", "examples/api.yaml"},
		{"../x/api.yaml", "examples/orders/", "examples/x/api.yaml"},
		{"../../../api.yaml", "examples/", "../../../api.yaml"},
		{"git:HEAD:./api.yaml", "examples/", "examples/api.yaml"},
		{"git:origin/main:../api.yaml", "examples/orders/", "examples/api.yaml"},
		{"git:HEAD:examples/api.yaml", "examples/", "examples/api.yaml"},
		{"<stdin>", "examples/", ""},
	} {
		if got := repoPath(tc.file, tc.prefix); got != tc.want {
			t.Errorf("repoPath(%q, %q) = %q, want %q", tc.file, tc.prefix, got, tc.want)
		}
	}
}

// TestOnlyBreaking: --only-breaking lists the major changes alone in every
// format, while the verdict still counts every change.
func TestOnlyBreaking(t *testing.T) {
	reports := fixtures(t)["breaking"]
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			p, err := New(format, Options{OnlyBreaking: true})
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := p.Print(&buf, reports); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			for _, id := range []string{"property-removed", "max-length-decreased"} {
				if !strings.Contains(out, id) {
					t.Errorf("major change %s not listed:\n%s", id, out)
				}
			}
			for _, id := range []string{"enum-extended", "description-changed"} {
				if strings.Contains(out, id) {
					t.Errorf("%s change %s listed with --only-breaking:\n%s", "non-major", id, out)
				}
			}
			switch format {
			case "text":
				if !strings.HasSuffix(out, "\n4 changes: 1 major, 1 minor, 1 patch, 1 waived; requires MAJOR (2.0.0); declared 1.3.0: too small; 2 not listed (--only-breaking)\n") {
					t.Errorf("summary line:\n%s", out)
				}
			case "json":
				if !strings.Contains(out, `"requiredBump": "major"`) {
					t.Errorf("requiredBump lost:\n%s", out)
				}
			case "markdown":
				if !strings.Contains(out, "4 changes (2 major, 1 minor, 1 patch); 2 not listed (--only-breaking):") {
					t.Errorf("markdown summary:\n%s", out)
				}
			}
		})
	}
	// The reports themselves are left whole.
	if len(reports[0].Changes) != 4 {
		t.Errorf("printing filtered the caller's report: %d changes", len(reports[0].Changes))
	}
}

// TestTextOrder: the text report lists major changes first, then by location.
func TestTextOrder(t *testing.T) {
	var buf bytes.Buffer
	if err := (Text{}).Print(&buf, fixtures(t)["unversioned"]); err != nil {
		t.Fatal(err)
	}
	var impacts []string
	for _, l := range strings.Split(buf.String(), "\n") {
		if f := strings.Fields(l); len(f) > 1 && strings.HasPrefix(l, "  ") && !strings.HasPrefix(l, "   ") {
			impacts = append(impacts, f[0])
		}
	}
	want := "major major major minor minor minor minor minor minor patch patch patch"
	if strings.Join(impacts, " ") != want {
		t.Errorf("order %v, want %s", impacts, want)
	}
}

// TestWitnessText: a witness is one line of compact JSON, cut when long,
// without control characters even when it is not valid JSON.
func TestWitnessText(t *testing.T) {
	c := compat.Change{Impact: compat.Major, Witness: json.RawMessage("{\n  \"a\": [1, 2]\n}")}
	if got := WitnessText(c); got != `{"a":[1,2]}` {
		t.Errorf("compact: %q", got)
	}
	c.Witness = json.RawMessage("\"\x1b[31mred\"")
	if got := WitnessText(c); strings.ContainsRune(got, 0x1b) {
		t.Errorf("control character kept: %q", got)
	}
	c.Witness = json.RawMessage(`"` + strings.Repeat("é", 2000) + `"`)
	got := WitnessText(c)
	if !strings.HasSuffix(got, "… (4002 bytes; -o json has it whole)") || len(got) > maxWitness+60 || !utf8.ValidString(got) {
		t.Errorf("long witness: %d bytes, %q", len(got), got[len(got)-60:])
	}
	if WitnessText(compat.Change{}) != "" {
		t.Error("no witness printed as something")
	}
}
