package report

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/dsctl/dsctl/compat"
)

// FuzzPrinters prints a report holding one change with arbitrary text in
// every format: no error, github gives one workflow command per line whose
// escaping round-trips, markdown table rows stay one line with no bare pipe,
// and junit stays well-formed XML.
func FuzzPrinters(f *testing.F) {
	f.Add("property-removed", "#/properties/a", "removed: a, b | c\n100% <x>", "a:b,c.json", 3)
	f.Add("", "", "", "", 0)
	f.Add("x", "GET /a", "\r\n%0A::error::", "git:HEAD:x.yaml", 1)
	f.Fuzz(func(t *testing.T, id, path, msg, file string, line int) {
		c := compat.Change{ID: id, Path: path, Impact: compat.Major, Breaking: true, Message: msg}
		if file != "" {
			c.Location = &compat.Location{File: file, Line: line, Column: 1}
		}
		r := &compat.Report{Kind: "jsonschema", Mode: compat.Backward, Policy: compat.Strict, Old: "a", New: "b",
			FailOn: compat.Major, Changes: []compat.Change{c}}
		r.RequiredBump = compat.Major
		for _, format := range Formats {
			p, _ := New(format, Options{})
			var buf bytes.Buffer
			if err := p.Print(&buf, []*compat.Report{r}); err != nil {
				t.Fatalf("%s: %v", format, err)
			}
			out := buf.String()
			switch format {
			case "github":
				lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
				if len(lines) != 2 {
					t.Fatalf("github: %d lines for one change:\n%s", len(lines), out)
				}
				_, data, ok := strings.Cut(lines[0][2:], "::")
				if !strings.HasPrefix(lines[0], "::error") || !ok {
					t.Fatalf("github: not a command: %q", lines[0])
				}
				unescaped := strings.NewReplacer("%0D", "\r", "%0A", "\n", "%25", "%").Replace(data)
				if !strings.Contains(unescaped, msg) {
					t.Fatalf("github: message %q does not round-trip: %q", msg, data)
				}
			case "markdown":
				for _, l := range strings.Split(out, "\n") {
					if strings.HasPrefix(l, "| **major**") && strings.Count(strings.ReplaceAll(l, `\|`, ""), "|") != 6 {
						t.Fatalf("markdown: row has stray pipes: %q", l)
					}
				}
			case "junit":
				var doc junitSuites
				if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
					t.Fatalf("junit: %v\n%s", err, out)
				}
				if doc.Failures != 1 || len(doc.Suites) != 1 || len(doc.Suites[0].Cases) != 1 {
					t.Fatalf("junit: %+v", doc)
				}
			}
		}
	})
}
