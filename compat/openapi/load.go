package openapi

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/getkin/kin-openapi/openapi3"
)

// errRemoteRef is returned for an http(s) $ref when remote references are not allowed.
var errRemoteRef = errors.New("remote $ref refused (pass --allow-remote-refs to allow it)")

// loadSpec loads and validates one side of a comparison. The loader records
// origins (file, line, column of every element) and reads every file,
// the root included, through src.FS: a $ref that leaves the file system
// ("../x.yaml", an absolute path) is refused, and so is an http(s) URL
// unless opts.AllowRemoteRefs.
func loadSpec(ctx context.Context, src compat.Source, opts compat.Options) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	loader.IncludeOrigin = true
	loader.IsExternalRefsAllowed = true
	loader.Context = ctx
	loader.ReadFromURIFunc = fsReader(src.FS, opts.AllowRemoteRefs)

	root := &url.URL{Path: path.Clean(src.Path)}
	doc, err := loader.LoadFromURI(root)
	if err != nil {
		return nil, inputError(src, src.Path, err)
	}
	if err := doc.Validate(ctx,
		openapi3.DisableExamplesValidation(),
		openapi3.DisableSchemaDefaultsValidation(),
		openapi3.DisableSchemaPatternValidation(),
		openapi3.AllowExtraSiblingFields("description", "summary", "example", "examples", "title"),
	); err != nil {
		return nil, inputError(src, src.Path, fmt.Errorf("invalid OpenAPI document: %w", err))
	}
	return doc, nil
}

// fsReader returns a kin-openapi ReadFromURIFunc that reads files from fsys only.
func fsReader(fsys fs.FS, allowRemote bool) openapi3.ReadFromURIFunc {
	return func(loader *openapi3.Loader, location *url.URL) ([]byte, error) {
		switch location.Scheme {
		case "http", "https":
			if !allowRemote {
				return nil, fmt.Errorf("%s: %w", location.Redacted(), errRemoteRef)
			}
			return openapi3.DefaultReadFromURI(loader, location)
		case "", "file":
		default:
			return nil, fmt.Errorf("%s: unsupported $ref scheme %q", location.Redacted(), location.Scheme)
		}
		if fsys == nil {
			return nil, fmt.Errorf("%s: no file system to resolve references in", location.Path)
		}
		p := location.Path
		if strings.HasPrefix(p, "/") {
			return nil, fmt.Errorf("%s: absolute $ref paths are refused", p)
		}
		clean := path.Clean(p)
		if clean == ".." || strings.HasPrefix(clean, "../") || !fs.ValidPath(clean) {
			return nil, fmt.Errorf("%s: $ref leaves the spec's folder", p)
		}
		data, err := fs.ReadFile(fsys, clean)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", clean, err)
		}
		return data, nil
	}
}

// lineColRE finds "line N" / "line N, column M" / "N:M" in a parser message.
var lineColRE = regexp.MustCompile(`line (\d+)(?:,? column (\d+))?`)

// inputError turns a load or validation error into an input error naming the
// file and, when the message or an origin tells, the line and column.
func inputError(src compat.Source, file string, err error) error {
	line, col := 0, 0
	if o := originOf(err); o != nil {
		if o.Key.File != "" {
			file = o.Key.File
		}
		line, col = o.Key.Line, o.Key.Column
	} else if m := lineColRE.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		if m[2] != "" {
			col, _ = strconv.Atoi(m[2])
		}
	}
	return errkind.InputAt(src.DisplayPath(file), line, col, err)
}
