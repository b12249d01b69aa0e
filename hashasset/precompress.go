package hashasset

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/zstd"
)

// encoding is one precompression: its name (as in --precompress and the
// manifest), the file suffix, the Content-Encoding, and deterministic
// compression and decompression.
type encoding struct {
	name, suffix, contentEncoding string
	compress                      func(data []byte) ([]byte, error)
	decompress                    func(r io.Reader) (io.Reader, error)
}

// encodings are the precompressions, in the order they are listed.
var encodings = []encoding{
	{name: "br", suffix: ".br", contentEncoding: "br", compress: brotliBytes,
		decompress: func(r io.Reader) (io.Reader, error) { return brotli.NewReader(r), nil }},
	{name: "gzip", suffix: ".gz", contentEncoding: "gzip", compress: gzipBytes,
		decompress: func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) }},
	{name: "zstd", suffix: ".zst", contentEncoding: "zstd", compress: zstdBytes,
		decompress: func(r io.Reader) (io.Reader, error) {
			d, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(1<<30))
			if err != nil {
				return nil, err
			}
			return d.IOReadCloser(), nil
		}},
}

// encodingNamed returns the encoding called name.
func encodingNamed(name string) (encoding, bool) {
	for _, e := range encodings {
		if e.name == name {
			return e, true
		}
	}
	return encoding{}, false
}

// parsePrecompress parses --precompress: a comma-separated list of gzip, br
// and zstd, returned in the order of encodings.
func parsePrecompress(s string) ([]encoding, error) {
	if s == "" {
		return nil, nil
	}
	var names []string
	for _, n := range strings.Split(s, ",") {
		n = strings.TrimSpace(n)
		if _, ok := encodingNamed(n); !ok {
			return nil, fmt.Errorf("--precompress %q: want a comma-separated list of gzip, br and zstd", s)
		}
		names = append(names, n)
	}
	var out []encoding
	for _, e := range encodings {
		if slices.Contains(names, e.name) {
			out = append(out, e)
		}
	}
	return out, nil
}

// gzipBytes compresses data deterministically: best compression, no name
// and a zero modification time in the header.
func gzipBytes(data []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(data); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// brotliBytes compresses data with brotli's best quality (11), as static
// file servers expect of precompressed files.
func brotliBytes(data []byte) ([]byte, error) {
	var buf bytes.Buffer
	w := brotli.NewWriterLevel(&buf, brotli.BestCompression)
	if _, err := w.Write(data); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// zstdBytes compresses data with zstd's best level, in one frame with its
// size and a checksum: the same bytes every time.
func zstdBytes(data []byte) ([]byte, error) {
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBestCompression), zstd.WithEncoderConcurrency(1), zstd.WithEncoderCRC(true))
	if err != nil {
		return nil, err
	}
	defer enc.Close()
	return enc.EncodeAll(data, nil), nil
}

// decompressedSHA256 returns the sha256 (hex) of what the compressed file
// rel inside root decompresses to.
func decompressedSHA256(root *os.Root, rel string, e encoding, buf []byte) (string, error) {
	f, err := root.Open(filepath.FromSlash(rel))
	if err != nil {
		return "", fmt.Errorf("unreadable: %w", err)
	}
	defer f.Close()
	r, err := e.decompress(f)
	if err != nil {
		return "", fmt.Errorf("not %s: %w", e.name, err)
	}
	if c, ok := r.(io.Closer); ok {
		defer c.Close()
	}
	h := sha256.New()
	if _, err := io.CopyBuffer(h, readerOnly{r}, buf); err != nil {
		return "", fmt.Errorf("corrupt %s: %w", e.name, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// precompress writes PATH.br, PATH.gz and PATH.zst (those asked for) beside
// every text file of the build, and lists in each asset the encodings
// written: one whose result is not smaller than the file is skipped. A
// hashed file's compressed copies never change (its name is its content),
// so existing ones are kept; a page's are rewritten when they differ, under
// their pending names like the page (see commit.go). Files are compressed
// side by side.
func (b *builder) precompress(ctx context.Context) error {
	var jobs []*file
	for _, rel := range b.order {
		if f := b.files[rel]; isText(f.asset.Path) {
			jobs = append(jobs, f)
		}
	}
	pending := map[string]bool{}
	for _, p := range b.pending {
		pending[p] = true
	}
	return each(ctx, len(jobs), b.opts.Workers, func(ctx context.Context, i int) error {
		return b.precompressOne(jobs[i], pending)
	})
}

func (b *builder) precompressOne(f *file, pending map[string]bool) error {
	a := &f.asset
	a.Encodings = nil
	var data []byte // read on first need
	read := func() error {
		if data != nil {
			return nil
		}
		src := a.Path
		if pending[src] {
			src = pendingName(src)
		}
		var err error
		if data, err = b.out.ReadFile(filepath.FromSlash(src)); err != nil {
			return b.outErr(src, "precompress", err)
		}
		return nil
	}
	for _, e := range b.encodings {
		dst := a.Path + e.suffix
		if !f.unhashed {
			if fi, err := b.statOut(dst); err == nil && fi.Mode().IsRegular() {
				a.Encodings = append(a.Encodings, e.name)
				continue
			}
		}
		if b.opts.DryRun {
			// Counted as written (a real run may find one not smaller).
			b.noteWritten(dst)
			a.Encodings = append(a.Encodings, e.name)
			continue
		}
		if err := read(); err != nil {
			return err
		}
		z, err := e.compress(data)
		if err != nil {
			return envErr(fmt.Errorf("precompress %s: %w", a.Path, err))
		}
		if len(z) >= len(data) {
			continue // not smaller: not worth a file
		}
		a.Encodings = append(a.Encodings, e.name)
		if old, err := b.out.ReadFile(filepath.FromSlash(dst)); err == nil && bytes.Equal(old, z) {
			continue
		}
		fill := func(w io.Writer) error {
			_, err := w.Write(z)
			return err
		}
		if f.unhashed {
			err = b.writeKept(dst, fill)
		} else if err = b.writeOut(dst, fill); err == nil {
			b.noteWritten(dst)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
