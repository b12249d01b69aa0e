package hashasset

import "bytes"

// scanCSS finds the references of a style sheet (or of a style attribute or
// <style> element when base is its offset in the HTML): url(), @import with a
// string or url(), and /*# sourceMappingURL=... */. Comments are skipped, so a
// url() inside a comment is not a reference. References with CSS escapes
// (backslashes) are left alone.
func scanCSS(src []byte, base int, emit func(Ref)) {
	add := func(start, end int, ctx RefContext) {
		if end <= start || bytes.IndexByte(src[start:end], '\\') >= 0 {
			return
		}
		emit(Ref{Start: base + start, End: base + end, URL: string(src[start:end]), Context: ctx})
	}
	importPending := false
	n := len(src)
	for i := 0; i < n; {
		c := src[i]
		switch {
		case c == '/' && i+1 < n && src[i+1] == '*':
			end := bytes.Index(src[i+2:], []byte("*/"))
			bodyEnd := n
			next := n
			if end >= 0 {
				bodyEnd = i + 2 + end
				next = bodyEnd + 2
			}
			// Only a trailing comment counts: one in the middle is content.
			if s, e, ok := sourceMapComment(src, i+2, bodyEnd); ok && isBlank(src[next:]) && bytes.IndexByte(src[s:e], '\\') < 0 {
				emit(Ref{Start: base + s, End: base + e, URL: string(src[s:e]), Context: CtxSourceMap, CommentStart: base + i, CommentEnd: base + next})
			}
			i = next
		case c == '"' || c == '\'':
			s, e, next := cssString(src, i)
			if importPending {
				add(s, e, CtxImport)
				importPending = false
			}
			i = next
		case c == '\\':
			i += 2
		case c == '@':
			j := i + 1
			for j < n && isCSSIdent(src[j]) {
				j++
			}
			if bytes.EqualFold(src[i+1:j], []byte("import")) {
				importPending = true
			}
			i = j
		case c == ';' || c == '{' || c == '}':
			importPending = false
			i++
		case (c == 'u' || c == 'U') && i+3 < n && bytes.EqualFold(src[i:i+4], []byte("url(")) && (i == 0 || !isCSSIdent(src[i-1]) && src[i-1] != '\\'):
			j := i + 4
			for j < n && isCSSSpace(src[j]) {
				j++
			}
			ctx := CtxURL
			if importPending {
				ctx = CtxImport
				importPending = false
			}
			if j < n && (src[j] == '"' || src[j] == '\'') {
				s, e, next := cssString(src, j)
				add(s, e, ctx)
				i = next
				continue
			}
			k := j
			bad := false
			for k < n && src[k] != ')' {
				if src[k] == '"' || src[k] == '\'' || src[k] == '(' || src[k] == '\\' {
					bad = true
				}
				if isCSSSpace(src[k]) {
					// Only whitespace may follow, up to ')'.
					m := k
					for m < n && isCSSSpace(src[m]) {
						m++
					}
					if m < n && src[m] != ')' {
						bad = true
					}
					break
				}
				k++
			}
			if !bad && k <= n {
				add(j, k, ctx)
			}
			for k < n && src[k] != ')' {
				k++
			}
			i = k + 1
		default:
			if isCSSIdent(c) {
				// Skip a whole identifier so that "xurl(" never matches.
				for i++; i < n && isCSSIdent(src[i]); i++ {
				}
				continue
			}
			i++
		}
	}
}

// cssString scans a string starting at the quote at i; it returns the bounds
// of its content and the offset after it. An unescaped newline ends a string.
func cssString(src []byte, i int) (start, end, next int) {
	q := src[i]
	j := i + 1
	for j < len(src) {
		switch src[j] {
		case '\\':
			j += 2
			continue
		case q:
			return i + 1, j, j + 1
		case '\n':
			return i + 1, j, j
		}
		j++
	}
	if j > len(src) {
		j = len(src)
	}
	return i + 1, j, j
}

// sourceMapComment finds "# sourceMappingURL=VALUE" (or "@") in the comment
// body src[s:e] and returns the bounds of VALUE.
func sourceMapComment(src []byte, s, e int) (int, int, bool) {
	if e > len(src) {
		e = len(src)
	}
	if s >= e || (src[s] != '#' && src[s] != '@') {
		return 0, 0, false
	}
	j := s + 1
	for j < e && (src[j] == ' ' || src[j] == '\t') {
		j++
	}
	const key = "sourceMappingURL="
	if j == s+1 || e-j < len(key) || string(src[j:j+len(key)]) != key {
		return 0, 0, false
	}
	j += len(key)
	k := j
	for k < e && !isCSSSpace(src[k]) {
		k++
	}
	if k == j {
		return 0, 0, false
	}
	return j, k, true
}

func isCSSIdent(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c >= 0x80
}

func isCSSSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}
