package hashasset

import (
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/dsctl/dsctl/internal/output"
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
	Manifest   string     `json:"manifest"`
	Build      int        `json:"build"`
	Checked    int        `json:"checked"`
	Mismatches []Mismatch `json:"mismatches"`
}

// OK reports whether every file matched.
func (r *VerifyReport) OK() bool { return len(r.Mismatches) == 0 }

// WriteText prints the report for people.
func (r *VerifyReport) WriteText(w io.Writer, st output.Style) error {
	for _, m := range r.Mismatches {
		if _, err := fmt.Fprintf(w, "%s %s: %s\n", st.Red("mismatch"), st.Cyan(m.Path), m.Problem); err != nil {
			return err
		}
	}
	if r.OK() {
		_, err := fmt.Fprintf(w, "%s %d files match build %d of %s\n", st.Green("ok"), r.Checked, r.Build, r.Manifest)
		return err
	}
	_, err := fmt.Fprintf(w, "%d of %d files do not match %s\n", len(r.Mismatches), r.Checked, r.Manifest)
	return err
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
	add := func(asset, p, problem string) {
		r.Mismatches = append(r.Mismatches, Mismatch{Asset: asset, Path: p, Problem: problem})
	}
	keys := make([]string, 0, len(m.Assets))
	for k := range m.Assets {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	buf := make([]byte, 256<<10)
	for _, k := range keys {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		a := m.Assets[k]
		r.Checked++
		alg, ok := sriAlgOf(a.Integrity)
		if !ok {
			add(k, a.Path, fmt.Sprintf("integrity %q: not sha256, sha384 or sha512", a.Integrity))
			alg = sriAlgs["sha256"]
		}
		size, s256, integrity, err := fileDigests(filepath.Join(dir, filepath.FromSlash(a.Path)), buf, alg)
		if err != nil {
			add(k, a.Path, err.Error())
			continue
		}
		switch {
		case size != a.Size:
			add(k, a.Path, fmt.Sprintf("size %d, manifest says %d", size, a.Size))
		case s256 != a.SHA256:
			add(k, a.Path, fmt.Sprintf("sha256 %s, manifest says %s", s256[:16], a.SHA256[:16]))
		case ok && integrity != a.Integrity:
			add(k, a.Path, alg.name+" integrity does not match the manifest")
		}
		if h := hashInName(k, a.Path); h != "" && !strings.HasPrefix(s256, h) {
			add(k, a.Path, fmt.Sprintf("content hash %s does not match the name", s256[:len(h)]))
		}
		// A precompressed copy must decompress to the same bytes.
		gzPath := filepath.Join(dir, filepath.FromSlash(a.Path)) + ".gz"
		if _, err := os.Stat(gzPath); err == nil {
			r.Checked++
			if sum, err := gunzipSHA256(gzPath, buf); err != nil {
				add(k, a.Path+".gz", err.Error())
			} else if sum != a.SHA256 {
				add(k, a.Path+".gz", "does not decompress to the asset's bytes")
			}
		}
	}
	pkeys := make([]string, 0, len(m.Previous))
	for k := range m.Previous {
		pkeys = append(pkeys, k)
	}
	sort.Strings(pkeys)
	for _, k := range pkeys {
		for _, p := range m.Previous[k] {
			r.Checked++
			_, s256, _, err := fileDigests(filepath.Join(dir, filepath.FromSlash(p.Path)), buf, sriAlgs["sha256"])
			if err != nil {
				add(k, p.Path, err.Error())
				continue
			}
			if h := hashInName(k, p.Path); h != "" && !strings.HasPrefix(s256, h) {
				add(k, p.Path, fmt.Sprintf("content hash %s does not match the name", s256[:len(h)]))
			}
		}
	}
	return r, nil
}

func gunzipSHA256(p string, buf []byte) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", fmt.Errorf("unreadable: %w", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return "", fmt.Errorf("not gzip: %w", err)
	}
	h := sha256.New()
	if _, err := io.CopyBuffer(h, readerOnly{zr}, buf); err != nil {
		return "", fmt.Errorf("corrupt gzip: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func fileDigests(p string, buf []byte, alg sriAlg) (int64, string, string, error) {
	f, err := os.Open(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return 0, "", "", errors.New("missing")
		}
		return 0, "", "", fmt.Errorf("unreadable: %w", err)
	}
	defer f.Close()
	h256 := sha256.New()
	var w io.Writer = h256
	var hInt hash.Hash
	if alg.new != nil {
		hInt = alg.new()
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
