package jsonschema

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/dsctl/dsctl/compat"
	jsv "github.com/santhosh-tekuri/jsonschema/v6"
)

// The inclusion suite harness measures the engine on a public, labelled
// suite of JSON Schema inclusion problems written by others: the JSON Schema
// containment test suite of Attouche, Baazizi, Colazzo, Ghelli, Sartiani,
// Scherzinger et al. (https://github.com/sdbs-uni-p/json-schema-containment-testsuite).
// Each entry of its tests/<draft>/<folder>/<keyword>.json files holds two
// schemas and whether schema1 ⊆ schema2 ("s1SubsetEqOfs2") and schema2 ⊆
// schema1 ("s2SubsetEqOfs1"). A check s1 ⊆ s2 is asked of the engine as a
// backward comparison with OLD = s1 and NEW = s2 (strict policy): a verdict
// below major says "included", major says "not included", and a schema the
// engine refuses (does not compile, remote $ref, unsupported draft) leaves the
// check undecided.
//
// The suite is not part of the repository: the test runs only when
// DSCTL_INCLUSION_SUITE names its folder (the repository, or its tests/
// folder); bench/inclusion-suite.sh fetches it and runs this test.
// DSCTL_INCLUSION_DRAFTS lists the draft folders (default draft7,draft2020-12);
// DSCTL_INCLUSION_REPORT, when set, is the file the Markdown report is
// written to. The test fails when any verdict is unsound (included where the
// label says not), or when the agreement on decided checks is below
// DSCTL_INCLUSION_MIN percent (when set).

// suiteDrafts maps the suite's draft folders to the engine's drafts.
var suiteDrafts = map[string]string{
	"draft4":       "4",
	"draft6":       "6",
	"draft7":       "7",
	"draft2019-09": "2019-09",
	"draft2020-12": "2020-12",
	"draft3":       "3",
}

type suiteEntry struct {
	ID      json.RawMessage `json:"id"`
	Schema1 json.RawMessage `json:"schema1"`
	Schema2 json.RawMessage `json:"schema2"`
	Tests   map[string]bool `json:"tests"`
}

// suiteCheck is one labelled inclusion question: is Sub ⊆ Sup?
type suiteCheck struct {
	Draft, Folder, Keyword string // draft7, nonvalid, optional/format/date
	Name                   string // draft7/nonvalid/contains.json#3 s1⊆s2
	Sub, Sup               []byte
	Label                  bool
	// Disputed says why the label is not counted: it contradicts other
	// labels of the suite and ECMA-262.
	Disputed string
}

// disputedUnicode: the suite's optional/unicode.json labels assume that \d
// and \w match Unicode digits and letters ("৪২" ⊆ {pattern: "^\\d+$"}), while
// its optional/ecmascript-regex.json labels say, as ECMA-262 does (with or
// without the u flag), that they are ASCII ("\u07c0" ⊄ {pattern: "^\\d$"}).
// No reading satisfies both; dsctl reads patterns as ECMA-262.
const disputedUnicode = `optional/unicode.json assumes Unicode \d and \w, contradicting optional/ecmascript-regex.json and ECMA-262`

// disputedValidator: a check labelled "not included" whose old schema is a
// const or enum every value of which the validator accepts under the new
// schema. Only checks outside optional/ and without format or content
// keywords qualify: there the validator implements the specification in
// full (it passes the JSON Schema Test Suite), while formats, content and
// big numbers are where validators, the engine's policy and the suite's
// labels may legitimately differ.
// The suite builds its "nonvalid" checks by inserting a "not" into a schema
// and labels them "not included"; where the schema is recursive ($ref to
// itself) the inserted "not" is met again inside and the value is valid
// after all (ref.json's tree of nodes).
const disputedValidator = "labelled not included, but the validator accepts every value of the old schema (const/enum) under the new one"

func validatorAdmitsAll(c *suiteCheck) bool {
	if strings.HasPrefix(c.Keyword, "optional/") {
		return false
	}
	for _, kw := range []string{`"format"`, `"contentEncoding"`, `"contentMediaType"`, `"contentSchema"`} {
		if bytes.Contains(c.Sup, []byte(kw)) || bytes.Contains(c.Sub, []byte(kw)) {
			return false
		}
	}
	var sub map[string]any
	if json.Unmarshal(c.Sub, &sub) != nil {
		return false
	}
	var values []any
	switch {
	case len(sub) != 1:
		return false
	case sub["const"] != nil:
		values = []any{sub["const"]}
	default:
		e, ok := sub["enum"].([]any)
		if !ok || len(e) == 0 {
			return false
		}
		values = e
	}
	d, err := ParseDraft(suiteDrafts[c.Draft])
	if err != nil {
		return false
	}
	sup, err := jsv.UnmarshalJSON(bytes.NewReader(c.Sup))
	if err != nil {
		return false
	}
	comp := jsv.NewCompiler()
	comp.UseRegexpEngine(compileECMA)
	for _, dr := range drafts {
		if dr.name == d {
			comp.DefaultDraft(dr.d)
		}
	}
	if comp.AddResource("file:///sup.json", sup) != nil {
		return false
	}
	sch, err := comp.Compile("file:///sup.json")
	if err != nil {
		return false
	}
	for _, v := range values {
		b, _ := json.Marshal(v)
		inst, err := jsv.UnmarshalJSON(bytes.NewReader(b))
		if err != nil || sch.Validate(inst) != nil {
			return false
		}
	}
	return true
}

// disputed returns disputedUnicode for the checks of optional/unicode.json
// where the two readings can differ: a pattern with \d or \w and a string
// (or property name) with a character outside ASCII.
func disputed(keyword string, sub, sup []byte) string {
	if keyword != "optional/unicode" {
		return ""
	}
	both := append(append([]byte{}, sub...), sup...)
	if !bytes.Contains(both, []byte(`\\d`)) && !bytes.Contains(both, []byte(`\\w`)) {
		return ""
	}
	for _, b := range [][]byte{sub, sup} {
		var v any
		if json.Unmarshal(b, &v) == nil && hasNonASCII(v) {
			return disputedUnicode
		}
	}
	return ""
}

func hasNonASCII(v any) bool {
	str := func(s string) bool {
		for _, r := range s {
			if r > 127 {
				return true
			}
		}
		return false
	}
	switch x := v.(type) {
	case string:
		return str(x)
	case []any:
		for _, e := range x {
			if hasNonASCII(e) {
				return true
			}
		}
	case map[string]any:
		for k, e := range x {
			if str(k) || hasNonASCII(e) {
				return true
			}
		}
	}
	return false
}

// suiteOutcome is the engine's answer to one check.
type suiteOutcome struct {
	check     *suiteCheck
	decided   bool
	included  bool
	undecided string   // why not decided
	majors    []string // ids of the major changes (not included)
	witnessed bool     // every major change carries a witness
	message   string   // first major change's message
	witness   string   // first major change's witness
}

func (o suiteOutcome) agrees() bool {
	return o.decided && o.check.Disputed == "" && o.included == o.check.Label
}

// unsound: the engine says included (compatible) where the label says not.
func (o suiteOutcome) unsound() bool {
	return o.decided && o.check.Disputed == "" && o.included && !o.check.Label
}

func loadSuite(t *testing.T, root string, draftFolders []string) []*suiteCheck {
	t.Helper()
	if fi, err := os.Stat(filepath.Join(root, "tests")); err == nil && fi.IsDir() {
		root = filepath.Join(root, "tests")
	}
	var checks []*suiteCheck
	for _, draft := range draftFolders {
		dir := filepath.Join(root, draft)
		if _, err := os.Stat(dir); err != nil {
			t.Fatalf("inclusion suite: %v", err)
		}
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
				return err
			}
			rel, _ := filepath.Rel(dir, p)
			rel = filepath.ToSlash(rel)
			folder, kwFile, _ := strings.Cut(rel, "/")
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			var entries []suiteEntry
			if err := json.Unmarshal(data, &entries); err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
			for _, e := range entries {
				for _, dir := range []string{"s1SubsetEqOfs2", "s2SubsetEqOfs1"} {
					label, ok := e.Tests[dir]
					if !ok {
						continue
					}
					c := &suiteCheck{Draft: draft, Folder: folder, Keyword: strings.TrimSuffix(kwFile, ".json"), Label: label}
					if dir == "s1SubsetEqOfs2" {
						c.Sub, c.Sup = e.Schema1, e.Schema2
						c.Name = fmt.Sprintf("%s/%s#%s s1⊆s2", draft, rel, e.ID)
					} else {
						c.Sub, c.Sup = e.Schema2, e.Schema1
						c.Name = fmt.Sprintf("%s/%s#%s s2⊆s1", draft, rel, e.ID)
					}
					c.Disputed = disputed(c.Keyword, c.Sub, c.Sup)
					checks = append(checks, c)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("inclusion suite: %v", err)
		}
	}
	return checks
}

// decideSuiteCheck asks the engine whether c.Sub ⊆ c.Sup.
func decideSuiteCheck(c *suiteCheck) (o suiteOutcome) {
	o.check = c
	if c.Disputed == "" && !c.Label && validatorAdmitsAll(c) {
		c.Disputed = disputedValidator
	}
	defer func() {
		if r := recover(); r != nil {
			o = suiteOutcome{check: c, undecided: fmt.Sprintf("panic: %v", r)}
		}
	}()
	opts := compat.Options{Mode: compat.Backward, Policy: compat.Strict, DefaultDraft: suiteDrafts[c.Draft]}
	if _, err := ParseDraft(opts.DefaultDraft); err != nil {
		o.undecided = err.Error()
		return o
	}
	ctx := context.Background()
	oldC, err := Compile(ctx, compat.Source{Name: "old.json", FS: fstest.MapFS{"old.json": {Data: c.Sub}}, Path: "old.json"}, opts)
	if err != nil {
		o.undecided = err.Error()
		return o
	}
	newC, err := Compile(ctx, compat.Source{Name: "new.json", FS: fstest.MapFS{"new.json": {Data: c.Sup}}, Path: "new.json"}, opts)
	if err != nil {
		o.undecided = err.Error()
		return o
	}
	changes := DiffCompiled(oldC, newC, opts)
	o.decided = true
	o.included = compat.RequiredBump(changes) < compat.Major
	o.witnessed = true
	for _, ch := range changes {
		if ch.Impact == compat.Major {
			o.majors = append(o.majors, ch.ID)
			if o.message == "" {
				o.message = ch.Message
				o.witness = string(ch.Witness)
			}
			if ch.Witness == nil {
				o.witnessed = false
			}
		}
	}
	return o
}

func TestInclusionSuite(t *testing.T) {
	root := os.Getenv("DSCTL_INCLUSION_SUITE")
	if root == "" {
		t.Skip("DSCTL_INCLUSION_SUITE is not set: set it to a checkout of github.com/sdbs-uni-p/json-schema-containment-testsuite (bench/inclusion-suite.sh does)")
	}
	folders := []string{"draft7", "draft2020-12"}
	if v := os.Getenv("DSCTL_INCLUSION_DRAFTS"); v != "" {
		folders = strings.Split(v, ",")
	}
	for _, f := range folders {
		if _, ok := suiteDrafts[f]; !ok {
			t.Fatalf("DSCTL_INCLUSION_DRAFTS: unknown draft folder %q", f)
		}
	}
	checks := loadSuite(t, root, folders)
	if len(checks) == 0 {
		t.Fatalf("inclusion suite: no checks under %s", root)
	}
	outcomes := make([]suiteOutcome, len(checks))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				outcomes[i] = decideSuiteCheck(checks[i])
			}
		}()
	}
	for i := range checks {
		next <- i
	}
	close(next)
	wg.Wait()

	if p := os.Getenv("DSCTL_INCLUSION_JSONL"); p != "" {
		writeSuiteJSONL(t, p, outcomes)
	}
	rep := suiteReport(outcomes)
	t.Log("\n" + rep.summary)
	if p := os.Getenv("DSCTL_INCLUSION_REPORT"); p != "" {
		if err := os.WriteFile(p, []byte(rep.markdown), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if rep.unsound > 0 {
		t.Errorf("%d unsound verdicts (compatible where the suite says not included)", rep.unsound)
	}
	if v := os.Getenv("DSCTL_INCLUSION_MIN"); v != "" {
		var min float64
		if _, err := fmt.Sscan(v, &min); err != nil {
			t.Fatalf("DSCTL_INCLUSION_MIN: %v", err)
		}
		if rep.agreement < min {
			t.Errorf("agreement %.1f%% is below DSCTL_INCLUSION_MIN %.1f%%", rep.agreement, min)
		}
	}
}

// writeSuiteJSONL writes one JSON object per check (for analysis with jq).
func writeSuiteJSONL(t *testing.T, p string, outcomes []suiteOutcome) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	for _, o := range outcomes {
		err := enc.Encode(map[string]any{
			"name": o.check.Name, "draft": o.check.Draft, "folder": o.check.Folder, "keyword": o.check.Keyword,
			"label": o.check.Label, "decided": o.decided, "included": o.included, "undecided": o.undecided,
			"majors": o.majors, "witnessed": o.witnessed, "message": o.message,
			"sub": json.RawMessage(o.check.Sub), "sup": json.RawMessage(o.check.Sup),
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// tally counts the outcomes of one group of checks.
type tally struct {
	checks, decided, agree, undecided, unsound, missed, disputed int
}

func (t *tally) add(o suiteOutcome) {
	t.checks++
	switch {
	case o.check.Disputed != "":
		t.disputed++
	case !o.decided:
		t.undecided++
	case o.agrees():
		t.decided++
		t.agree++
	case o.unsound():
		t.decided++
		t.unsound++
	default:
		t.decided++
		t.missed++
	}
}

func (t tally) pct() float64 {
	if t.decided == 0 {
		return 0
	}
	return 100 * float64(t.agree) / float64(t.decided)
}

type suiteReportOut struct {
	summary, markdown string
	agreement         float64
	unsound           int
}

// suiteReport renders the figures: overall, by draft, folder and keyword,
// the misses by the rule that called them major, and examples of each.
func suiteReport(outcomes []suiteOutcome) suiteReportOut {
	var all tally
	byDraft := map[string]*tally{}
	byFolder := map[string]*tally{}
	byKeyword := map[string]*tally{}
	missByRule := map[string][]suiteOutcome{}
	var unsound, undecided, witnessedMiss, disputedChecks []suiteOutcome
	missWitnessed := 0
	group := func(m map[string]*tally, k string, o suiteOutcome) {
		if m[k] == nil {
			m[k] = &tally{}
		}
		m[k].add(o)
	}
	for _, o := range outcomes {
		all.add(o)
		group(byDraft, o.check.Draft, o)
		group(byFolder, o.check.Folder, o)
		group(byKeyword, o.check.Keyword, o)
		switch {
		case o.check.Disputed != "":
			disputedChecks = append(disputedChecks, o)
		case !o.decided:
			undecided = append(undecided, o)
		case o.unsound():
			unsound = append(unsound, o)
		case !o.agrees():
			rule := "?"
			if len(o.majors) > 0 {
				rule = o.majors[0]
			}
			missByRule[rule] = append(missByRule[rule], o)
			if o.witnessed {
				missWitnessed++
				witnessedMiss = append(witnessedMiss, o)
			}
		}
	}
	var sum strings.Builder
	fmt.Fprintf(&sum, "checks %d, decided %d, agree %d (%.1f%% of decided), undecided %d, unsound %d, missed (major where included) %d (%d of them with a witness the validator confirmed), disputed labels not counted %d\n",
		all.checks, all.decided, all.agree, all.pct(), all.undecided, all.unsound, all.missed, missWitnessed, all.disputed)

	var md strings.Builder
	md.WriteString("# Inclusion suite results\n\n")
	if len(unsound) > 0 {
		fmt.Fprintf(&md, "## UNSOUND (%d)\n\n", len(unsound))
		writeExamples(&md, unsound, len(unsound))
	}
	md.WriteString("## Summary\n\n" + sum.String() + "\n")
	table := func(title string, m map[string]*tally) {
		fmt.Fprintf(&md, "## By %s\n\n| %s | checks | decided | agree | agreement | undecided | unsound | missed | disputed |\n|---|---|---|---|---|---|---|---|---|\n", title, title)
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			v := m[k]
			fmt.Fprintf(&md, "| %s | %d | %d | %d | %.1f%% | %d | %d | %d | %d |\n", k, v.checks, v.decided, v.agree, v.pct(), v.undecided, v.unsound, v.missed, v.disputed)
		}
		md.WriteString("\n")
	}
	table("draft", byDraft)
	table("folder", byFolder)
	table("keyword", byKeyword)

	rules := make([]string, 0, len(missByRule))
	for r := range missByRule {
		rules = append(rules, r)
	}
	sort.Slice(rules, func(i, j int) bool {
		if len(missByRule[rules[i]]) != len(missByRule[rules[j]]) {
			return len(missByRule[rules[i]]) > len(missByRule[rules[j]])
		}
		return rules[i] < rules[j]
	})
	md.WriteString("## Misses by the first major rule (label: included; engine: major)\n\n")
	for _, r := range rules {
		fmt.Fprintf(&md, "- `%s`: %d\n", r, len(missByRule[r]))
	}
	md.WriteString("\n")
	for _, r := range rules {
		fmt.Fprintf(&md, "### `%s` (%d)\n\n", r, len(missByRule[r]))
		writeExamples(&md, missByRule[r], 4)
	}
	fmt.Fprintf(&md, "## Misses with a witness the validator confirmed (%d)\n\nThe suite says included, yet the validator accepts the witness under OLD and rejects it under NEW: the suite and the validator read a keyword differently (Unicode in patterns, formats).\n\n", len(witnessedMiss))
	writeExamples(&md, witnessedMiss, 12)
	byReason := map[string][]suiteOutcome{}
	for _, o := range disputedChecks {
		byReason[o.check.Disputed] = append(byReason[o.check.Disputed], o)
	}
	fmt.Fprintf(&md, "## Disputed labels, not counted (%d)\n\n", len(disputedChecks))
	for _, r := range []string{disputedUnicode, disputedValidator} {
		fmt.Fprintf(&md, "### %s (%d)\n\nThe engine's verdicts on them:\n\n", r, len(byReason[r]))
		writeExamples(&md, byReason[r], len(byReason[r]))
	}
	reasons := map[string][]suiteOutcome{}
	for _, o := range undecided {
		k := undecidedClass(o.undecided)
		reasons[k] = append(reasons[k], o)
	}
	keys := make([]string, 0, len(reasons))
	for k := range reasons {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Fprintf(&md, "## Undecided (%d)\n\n", len(undecided))
	for _, k := range keys {
		fmt.Fprintf(&md, "### %s (%d)\n\n", k, len(reasons[k]))
		writeExamples(&md, reasons[k], 3)
	}
	return suiteReportOut{summary: sum.String(), markdown: md.String(), agreement: all.pct(), unsound: all.unsound}
}

// undecidedClass groups refusals by the start of their message, without the file name.
func undecidedClass(msg string) string {
	for _, k := range []string{"is not valid regex", "remote $ref", "draft-03", "not supported", "timeout", "panic"} {
		if strings.Contains(msg, k) {
			return k
		}
	}
	msg = strings.TrimPrefix(strings.TrimPrefix(msg, "old.json"), "new.json")
	msg = strings.TrimLeft(msg, ":0123456789 ")
	if i := strings.IndexAny(msg, "\"'("); i > 0 {
		msg = msg[:i]
	}
	if len(msg) > 80 {
		msg = msg[:80]
	}
	return strings.TrimSpace(msg)
}

func writeExamples(md *strings.Builder, os []suiteOutcome, n int) {
	for i, o := range os {
		if i == n {
			break
		}
		fmt.Fprintf(md, "- %s (label %v)\n  - sub: `%s`\n  - sup: `%s`\n", o.check.Name, o.check.Label, compactJSON(o.check.Sub), compactJSON(o.check.Sup))
		switch {
		case o.decided && o.included:
			md.WriteString("  - engine: included\n")
		case !o.decided:
			fmt.Fprintf(md, "  - refused: %s\n", o.undecided)
		case len(o.majors) > 0:
			fmt.Fprintf(md, "  - majors: %s (witness: %v): %s\n", strings.Join(o.majors, ", "), o.witnessed, o.message)
			if o.witness != "" {
				fmt.Fprintf(md, "  - witness: `%s`\n", compactJSON([]byte(o.witness)))
			}
		}
	}
	md.WriteString("\n")
}

func compactJSON(b []byte) string {
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return string(b)
	}
	s := buf.String()
	if len(s) > 400 {
		s = s[:400] + "…"
	}
	return s
}
