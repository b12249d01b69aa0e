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
	"github.com/dsctl/dsctl/compat/source"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/fsx"
	"github.com/dsctl/dsctl/internal/oaspos"
	"github.com/dsctl/dsctl/internal/remoteread"
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
//
// With opts.SpecWarning set, a document that loads but does not validate is
// returned with its problems as warnings: one per position, the innermost
// message, in the order kin-openapi finds them.
func loadSpec(ctx context.Context, src compat.Source, opts compat.Options) (*openapi3.T, []error, error) {
	loader := openapi3.NewLoader()
	loader.IncludeOrigin = true
	loader.IsExternalRefsAllowed = true
	loader.Context = ctx
	loader.ReadFromURIFunc = fsReader(src.FS, opts.AllowRemoteRefs, &remoteread.Fetcher{})

	root := &url.URL{Path: path.Clean(src.Path)}
	data, err := fsx.ReadLimited(src.FS, root.Path, source.MaxDocument)
	if err != nil {
		return nil, nil, errkind.InputAt(src.DisplayPath(src.Path), 0, 0, fmt.Errorf("read: %w", err))
	}
	raw := data
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var doc *openapi3.T
	swagger := isSwagger(data)
	if swagger {
		doc, err = loadSwagger(loader, data, root)
	} else if fast, ok := fastLoad(ctx, data, root); ok {
		// The common single-file document, without kin-openapi's lock
		// (fastload.go); anything else loads as below.
		doc = fast
	} else {
		doc, err = loader.LoadFromDataWithPath(data, root)
	}
	if err != nil {
		file, line, col := errorPosition(src.Path, err)
		if line == 0 && file == src.Path {
			// No origin and no line in the message: an unresolved $ref is
			// found where the document writes it.
			line, col = oaspos.LoadError(data, err)
		}
		return nil, nil, errkind.InputAt(src.DisplayPath(file), line, col, err)
	}
	if !swagger {
		rememberVersion(raw, data, doc)
	}
	if v := doc.OpenAPI; !strings.HasPrefix(v, "3.0.") && !strings.HasPrefix(v, "3.1.") && v != "3.0" && v != "3.1" {
		line, col := 0, 0
		if doc.Origin != nil {
			if loc, ok := doc.Origin.Fields.Lookup("openapi"); ok {
				line, col = loc.Line, loc.Column
			}
		}
		return nil, nil, errkind.InputAt(src.DisplayPath(src.Path), line, col, fmt.Errorf("unsupported OpenAPI version %q (dsctl reads 3.0.x, 3.1.x and Swagger 2.0)", v))
	}
	vopts := []openapi3.ValidationOption{
		openapi3.DisableExamplesValidation(),
		openapi3.DisableSchemaDefaultsValidation(),
		openapi3.DisableSchemaPatternValidation(),
		openapi3.AllowExtraSiblingFields("description", "summary", "example", "examples", "title"),
	}
	if opts.SpecWarning != nil {
		vopts = append(vopts, openapi3.EnableMultiError())
	}
	if err := doc.Validate(ctx, vopts...); err != nil {
		if opts.SpecWarning == nil {
			return nil, nil, inputError(src, src.Path, fmt.Errorf("invalid OpenAPI document: %w", err))
		}
		// The document loaded: each validation problem is a warning with
		// its position, and the comparison runs on what loaded.
		var warnings []error
		seen := map[string]bool{}
		for _, e := range validationProblems(err) {
			if fatalProblem(e) {
				return nil, nil, inputError(src, src.Path, fmt.Errorf("invalid OpenAPI document: %w", e))
			}
			file, line, col := errorPosition(src.Path, e)
			w := errkind.InputAt(src.DisplayPath(file), line, col, fmt.Errorf("invalid OpenAPI document, compared anyway (--strict-spec makes this an error): %w", innermost(e)))
			if !seen[w.Error()] {
				seen[w.Error()] = true
				warnings = append(warnings, w)
			}
		}
		return doc, warnings, nil
	}
	return doc, nil, nil
}

// innermost is the last error of err's chain that still carries a message:
// kin-openapi wraps a problem once per schema and operation that reaches it
// ("invalid paths: invalid path /x: invalid operation GET: invalid oneOf
// element: ..."), and the position already says where it is.
func innermost(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil || next.Error() == "" {
			return err
		}
		err = next
	}
}

// fatalProblem reports whether a validation problem leaves nothing to
// compare: an unresolved $ref (a nil schema for oasdiff), no info, no paths
// in 3.0, no openapi version. Those stay errors without --strict-spec.
func fatalProblem(err error) bool {
	var (
		unresolved *openapi3.UnresolvedRefError
		noInfo     *openapi3.InfoRequired
		noPaths    *openapi3.PathsRequired
		noVersion  *openapi3.OpenAPIVersionRequired
	)
	return errors.As(err, &unresolved) || errors.As(err, &noInfo) || errors.As(err, &noPaths) || errors.As(err, &noVersion)
}

// validationProblems flattens kin-openapi's multi-error into its problems.
func validationProblems(err error) []error {
	me, ok := err.(openapi3.MultiError)
	if !ok {
		return []error{err}
	}
	var out []error
	for _, e := range me {
		out = append(out, validationProblems(e)...)
	}
	return out
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

// fsReader returns a kin-openapi ReadFromURIFunc that reads files from fsys
// only, and http(s) URLs (when allowed) through remote, within its size,
// time and total limits.
func fsReader(fsys fs.FS, allowRemote bool, remote *remoteread.Fetcher) openapi3.ReadFromURIFunc {
	return func(loader *openapi3.Loader, location *url.URL) ([]byte, error) {
		switch location.Scheme {
		case "http", "https":
			if !allowRemote {
				return nil, fmt.Errorf("%s: %w", location.Redacted(), errRemoteRef)
			}
			return remote.Get(loader.Context, location.String())
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
		data, err := fsx.ReadLimited(fsys, clean, source.MaxDocument)
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
	file, line, col := errorPosition(file, err)
	return errkind.InputAt(src.DisplayPath(file), line, col, err)
}

// errorPosition is the file, line and column an error of kin-openapi is
// about: its origin, else a position in its message, else file alone.
func errorPosition(file string, err error) (string, int, int) {
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
	return file, line, col
}
