package hashasset

import (
	"bytes"
	"io"
	"path"
	"strings"
)

// Kind is the syntax of a file whose references dsctl can find and rewrite.
type Kind int

// The kinds of rewritable file; KindOpaque files are copied byte for byte.
const (
	KindOpaque Kind = iota
	KindCSS
	KindHTML
	KindJS
	KindSourceMap
)

// String names the kind.
func (k Kind) String() string {
	switch k {
	case KindCSS:
		return "css"
	case KindHTML:
		return "html"
	case KindJS:
		return "js"
	case KindSourceMap:
		return "sourcemap"
	}
	return "opaque"
}

// KindOf returns the kind of a file by its name.
func KindOf(name string) Kind {
	lower := strings.ToLower(name)
	switch {
	case strings.HasSuffix(lower, ".map"):
		return KindSourceMap
	}
	switch path.Ext(lower) {
	case ".css":
		return KindCSS
	case ".html", ".htm":
		return KindHTML
	case ".js", ".mjs":
		return KindJS
	}
	return KindOpaque
}

// RefContext says where a reference was found, which decides how strictly a
// missing target is reported.
type RefContext int

// Reference contexts.
const (
	// CtxURL is a CSS url() or an HTML src/href/srcset/poster attribute.
	CtxURL RefContext = iota
	// CtxImport is a CSS @import or a JavaScript import/export specifier.
	CtxImport
	// CtxSourceMap is a sourceMappingURL comment.
	CtxSourceMap
	// CtxSoft is a value that is a reference only if it names an asset
	// (an HTML meta content, a source map "file"): never a warning.
	CtxSoft
	// CtxMapFile is the "file" field of a source map; like CtxSoft, and it
	// never orders the build (it points back at the file that names the map).
	CtxMapFile
)

// Ref is one reference found in a file.
type Ref struct {
	// Start and End are the byte offsets of the reference text in the file;
	// src[Start:End] is the text as written (escapes included).
	Start, End int
	// URL is the reference with the syntax's escapes decoded (HTML entities).
	URL string
	// Context is where the reference was found.
	Context RefContext
	// CommentStart and CommentEnd bound the whole comment of a
	// sourceMappingURL (CtxSourceMap), which is removed when its map is
	// missing.
	CommentStart, CommentEnd int
}

// removeRef, returned as a replacement, removes a sourceMappingURL comment.
const removeRef = "\x00remove"

// Raw returns the reference text as written in src.
func (r Ref) Raw(src []byte) string { return string(src[r.Start:r.End]) }

// Scan returns the references in src, a file of the given kind, in order.
// Scan never fails: text it cannot make sense of holds no references.
func Scan(kind Kind, src []byte) []Ref {
	var refs []Ref
	scanEach(kind, src, func(r Ref) { refs = append(refs, r) })
	return refs
}

// scanEach calls emit for each reference in src, in order, without keeping
// them: memory stays flat however many references a file holds.
func scanEach(kind Kind, src []byte, emit func(Ref)) {
	switch kind {
	case KindCSS:
		scanCSS(src, 0, emit)
	case KindHTML:
		scanHTML(src, emit)
	case KindJS:
		scanJS(src, 0, emit)
	case KindSourceMap:
		for _, r := range scanSourceMap(src) {
			emit(r)
		}
	}
}

// rewriteTo writes src to w with each reference replaced by what repl
// returns for it (Scan and Apply in one pass, streaming: nothing but src is
// held in memory). It returns the number of references changed.
func rewriteTo(w io.Writer, kind Kind, src []byte, repl func(Ref) (string, bool)) (int, error) {
	n, last := 0, 0
	var werr error
	write := func(p []byte) {
		if werr == nil && len(p) > 0 {
			_, werr = w.Write(p)
		}
	}
	scanEach(kind, src, func(r Ref) {
		if werr != nil || r.Start < last || r.End > len(src) || r.Start > r.End {
			return
		}
		s, ok := repl(r)
		if !ok || s == string(src[r.Start:r.End]) {
			return
		}
		if s == removeRef {
			if r.Context != CtxSourceMap || r.CommentStart < last || r.CommentEnd > len(src) {
				return
			}
			write(src[last:r.CommentStart])
			last = r.CommentEnd
			n++
			return
		}
		write(src[last:r.Start])
		write([]byte(s))
		last = r.End
		n++
	})
	write(src[last:])
	return n, werr
}

// Apply returns src with each reference replaced by what repl returns for it;
// a reference for which repl returns false stays as it is. It also returns
// how many references changed. refs must be in order and not overlap.
func Apply(src []byte, refs []Ref, repl func(Ref) (string, bool)) ([]byte, int) {
	var out bytes.Buffer
	n, last := 0, 0
	for _, r := range refs {
		if r.Start < last || r.End > len(src) || r.Start > r.End {
			continue
		}
		s, ok := repl(r)
		if !ok || s == string(src[r.Start:r.End]) {
			continue
		}
		if out.Cap() == 0 {
			out.Grow(len(src) + 64)
		}
		out.Write(src[last:r.Start])
		out.WriteString(s)
		last = r.End
		n++
	}
	if n == 0 {
		return src, 0
	}
	out.Write(src[last:])
	return out.Bytes(), n
}
