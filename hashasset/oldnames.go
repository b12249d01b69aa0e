package hashasset

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"

	"github.com/dsctl/dsctl/internal/textpos"
)

// Renamed files can still be named by their old names in forms no rewriter
// sees: a URL built at run time from a string (MkDocs' search worker path in
// its JSON config, new URL("search/search_index.json", base), importScripts
// templates). Those break at run time with no word; oldNames finds them:
// every path-like word of a script (a JavaScript file, or a <script> element
// of a page), outside its comments, that names a renamed file, relative to
// the file or to the site's root, is a warning with its line. Style sheets
// build no URLs at run time, and a page's text and comments are prose.
// --keep-original writes such files under their old names too (as Phoenix's
// digest does).

// isPathByte reports whether c can be part of a file path in text.
func isPathByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '.' || c == '/' || c == '_' || c == '-' || c == '~' || c == '@' || c == '+' || c == '%'
}

// oldNames returns warnings for the old names of renamed files spelled in
// data, the output of f (at most maxMissingPerFile, then a count).
func (b *builder) oldNames(f *file, data []byte) []string {
	var spans [][2]int // the script text to look at
	switch f.kind {
	case KindJS:
		spans = jsCode(data, 0, len(data))
	case KindHTML:
		for _, s := range htmlScripts(data) {
			spans = append(spans, jsCode(data, s[0], s[1])...)
		}
	default:
		return nil
	}
	var warnings []string
	seen := map[string]bool{}
	more := 0
	pos := textpos.NewIndex(data)
	for _, sp := range spans {
		warnings, more = b.oldNamesIn(f, data, sp[0], sp[1], seen, pos, warnings, more)
	}
	if more > 0 {
		warnings = append(warnings, fmt.Sprintf("%s: %d more old names of renamed files", b.display(f.rel), more))
	}
	return warnings
}

// jsCode returns the parts of data[start:end], a script, outside its
// comments.
func jsCode(data []byte, start, end int) [][2]int {
	s := &jsScanner{src: data[start:end]}
	var spans [][2]int
	last := 0
	for {
		_, ok := s.next(func(cs, ce int) {
			spans = append(spans, [2]int{start + last, start + cs - 2})
			last = ce
			if ce+2 <= len(s.src) && s.src[cs-1] == '*' {
				last = ce + 2
			}
		})
		if !ok {
			break
		}
	}
	return append(spans, [2]int{start + last, end})
}

// htmlScripts returns the bounds of the bodies of a page's <script>
// elements.
func htmlScripts(data []byte) [][2]int {
	lower := bytes.ToLower(data)
	var spans [][2]int
	for i := 0; ; {
		j := bytes.Index(lower[i:], []byte("<script"))
		if j < 0 {
			return spans
		}
		open := i + j
		gt := bytes.IndexByte(lower[open:], '>')
		if gt < 0 {
			return spans
		}
		bodyStart := open + gt + 1
		k := bytes.Index(lower[bodyStart:], []byte("</script"))
		if k < 0 {
			return append(spans, [2]int{bodyStart, len(data)})
		}
		spans = append(spans, [2]int{bodyStart, bodyStart + k})
		i = bodyStart + k
	}
}

// oldNamesIn adds the warnings of data[start:end] (see oldNames).
func (b *builder) oldNamesIn(f *file, data []byte, start, end int, seen map[string]bool, pos *textpos.Index, warnings []string, more int) ([]string, int) {
	for i := start; i < end; {
		if !isPathByte(data[i]) {
			i++
			continue
		}
		j := i
		for j < end && isPathByte(data[j]) {
			j++
		}
		word := bytes.TrimRight(data[i:j], ".")
		start := i
		i = j
		if len(word) > 512 || bytes.IndexByte(word, '.') < 0 {
			continue
		}
		w := string(word)
		for _, from := range []string{f.rel, "index"} { // next to f, or from the root
			t, ok := resolveRef(from, w)
			if !ok || seen[t] {
				continue
			}
			g := b.files[t]
			if g == nil || g == f || g.unhashed || g.digested || b.keptOriginal(t) {
				continue
			}
			seen[t] = true
			if len(warnings) >= maxMissingPerFile {
				more++
				break
			}
			line, _ := pos.LineCol(start)
			warnings = append(warnings, fmt.Sprintf("%s:%d: %q names %s by its old name, but it is renamed: a URL built from it at run time will not find it (--keep-original '%s' also writes it under that name)", b.display(f.rel), line, w, t, t))
			break
		}
	}
	return warnings, more
}

// keptOriginal reports whether --keep-original covers the file rel.
func (b *builder) keptOriginal(rel string) bool {
	for _, g := range b.keepOriginal {
		if g.Match(rel) {
			return true
		}
	}
	return false
}

// writeOriginals writes each renamed file that --keep-original covers under
// its old name too, once the build's files are written; like a page it keeps
// its name, so it takes its new content only after the manifest (see
// commit.go).
func (b *builder) writeOriginals(ctx context.Context) error {
	for _, rel := range b.order {
		f := b.files[rel]
		if f.unhashed || f.digested || f.asset.Path == rel || !b.keptOriginal(rel) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if fi, err := b.statOut(rel); err == nil && fi.Size() == f.asset.Size {
			if _, old, _, err := fileDigests(b.out, rel, make([]byte, 64<<10), sriAlgs["sha256"]); err == nil && old == f.asset.SHA256 {
				continue
			}
		}
		if b.opts.DryRun {
			b.noteWritten(rel)
			continue
		}
		err := b.writeKept(rel, func(w io.Writer) error {
			in, err := b.out.Open(filepath.FromSlash(f.asset.Path))
			if err != nil {
				return b.outErr(f.asset.Path, "copy", err)
			}
			defer in.Close()
			if _, err := io.Copy(w, in); err != nil {
				return envErr(fmt.Errorf("copy %s to %s: %w", f.asset.Path, rel, err))
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}
