package hashasset

import "bytes"

// jsTok is one significant JavaScript token.
type jsTok struct {
	kind       byte // 'i' identifier, 's' string, 't' template, 'p' punctuator, 'r' regex, 'n' number
	start, end int  // for strings: the content between the quotes
	punct      byte
}

// jsScanner is a tokenizer that knows enough JavaScript not to trip: strings,
// template literals with nested substitutions, comments and regular
// expression literals (told apart from division by the previous token).
type jsScanner struct {
	src       []byte
	i         int
	templates []int // brace depth inside each open ${ substitution
	prev      [4]jsTok
	nprev     int
}

// scanJS finds module specifiers (import … from, import "x", export … from,
// import("x")), new URL("x", import.meta.url) and sourceMappingURL comments.
// base is added to offsets (for inline scripts in HTML).
func scanJS(src []byte, base int, emit func(Ref)) {
	s := &jsScanner{src: src}
	add := func(start, end int, ctx RefContext) {
		if end <= start || bytes.IndexByte(src[start:end], '\\') >= 0 {
			return
		}
		emit(Ref{Start: base + start, End: base + end, URL: string(src[start:end]), Context: ctx})
	}
	moduleDecl := false // an import or export statement is open
	// A candidate waiting for the tokens that confirm it.
	var pend *jsTok
	var pendCtx RefContext
	var expect []string
	for {
		t, ok := s.next(func(cs, ce int) {
			if a, b, ok := sourceMapComment(src, cs, ce); ok {
				// The comment's end: a line comment ends before its newline.
				end := ce
				if src[cs-1] == '*' {
					end = min(ce+2, len(src))
				}
				// Only a trailing comment counts (as in browsers' tools):
				// one in the middle of a file is content.
				if isBlank(src[end:]) && b > a && bytes.IndexByte(src[a:b], '\\') < 0 {
					emit(Ref{Start: base + a, End: base + b, URL: string(src[a:b]), Context: CtxSourceMap, CommentStart: base + cs - 2, CommentEnd: base + end})
				}
			}
		})
		if !ok {
			break
		}
		if pend != nil {
			// import("x", { with: … }) is a static specifier too.
			if s.tokIs(t, expect[0]) || pendCtx == CtxImport && t.kind == 'p' && t.punct == ',' {
				expect = expect[1:]
				if len(expect) == 0 {
					add(pend.start, pend.end, pendCtx)
					pend = nil
				}
			} else {
				pend = nil
			}
		}
		p1, p2, p3 := s.back(1), s.back(2), s.back(3)
		switch t.kind {
		case 's':
			notMember := func(p jsTok) bool { return !(p.kind == 'p' && p.punct == '.') }
			switch {
			case s.identIs(p1, "from") && moduleDecl:
				add(t.start, t.end, CtxImport)
				moduleDecl = false
			case s.identIs(p1, "import") && notMember(p2):
				add(t.start, t.end, CtxImport)
				moduleDecl = false
			case p1.kind == 'p' && p1.punct == '(' && s.identIs(p2, "import") && notMember(p3):
				tt := t
				pend, pendCtx, expect = &tt, CtxImport, []string{")"}
			case p1.kind == 'p' && p1.punct == '(' && s.identIs(p2, "URL") && s.identIs(p3, "new"):
				tt := t
				pend, pendCtx, expect = &tt, CtxURL, []string{",", "import", ".", "meta", ".", "url"}
			}
		case 'i':
			if (s.identIs(t, "import") || s.identIs(t, "export")) && !(p1.kind == 'p' && p1.punct == '.') {
				moduleDecl = true
			}
		case 'p':
			if t.punct == ';' {
				moduleDecl = false
			}
		}
		s.push(t)
	}
}

func (s *jsScanner) push(t jsTok) {
	copy(s.prev[1:], s.prev[:len(s.prev)-1])
	s.prev[0] = t
	if s.nprev < len(s.prev) {
		s.nprev++
	}
}

// isBlank reports whether p holds only white space.
func isBlank(p []byte) bool {
	return len(bytes.TrimSpace(p)) == 0
}

// back returns the n-th previous significant token (1 = the last one).
func (s *jsScanner) back(n int) jsTok {
	if n > s.nprev {
		return jsTok{}
	}
	return s.prev[n-1]
}

func (s *jsScanner) identIs(t jsTok, word string) bool {
	return t.kind == 'i' && string(s.src[t.start:t.end]) == word
}

func (s *jsScanner) tokIs(t jsTok, want string) bool {
	if len(want) == 1 && !isJSIdentStart(want[0]) {
		return t.kind == 'p' && t.punct == want[0]
	}
	return s.identIs(t, want)
}

// regexAllowed reports whether a '/' here starts a regular expression.
func (s *jsScanner) regexAllowed() bool {
	p := s.back(1)
	switch p.kind {
	case 0:
		return true
	case 'p':
		return p.punct != ')' && p.punct != ']'
	case 'i':
		switch string(s.src[p.start:p.end]) {
		case "return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw",
			"case", "do", "else", "yield", "await":
			return true
		}
	}
	return false
}

// next returns the next significant token; comment is called with the body
// bounds of each comment.
func (s *jsScanner) next(comment func(start, end int)) (jsTok, bool) {
	src := s.src
	n := len(src)
	for s.i < n {
		c := src[s.i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			s.i++
		case c == '/' && s.i+1 < n && src[s.i+1] == '/':
			j := s.i + 2
			for j < n && src[j] != '\n' {
				j++
			}
			comment(s.i+2, j)
			s.i = j
		case c == '/' && s.i+1 < n && src[s.i+1] == '*':
			end := bytes.Index(src[s.i+2:], []byte("*/"))
			if end < 0 {
				comment(s.i+2, n)
				s.i = n
			} else {
				comment(s.i+2, s.i+2+end)
				s.i = s.i + 2 + end + 2
			}
		case c == '"' || c == '\'':
			start := s.i + 1
			j := start
			for j < n && src[j] != c && src[j] != '\n' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			if j > n {
				j = n
			}
			s.i = j
			if j < n && src[j] == c {
				s.i = j + 1
			}
			return jsTok{kind: 's', start: start, end: j}, true
		case c == '`':
			start := s.i
			s.i++
			s.template()
			return jsTok{kind: 't', start: start, end: s.i}, true
		case c == '}' && len(s.templates) > 0 && s.templates[len(s.templates)-1] == 0:
			s.templates = s.templates[:len(s.templates)-1]
			start := s.i
			s.i++
			s.template()
			return jsTok{kind: 't', start: start, end: s.i}, true
		case c == '/' && s.regexAllowed():
			if end, ok := s.regex(s.i); ok {
				start := s.i
				s.i = end
				return jsTok{kind: 'r', start: start, end: end}, true
			}
			s.i++
			return jsTok{kind: 'p', start: s.i - 1, end: s.i, punct: c}, true
		case isJSIdentStart(c):
			start := s.i
			for s.i < n && isJSIdentPart(src[s.i]) {
				s.i++
			}
			return jsTok{kind: 'i', start: start, end: s.i}, true
		case c >= '0' && c <= '9' || c == '.' && s.i+1 < n && src[s.i+1] >= '0' && src[s.i+1] <= '9':
			start := s.i
			for s.i < n && (isJSIdentPart(src[s.i]) || src[s.i] == '.') {
				s.i++
			}
			return jsTok{kind: 'n', start: start, end: s.i}, true
		default:
			if len(s.templates) > 0 {
				switch c {
				case '{':
					s.templates[len(s.templates)-1]++
				case '}':
					s.templates[len(s.templates)-1]--
				}
			}
			s.i++
			return jsTok{kind: 'p', start: s.i - 1, end: s.i, punct: c}, true
		}
	}
	return jsTok{}, false
}

// template scans template literal text from s.i up to the closing backquote
// (consumed) or a "${" (consumed, entering a substitution).
func (s *jsScanner) template() {
	src := s.src
	for s.i < len(src) {
		switch src[s.i] {
		case '\\':
			s.i += 2
			continue
		case '`':
			s.i++
			return
		case '$':
			if s.i+1 < len(src) && src[s.i+1] == '{' {
				s.i += 2
				s.templates = append(s.templates, 0)
				return
			}
		}
		s.i++
	}
	if s.i > len(src) {
		s.i = len(src)
	}
}

// regex scans a regular expression literal at i; a literal never spans a
// line, so a '/' that reaches a newline first is division after all.
func (s *jsScanner) regex(i int) (int, bool) {
	src := s.src
	j := i + 1
	inClass := false
	for j < len(src) {
		switch src[j] {
		case '\\':
			j += 2
			continue
		case '\n', '\r':
			return 0, false
		case '[':
			inClass = true
		case ']':
			inClass = false
		case '/':
			if !inClass {
				j++
				for j < len(src) && isJSIdentPart(src[j]) {
					j++
				}
				return j, true
			}
		}
		j++
	}
	return 0, false
}

func isJSIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '$' || c == '#' || c >= 0x80
}

func isJSIdentPart(c byte) bool {
	return isJSIdentStart(c) || c >= '0' && c <= '9'
}
