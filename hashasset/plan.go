package hashasset

import (
	"path/filepath"
	"sort"

	"github.com/dsctl/dsctl/internal/jsonenc"
)

// PlanVersion is the upload plan format version.
const PlanVersion = 1

// Cache-Control values of the upload plan.
const (
	CacheImmutable = "public, max-age=31536000, immutable"
	CacheShort     = "public, max-age=300, must-revalidate"
	CacheManifest  = "no-cache"
)

// Plan is the upload plan of a build: what to upload, in which order, with
// which headers. Hashed files go first (they are immutable and no page of
// the new build can load before them), then the unhashed pages, then the
// manifest. Nothing is deleted in the same step: old files go later, with
// "hash-assets clean", once no server still runs an old build.
type Plan struct {
	Version int      `json:"version"`
	Build   int      `json:"build"`
	Uploads []Upload `json:"uploads"`
	Delete  []string `json:"delete"`
}

// Upload is one file to upload, relative to the output folder.
type Upload struct {
	Path            string `json:"path"`
	CacheControl    string `json:"cacheControl"`
	ContentType     string `json:"contentType"`
	ContentEncoding string `json:"contentEncoding,omitempty"`
}

// NewPlan returns the upload plan of manifest m in folder out.
func NewPlan(m *Manifest, out, manifestFile string) *Plan {
	p := &Plan{Version: PlanVersion, Build: m.Build, Uploads: []Upload{}, Delete: []string{}}
	var hashed, unhashed []Upload
	for logical, a := range m.Assets {
		u := Upload{Path: a.Path, CacheControl: CacheImmutable, ContentType: contentType(a.Path)}
		list := &hashed
		if a.Path == logical && KindOf(logical) == KindHTML {
			u.CacheControl = CacheShort
			list = &unhashed
		}
		*list = append(*list, u)
		for _, name := range a.Encodings {
			if e, ok := encodingNamed(name); ok {
				g := u
				g.Path += e.suffix
				g.ContentEncoding = e.contentEncoding
				*list = append(*list, g)
			}
		}
	}
	byPath := func(l []Upload) {
		sort.Slice(l, func(i, j int) bool { return l[i].Path < l[j].Path })
	}
	byPath(hashed)
	byPath(unhashed)
	p.Uploads = append(append(p.Uploads, hashed...), unhashed...)
	if rel, err := filepath.Rel(out, manifestFile); err == nil && filepath.IsLocal(rel) {
		p.Uploads = append(p.Uploads, Upload{Path: filepath.ToSlash(rel), CacheControl: CacheManifest, ContentType: "application/json"})
	}
	return p
}

// Marshal returns the plan as deterministic JSON.
func (p *Plan) Marshal() ([]byte, error) { return jsonenc.Indent(p) }
