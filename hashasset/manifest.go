package hashasset

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/dsctl/dsctl/internal/fsx"
	"io"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/jsonenc"
	"github.com/dsctl/dsctl/internal/textpos"
)

// ManifestVersion is the manifest format version this package writes and reads.
const ManifestVersion = 1

// DefaultManifestName is the manifest file name in the output folder.
const DefaultManifestName = "assets-manifest.json"

// Manifest maps logical asset paths to their hashed files (DESIGN.md).
type Manifest struct {
	Version   int    `json:"version"`
	Algorithm string `json:"algorithm"`
	// Build counts the builds that changed the output folder, starting at 1.
	Build  int              `json:"build"`
	Assets map[string]Asset `json:"assets"`
	// Previous lists the files of older builds still on disk, newest first.
	Previous map[string][]PreviousAsset `json:"previous,omitempty"`
}

// Asset is one file of the current build.
type Asset struct {
	// Path is the file relative to the output folder.
	Path string `json:"path"`
	Size int64  `json:"size"`
	// SHA256 is the hex digest of the file's bytes.
	SHA256 string `json:"sha256"`
	// Integrity is the subresource-integrity value (sha384, base64).
	Integrity string `json:"integrity"`
	// Encodings lists the precompressed copies beside the file (br: PATH.br,
	// gzip: PATH.gz, zstd: PATH.zst).
	Encodings []string `json:"encodings,omitempty"`
}

// sameAsset reports whether two assets are the same.
func sameAsset(a, b Asset) bool {
	return a.Path == b.Path && a.Size == b.Size && a.SHA256 == b.SHA256 && a.Integrity == b.Integrity && slices.Equal(a.Encodings, b.Encodings)
}

// PreviousAsset is an older version of an asset, kept for rolling deploys.
type PreviousAsset struct {
	Path string `json:"path"`
	// Build is the last build in which this version was current.
	Build int `json:"build"`
}

// Marshal returns the manifest file's bytes: deterministic, indented JSON
// (internal/jsonenc), whatever -o json or the terminal look like.
func (m *Manifest) Marshal() ([]byte, error) {
	m.sortPrevious()
	return jsonenc.Indent(m)
}

func (m *Manifest) sortPrevious() {
	for k, list := range m.Previous {
		sort.SliceStable(list, func(i, j int) bool {
			if list[i].Build != list[j].Build {
				return list[i].Build > list[j].Build
			}
			return list[i].Path < list[j].Path
		})
		if len(list) == 0 {
			delete(m.Previous, k)
		}
	}
	if len(m.Previous) == 0 {
		m.Previous = nil
	}
}

// maxManifest bounds the read of a manifest (about 2,000 bytes an asset
// would take a million assets to reach it).
const maxManifest = 256 << 20

// ReadManifest reads and validates the manifest at file. A missing file
// returns (nil, nil); anything malformed is an input error naming the file
// (and line:column for JSON syntax errors).
func ReadManifest(file string) (*Manifest, error) {
	data, err := fsx.ReadFileLimited(file, maxManifest)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, errkind.InputAt(file, 0, 0, fmt.Errorf("read manifest: %w", err))
	}
	return ParseManifest(file, data)
}

// ParseManifest decodes and validates manifest bytes; file names it in errors.
func ParseManifest(file string, data []byte) (*Manifest, error) {
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		l, c := textpos.JSONError(data, err)
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, errkind.InputAt(file, l, c, errors.New("malformed manifest: unexpected end of JSON"))
		}
		return nil, errkind.InputAt(file, l, c, fmt.Errorf("malformed manifest: %w", err))
	}
	if dec.More() {
		return nil, errkind.InputAt(file, 0, 0, errors.New("malformed manifest: data after the JSON object"))
	}
	if m.Version != ManifestVersion {
		return nil, errkind.InputAt(file, 0, 0, fmt.Errorf("unsupported manifest version %d (this dsctl reads %d)", m.Version, ManifestVersion))
	}
	if m.Algorithm != "sha256" {
		return nil, errkind.InputAt(file, 0, 0, fmt.Errorf("unsupported manifest algorithm %q (want sha256)", m.Algorithm))
	}
	if m.Build < 1 {
		return nil, errkind.InputAt(file, 0, 0, fmt.Errorf("malformed manifest: build %d (want 1 or more)", m.Build))
	}
	for k, a := range m.Assets {
		if !safeRel(k) || !safeRel(a.Path) {
			return nil, errkind.InputAt(file, 0, 0, fmt.Errorf("malformed manifest: asset %q has an unsafe path %q", k, a.Path))
		}
		for _, e := range a.Encodings {
			if _, ok := encodingNamed(e); !ok {
				return nil, errkind.InputAt(file, 0, 0, fmt.Errorf("malformed manifest: asset %q has an unknown encoding %q", k, e))
			}
		}
		if len(a.SHA256) != 64 || strings.Trim(a.SHA256, "0123456789abcdef") != "" {
			return nil, errkind.InputAt(file, 0, 0, fmt.Errorf("malformed manifest: asset %q has a bad sha256 %q", k, a.SHA256))
		}
	}
	for k, list := range m.Previous {
		for _, p := range list {
			if !safeRel(k) || !safeRel(p.Path) {
				return nil, errkind.InputAt(file, 0, 0, fmt.Errorf("malformed manifest: previous %q has an unsafe path %q", k, p.Path))
			}
		}
	}
	if m.Assets == nil {
		m.Assets = map[string]Asset{}
	}
	return &m, nil
}

// safeRel reports whether p is a clean relative slash path inside its root.
func safeRel(p string) bool {
	if p == "" || strings.HasPrefix(p, "/") || strings.ContainsAny(p, "\\\x00") {
		return false
	}
	c := path.Clean(p)
	return c == p && c != ".." && !strings.HasPrefix(c, "../")
}

// assetsEqual reports whether two builds have the same current files.
func assetsEqual(a, b map[string]Asset) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || !sameAsset(v, w) {
			return false
		}
	}
	return true
}

// nextManifest returns the manifest of a build with assets, given the
// manifest of the previous run (nil on the first): the build number stays
// when nothing changed, and every file of older builds that is not a current
// file is listed under previous.
func nextManifest(prev *Manifest, assets map[string]Asset) *Manifest {
	m := &Manifest{Version: ManifestVersion, Algorithm: "sha256", Build: 1, Assets: assets, Previous: map[string][]PreviousAsset{}}
	if prev == nil {
		return m
	}
	current := map[string]bool{}
	for _, a := range assets {
		current[a.Path] = true
	}
	changed := !assetsEqual(prev.Assets, assets)
	m.Build = prev.Build
	if changed {
		m.Build = prev.Build + 1
	}
	seen := map[string]bool{}
	add := func(logical string, p PreviousAsset) {
		if current[p.Path] || seen[p.Path] {
			return
		}
		seen[p.Path] = true
		m.Previous[logical] = append(m.Previous[logical], p)
	}
	if changed {
		keys := make([]string, 0, len(prev.Assets))
		for k := range prev.Assets {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			add(k, PreviousAsset{Path: prev.Assets[k].Path, Build: prev.Build})
		}
	}
	for k, list := range prev.Previous {
		// Highest build first, so that a path seen twice keeps its latest build.
		sorted := append([]PreviousAsset(nil), list...)
		sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Build > sorted[j].Build })
		for _, p := range sorted {
			add(k, p)
		}
	}
	m.sortPrevious()
	return m
}
