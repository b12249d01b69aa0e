package openapi

import (
	"bytes"
	"context"
	"encoding/json"
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
	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v3"
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
	data, err := fs.ReadFile(src.FS, root.Path)
	if err != nil {
		return nil, errkind.InputAt(src.DisplayPath(src.Path), 0, 0, fmt.Errorf("read: %w", err))
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var doc *openapi3.T
	if isSwagger(data) {
		doc, err = loadSwagger(loader, data, root)
	} else {
		doc, err = loader.LoadFromDataWithPath(data, root)
	}
	if err != nil {
		return nil, inputError(src, src.Path, err)
	}
	if v := doc.OpenAPI; !strings.HasPrefix(v, "3.0.") && !strings.HasPrefix(v, "3.1.") && v != "3.0" && v != "3.1" {
		line, col := 0, 0
		if doc.Origin != nil {
			if loc, ok := doc.Origin.Fields.Lookup("openapi"); ok {
				line, col = loc.Line, loc.Column
			}
		}
		return nil, errkind.InputAt(src.DisplayPath(src.Path), line, col, fmt.Errorf("unsupported OpenAPI version %q (dsctl reads 3.0.x, 3.1.x and Swagger 2.0)", v))
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

// isSwagger reports whether the document is Swagger 2.0 (a top-level
// "swagger" key, no "openapi" key before it).
func isSwagger(data []byte) bool {
	return topLevelKind(data) == "swagger"
}

// loadSwagger converts a Swagger 2.0 document to OpenAPI 3 with kin-openapi's
// converter (its $refs resolve through the same loader). Converted documents
// carry no origins: changes are reported without line numbers.
func loadSwagger(loader *openapi3.Loader, data []byte, location *url.URL) (*openapi3.T, error) {
	var raw any
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("parse Swagger 2.0 document: %w", err)
	}
	js, err := json.Marshal(raw)
	if err != nil {
		return nil, fmt.Errorf("parse Swagger 2.0 document: %w", err)
	}
	var doc2 openapi2.T
	if err := json.Unmarshal(js, &doc2); err != nil {
		return nil, fmt.Errorf("parse Swagger 2.0 document: %w", err)
	}
	doc, err := openapi2conv.ToV3WithLoader(&doc2, loader, location)
	if err != nil {
		return nil, fmt.Errorf("convert Swagger 2.0 to OpenAPI 3: %w", err)
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
