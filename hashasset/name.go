package hashasset

import (
	"fmt"
	"path"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// DefaultDigestedPattern matches files a bundler already named by content,
// as Propshaft does: name-<7..128 of [0-9a-zA-Z_-]>.digested, then any
// extensions (app-4f8a2b9.digested.js, its .js.map, x-….digested.debug.css).
const DefaultDigestedPattern = `-[0-9a-zA-Z_-]{7,128}\.digested(\.[^/]*)?$`

var defaultDigested = regexp.MustCompile(DefaultDigestedPattern)

// splitExt splits a base name into stem and extension; the extension of a
// source map includes the extension of the file it maps (app.js.map), and a
// name without a dot (or a dotfile) has none.
func splitExt(base string) (stem, ext string) {
	ext = path.Ext(base)
	if ext == base {
		return base, ""
	}
	stem = strings.TrimSuffix(base, ext)
	if strings.EqualFold(ext, ".map") {
		if inner := path.Ext(stem); inner != "" && inner != stem {
			stem = strings.TrimSuffix(stem, inner)
			ext = inner + ext
		}
	}
	return stem, ext
}

// HashedPath returns logical with "-<hex>" inserted before its extension:
// css/site.css -> css/site-3f2a9c1b7d.css.
func HashedPath(logical, hex string) string {
	dir, base := path.Split(logical)
	stem, ext := splitExt(base)
	return dir + stem + "-" + hex + ext
}

// hashInName returns the hex digest that HashedPath put into p for logical,
// or "" when p is not a hashed form of logical.
func hashInName(logical, p string) string {
	ldir, lbase := path.Split(logical)
	pdir, pbase := path.Split(p)
	if ldir != pdir {
		return ""
	}
	stem, ext := splitExt(lbase)
	if !strings.HasPrefix(pbase, stem+"-") || !strings.HasSuffix(pbase, ext) || len(pbase) <= len(stem)+1+len(ext) {
		return ""
	}
	hex := pbase[len(stem)+1 : len(pbase)-len(ext)]
	for _, c := range hex {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return ""
		}
	}
	return hex
}

// checkName refuses file names that cannot be served or referenced safely:
// invalid UTF-8, control characters and backslashes.
func checkName(rel string) error {
	if !utf8.ValidString(rel) {
		return fmt.Errorf("file name %q is not valid UTF-8", rel)
	}
	for _, r := range rel {
		if unicode.IsControl(r) || r == '\\' {
			return fmt.Errorf("file name %q contains a control character or backslash", rel)
		}
	}
	return nil
}

// isText reports whether a file is worth precompressing.
func isText(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".css", ".js", ".mjs", ".map", ".html", ".htm", ".svg", ".json", ".txt", ".xml", ".webmanifest", ".ico", ".wasm":
		return true
	}
	return false
}

// contentType returns a fixed content type by extension (a built-in table, so
// that the upload plan is the same on every machine).
func contentType(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".map", ".json":
		return "application/json"
	case ".html", ".htm":
		return "text/html; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".gif":
		return "image/gif"
	case ".webp":
		return "image/webp"
	case ".avif":
		return "image/avif"
	case ".ico":
		return "image/vnd.microsoft.icon"
	case ".woff2":
		return "font/woff2"
	case ".woff":
		return "font/woff"
	case ".ttf":
		return "font/ttf"
	case ".otf":
		return "font/otf"
	case ".eot":
		return "application/vnd.ms-fontobject"
	case ".mp4":
		return "video/mp4"
	case ".webm":
		return "video/webm"
	case ".mp3":
		return "audio/mpeg"
	case ".txt":
		return "text/plain; charset=utf-8"
	case ".xml":
		return "application/xml"
	case ".wasm":
		return "application/wasm"
	case ".webmanifest":
		return "application/manifest+json"
	case ".pdf":
		return "application/pdf"
	}
	return "application/octet-stream"
}
