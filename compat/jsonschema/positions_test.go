package jsonschema

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/dsctl/dsctl/compat"
)

// eagerPositions is every position the parser records when asked to.
func eagerPositions(t testing.TB, data []byte) (map[string]pos, bool) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	p := &jsonParser{data: data, line: 1, pos: map[string]pos{}}
	if _, err := p.parse(); err != nil {
		return nil, false
	}
	return p.pos, true
}

// checkPositions wants jsonPositions to agree with the parser's positions
// on every pointer the parser records, and on pointers it does not.
func checkPositions(t *testing.T, what string, data []byte, r *rand.Rand) int {
	t.Helper()
	want, ok := eagerPositions(t, data)
	if !ok {
		return 0
	}
	j := newJSONPositions(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	ptrs := make([]string, 0, len(want))
	for p := range want {
		ptrs = append(ptrs, p)
	}
	sort.Strings(ptrs)
	r.Shuffle(len(ptrs), func(a, b int) { ptrs[a], ptrs[b] = ptrs[b], ptrs[a] })
	for _, p := range ptrs {
		got, ok := j.find(p)
		if !ok || got != want[p] {
			t.Fatalf("%s: %q at %v (found %v), the parser says %v", what, p, got, ok, want[p])
		}
	}
	// pointers that are not there (or not as the parser writes them)
	for i, p := range ptrs {
		if i > 200 {
			break
		}
		for _, q := range []string{p + "/zz", p + "/0", p + "/00", p + "/-1", p + "~", p + "/", "x" + p, p + "/01"} {
			_, wantOK := want[q]
			if _, ok := j.find(q); ok != wantOK {
				t.Fatalf("%s: %q found=%v, the parser says %v", what, q, ok, wantOK)
			}
		}
	}
	return len(ptrs)
}

// TestJSONPositionsMatchParser compares positions found on demand with the
// ones the parser records, on the case table, the hostile inputs, the
// benchmark schemas and documents with awkward keys and layout.
func TestJSONPositionsMatchParser(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var docs [][]byte
	for _, tc := range loadCases(t) {
		for _, v := range []any{tc.Old, tc.New} {
			if s, ok := v.(string); ok {
				docs = append(docs, []byte(s))
				continue
			}
			a, _ := json.MarshalIndent(v, "", "  ")
			b, _ := json.Marshal(v)
			docs = append(docs, a, b)
		}
	}
	files, _ := filepath.Glob("../../testdata/hostile/schema/*.json")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, data)
	}
	docs = append(docs, bigSchema(200<<10, 1), benchPairs(1)[0][0],
		[]byte("\xef\xbb\xbf{\"a\":1}"),
		[]byte(" \r\n\t{ \"a/b\" : { \"~\" : [ 1 , \"x\\\"]\" , {\"\\u0061\\n\":null} ] } ,\n\"\":{\"\":[[],{}]},\"é\\ud83d\\ude00\":true,\"\\u002f\":\"\\\\\"}\r\n"),
		[]byte(`[{"a":[1,2,[3,{"b":"}"}]]},-0.5e+3,"\\",false]`),
		[]byte("{\"k\xff\": {\"x\": 1}}"),
		[]byte(`"just a string"`), []byte(`12`), []byte(`{}`), []byte(`[]`),
	)
	n := 0
	for i, d := range docs {
		n += checkPositions(t, "doc "+string(rune('A'+i%26)), d, r)
	}
	if n < 10000 {
		t.Errorf("only %d positions checked", n)
	}
}

// FuzzJSONPositions wants positions found on demand to match the parser's.
func FuzzJSONPositions(f *testing.F) {
	f.Add([]byte(`{"a": {"b~c/d": [1, {"e": "\"}"}]}, "": null}`))
	f.Add([]byte("\xef\xbb\xbf [\n\t{\"\\u00e9\": [[], {}]}\r\n]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkPositions(t, "fuzz input", data, rand.New(rand.NewPCG(1, 1)))
	})
}

// A YAML syntax error is at the line yaml.v3 names, and its message does not
// repeat the line ("line 2: ..."): the caller puts the position in front.
func TestYAMLSyntaxErrorLine(t *testing.T) {
	_, err := parseDocument([]byte("type: object\nproperties: {a: [\n"))
	var se *syntaxError
	if !errors.As(err, &se) {
		t.Fatalf("want a syntaxError, got %v", err)
	}
	if se.line != 2 || strings.HasPrefix(se.msg, "line ") || strings.HasPrefix(se.msg, "yaml:") || se.msg == "" {
		t.Errorf("at line %d: %q", se.line, se.msg)
	}
}

// A YAML number keeps its text (1.0, 2.50), as a JSON number does; the same
// number written otherwise in JSON is no change.
func TestYAMLNumberTextIsTheSameNumber(t *testing.T) {
	oldText := "type: number\nmaximum: 1.0\nconst: 2.50\nenum: [1.0, 2.50, 0x10]\nmultipleOf: 0.10\n"
	newText := `{"type":"number","maximum":1,"const":2.5,"enum":[1,2.5,16],"multipleOf":0.1}`
	ch, err := diffText(t, "s.yaml", oldText, "s.json", newText, compat.Options{Mode: compat.Full})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range ch {
		t.Errorf("change: %s %s", c.ID, c.Message)
	}
}
