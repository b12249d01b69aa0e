package jsonschema

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/dsctl/dsctl/compat"
)

// TestValuesRemovedMessage: a removed const or enum says what the values are no
// longer limited to, not that any value is allowed: the rest of NEW still
// constrains them ({const: "x"} to {type: string} allows any string, not any value).
func TestValuesRemovedMessage(t *testing.T) {
	for _, tc := range []struct{ old, new, want string }{
		{`{"const":"x"}`, `{"type":"string"}`, `const removed: no longer limited to "x"`},
		{`{"enum":[1,2]}`, `{"type":"integer"}`, `enum removed: no longer limited to 1, 2`},
	} {
		changes, err := DiffFS(context.Background(), fstest.MapFS{"e.json": {Data: []byte(tc.old)}}, "e.json",
			fstest.MapFS{"e.json": {Data: []byte(tc.new)}}, "e.json", compat.Options{Mode: compat.Backward, Policy: compat.Strict})
		if err != nil {
			t.Fatal(err)
		}
		var msgs []string
		for _, c := range changes {
			msgs = append(msgs, c.Message)
		}
		got := strings.Join(msgs, "\n")
		if !strings.Contains(got, tc.want) || strings.Contains(got, "any value") {
			t.Errorf("%s → %s: messages %q, want one containing %q", tc.old, tc.new, got, tc.want)
		}
	}
}
