package jsonschema

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/dsctl/dsctl/compat"
)

// TestParseCache: a document parsed again is not parsed twice; the cache
// copies its key; a JSON-looking document only YAML parses is still an
// error for a .json file.
func TestParseCache(t *testing.T) {
	docCache.reset()
	defer docCache.reset()
	big := `{"type": "object", "description": "` + strings.Repeat("x", cacheMinSize) + `"}`
	data := []byte(big)
	a, err := parseNamed("a.json", data)
	if err != nil {
		t.Fatal(err)
	}
	b, err := parseDocument([]byte(big))
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Error("the same content was parsed twice")
	}
	data[2] = 'T' // the caller reuses its buffer
	c, err := parseNamed("a.json", data)
	if err != nil {
		t.Fatal(err)
	}
	if c == a {
		t.Error("changed content got the cached parse")
	}
	if _, ok := c.value.(map[string]any)["Type"]; !ok {
		t.Errorf("changed content parsed as %v", c.value)
	}

	// {"a": 1,} is YAML (flow mapping) but not JSON.
	yamlish := []byte(`{"type": "object", "description": "` + strings.Repeat("y", cacheMinSize) + `",}`)
	if _, err := parseDocument(yamlish); err != nil {
		t.Fatalf("YAML fallback: %v", err)
	}
	if _, err := parseNamed("s.json", yamlish); err == nil {
		t.Error("a .json file that is not JSON parsed (from the cache)")
	}
}

// TestSharedParse: a large document diffed with itself loads on two
// goroutines from one cached parse (and one jsonPositions); run with -race.
func TestSharedParse(t *testing.T) {
	docCache.reset()
	defer docCache.reset()
	data := bigSchema(300<<10, 0)
	other := bigSchema(300<<10, 1)
	ctx := context.Background()
	opts := compat.Options{Mode: compat.Backward}
	for i := 0; i < 2; i++ {
		changes, err := DiffFS(ctx, fstest.MapFS{"a.json": {Data: data}}, "a.json", fstest.MapFS{"b.json": {Data: bytes.Clone(data)}}, "b.json", opts)
		if err != nil || len(changes) != 0 {
			t.Fatalf("self diff: %v, %v", changes, err)
		}
		changes, err = DiffFS(ctx, fstest.MapFS{"a.json": {Data: data}}, "a.json", fstest.MapFS{"b.json": {Data: other}}, "b.json", opts)
		if err != nil || len(changes) == 0 {
			t.Fatalf("diff: %v, %v", changes, err)
		}
		for _, c := range changes {
			if c.Location == nil || c.Location.Line == 0 {
				t.Fatalf("change without a position: %+v", c)
			}
		}
	}
}
