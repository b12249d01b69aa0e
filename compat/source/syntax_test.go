package source

import (
	"context"
	"io/fs"
	"strings"
	"testing"

	"github.com/dsctl/dsctl/internal/errkind"
)

func TestSyntaxError(t *testing.T) {
	for _, tc := range []struct {
		data      string
		line, col int
	}{
		{`{"a": 1}`, 0, 0},
		{"a: b\n", 0, 0},
		{"{\n  \"a\": ,\n}", 2, 8},
		{"{\"a\": 1,\n \"b\": [1,\n", 2, 10},
		{"[1, 2", 1, 5},
		{"a: [1,\nb: 2\n", 2, 0},
	} {
		err := SyntaxError("f", []byte(tc.data))
		if tc.line == 0 {
			if err != nil {
				t.Errorf("%q: unexpected error %v", tc.data, err)
			}
			continue
		}
		e, ok := err.(*errkind.Error)
		if !ok || e.Kind != errkind.Input {
			t.Fatalf("%q: want an input error, got %v", tc.data, err)
		}
		if e.Line != tc.line || e.Column != tc.col {
			t.Errorf("%q: at %d:%d, want %d:%d (%v)", tc.data, e.Line, e.Column, tc.line, tc.col, err)
		}
	}
}

func TestGitTree(t *testing.T) {
	dir := gitRepo(t)
	ctx := context.Background()
	fsys, isDir, err := GitTree(ctx, "git:HEAD~1:schemas", Options{Dir: dir})
	if err != nil || !isDir {
		t.Fatalf("folder: isDir %v, err %v", isDir, err)
	}
	if b, err := fs.ReadFile(fsys, "money.json"); err != nil || string(b) != `{"type":"string"}` {
		t.Errorf("money.json at HEAD~1 = %q %v", b, err)
	}
	if _, isDir, err := GitTree(ctx, "git:HEAD:schemas/order.json", Options{Dir: dir}); err != nil || isDir {
		t.Errorf("document: isDir %v, err %v", isDir, err)
	}
	_, _, err = GitTree(ctx, "git:nope:schemas", Options{Dir: dir})
	if errkind.Of(err) != errkind.Input || !strings.Contains(err.Error(), "invalid object name 'nope'") {
		t.Errorf("unknown ref: %v", err)
	}
}
