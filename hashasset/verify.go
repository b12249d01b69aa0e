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
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/dsctl/dsctl/internal/lanehash"
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
		add := func(p, problem string) {
			c.problems = append(c.problems, Mismatch{Asset: c.asset, Path: p, Problem: problem})
		}
		a := c.a
		c.checked++
		file := filepath.Join(dir, filepath.FromSlash(a.Path))
		if c.previous {
			// Only the name is checked: sha256 only.
			_, s256, _, err := fileDigests(file, buf, sriAlgs["sha256"])
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
		size, s256, integrity, err := fileDigests(file, buf, alg)
		if err != nil {
			add(a.Path, err.Error())
			return
		}
		switch {
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
		// A precompressed copy must decompress to the same bytes.
		if _, err := os.Stat(file + ".gz"); err == nil {
			c.checked++
			if sum, err := gunzipSHA256(file+".gz", buf); err != nil {
				add(a.Path+".gz", err.Error())
			} else if sum != a.SHA256 {
				add(a.Path+".gz", "does not decompress to the asset's bytes")
			}
		}
	}
	// Where streams hash faster side by side, sixteen files are checked at
	// a time, their digests hashed together.
	workers := runtime.GOMAXPROCS(0)
	if lanehash.Fast() {
		workers = max(workers, lanehash.MaxLanes)
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, max(len(checks), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 256<<10)
			for ctx.Err() == nil {
				i := next.Add(1) - 1
				if i >= int64(len(checks)) {
					return
				}
				run(checks[i], buf)
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, c := range checks {
		r.Checked += c.checked
		r.Mismatches = append(r.Mismatches, c.problems...)
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
	wide := lanehash.Fast()
	h256 := newSHA256(wide)
	var w io.Writer = h256
	hInt := alg.newHash(wide)
	if hInt != nil {
		w = io.MultiWriter(h256, hInt)
		if wide {
			w = &bothWriter{a: h256, b: hInt}
		}
	}
	n, err := io.CopyBuffer(w, readerOnly{f}, buf)
	if err != nil {
		h256.Reset() // a shared digest engine stops waiting for them
		if hInt != nil {
			hInt.Reset()
		}
		return 0, "", "", fmt.Errorf("unreadable: %w", err)
	}
	s256 := h256.Sum(nil)
	if hInt != nil {
		return n, hex.EncodeToString(s256), alg.value(hInt.Sum(nil)), nil
	}
	return n, hex.EncodeToString(s256), alg.value(s256), nil
}

// bothWriter writes each buffer to two digests at once: with their blocks
// hashed by two engines (see package lanehash), a buffer waits for the
// slower of the two, not for both in turn. Digests never fail to write.
type bothWriter struct {
	a, b hash.Hash
	wg   sync.WaitGroup
}

func (w *bothWriter) Write(p []byte) (int, error) {
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		w.a.Write(p)
	}()
	w.b.Write(p)
	w.wg.Wait()
	return len(p), nil
}
