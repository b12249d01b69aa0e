package hashasset

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

var plainRef = regexp.MustCompile(`^[A-Za-z0-9_./-]*[A-Za-z0-9_-]\.[a-z0-9]{1,5}$`)

// fuzzRewriter checks the properties every rewriter must have: Scan never
// panics; rewriting every reference to its own text returns the input; and
// rewriting plain references to hashed names gives output that scans to the
// same references, renamed (the output still parses).
func fuzzRewriter(t *testing.T, kind Kind, src []byte) {
	refs := Scan(kind, src)
	last := 0
	for _, r := range refs {
		if r.Start < last || r.End > len(src) || r.Start > r.End {
			t.Fatalf("bad ref bounds %d..%d after %d (len %d)", r.Start, r.End, last, len(src))
		}
		last = r.End
	}
	id, n := Apply(src, refs, func(r Ref) (string, bool) { return r.Raw(src), true })
	if string(id) != string(src) || n != 0 {
		t.Fatalf("identity rewrite changed the input")
	}
	var want []string
	repl := func(r Ref) (string, bool) {
		raw := r.Raw(src)
		if r.URL != raw || !plainRef.MatchString(raw) {
			return "", false
		}
		return rewriteRaw(raw, raw, HashedPath(raw, "0123456789"), ""), true
	}
	out, _ := Apply(src, refs, repl)
	var streamed bytes.Buffer
	if _, err := rewriteTo(&streamed, kind, src, repl); err != nil || streamed.String() != string(out) {
		t.Fatalf("streaming rewrite differs from Apply")
	}
	for _, r := range refs {
		raw := r.Raw(src)
		if r.URL == raw && plainRef.MatchString(raw) {
			want = append(want, HashedPath(raw, "0123456789"))
		} else {
			want = append(want, r.URL)
		}
	}
	again := Scan(kind, out)
	if len(again) != len(want) {
		t.Fatalf("output scans to %d references, want %d\ninput:  %q\noutput: %q", len(again), len(want), src, out)
	}
	for i, r := range again {
		if r.URL != want[i] {
			t.Fatalf("reference %d is %q after rewriting, want %q", i, r.URL, want[i])
		}
	}
	if kind == KindSourceMap && json.Valid(src) && !json.Valid(out) {
		t.Fatalf("source map is no longer JSON: %q", out)
	}
}

func addSeeds(f *testing.F, kind Kind, extra ...string) {
	for _, s := range extra {
		f.Add([]byte(s))
	}
	filepath.WalkDir("../examples/web", func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && KindOf(p) == kind {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
		return nil
	})
}

func FuzzCSS(f *testing.F) {
	addSeeds(f, KindCSS, `@import "a.css"; a{b:url(x.png)} /* url(y.png) */`, `a{b:url( "q.png?x#y" )}`, "/*# sourceMappingURL=a.css.map */")
	f.Fuzz(func(t *testing.T, src []byte) { fuzzRewriter(t, KindCSS, src) })
}

func FuzzJS(f *testing.F) {
	addSeeds(f, KindJS, "import a from './a.js'; const r = /x\"/; `${import('./b.js')}`; new URL('c.png', import.meta.url)", "//# sourceMappingURL=a.js.map")
	f.Fuzz(func(t *testing.T, src []byte) { fuzzRewriter(t, KindJS, src) })
}

func FuzzHTML(f *testing.F) {
	addSeeds(f, KindHTML, `<img src=a.png srcset="a.png 1x,b.png 2x"><!-- <img src=c.png> --><script>import("./d.js")</script>`, `<meta content=x.png><style>a{b:url(e.png)}</style>`)
	f.Fuzz(func(t *testing.T, src []byte) { fuzzRewriter(t, KindHTML, src) })
}

func FuzzSourceMap(f *testing.F) {
	addSeeds(f, KindSourceMap, `{"version":3,"file":"a.js","mappings":""}`, `{"file":"x"}`)
	f.Fuzz(func(t *testing.T, src []byte) { fuzzRewriter(t, KindSourceMap, src) })
}
