package openapi

import (
	"context"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/dsctl/dsctl/compat"
)

func FuzzDetect(f *testing.F) {
	for _, s := range []string{"openapi: 3.0.3\n", `{"swagger": "2.0"}`, `{"a": [1, {"openapi": 1}], "openapi": "3.1.0"}`, "type: object\n", "{", "\ufeff{\"openapi\":\"3.0.0\"}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		a, b := (Engine{}).Detect(data), (Engine{}).Detect(data)
		if a != b {
			t.Fatal("Detect is not deterministic")
		}
		if k := topLevelKind(data); a != (k != "") {
			t.Fatalf("Detect %v but topLevelKind %q", a, k)
		}
	})
}

// FuzzDiffIdentical feeds documents to the engine: whatever loads, compared
// with itself, has no changes, and nothing panics. Full mode runs both
// directions (oasdiff with either document as base) and their pairing.
func FuzzDiffIdentical(f *testing.F) {
	files, _ := filepath.Glob("testdata/scenarios/*.txtar")
	if len(files) > 12 {
		files = files[:12]
	}
	for _, file := range files {
		t := &testing.T{}
		_, fsys := loadScenario(t, file)
		for name, mf := range fsys {
			if name == "old.yaml" || name == "new.json" {
				f.Add(mf.Data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{"a.yaml": {Data: data}}
		src := compat.Source{Name: "a.yaml", FS: fsys, Path: "a.yaml"}
		changes, err := Engine{}.Diff(context.Background(), src, src, compat.Options{Mode: compat.Full})
		if err != nil {
			return
		}
		if len(changes) != 0 {
			t.Fatalf("a document compared with itself has %d changes: %+v", len(changes), changes[0])
		}
	})
}
