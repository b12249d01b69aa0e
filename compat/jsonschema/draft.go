package jsonschema

import (
	"fmt"
	"strings"

	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/internal/errkind"
	jsv "github.com/santhosh-tekuri/jsonschema/v6"
)

// readDrafts lists the drafts dsctl reads, for messages.
const readDrafts = "draft-04, draft-06, draft-07, 2019-09 and 2020-12"

// DefaultDraft is the draft a schema without "$schema" is read as when
// compat.Options.DefaultDraft is empty: 2020-12, the current JSON Schema.
// Confluent Schema Registry reads such schemas as draft-07; pass
// --default-draft 7 (compat.defaultDraft: "7") for its reading.
const DefaultDraft = "2020-12"

// drafts maps the canonical draft names to v6's drafts, metaschema URLs
// and the fast compiler's draft numbers (0: not handled by it).
var drafts = []struct {
	name    string
	aliases []string
	d       *jsv.Draft
	url     string
	fast    int
}{
	{"draft-04", []string{"4", "draft4", "draft-4", "draft-04"}, jsv.Draft4, "http://json-schema.org/draft-04/schema#", 0},
	{"draft-06", []string{"6", "draft6", "draft-6", "draft-06"}, jsv.Draft6, "http://json-schema.org/draft-06/schema#", 0},
	{"draft-07", []string{"7", "draft7", "draft-7", "draft-07"}, jsv.Draft7, "http://json-schema.org/draft-07/schema#", 7},
	{"2019-09", []string{"2019-09", "2019", "draft-2019-09", "draft2019-09"}, jsv.Draft2019, "https://json-schema.org/draft/2019-09/schema", 2019},
	{"2020-12", []string{"2020-12", "2020", "draft-2020-12", "draft2020-12"}, jsv.Draft2020, "https://json-schema.org/draft/2020-12/schema", 2020},
}

// ParseDraft reads a draft name as --default-draft and compat.defaultDraft
// take it (4, 6, 7, 2019-09, 2020-12, or draft-07 and the like) and returns
// its canonical name (draft-04, draft-06, draft-07, 2019-09, 2020-12); ""
// is DefaultDraft.
func ParseDraft(s string) (string, error) {
	if s == "" {
		return DefaultDraft, nil
	}
	k := strings.ToLower(strings.TrimSpace(s))
	for _, d := range drafts {
		for _, a := range d.aliases {
			if k == a {
				return d.name, nil
			}
		}
	}
	switch k {
	case "3", "draft3", "draft-3", "draft-03":
		return "", fmt.Errorf("draft-03 is not supported (want 4, 6, 7, 2019-09 or 2020-12)")
	}
	return "", fmt.Errorf("unknown JSON Schema draft %q (want 4, 6, 7, 2019-09 or 2020-12)", s)
}

// unsupportedDraft names the draft a "$schema" URL selects when dsctl does
// not read it (draft-00 to draft-03: jsonschema v6 has none of them, and
// would try to load their metaschema), or "".
func unsupportedDraft(u string) string {
	t := strings.ToLower(strings.TrimSpace(u))
	t = strings.TrimPrefix(strings.TrimPrefix(t, "https://"), "http://")
	if rest, ok := strings.CutPrefix(t, "json-schema.org/draft-0"); ok && len(rest) >= 2 && rest[0] >= '0' && rest[0] <= '3' && rest[1] == '/' {
		return "draft-0" + rest[:1]
	}
	return ""
}

// checkDialect refuses a document whose "$schema" names a draft dsctl does
// not read, naming the file and the line:column of its "$schema".
func checkDialect(d *loadedDoc) error {
	obj, ok := d.value.(map[string]any)
	if !ok {
		return nil
	}
	u, ok := obj["$schema"].(string)
	if !ok {
		return nil
	}
	name := unsupportedDraft(u)
	if name == "" {
		return nil
	}
	p, _ := d.lookupPos("/$schema")
	return errkind.InputAt(d.display, int(p.line), int(p.col),
		fmt.Errorf("%s is not supported: \"$schema\": %q (dsctl reads %s; rewrite the schema in one of them)", name, u, readDrafts))
}

// metaschemaRefused says why a URL the compiler asks for is not loaded
// when it is a metaschema: dsctl has the metaschemas of the drafts it reads
// built in and never fetches one over the network (not even with remote
// $refs allowed). A metaschema is a URL on json-schema.org or the
// "$schema" of a document loaded so far; "" when url is neither.
func (s *side) metaschemaRefused(url string) string {
	base, _, _ := strings.Cut(url, "#")
	if name := unsupportedDraft(base); name != "" {
		return fmt.Sprintf("%s is not supported: its metaschema %s is not fetched (dsctl reads %s)", name, base, readDrafts)
	}
	host := strings.TrimPrefix(strings.TrimPrefix(strings.ToLower(base), "https://"), "http://")
	meta := strings.HasPrefix(host, "json-schema.org/")
	for _, d := range s.docs {
		if obj, ok := d.value.(map[string]any); ok {
			if u, ok := obj["$schema"].(string); ok && strings.TrimSuffix(u, "#") == base {
				meta = true
			}
		}
	}
	if !meta {
		return ""
	}
	return fmt.Sprintf("metaschema %s is not fetched over the network (dsctl reads %s, whose metaschemas it has built in)", base, readDrafts)
}

func draftIndex(opts compat.Options) int {
	name, err := ParseDraft(opts.DefaultDraft)
	if err != nil {
		name = DefaultDraft
	}
	for i, d := range drafts {
		if d.name == name {
			return i
		}
	}
	return len(drafts) - 1
}

// draftOfURL names the draft a "$schema" URL selects, or "" for a URL the
// engine does not know (v6 then reads the metaschema it points at).
func draftOfURL(u string) string {
	t := strings.TrimSuffix(strings.TrimSuffix(u, "#"), "/")
	t = strings.Replace(t, "https://", "http://", 1)
	for _, d := range drafts {
		if strings.TrimSuffix(strings.Replace(d.url, "https://", "http://", 1), "#") == t {
			return d.name
		}
	}
	return ""
}

// Dialect names the draft a schema is read as: the one its "$schema"
// names ("draft-07"), or the default draft with " (no $schema: default)"
// when it has none. A "$schema" the engine does not know is returned as it is.
func (Engine) Dialect(src compat.Source, opts compat.Options) (string, error) {
	pd, err := readRoot(src)
	if err != nil {
		return "", err
	}
	obj, _ := pd.value.(map[string]any)
	s, has := obj["$schema"].(string)
	if !has {
		return drafts[draftIndex(opts)].name + " (no $schema: default)", nil
	}
	if d := draftOfURL(s); d != "" {
		return d, nil
	}
	return s, nil
}
