package hashasset

import (
	"net/url"
	"path"
	"strings"
)

// splitRef splits a reference into its path and the "?query#fragment" suffix.
func splitRef(ref string) (p, suffix string) {
	if i := strings.IndexAny(ref, "?#"); i >= 0 {
		return ref[:i], ref[i:]
	}
	return ref, ""
}

// isExternal reports whether a reference is not a local file: a URL with a
// scheme (https:, data:, mailto:), a protocol-relative //host URL, or a
// fragment-only or empty reference.
func isExternal(ref string) bool {
	if ref == "" || strings.HasPrefix(ref, "#") || strings.HasPrefix(ref, "?") || strings.HasPrefix(ref, "//") {
		return true
	}
	for i := 0; i < len(ref); i++ {
		c := ref[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		case c == ':' && i > 0:
			return true
		default:
			return false
		}
	}
	return false
}

// resolveRef returns the logical path a reference in the file from points at,
// relative to the source root, or false when it is external or leaves the root.
func resolveRef(from, ref string) (string, bool) {
	if isExternal(ref) {
		return "", false
	}
	p, _ := splitRef(ref)
	if p == "" {
		return "", false
	}
	if dec, err := url.PathUnescape(p); err == nil {
		p = dec
	}
	var joined string
	if strings.HasPrefix(p, "/") {
		joined = path.Clean(p[1:])
	} else {
		joined = path.Join(path.Dir(from), p)
	}
	if joined == "." || joined == ".." || strings.HasPrefix(joined, "../") || strings.HasPrefix(joined, "/") {
		return "", false
	}
	return joined, true
}

// looksLikeFile reports whether the last segment of a reference has an
// extension; an extension-less link in HTML (/about) is a route, not a file.
func looksLikeFile(ref string) bool {
	p, _ := splitRef(ref)
	base := path.Base(p)
	// "." and ".." (and "/.", "../..") are folders, as MkDocs links them.
	if base == "." || base == ".." {
		return false
	}
	return strings.Contains(base, ".") && !strings.HasSuffix(p, "/")
}

// isModuleSpecifier reports whether an import specifier is a URL (relative or
// root-relative) rather than a bare name resolved by an import map.
func isModuleSpecifier(ref string) bool {
	return strings.HasPrefix(ref, "./") || strings.HasPrefix(ref, "../") || strings.HasPrefix(ref, "/")
}

// rewriteRaw returns the new text of a reference whose target logical path
// now lives at hashed: the raw text keeps its folder part, its spelling of
// the name, its query and its fragment, and gets "-<hex>" before the
// extension. With a prefix the reference becomes prefix + hashed path.
func rewriteRaw(raw, logical, hashed, prefix string) string {
	rawPath, suffix := splitRef(raw)
	if prefix != "" {
		segs := strings.Split(hashed, "/")
		for i, s := range segs {
			segs[i] = url.PathEscape(s)
		}
		return strings.TrimSuffix(prefix, "/") + "/" + strings.Join(segs, "/") + suffix
	}
	dir, rawBase := "", rawPath
	if i := strings.LastIndexByte(rawPath, '/'); i >= 0 {
		dir, rawBase = rawPath[:i+1], rawPath[i+1:]
	}
	newBase := path.Base(hashed)
	_, ext := splitExt(path.Base(logical))
	hashedStem := strings.TrimSuffix(newBase, ext)
	oldStem := strings.TrimSuffix(path.Base(logical), ext)
	hexPart := strings.TrimPrefix(hashedStem, oldStem) // "-<hex>"
	if strings.HasSuffix(rawBase, ext) {
		return dir + strings.TrimSuffix(rawBase, ext) + hexPart + ext + suffix
	}
	return dir + url.PathEscape(newBase) + suffix
}
