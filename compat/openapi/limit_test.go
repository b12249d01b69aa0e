package openapi

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/compat/source"
	"github.com/dsctl/dsctl/internal/errkind"
)

// TestFileSizeBound: the document and every local file its $refs name are
// read under source.MaxDocument; past it, an input error naming the file.
func TestFileSizeBound(t *testing.T) {
	defer func(old int64) { source.MaxDocument = old }(source.MaxDocument)
	source.MaxDocument = 1 << 20
	pad := "x-pad: " + strings.Repeat("a", 1<<20) + "\n"
	small := "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n"
	withRef := small + "components:\n  schemas:\n    A: {$ref: 'big.yaml#/A'}\n"
	fsys := fstest.MapFS{
		"big.yaml":   {Data: []byte(small + pad)},
		"ok.yaml":    {Data: []byte(small)},
		"ref.yaml":   {Data: []byte(withRef)},
		"other.yaml": {Data: []byte("A: {type: string}\n" + pad)},
	}
	fsys["ref.yaml"] = &fstest.MapFile{Data: []byte(strings.Replace(withRef, "big.yaml", "other.yaml", 1))}
	for name, want := range map[string]string{"big.yaml": "big.yaml", "ref.yaml": "other.yaml"} {
		src := compat.Source{Name: name, FS: fsys, Path: name}
		_, err := Engine{}.Diff(context.Background(), src, src, compat.Options{Mode: compat.Backward})
		if err == nil || !strings.Contains(err.Error(), "larger than 1 MiB") || !strings.Contains(err.Error(), want) || errkind.Of(err) != errkind.Input {
			t.Errorf("%s: err = %v, want an input error naming %s, larger than 1 MiB", name, err, want)
		}
	}
	src := compat.Source{Name: "ok.yaml", FS: fsys, Path: "ok.yaml"}
	if _, err := (Engine{}).Diff(context.Background(), src, src, compat.Options{Mode: compat.Backward}); err != nil {
		t.Errorf("a small document: %v", err)
	}
}
