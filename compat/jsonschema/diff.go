package jsonschema

import (
	"context"
	"errors"

	"github.com/dsctl/dsctl/compat"
)

// Diff compares two schema sources; see Engine.Diff.
func Diff(ctx context.Context, old, new compat.Source, opts compat.Options) ([]compat.Change, error) {
	return nil, errors.New("jsonschema: not implemented yet")
}

func detect(data []byte) bool { return false }

func version(src compat.Source) (string, error) { return "", nil }
