package jsonschema

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/internal/errkind"
)

func TestUnsupportedDraft(t *testing.T) {
	for u, want := range map[string]string{
		"http://json-schema.org/draft-03/schema#":        "draft-03",
		"https://json-schema.org/draft-03/schema":        "draft-03",
		"http://json-schema.org/draft-03/hyper-schema#":  "draft-03",
		"HTTP://JSON-SCHEMA.ORG/DRAFT-02/SCHEMA#":        "draft-02",
		"http://json-schema.org/draft-00/schema#":        "draft-00",
		"http://json-schema.org/draft-04/schema#":        "",
		"http://json-schema.org/draft-07/schema#":        "",
		"https://json-schema.org/draft/2020-12/schema":   "",
		"http://json-schema.org/draft-030/schema#":       "",
		"https://example.com/json-schema.org/draft-03/x": "",
	} {
		if got := unsupportedDraft(u); got != want {
			t.Errorf("unsupportedDraft(%q) = %q, want %q", u, got, want)
		}
	}
}

// A draft-03 document is an input error naming the file and the line of
// "$schema", even with remote references allowed (nothing is fetched).
func TestDraft03Refused(t *testing.T) {
	d3 := fstest.MapFS{"s.json": {Data: []byte("{\n  \"$schema\": \"http://json-schema.org/draft-03/schema#\",\n  \"type\": \"string\"\n}\n")}}
	d7 := fstest.MapFS{"s.json": {Data: []byte(`{"$schema": "http://json-schema.org/draft-07/schema#"}`)}}
	for _, remote := range []bool{false, true} {
		_, err := DiffFS(context.Background(), d7, "s.json", d3, "s.json", compat.Options{Mode: compat.Backward, AllowRemoteRefs: remote})
		if errkind.Of(err) != errkind.Input {
			t.Fatalf("remote %v: want an input error, got %v", remote, err)
		}
		if err == nil || !strings.HasPrefix(err.Error(), "s.json:2:3: draft-03 is not supported") {
			t.Errorf("remote %v: got %v", remote, err)
		}
	}
	if _, err := ParseDraft("3"); err == nil || !strings.Contains(err.Error(), "draft-03 is not supported") {
		t.Errorf("ParseDraft(3): %v", err)
	}
}
