package codegen

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestUnifiedDiff(t *testing.T) {
	for _, c := range []struct {
		name, old, new, want string
	}{
		{"equal", "a\nb\n", "a\nb\n", ""},
		{"one line changed", "a\nb\nc\nd\ne\nf\ng\nh\n", "a\nb\nc\nd\nE\nf\ng\nh\n",
			"--- old\n+++ new\n@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n"},
		{"added at end", "a\n", "a\nb\n", "--- old\n+++ new\n@@ -1 +1,2 @@\n a\n+b\n"},
		{"from empty", "", "x\n", "--- old\n+++ new\n@@ -0,0 +1 @@\n+x\n"},
		{"no final newline", "a\nb", "a\nc", "--- old\n+++ new\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n"},
		{"two hunks", "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n", "x\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\ny\n",
			"--- old\n+++ new\n@@ -1,4 +1,4 @@\n-1\n+x\n 2\n 3\n 4\n@@ -9,4 +9,4 @@\n 9\n 10\n 11\n-12\n+y\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := UnifiedDiff("old", "new", []byte(c.old), []byte(c.new))
			if got != c.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, c.want)
			}
		})
	}
}

// TestUnifiedDiffPatches checks the diffs with patch(1) when it is installed.
func TestUnifiedDiffPatches(t *testing.T) {
	if _, err := exec.LookPath("patch"); err != nil {
		t.Skip("no patch command")
	}
	old := "package p\n\ntype A struct{}\n\ntype B struct{}\n\nconst C = 1\n"
	new := "package p\n\ntype A struct{ X int }\n\nconst C = 2\n\nvar D = 3\n"
	dir := t.TempDir()
	file := filepath.Join(dir, "f.go")
	if err := os.WriteFile(file, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("patch", "-s", file)
	cmd.Stdin = strings.NewReader(UnifiedDiff("f.go", "f.go", []byte(old), []byte(new)))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("patch: %v\n%s", err, out)
	}
	got, _ := os.ReadFile(file)
	if string(got) != new {
		t.Errorf("patched file:\n%s", got)
	}
}

// applyDiff applies a unified diff made by UnifiedDiff to old.
func applyDiff(old, diff string) (string, error) {
	a := splitLines([]byte(old))
	lines := strings.SplitAfter(diff, "\n")
	var out []string
	pos := 0
	for i := 2; i < len(lines); i++ {
		l := lines[i]
		if l == "" {
			continue
		}
		if strings.HasPrefix(l, "@@ ") {
			f := strings.Fields(l)
			start, _, _ := strings.Cut(strings.TrimPrefix(f[1], "-"), ",")
			n, err := strconv.Atoi(start)
			if err != nil {
				return "", err
			}
			if !strings.Contains(f[1], ",0") {
				n--
			}
			for pos < n {
				out = append(out, a[pos])
				pos++
			}
			continue
		}
		text := l[1:]
		if i+1 < len(lines) && strings.HasPrefix(lines[i+1], `\ No newline`) {
			text = strings.TrimSuffix(text, "\n")
			i++
		}
		switch l[0] {
		case ' ':
			if pos >= len(a) || a[pos] != text {
				return "", fmt.Errorf("context mismatch at %d", pos)
			}
			out = append(out, text)
			pos++
		case '-':
			if pos >= len(a) || a[pos] != text {
				return "", fmt.Errorf("delete mismatch at %d", pos)
			}
			pos++
		case '+':
			out = append(out, text)
		default:
			return "", fmt.Errorf("bad line %q", l)
		}
	}
	out = append(out, a[pos:]...)
	return strings.Join(out, ""), nil
}

func FuzzUnifiedDiff(f *testing.F) {
	f.Add("a\nb\nc\n", "a\nc\nd\n")
	f.Add("", "x")
	f.Add("x\ny", "")
	f.Add("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\nx\n4\n5\n6\n7\ny\n9\n")
	f.Fuzz(func(t *testing.T, old, new string) {
		d := UnifiedDiff("old", "new", []byte(old), []byte(new))
		if old == new {
			if d != "" {
				t.Fatalf("diff of equal inputs: %q", d)
			}
			return
		}
		got, err := applyDiff(old, d)
		if err != nil {
			t.Fatalf("apply: %v\n%s", err, d)
		}
		if got != new {
			t.Fatalf("applied diff gives %q, want %q\n%s", got, new, d)
		}
	})
}
