package openapi

import (
	"fmt"
	"testing"
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
