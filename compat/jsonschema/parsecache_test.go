package jsonschema

import (
	"strings"
	"testing"
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
