package source

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/dsctl/dsctl/internal/errkind"
)

func TestClassify(t *testing.T) {
	dir := t.TempDir()
	cases := map[string]Kind{
		"-":                          Stdin,
		"git:HEAD:a.json":            Git,
		"registry:orders@1.2.0":      Registry,
		dir:                          Folder,
		filepath.Join(dir, "x.json"): File,
		"does/not/exist.json":        File,
	}
	for arg, want := range cases {
		if got := Classify(arg); got != want {
			t.Errorf("Classify(%q) = %v, want %v", arg, got, want)
		}
	}
	if !IsContract(dir) || !IsContract("registry:x@1.0.0") || IsContract("-") {
		t.Error("IsContract misclassifies")
	}
}

func TestParseGit(t *testing.T) {
	ref, p, err := ParseGit("git:origin/main:schemas/a.json")
	if err != nil || ref != "origin/main" || p != "schemas/a.json" {
		t.Fatalf("got %q %q %v", ref, p, err)
	}
	for _, bad := range []string{"git:", "git:HEAD", "git::a.json", "git:HEAD:", "git:--output=x:a.json"} {
		if _, _, err := ParseGit(bad); err == nil {
			t.Errorf("ParseGit(%q) succeeded", bad)
		}
	}
}

func TestOpenFile(t *testing.T) {
	wd := t.TempDir()
	sub := filepath.Join(wd, "schemas", "v1")
	must(t, os.MkdirAll(sub, 0o755))
	must(t, os.WriteFile(filepath.Join(sub, "a.json"), []byte(`{"$ref":"common.json"}`), 0o644))
	must(t, os.WriteFile(filepath.Join(sub, "common.json"), []byte(`{}`), 0o644))

	for _, arg := range []string{"schemas/v1/a.json", filepath.Join(sub, "a.json")} {
		src, err := Open(context.Background(), arg, Options{Dir: wd})
		if err != nil {
			t.Fatal(err)
		}
		if src.Path != "a.json" || src.Name != arg {
			t.Errorf("source %+v", src)
		}
		if got := src.DisplayPath("common.json"); got != "schemas/v1/common.json" {
			t.Errorf("display = %q, want schemas/v1/common.json (relative, never absolute)", got)
		}
		b, err := ReadDocument(src)
		if err != nil || !strings.Contains(string(b), "common.json") {
			t.Errorf("read %q %v", b, err)
		}
		if _, err := fs.ReadFile(src.FS, "common.json"); err != nil {
			t.Errorf("sibling file: %v", err)
		}
	}

	// A file outside the working folder is named with ../, not an absolute path.
	other := t.TempDir()
	must(t, os.WriteFile(filepath.Join(other, "b.json"), []byte(`{}`), 0o644))
	src, err := Open(context.Background(), filepath.Join(other, "b.json"), Options{Dir: wd})
	if err != nil {
		t.Fatal(err)
	}
	if d := src.DisplayPath(src.Path); filepath.IsAbs(d) || !strings.HasSuffix(d, "/b.json") {
		t.Errorf("display %q", d)
	}

	_, err = Open(context.Background(), "missing.json", Options{Dir: wd})
	if errkind.Of(err) != errkind.Input || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("missing file: %v (kind %v)", err, errkind.Of(err))
	}
	_, err = Open(context.Background(), "schemas", Options{Dir: wd})
	if errkind.Of(err) != errkind.Input {
		t.Errorf("folder: %v", err)
	}
}

func TestOpenStdin(t *testing.T) {
	src, err := Open(context.Background(), "-", Options{Stdin: strings.NewReader(`{"type":"string"}`)})
	if err != nil {
		t.Fatal(err)
	}
	if src.Name != "-" || src.DisplayPath(src.Path) != "<stdin>" {
		t.Errorf("source %+v display %q", src, src.DisplayPath(src.Path))
	}
	b, err := ReadDocument(src)
	if err != nil || string(b) != `{"type":"string"}` {
		t.Fatalf("read %q %v", b, err)
	}
	if h, err := ReadHead(src, 5); err != nil || string(h) != `{"typ` {
		t.Errorf("head %q %v", h, err)
	}
	if err := fstest.TestFS(src.FS, "-"); err != nil {
		t.Error(err)
	}
	if _, err := src.FS.Open("other.json"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("other file: %v", err)
	}
}

// gitRepo makes a repository with two commits: v1 and v2 of a schema that
// $refs a sibling file, in a sub folder.
func gitRepo(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	gitCmd := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
			"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	must(t, os.MkdirAll(filepath.Join(dir, "schemas"), 0o755))
	write := func(name, data string) { must(t, os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644)) }
	gitCmd("init", "-q")
	write("schemas/order.json", `{"$ref":"money.json","title":"v1"}`)
	write("schemas/money.json", `{"type":"string"}`)
	gitCmd("add", ".")
	gitCmd("commit", "-q", "-m", "v1")
	write("schemas/order.json", `{"$ref":"money.json","title":"v2"}`)
	write("schemas/money.json", `{"type":"number"}`)
	gitCmd("add", ".")
	gitCmd("commit", "-q", "-m", "v2")
	return dir
}

func TestOpenGit(t *testing.T) {
	dir := gitRepo(t)
	ctx := context.Background()

	src, err := Open(ctx, "git:HEAD~1:schemas/order.json", Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	b, err := ReadDocument(src)
	if err != nil || !strings.Contains(string(b), `"v1"`) {
		t.Fatalf("HEAD~1 document %q %v", b, err)
	}
	// A relative $ref resolves at the same ref, lazily.
	m, err := fs.ReadFile(src.FS, "schemas/money.json")
	if err != nil || string(m) != `{"type":"string"}` {
		t.Errorf("money at HEAD~1 = %q %v", m, err)
	}
	if src.Path != "schemas/order.json" || src.DisplayPath(src.Path) != "git:HEAD~1:schemas/order.json" {
		t.Errorf("path %q display %q", src.Path, src.DisplayPath(src.Path))
	}
	ents, err := fs.ReadDir(src.FS, "schemas")
	if err != nil || len(ents) != 2 || ents[0].Name() != "money.json" {
		t.Errorf("readdir %v %v", ents, err)
	}
	if _, err := fs.ReadFile(src.FS, "schemas/nope.json"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file at ref: %v", err)
	}

	head, err := Open(ctx, "git:HEAD:schemas/order.json", Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := ReadDocument(head); !strings.Contains(string(b), `"v2"`) {
		t.Errorf("HEAD document %q", b)
	}

	// From a sub folder, ./PATH is relative to it (git's rule) and shown that way.
	sub, err := Open(ctx, "git:HEAD:./order.json", Options{Dir: filepath.Join(dir, "schemas")})
	if err != nil {
		t.Fatal(err)
	}
	if sub.Path != "schemas/order.json" || sub.DisplayPath("schemas/money.json") != "git:HEAD:./money.json" {
		t.Errorf("sub path %q display %q", sub.Path, sub.DisplayPath("schemas/money.json"))
	}

	for arg, want := range map[string]string{
		"git:nope:schemas/order.json":  "invalid object name 'nope'",
		"git:HEAD:schemas/absent.json": "does not exist in 'HEAD'",
		"git:HEAD:schemas":             "is a folder",
		"git:HEAD:../x.json":           "outside the repository",
	} {
		_, err := Open(ctx, arg, Options{Dir: dir})
		if err == nil || errkind.Of(err) != errkind.Input || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), arg) {
			t.Errorf("Open(%q) = %v (kind %v), want input error with %q", arg, err, errkind.Of(err), want)
		}
	}
}

func TestOpenGitOutsideRepo(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	t.Setenv("GIT_CEILING_DIRECTORIES", filepath.Dir(dir))
	_, err := Open(context.Background(), "git:HEAD:a.json", Options{Dir: dir})
	if errkind.Of(err) != errkind.Input || !strings.Contains(err.Error(), "not a git repository") {
		t.Errorf("outside a repo: %v", err)
	}
	_, err = Open(context.Background(), "git:HEAD:a.json", Options{Dir: dir, Git: "git-that-does-not-exist"})
	if errkind.Of(err) != errkind.Input || !strings.Contains(err.Error(), "needs the git command") {
		t.Errorf("no git: %v", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func FuzzParseGit(f *testing.F) {
	for _, s := range []string{"git:HEAD:a.json", "git:origin/main:x/y.yaml", "git::", "git:a:b:c", "git:-x:y", "git:HEAD~1:./a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arg string) {
		ref, p, err := ParseGit(arg)
		if err != nil {
			return
		}
		if ref == "" || p == "" || strings.HasPrefix(ref, "-") || strings.Contains(ref, ":") {
			t.Fatalf("ParseGit(%q) = %q, %q", arg, ref, p)
		}
		if "git:"+ref+":"+p != arg {
			t.Fatalf("ParseGit(%q) does not round-trip: %q %q", arg, ref, p)
		}
	})
}
