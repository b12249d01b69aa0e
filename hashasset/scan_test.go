package hashasset

import (
	"reflect"
	"strings"
	"testing"
)

func urls(kind Kind, src string) []string {
	var out []string
	for _, r := range Scan(kind, []byte(src)) {
		out = append(out, r.URL)
	}
	return out
}

func TestScanCSS(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"url forms", `a{b:url(x.png)} c{d:url("y.png")} e{f:url( 'z.png' )}`, []string{"x.png", "y.png", "z.png"}},
		{"import string and url", `@import "a.css"; @import url(b.css) screen; @IMPORT 'c.css';`, []string{"a.css", "b.css", "c.css"}},
		{"comment ignored", "/* url(no.png) @import 'no.css'; */ a{b:url(yes.png)}", []string{"yes.png"}},
		{"string is not a url", `a{content:"url(no.png)"} b{c:url(yes.png)}`, []string{"yes.png"}},
		{"source map", "a{}\n/*# sourceMappingURL=a.css.map */", []string{"a.css.map"}},
		{"escaped url skipped", `a{b:url(x\).png)} c{d:url(y.png)}`, []string{"y.png"}},
		{"ident ending in url", `a{b:myurl(x.png)}`, nil},
		{"query and fragment", `a{src:url("f.eot?#iefix")}`, []string{"f.eot?#iefix"}},
		{"unterminated comment", `a{b:url(x.png)} /* url(y.png)`, []string{"x.png"}},
		{"plain string outside import", `a{font-family:"x.css"}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := urls(KindCSS, tt.src); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestScanJS(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"static imports", `import a from "./a.js"; import {b} from './b.js'; import "./c.js"; import * as d from "./d.js"`, []string{"./a.js", "./b.js", "./c.js", "./d.js"}},
		{"export from", `export * from "./e.js"; export { f } from "./f.js";`, []string{"./e.js", "./f.js"}},
		{"dynamic import", `const m = await import("./g.js"); import("./h.js", { with: { type: "json" } })`, []string{"./g.js", "./h.js"}},
		{"dynamic import of an expression", `import("./x" + name)`, nil},
		{"new URL", `const u = new URL("../img/a.png", import.meta.url)`, []string{"../img/a.png"}},
		{"new URL without import.meta", `new URL("a.png", base)`, nil},
		{"comments and strings", "// import(\"./no.js\")\n/* import \"./no.js\" */ const s = 'import(\"./no.js\")'; import(\"./yes.js\")", []string{"./yes.js"}},
		{"template literal", "const t = `import(\"./no.js\") ${ import(\"./yes.js\") } ${ `${'x'}` }`; import(\"./yes2.js\")", []string{"./yes.js", "./yes2.js"}},
		{"regex literal with quote", `const r = /"/g; import("./yes.js"); const q = "'"`, []string{"./yes.js"}},
		{"division is not a regex", `const x = a / b; const y = c / d; import("./yes.js")`, []string{"./yes.js"}},
		{"member import is not a keyword", `obj.import("./no.js"); x.from "./no.js"`, nil},
		{"source map", "x()\n//# sourceMappingURL=app.js.map", []string{"app.js.map"}},
		{"multi-line import", "import {\n  a,\n  b,\n} from \"./m.js\"\nimport x from './n.js'", []string{"./m.js", "./n.js"}},
		{"regex after return", "function f(){ return /'/.test(s) }\nimport(\"./y.js\")", []string{"./y.js"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := urls(KindJS, tt.src); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestScanHTML(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"attributes", `<img src="a.png" srcset="a.png 1x, b.png 2x"><video poster=p.png><source src='v.mp4'></video>`, []string{"a.png", "a.png", "b.png", "p.png", "v.mp4"}},
		{"links", `<link rel=preload href="f.woff2" as=font><link rel="modulepreload" href="m.js"><link rel=icon href=/favicon.ico>`, []string{"f.woff2", "m.js", "/favicon.ico"}},
		{"meta content", `<meta property="og:image" content="/og.png"><meta name="viewport" content="width=device-width, initial-scale=1">`, []string{"/og.png"}},
		{"comments skipped", `<!-- <img src="no.png"> --><img src="yes.png">`, []string{"yes.png"}},
		{"entities decoded", `<a href="a.png?x=1&amp;y=2">`, []string{"a.png?x=1&y=2"}},
		{"style attribute and element", `<div style="background:url('bg.png')"></div><style>a{b:url(c.png)}</style>`, []string{"bg.png", "c.png"}},
		{"script raw text", `<script>const s = "<img src='no.png'>"; import("./yes.js")</script><script type="application/json">{"a":"<img src=no.png>"}</script><img src=z.png>`, []string{"./yes.js", "z.png"}},
		{"script src and module", `<script type=module src="app.js"></script>`, []string{"app.js"}},
		{"srcset with descriptors and data", `<img srcset="data:image/png;base64,AAA, x.png 100w,y.png  200w">`, []string{"data:image/png;base64,AAA", "x.png", "y.png"}},
		{"textarea is text", `<textarea><img src="no.png"></textarea><img src="yes.png">`, []string{"yes.png"}},
		{"upper case", `<IMG SRC="A.PNG">`, []string{"A.PNG"}},
		{"base ignored", `<base href="/x/">`, nil},
		{"unterminated tag", `<img src="a.png`, []string{"a.png"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := urls(KindHTML, tt.src); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestScanSourceMap(t *testing.T) {
	if got := urls(KindSourceMap, `{"version":3, "file" : "app.js","mappings":"AAAA"}`); !reflect.DeepEqual(got, []string{"app.js"}) {
		t.Errorf("got %q", got)
	}
	for _, src := range []string{`{"version":3}`, `[1]`, `{"file":"a\u0062.js"}`, `{"file":"a.js"`, `{"file":1}`} {
		if got := urls(KindSourceMap, src); got != nil {
			t.Errorf("%s: got %q, want none", src, got)
		}
	}
}

func TestApplyRewrites(t *testing.T) {
	src := []byte(`a{b:url(x.png)} c{d:url("y.png?v=1#f")}`)
	refs := Scan(KindCSS, src)
	out, n := Apply(src, refs, func(r Ref) (string, bool) {
		return rewriteRaw(r.Raw(src), strings.SplitN(r.URL, "?", 2)[0], strings.Replace(strings.SplitN(r.URL, "?", 2)[0], ".png", "-0123456789.png", 1), ""), true
	})
	if want := `a{b:url(x-0123456789.png)} c{d:url("y-0123456789.png?v=1#f")}`; string(out) != want || n != 2 {
		t.Errorf("got %s (%d), want %s", out, n, want)
	}
}

func TestRewriteRaw(t *testing.T) {
	tests := []struct{ raw, logical, hashed, prefix, want string }{
		{"../img/a.png", "img/a.png", "img/a-abc.png", "", "../img/a-abc.png"},
		{"./a.js?x#y", "js/a.js", "js/a-abc.js", "", "./a-abc.js?x#y"},
		{"/css/s.css", "css/s.css", "css/s-abc.css", "https://cdn.example.com/app/", "https://cdn.example.com/app/css/s-abc.css"},
		{"my%20file.png", "my file.png", "my file-abc.png", "", "my%20file-abc.png"},
		{"app.js.map", "js/app.js.map", "js/app-abc.js.map", "", "app-abc.js.map"},
		{"a b.png", "a b.png", "a b-abc.png", "/static", "/static/a%20b-abc.png"},
	}
	for _, tt := range tests {
		if got := rewriteRaw(tt.raw, tt.logical, tt.hashed, tt.prefix); got != tt.want {
			t.Errorf("rewriteRaw(%q) = %q, want %q", tt.raw, got, tt.want)
		}
	}
}

func TestResolveRef(t *testing.T) {
	tests := []struct {
		from, ref, want string
		ok              bool
	}{
		{"css/a.css", "../img/x.png", "img/x.png", true},
		{"css/a.css", "/img/x.png?v=2", "img/x.png", true},
		{"index.html", "img/my%20x.png#f", "img/my x.png", true},
		{"index.html", "https://x.example/a.png", "", false},
		{"index.html", "//cdn.example/a.png", "", false},
		{"index.html", "data:image/png;base64,AA", "", false},
		{"index.html", "#top", "", false},
		{"index.html", "../../etc/passwd", "", false},
		{"index.html", "mailto:a@b.c", "", false},
	}
	for _, tt := range tests {
		got, ok := resolveRef(tt.from, tt.ref)
		if got != tt.want || ok != tt.ok {
			t.Errorf("resolveRef(%q, %q) = %q, %v; want %q, %v", tt.from, tt.ref, got, ok, tt.want, tt.ok)
		}
	}
}

func TestNames(t *testing.T) {
	tests := []struct{ logical, want string }{
		{"css/site.css", "css/site-0123456789.css"},
		{"js/app.js.map", "js/app-0123456789.js.map"},
		{"LICENSE", "LICENSE-0123456789"},
		{"jquery.min.js", "jquery.min-0123456789.js"},
	}
	for _, tt := range tests {
		got := HashedPath(tt.logical, "0123456789")
		if got != tt.want {
			t.Errorf("HashedPath(%q) = %q, want %q", tt.logical, got, tt.want)
		}
		if h := hashInName(tt.logical, got); h != "0123456789" {
			t.Errorf("hashInName(%q, %q) = %q", tt.logical, got, h)
		}
	}
	if !defaultDigested.MatchString("js/vendor-3f2a9c1b7d8e.digested.js") || defaultDigested.MatchString("js/vendor-3f.digested.js") {
		t.Error("digested pattern")
	}
}

func TestGlob(t *testing.T) {
	tests := []struct {
		pattern, path string
		want          bool
	}{
		{"**/*.psd", "design/a.psd", true},
		{"**/*.psd", "a.psd", true},
		{"*.psd", "deep/er/a.psd", true},
		{"public/**", "public/x/y.js", true},
		{"public/**", "publicx/y.js", false},
		{"public", "public/y.js", true},
		{"img/*.png", "img/a/b.png", false},
		{"img/?.png", "img/a.png", true},
	}
	for _, tt := range tests {
		g, err := CompileGlob(tt.pattern)
		if err != nil {
			t.Fatal(err)
		}
		if got := g.Match(tt.path); got != tt.want {
			t.Errorf("%q.Match(%q) = %v, want %v", tt.pattern, tt.path, got, tt.want)
		}
	}
}
