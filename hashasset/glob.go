package hashasset

import (
	"fmt"
	"regexp"
	"strings"
)

// Glob is a compiled --exclude pattern over slash-separated paths relative to
// the source folder: '*' matches within one segment, '?' one character,
// '**' any number of segments, and a pattern without a '/' matches a base
// name in any folder.
type Glob struct {
	pattern string
	re      *regexp.Regexp
}

// CompileGlob compiles an exclude pattern.
func CompileGlob(pattern string) (*Glob, error) {
	p := strings.TrimPrefix(pattern, "./")
	if p == "" {
		return nil, fmt.Errorf("empty exclude pattern")
	}
	if !strings.Contains(strings.TrimSuffix(p, "/"), "/") {
		p = "**/" + p
	}
	p = strings.TrimSuffix(p, "/")
	// "dir/**" is the folder and everything in it.
	if q, ok := strings.CutSuffix(p, "/**"); ok && q != "" && q != "**" {
		p = q
	}
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '*' && i+1 < len(p) && p[i+1] == '*':
			i++
			if i+1 < len(p) && p[i+1] == '/' {
				i++
				b.WriteString("(?:.*/)?")
			} else {
				b.WriteString(".*")
			}
		case c == '*':
			b.WriteString("[^/]*")
		case c == '?':
			b.WriteString("[^/]")
		case c == '[':
			j := strings.IndexByte(p[i:], ']')
			if j < 0 {
				return nil, fmt.Errorf("exclude pattern %q: unclosed '['", pattern)
			}
			cls := p[i+1 : i+j]
			if strings.HasPrefix(cls, "!") {
				cls = "^" + cls[1:]
			}
			b.WriteString("[" + cls + "]")
			i += j
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	// A pattern naming a folder excludes what is inside it.
	b.WriteString("(?:/.*)?$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, fmt.Errorf("exclude pattern %q: %w", pattern, err)
	}
	return &Glob{pattern: pattern, re: re}, nil
}

// Match reports whether rel (slash-separated) is excluded by the pattern.
func (g *Glob) Match(rel string) bool { return g.re.MatchString(rel) }

// String returns the pattern as given.
func (g *Glob) String() string { return g.pattern }
