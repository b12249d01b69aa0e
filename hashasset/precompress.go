package hashasset

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
)

// gzipBytes compresses data deterministically: best compression, no name
// and a zero modification time in the header.
func gzipBytes(r io.Reader) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := io.Copy(zw, r); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// precompress writes PATH.gz beside every text asset of the current build
// that lacks one (hashed names never change content, so an existing .gz is
// right); an unhashed file's .gz is rewritten when it differs.
func (b *builder) precompress(ctx context.Context, m *Manifest) error {
	keys := make([]string, 0, len(m.Assets))
	for k := range m.Assets {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		a := m.Assets[k]
		if !isText(a.Path) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		f := b.files[k]
		dst := filepath.Join(b.opts.Out, filepath.FromSlash(a.Path)) + ".gz"
		if !f.unhashed {
			if _, err := os.Stat(dst); err == nil {
				continue
			}
		}
		if b.opts.DryRun {
			b.noteWritten(a.Path + ".gz")
			continue
		}
		in, err := os.Open(filepath.Join(b.opts.Out, filepath.FromSlash(a.Path)))
		if err != nil {
			return envErr(fmt.Errorf("precompress %s: %w", a.Path, err))
		}
		gz, err := gzipBytes(in)
		in.Close()
		if err != nil {
			return envErr(fmt.Errorf("precompress %s: %w", a.Path, err))
		}
		if old, err := os.ReadFile(dst); err == nil && bytes.Equal(old, gz) {
			continue
		}
		if err := b.writeTemp(dst, func(w io.Writer) error {
			_, err := w.Write(gz)
			return err
		}); err != nil {
			return err
		}
		b.noteWritten(a.Path + ".gz")
	}
	return nil
}
