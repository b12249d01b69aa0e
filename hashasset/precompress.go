package hashasset

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
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
// right); a page's .gz is rewritten when it differs, under its pending name
// like the page (see commit.go).
func (b *builder) precompress(ctx context.Context, m *Manifest) error {
	keys := make([]string, 0, len(m.Assets))
	for k := range m.Assets {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	pending := map[string]bool{}
	for _, p := range b.pending {
		pending[p] = true
	}
	for _, k := range keys {
		a := m.Assets[k]
		if !isText(a.Path) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		f := b.files[k]
		dst := a.Path + ".gz"
		if !f.unhashed {
			if _, err := b.statOut(dst); err == nil {
				continue
			}
		}
		if b.opts.DryRun {
			b.noteWritten(dst)
			continue
		}
		src := a.Path
		if pending[src] {
			src = pendingName(src)
		}
		in, err := b.out.Open(filepath.FromSlash(src))
		if err != nil {
			return b.outErr(src, "precompress", err)
		}
		gz, err := gzipBytes(in)
		in.Close()
		if err != nil {
			return envErr(fmt.Errorf("precompress %s: %w", a.Path, err))
		}
		if old, err := b.out.ReadFile(filepath.FromSlash(dst)); err == nil && bytes.Equal(old, gz) {
			continue
		}
		fill := func(w io.Writer) error {
			_, err := w.Write(gz)
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
