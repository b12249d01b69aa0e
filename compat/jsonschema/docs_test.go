package jsonschema

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/dsctl/dsctl/compat"
)

const docsPath = "../../docs/compat-jsonschema.md"

// rulesTable renders the rule table as the markdown docs/compat-jsonschema.md holds.
func rulesTable() string {
	var b strings.Builder
	b.WriteString("| id | what | backward | forward | full | lenient | Confluent |\n|---|---|---|---|---|---|---|\n")
	for _, r := range Rules() {
		imp := func(m compat.Mode) string {
			if r.Direction == Contextual {
				return "depends"
			}
			return impact(&r, r.Direction, compat.Options{Mode: m}).String()
		}
		len := ""
		if r.Lenient {
			len = "minor"
		}
		if r.LenientDepends {
			len = "depends"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s | %s |\n", r.ID, r.Description,
			imp(compat.Backward), imp(compat.Forward), imp(compat.Full), len, strings.ReplaceAll(r.Confluent, "_", "\\_"))
	}
	return b.String()
}

// TestDocsRuleTable keeps the table in the docs equal to the rule table;
// DSCTL_UPDATE_DOCS=1 rewrites it between the markers.
func TestDocsRuleTable(t *testing.T) {
	data, err := os.ReadFile(docsPath)
	if err != nil {
		t.Skipf("docs not present: %v", err)
	}
	const begin, end = "<!-- rules:begin -->\n", "<!-- rules:end -->"
	doc := string(data)
	i, j := strings.Index(doc, begin), strings.Index(doc, end)
	if i < 0 || j < i {
		t.Fatalf("%s: rule table markers missing", docsPath)
	}
	want := rulesTable()
	if doc[i+len(begin):j] == want {
		return
	}
	if os.Getenv("DSCTL_UPDATE_DOCS") != "" {
		doc = doc[:i+len(begin)] + want + doc[j:]
		if err := os.WriteFile(docsPath, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s: rule table is stale; run DSCTL_UPDATE_DOCS=1 go test -run TestDocsRuleTable ./compat/jsonschema", docsPath)
}
