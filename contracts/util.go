package contracts

import (
	"bytes"
	"io"
	"io/fs"
)

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

func readFile(c *Contract, p string) ([]byte, error) { return fs.ReadFile(c.FS, p) }
