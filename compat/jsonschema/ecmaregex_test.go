package jsonschema

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/dsctl/dsctl/compat"
)

// TestECMARegexMatches holds translated patterns to ECMA-262's meaning
// (with the u flag), string by string: what JavaScript's RegExp(p, "u").test
// answers for each.
func TestECMARegexMatches(t *testing.T) {
	for _, c := range []struct {
		pattern string
		match   []string
		nomatch []string
	}{
		{`^\cC$`, []string{"\x03"}, []string{"C", `\cC`, "\x01"}},
		{`^\cc$`, []string{"\x03"}, []string{"c"}},
		{`^[\cJ]$`, []string{"\n"}, []string{"J"}},
		{`^\s$`, []string{" ", "\t", "\v", "\u00a0", "\ufeff", "\u2028", "\u3000", "\u2003"}, []string{"a", "\u200b", ""}},
		{`^\S$`, []string{"a", "\u200b", "é", "🐲"}, []string{" ", "\v", "\u00a0", "\ufeff", "\u2029"}},
		{`^[\S]$`, []string{"a", "\U0010ffff"}, []string{" ", "\u3000"}},
		{`^[a\s]$`, []string{"a", "\u00a0"}, []string{"b"}},
		{`^.$`, []string{"a", "🐲", "\u0085"}, []string{"\n", "\r", "\u2028", "\u2029"}},
		{`^\d$`, []string{"0", "9"}, []string{"٣", "a"}},
		{`^\w$`, []string{"a", "_", "0"}, []string{"é", "-"}},
		{`^[\b]$`, []string{"\b"}, []string{"b"}},
		{`a[]`, nil, []string{"a", "a]"}},
		{`^[^]$`, []string{"\n", "x"}, []string{"", "xy"}},
		{`^[[:alpha:]]$`, nil, []string{"a"}},
		{`^[[:alpha:]]]$`, []string{":]]", "a]]", "[]]"}, []string{"a]", "b]]"}},
		{`^\u00e9$`, []string{"é"}, []string{"e"}},
		{`^\uD83D\uDC32$`, []string{"🐲"}, []string{"\ufffd"}},
		{`^\u{1F432}$`, []string{"🐲"}, nil},
		{`^\x41\0$`, []string{"A\x00"}, []string{"A0"}},
		{`^\p{Letter}+$`, []string{"abcé"}, []string{"a1"}},
		{`^\p{Script=Greek}$`, []string{"α"}, []string{"a"}},
		{`^\P{L}$`, []string{"1"}, []string{"a"}},
		{`^\p{Lu}$`, []string{"A"}, []string{"a"}},
		{`^\p{Cased_Letter}$`, []string{"A", "a"}, []string{"1"}},
		{`^\p{Any}$`, []string{"\n"}, []string{""}},
		{`^\P{ASCII}$`, []string{"é"}, []string{"a"}},
		{`^(?<year>\d{4})-\:\/\_\#$`, []string{"2024-:/_#"}, nil},
		{`^\é$`, []string{"é"}, nil},
		{`^a{,2}$`, []string{"a{,2}"}, []string{"aa"}},
	} {
		re, err := compileECMA(c.pattern)
		if err != nil {
			t.Errorf("%q: %v", c.pattern, err)
			continue
		}
		if re.String() != c.pattern {
			t.Errorf("%q: String() = %q", c.pattern, re.String())
		}
		for _, s := range c.match {
			if !re.MatchString(s) {
				t.Errorf("%q (Go %q) does not match %q", c.pattern, goSyntax(re), s)
			}
		}
		for _, s := range c.nomatch {
			if re.MatchString(s) {
				t.Errorf("%q (Go %q) matches %q", c.pattern, goSyntax(re), s)
			}
		}
	}
}

// TestECMARegexRefused: what cannot be translated exactly is refused, and
// the error names the feature.
func TestECMARegexRefused(t *testing.T) {
	for p, feature := range map[string]string{
		`^(?=a)`:                      "lookahead (?=",
		`^(?!a)`:                      "lookahead (?!",
		`(?<=a)b`:                     "lookbehind (?<=",
		`(?<!a)b`:                     "lookbehind (?<!",
		`(a)\1`:                       `backreference \1`,
		`(?<n>a)\k<n>`:                `named backreference \k<`,
		`\012`:                        "legacy octal escape",
		`(?i)a`:                       "group modifier (?i",
		`\a`:                          `the escape \a`,
		`\z`:                          `the escape \z`,
		`\Qa\E`:                       `the escape \Q`,
		`\c1`:                         `\c not followed by a letter`,
		`\x4`:                         `\x not followed by two hex digits`,
		`\uD83D`:                      "lone surrogate",
		`\pL`:                         `\p without {…}`,
		`\p{Alphabetic}`:              "Unicode property",
		`\p{Script_Extensions=Greek}`: "Unicode property",
		`[\B]`:                        `\B inside a character class`,
		`a\`:                          "trailing backslash",
	} {
		_, err := compileECMA(p)
		if err == nil || !strings.Contains(err.Error(), feature) {
			t.Errorf("%q: want an error naming %q, got %v", p, feature, err)
		}
	}
	// what Go's regexp refuses after translation says so
	if _, err := compileECMA(`a{1001}`); err == nil || !strings.Contains(err.Error(), "Go's regexp refuses it") {
		t.Errorf("a{1001}: %v", err)
	}
}

// A schema with a \c escape compiles and is compared (both compilers); one
// with a lookahead is an input error naming the file, the pattern and the
// feature.
func TestECMARegexInSchemas(t *testing.T) {
	ctx := context.Background()
	opts := compat.Options{Mode: compat.Backward}
	mk := func(s string) fstest.MapFS { return fstest.MapFS{"s.json": {Data: []byte(s)}} }
	// the witness is made from the translated pattern and checked by the validator with it
	changes, err := DiffFS(ctx, mk(`{"type": "string", "pattern": "^\\cC$"}`), "s.json", mk(`{"type": "string", "pattern": "^\\cC$", "enum": ["a"]}`), "s.json", opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 1 || changes[0].ID != "enum-added" || string(changes[0].Witness) != `"\u0003"` {
		t.Fatalf("changes: %+v", changes)
	}
	_, err = DiffFS(ctx, mk(`{"type": "string"}`), "s.json", mk("{\n  \"type\": \"string\",\n  \"pattern\": \"^(?!admin)\"\n}"), "s.json", opts)
	if err == nil {
		t.Fatal("lookahead accepted")
	}
	for _, want := range []string{"s.json:3:", "^(?!admin)", "lookahead (?!…)", "Go's regexp lacks it"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	// the fast compiler (documents of 256 KB and more) reads patterns the same way
	big := `{"type": "object", "properties": {"a": {"type": "string", "pattern": "^\\cC\\s$"}}, "patternProperties": {"^\\cA": {}}, "description": "` + strings.Repeat("x", 300<<10) + `"}`
	sch, err := Compile(ctx, compat.Source{Name: "big.json", FS: mk(big), Path: "s.json"}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !sch.s.rawComplete {
		t.Fatal("the big document did not take the fast compiler")
	}
	p := sch.s.root.Properties["a"].Pattern
	if p == nil || !p.MatchString("\x03\u00a0") || p.String() != `^\cC\s$` {
		t.Errorf("fast-compiled pattern: %v", p)
	}
	for re := range sch.s.root.PatternProperties {
		if !re.MatchString("\x01x") {
			t.Errorf("fast-compiled patternProperties %q", re)
		}
	}
	_, err = Compile(ctx, compat.Source{Name: "big.json", FS: mk(strings.Replace(big, `^\\cC\\s$`, `(?<=a)b`, 1)), Path: "s.json"}, opts)
	if err == nil || !strings.Contains(err.Error(), "lookbehind") || !strings.Contains(err.Error(), "s.json: ") || !strings.Contains(err.Error(), "(?<=a)b") {
		t.Errorf("fast compiler, lookbehind: %v", err)
	}
}

// FuzzECMARegex: the translation never panics; what it accepts compiles
// (or is refused by Go's regexp with an error, never a panic), keeps the
// pattern as written, and a pattern without escapes, classes, "." or
// groups means what Go reads it to mean.
func FuzzECMARegex(f *testing.F) {
	for _, s := range []string{`^\cC$`, `[\s\S]`, `(?<a>x)\k<a>`, `\u{1F432}`, `[[:alpha:]]`, `\p{Script=Greek}`, `a{2,3}?`, `(?=x)`, `[^]`, `\uD83D\uDC32`} {
		f.Add(s, "x")
	}
	f.Fuzz(func(t *testing.T, p, s string) {
		re, err := compileECMA(p)
		if err != nil {
			return
		}
		if re.String() != p {
			t.Fatalf("String() = %q, want %q", re.String(), p)
		}
		got := re.MatchString(s)
		if !strings.ContainsAny(p, `\[.(`) {
			if g, err := regexp.Compile(p); err == nil && g.MatchString(s) != got {
				t.Fatalf("%q on %q: translated %v, Go %v", p, s, got, !got)
			}
		}
	})
}
