package openapi

import (
	"context"
	"fmt"
	"testing"
	"testing/fstest"

	"github.com/dsctl/dsctl/compat"
	"github.com/oasdiff/oasdiff/diff"
	"github.com/oasdiff/oasdiff/load"
)

func TestDeal(t *testing.T) {
	mk := func(specs ...string) []slot {
		var out []slot
		for _, s := range specs {
			var m, p, st string
			fmt.Sscan(s, &m, &p, &st)
			out = append(out, slot{method: m, path: p, status: st})
		}
		return out
	}
	show := func(bs [][]slot) string {
		var out string
		for i, b := range bs {
			out += fmt.Sprintf("%d:", i)
			for _, s := range b {
				out += " " + s.method + s.path + s.status
			}
			out += ";"
		}
		return out
	}
	slots := mk("get /a 200", "get /a 201", "get /a 404", "get /b 200", "post /b 200", "post /b 500")
	// Rounds: the r-th slot of each operation goes to round r.
	perOp := map[string]int{}
	rounds := deal(slots, func(_ int, s slot) int {
		r := perOp[s.method+s.path]
		perOp[s.method+s.path]++
		return r
	})
	if got, want := show(rounds), "0: get/a200 get/b200 post/b200;1: get/a201 post/b500;2: get/a404;"; got != want {
		t.Errorf("rounds: got %q, want %q", got, want)
	}
	// Chunks: round-robin into n.
	if got, want := show(deal(slots, func(i int, _ slot) int { return i % 4 })), "0: get/a200 post/b200;1: get/a201 post/b500;2: get/a404;3: get/b200;"; got != want {
		t.Errorf("chunks: got %q, want %q", got, want)
	}
	if got := deal(nil, func(int, slot) int { return 0 }); got != nil {
		t.Errorf("no slots: got %v", got)
	}
}

// TestWithoutResponseSchemas checks the copy: no response media type of the
// copy has a schema diff, everything else is as in d, and d is unchanged.
func TestWithoutResponseSchemas(t *testing.T) {
	fsys := fstest.MapFS{
		"old.yaml": {Data: []byte(syntheticAPI(3, false))},
		"new.yaml": {Data: []byte(syntheticAPI(3, true))},
	}
	ctx := context.Background()
	s1, _, err := loadSpec(ctx, compat.Source{Name: "old.yaml", FS: fsys, Path: "old.yaml"}, compat.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s2, _, err := loadSpec(ctx, compat.Source{Name: "new.yaml", FS: fsys, Path: "new.yaml"}, compat.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d, _, err := diff.GetWithOperationsSourcesMap(diff.NewConfig(), &load.SpecInfo{Url: "old.yaml", Spec: s1}, &load.SpecInfo{Url: "new.yaml", Spec: s2})
	if err != nil {
		t.Fatal(err)
	}
	count := func(d *diff.Diff) (mediaTypes, schemas int) {
		for _, pd := range d.PathsDiff.Modified {
			for _, md := range pd.OperationsDiff.Modified {
				if md.ResponsesDiff == nil {
					continue
				}
				for _, rd := range md.ResponsesDiff.Modified {
					if rd.ContentDiff == nil {
						continue
					}
					for _, m := range rd.ContentDiff.MediaTypeModified {
						mediaTypes++
						if m.SchemaDiff != nil || m.ItemSchemaDiff != nil {
							schemas++
						}
					}
				}
			}
		}
		return mediaTypes, schemas
	}
	mt, sc := count(d)
	if mt == 0 || sc == 0 {
		t.Fatalf("the synthetic diff has %d modified response media types, %d with schemas", mt, sc)
	}
	w := withoutResponseSchemas(d)
	if gotMT, gotSC := count(w); gotMT != mt || gotSC != 0 {
		t.Errorf("copy: %d media types (want %d), %d with schemas (want 0)", gotMT, mt, gotSC)
	}
	if gotMT, gotSC := count(d); gotMT != mt || gotSC != sc {
		t.Errorf("the original changed: %d media types, %d with schemas (want %d, %d)", gotMT, gotSC, mt, sc)
	}
	if len(w.PathsDiff.Modified) != len(d.PathsDiff.Modified) {
		t.Errorf("paths differ: %d modified, want %d", len(w.PathsDiff.Modified), len(d.PathsDiff.Modified))
	}
}
