package hashasset

import (
	"bytes"
	"html"
	"strings"
)

// htmlAttr is one attribute of a start tag, with the bounds of its value.
type htmlAttr struct {
	name     string // lower case
	vs, ve   int
	hasValue bool
}

// rawTextElements hold text that is not markup up to their end tag.
var rawTextElements = map[string]bool{
	"script": true, "style": true, "textarea": true, "title": true, "xmp": true,
	"iframe": true, "noembed": true, "noframes": true,
}

// scanHTML finds the references of an HTML document: src, href, poster,
// xlink:href, srcset and imagesrcset attributes on any element, <meta content>
// values (soft: only when they name an asset), url() in style attributes and
// <style> elements, and module specifiers in inline scripts. It tokenizes the
// way the HTML standard does for what matters here: comments, doctype and
// processing instructions, end tags, quoted and unquoted attribute values,
// and raw-text elements whose content is not markup.
func scanHTML(src []byte, emit func(Ref)) {
	n := len(src)
	for i := 0; i < n; {
		lt := bytes.IndexByte(src[i:], '<')
		if lt < 0 {
			break
		}
		i += lt
		switch {
		case bytes.HasPrefix(src[i:], []byte("<!--")):
			j := i + 4
			switch {
			case bytes.HasPrefix(src[j:], []byte(">")):
				i = j + 1
			case bytes.HasPrefix(src[j:], []byte("->")):
				i = j + 2
			default:
				end := bytes.Index(src[j:], []byte("-->"))
				if end < 0 {
					return
				}
				i = j + end + 3
			}
		case i+1 < n && (src[i+1] == '!' || src[i+1] == '?'):
			end := bytes.IndexByte(src[i+1:], '>')
			if end < 0 {
				return
			}
			i += 1 + end + 1
		case i+2 < n && src[i+1] == '/' && isASCIIAlpha(src[i+2]):
			end := bytes.IndexByte(src[i+2:], '>')
			if end < 0 {
				return
			}
			i += 2 + end + 1
		case i+1 < n && isASCIIAlpha(src[i+1]):
			name, attrs, end := parseTag(src, i)
			tagRefs(src, name, attrs, emit)
			i = end
			if rawTextElements[name] {
				closeAt := findEndTag(src, end, name)
				body := src[end:closeAt]
				switch name {
				case "style":
					scanCSS(body, end, emit)
				case "script":
					if isJSType(attrValue(src, attrs, "type")) {
						scanJS(body, end, emit)
					}
				}
				i = closeAt
			}
		default:
			i++
		}
	}
}

// parseTag parses the start tag at src[i] == '<' and returns its lower-case
// name, its attributes and the offset after it.
func parseTag(src []byte, i int) (string, []htmlAttr, int) {
	n := len(src)
	j := i + 1
	for j < n && !isHTMLSpace(src[j]) && src[j] != '/' && src[j] != '>' {
		j++
	}
	name := strings.ToLower(string(src[i+1 : j]))
	var attrs []htmlAttr
	for j < n {
		for j < n && (isHTMLSpace(src[j]) || src[j] == '/') {
			j++
		}
		if j >= n {
			break
		}
		if src[j] == '>' {
			j++
			return name, attrs, j
		}
		k := j
		j++ // the first character of a name may be '='
		for j < n && !isHTMLSpace(src[j]) && src[j] != '/' && src[j] != '>' && src[j] != '=' {
			j++
		}
		a := htmlAttr{name: strings.ToLower(string(src[k:j]))}
		m := j
		for m < n && isHTMLSpace(src[m]) {
			m++
		}
		if m < n && src[m] == '=' {
			m++
			for m < n && isHTMLSpace(src[m]) {
				m++
			}
			a.hasValue = true
			if m < n && (src[m] == '"' || src[m] == '\'') {
				q := src[m]
				a.vs = m + 1
				e := bytes.IndexByte(src[m+1:], q)
				if e < 0 {
					a.ve, j = n, n
				} else {
					a.ve, j = m+1+e, m+1+e+1
				}
			} else {
				a.vs = m
				for m < n && !isHTMLSpace(src[m]) && src[m] != '>' {
					m++
				}
				a.ve, j = m, m
			}
		}
		attrs = append(attrs, a)
	}
	return name, attrs, n
}

// findEndTag returns the offset of "</name" (any case, followed by a space,
// '/' or '>') at or after i, or len(src).
func findEndTag(src []byte, i int, name string) int {
	for i < len(src) {
		k := bytes.Index(src[i:], []byte("</"))
		if k < 0 {
			return len(src)
		}
		at := i + k
		e := at + 2 + len(name)
		if e <= len(src) && strings.EqualFold(string(src[at+2:e]), name) &&
			(e == len(src) || isHTMLSpace(src[e]) || src[e] == '/' || src[e] == '>') {
			return at
		}
		i = at + 2
	}
	return len(src)
}

func attrValue(src []byte, attrs []htmlAttr, name string) (string, bool) {
	for _, a := range attrs {
		if a.name == name {
			return html.UnescapeString(string(src[a.vs:a.ve])), true
		}
	}
	return "", false
}

func isJSType(t string, present bool) bool {
	if !present {
		return true
	}
	switch strings.ToLower(strings.TrimSpace(t)) {
	case "", "module", "text/javascript", "application/javascript", "text/ecmascript", "application/ecmascript":
		return true
	}
	return false
}

func tagRefs(src []byte, tag string, attrs []htmlAttr, emit func(Ref)) {
	if tag == "base" {
		return
	}
	for _, a := range attrs {
		if !a.hasValue {
			continue
		}
		switch a.name {
		case "src", "href", "poster", "xlink:href":
			if r, ok := htmlRef(src, a.vs, a.ve, CtxURL); ok {
				emit(r)
			}
		case "srcset", "imagesrcset":
			srcsetRefs(src, a.vs, a.ve, emit)
		case "style":
			scanCSS(src[a.vs:a.ve], a.vs, emit)
		case "content":
			if tag == "meta" {
				if r, ok := htmlRef(src, a.vs, a.ve, CtxSoft); ok && !strings.ContainsAny(r.URL, " \t\n,;") {
					emit(r)
				}
			}
		}
	}
}

// htmlRef makes a reference of the attribute value src[s:e], trimmed of
// surrounding whitespace.
func htmlRef(src []byte, s, e int, ctx RefContext) (Ref, bool) {
	for s < e && isHTMLSpace(src[s]) {
		s++
	}
	for e > s && isHTMLSpace(src[e-1]) {
		e--
	}
	if s >= e {
		return Ref{}, false
	}
	return Ref{Start: s, End: e, URL: html.UnescapeString(string(src[s:e])), Context: ctx}, true
}

// srcsetRefs splits a srcset value into its image candidates the way the
// HTML standard does: a URL is a run of non-space characters; trailing commas
// end the candidate; descriptors run to the next comma outside parentheses.
func srcsetRefs(src []byte, s, e int, emit func(Ref)) {
	j := s
	for j < e {
		for j < e && (isHTMLSpace(src[j]) || src[j] == ',') {
			j++
		}
		if j >= e {
			break
		}
		us := j
		for j < e && !isHTMLSpace(src[j]) {
			j++
		}
		ue := j
		comma := false
		for ue > us && src[ue-1] == ',' {
			ue--
			comma = true
		}
		if r, ok := htmlRef(src, us, ue, CtxURL); ok {
			emit(r)
		}
		if comma {
			continue
		}
		depth := 0
		for j < e {
			c := src[j]
			j++
			if c == '(' {
				depth++
			} else if c == ')' {
				depth--
			} else if c == ',' && depth <= 0 {
				break
			}
		}
	}
}

func isASCIIAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}
