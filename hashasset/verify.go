package hashasset

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// Mismatch is one problem verify found.
type Mismatch struct {
	// Asset is the logical path; Path the file relative to the folder.
	Asset   string `json:"asset"`
	Path    string `json:"path"`
	Problem string `json:"problem"`
}

// VerifyReport is the result of Verify.
type VerifyReport struct {
	Manifest string `json:"manifest"`
	Build    int    `json:"build"`
	// Checked counts the files checked (a listed precompressed copy counts,
	// present or missing); Failed the files with at least one problem.
	Checked int `json:"checked"`
	Failed  int `json:"failed"`
	// Mismatches lists every problem found, several per file at times.
	Mismatches []Mismatch `json:"mismatches"`
}

// OK reports whether every file matched.
func (r *VerifyReport) OK() bool { return len(r.Mismatches) == 0 }

// countFailed sets Failed from the mismatches: the files named by at least
// one.
func (r *VerifyReport) countFailed() {
	seen := map[string]bool{}
	for _, m := range r.Mismatches {
		seen[m.Path] = true
	}
	r.Failed = len(seen)
}

// Verify checks an output folder against its manifest: every current file
// exists with the size, sha256 and sha384 integrity the manifest records,
// and every hashed file (current or previous) has content whose sha256
// starts with the hash in its name.
func Verify(ctx context.Context, dir, manifestFile string) (*VerifyReport, error) {
	if manifestFile == "" {
		manifestFile = filepath.Join(dir, DefaultManifestName)
	}
	m, err := ReadManifest(manifestFile)
	if err != nil {
		return nil, err
	}
	if m == nil {
		return nil, inputAt(manifestFile, "no manifest in the folder")
	}
	r := &VerifyReport{Manifest: filepath.ToSlash(manifestFile), Build: m.Build, Mismatches: []Mismatch{}}
	// Every file is opened inside the folder: a symlink there that leads
	// elsewhere is a mismatch, not a file to read.
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, inputAt(dir, fmt.Sprintf("output folder: %v", err))
	}
	defer root.Close()
	current := map[string]Asset{}
	for _, a := range m.Assets {
		current[a.Path] = a
	}
	// One check per current asset and per previous file, run side by side;
	// the mismatches are reported in the order of the sorted keys.
	type check struct {
		asset    string
		a        Asset
		previous bool
		checked  int
		problems []Mismatch
	}
	var checks []*check
	for _, k := range slices.Sorted(maps.Keys(m.Assets)) {
		checks = append(checks, &check{asset: k, a: m.Assets[k]})
	}
	for _, k := range slices.Sorted(maps.Keys(m.Previous)) {
		for _, p := range m.Previous[k] {
			checks = append(checks, &check{asset: k, a: Asset{Path: p.Path}, previous: true})
		}
	}
	run := func(c *check, buf []byte) {
		// A page (or its compressed copy) that a killed run left under its
		// pending name, holding what the manifest names, is the new build
		// between its commit and the page's rename (see commit.go).
		pendingOK := func(p string) bool {
			return keptMatches(root, pendingName(p), p, current, buf)
		}
		add := func(p, problem string) {
			c.problems = append(c.problems, Mismatch{Asset: c.asset, Path: p, Problem: problem})
		}
		a := c.a
		c.checked++
		if c.previous {
			// Only the name is checked: sha256 only.
			_, s256, _, err := fileDigests(root, a.Path, buf, sriAlgs["sha256"])
			if err != nil {
				add(a.Path, err.Error())
			} else if h := hashInName(c.asset, a.Path); h != "" && !strings.HasPrefix(s256, h) {
				add(a.Path, fmt.Sprintf("content hash %s does not match the name", s256[:len(h)]))
			}
			return
		}
		alg, ok := sriAlgOf(a.Integrity)
		if !ok {
			add(a.Path, fmt.Sprintf("integrity %q: not sha256, sha384 or sha512", a.Integrity))
			alg = sriAlgs["sha256"]
		}
		size, s256, integrity, err := fileDigests(root, a.Path, buf, alg)
		switch {
		case err != nil && pendingOK(a.Path):
			s256 = a.SHA256
		case err != nil:
			add(a.Path, err.Error())
			return
		case (size != a.Size || s256 != a.SHA256 || ok && integrity != a.Integrity) && pendingOK(a.Path):
			s256 = a.SHA256
		case size != a.Size:
			add(a.Path, fmt.Sprintf("size %d, manifest says %d", size, a.Size))
		case s256 != a.SHA256:
			add(a.Path, fmt.Sprintf("sha256 %s, manifest says %s", s256[:16], a.SHA256[:min(16, len(a.SHA256))]))
		case ok && integrity != a.Integrity:
			add(a.Path, alg.name+" integrity does not match the manifest")
		}
		if h := hashInName(c.asset, a.Path); h != "" && !strings.HasPrefix(s256, h) {
			add(a.Path, fmt.Sprintf("content hash %s does not match the name", s256[:len(h)]))
		}
		// Each precompressed copy the manifest lists (and a .gz written
		// before encodings were listed) must decompress to the same bytes.
		for _, e := range encodings {
			z := a.Path + e.suffix
			listed := slices.Contains(a.Encodings, e.name)
			if _, err := root.Lstat(filepath.FromSlash(z)); err != nil {
				if listed {
					c.checked++
					if !pendingOK(z) {
						add(z, "missing")
					}
				}
				continue
			}
			if !listed && e.name != "gzip" {
				continue
			}
			c.checked++
			if sum, err := decompressedSHA256(root, z, e, buf); err != nil {
				if !pendingOK(z) {
					add(z, err.Error())
				}
			} else if sum != a.SHA256 && !pendingOK(z) {
				add(z, "does not decompress to the asset's bytes")
			}
		}
	}
	bufs := sync.Pool{New: func() any { b := make([]byte, copyBufSize); return &b }}
	err = each(ctx, len(checks), runtime.GOMAXPROCS(0), func(ctx context.Context, i int) error {
		buf := bufs.Get().(*[]byte)
		defer bufs.Put(buf)
		run(checks[i], *buf)
		return ctx.Err()
	})
	if err != nil {
		return nil, err
	}
	for _, c := range checks {
		r.Checked += c.checked
		r.Mismatches = append(r.Mismatches, c.problems...)
	}
	r.countFailed()
	return r, nil
}

// fileDigests returns the size, the sha256 (hex) and the SRI value by alg of
// the file rel inside root.
func fileDigests(root *os.Root, rel string, buf []byte, alg sriAlg) (int64, string, string, error) {
	f, err := root.Open(filepath.FromSlash(rel))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return 0, "", "", errors.New("missing")
		}
		return 0, "", "", fmt.Errorf("unreadable: %w", err)
	}
	defer f.Close()
	h256 := sha256.New()
	var w io.Writer = h256
	hInt := alg.newHash()
	if hInt != nil {
		w = io.MultiWriter(h256, hInt)
	}
	n, err := io.CopyBuffer(w, readerOnly{f}, buf)
	if err != nil {
		return 0, "", "", fmt.Errorf("unreadable: %w", err)
	}
	s256 := h256.Sum(nil)
	if hInt != nil {
		return n, hex.EncodeToString(s256), alg.value(hInt.Sum(nil)), nil
	}
	return n, hex.EncodeToString(s256), alg.value(s256), nil
}
