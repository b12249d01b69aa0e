package source

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os/exec"
	"path"
	"strings"
	"sync"

	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/memfs"
)

// ParseGit splits "git:REF:PATH" into REF and PATH. PATH follows git's rule:
// relative to the repository root, or to the working folder when it starts
// with "./" or "../".
func ParseGit(arg string) (ref, p string, err error) {
	rest, ok := strings.CutPrefix(arg, "git:")
	if !ok {
		return "", "", fmt.Errorf("%s: not a git:REF:PATH argument", arg)
	}
	ref, p, ok = strings.Cut(rest, ":")
	if !ok || ref == "" || p == "" {
		return "", "", fmt.Errorf("%s: want git:REF:PATH, for example git:origin/main:schemas/order.json", arg)
	}
	if strings.HasPrefix(ref, "-") {
		return "", "", fmt.Errorf("%s: a git ref cannot start with '-'", arg)
	}
	return ref, p, nil
}

// GitError is a failed git command; Msg is git's own message.
type GitError struct {
	Args []string
	Msg  string
	// NotExist is true when git said the path does not exist at the ref.
	NotExist bool
}

// Error returns git's message.
func (e *GitError) Error() string { return e.Msg }

// Is makes a missing path match fs.ErrNotExist.
func (e *GitError) Is(target error) bool { return e.NotExist && target == fs.ErrNotExist }

func openGit(ctx context.Context, arg string, opts Options) (compat.Source, error) {
	ref, p, err := ParseGit(arg)
	if err != nil {
		return compat.Source{}, errkind.Wrap(errkind.Input, err)
	}
	g := &gitFS{ctx: ctx, git: opts.Git, dir: opts.Dir, ref: ref, cache: map[string]gitObject{}}
	if g.git == "" {
		g.git = "git"
	}
	if _, err := exec.LookPath(g.git); err != nil {
		return compat.Source{}, errkind.Inputf("%s: reading a baseline from git needs the git command, and it was not found: %v", arg, err)
	}
	prefixOut, err := g.run("rev-parse", "--show-prefix")
	if err != nil {
		return compat.Source{}, errkind.Inputf("%s: %v", arg, err)
	}
	prefix := strings.TrimSpace(string(prefixOut)) // "" at the root, "sub/dir/" below it
	rootPath := p
	if strings.HasPrefix(p, "./") || strings.HasPrefix(p, "../") || p == "." || p == ".." {
		rootPath = path.Join(prefix, p)
		if rootPath == ".." || strings.HasPrefix(rootPath, "../") {
			return compat.Source{}, errkind.Inputf("%s: path is outside the repository", arg)
		}
	}
	rootPath = path.Clean(strings.TrimPrefix(rootPath, "/"))
	if !fs.ValidPath(rootPath) || rootPath == "." {
		return compat.Source{}, errkind.Inputf("%s: %q is not a file path in the repository", arg, p)
	}
	// Read the document now, so an unknown ref or a missing path fails with git's message.
	obj, err := g.object(rootPath)
	if err != nil {
		return compat.Source{}, errkind.Inputf("%s: %v", arg, err)
	}
	if obj.dir {
		return compat.Source{}, errkind.Inputf("%s: is a folder at %s, not a document", arg, ref)
	}
	prefix = strings.TrimSuffix(prefix, "/")
	return compat.Source{
		Name: arg,
		FS:   g,
		Path: rootPath,
		Display: func(name string) string {
			return "git:" + ref + ":" + gitDisplayPath(prefix, name)
		},
	}, nil
}

// gitDisplayPath names a root-relative path the way git reads it from the
// working folder: as it is at the root, "./x" or "../x" below it.
func gitDisplayPath(prefix, name string) string {
	if prefix == "" {
		return name
	}
	rel := relativeTo("/"+prefix, "/"+name)
	if rel == "" {
		return name
	}
	if !strings.HasPrefix(rel, "../") {
		rel = "./" + rel
	}
	return rel
}

// gitFS is the tree of a git ref, read lazily with git show: the engines'
// relative $refs resolve at the same ref as the document.
type gitFS struct {
	ctx context.Context
	git string
	dir string
	ref string

	mu    sync.Mutex
	cache map[string]gitObject
}

type gitObject struct {
	data    []byte
	dir     bool
	entries []fs.DirEntry
}

func (g *gitFS) run(args ...string) ([]byte, error) {
	cmd := exec.CommandContext(g.ctx, g.git, args...)
	cmd.Dir = g.dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		// One line: git's first message line, without its "fatal: " prefix.
		msg, _, _ = strings.Cut(msg, "\n")
		msg = strings.TrimPrefix(msg, "fatal: ")
		return nil, &GitError{
			Args:     args,
			Msg:      "git " + args[0] + ": " + msg,
			NotExist: strings.Contains(msg, "does not exist in") || strings.Contains(msg, "exists on disk, but not in"),
		}
	}
	return stdout.Bytes(), nil
}

func (g *gitFS) object(name string) (gitObject, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if o, ok := g.cache[name]; ok {
		return o, nil
	}
	spec := g.ref + ":" + name
	if name == "." {
		spec = g.ref + ":"
	}
	out, err := g.run("show", "--no-textconv", spec)
	if err != nil {
		return gitObject{}, err
	}
	var o gitObject
	// git show prints a tree as "tree REF:PATH", a blank line and its entries ("sub/" for folders).
	if header := "tree " + spec + "\n\n"; bytes.HasPrefix(out, []byte(header)) {
		o.dir = true
		for _, line := range strings.Split(strings.TrimSuffix(string(out[len(header):]), "\n"), "\n") {
			if line == "" {
				continue
			}
			isDir := strings.HasSuffix(line, "/")
			entryName := strings.TrimSuffix(line, "/")
			o.entries = append(o.entries, fs.FileInfoToDirEntry(memfs.Info(entryName, 0, isDir)))
		}
	} else {
		o.data = out
	}
	g.cache[name] = o
	return o, nil
}

// Open implements fs.FS: it runs git show REF:name (once per name).
func (g *gitFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	o, err := g.object(name)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	if o.dir {
		return memfs.NewDir(name, o.entries), nil
	}
	return memfs.NewFile(name, o.data), nil
}

// ReadFile implements fs.ReadFileFS.
func (g *gitFS) ReadFile(name string) ([]byte, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fs.ErrInvalid}
	}
	o, err := g.object(name)
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: name, Err: err}
	}
	if o.dir {
		return nil, &fs.PathError{Op: "read", Path: name, Err: errors.New("is a folder")}
	}
	return bytes.Clone(o.data), nil
}

// ReadDir implements fs.ReadDirFS.
func (g *gitFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrInvalid}
	}
	o, err := g.object(name)
	if err != nil {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: err}
	}
	if !o.dir {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: errors.New("not a folder")}
	}
	return append([]fs.DirEntry(nil), o.entries...), nil
}

// GitTree opens git:REF:PATH when PATH is a folder at REF (a contract package
// in a baseline): it returns the folder as a file system read with git show,
// and isDir true. For a document it returns isDir false and no error; errors
// (an unknown ref, a missing path, no git) are input errors naming arg.
func GitTree(ctx context.Context, arg string, opts Options) (fsys fs.FS, isDir bool, err error) {
	ref, p, err := ParseGit(arg)
	if err != nil {
		return nil, false, errkind.Wrap(errkind.Input, err)
	}
	g := &gitFS{ctx: ctx, git: opts.Git, dir: opts.Dir, ref: ref, cache: map[string]gitObject{}}
	if g.git == "" {
		g.git = "git"
	}
	if _, err := exec.LookPath(g.git); err != nil {
		return nil, false, errkind.Inputf("%s: reading a baseline from git needs the git command, and it was not found: %v", arg, err)
	}
	prefixOut, err := g.run("rev-parse", "--show-prefix")
	if err != nil {
		return nil, false, errkind.Inputf("%s: %v", arg, err)
	}
	rootPath := p
	if strings.HasPrefix(p, "./") || strings.HasPrefix(p, "../") || p == "." || p == ".." {
		rootPath = path.Join(strings.TrimSpace(string(prefixOut)), p)
		if rootPath == ".." || strings.HasPrefix(rootPath, "../") {
			return nil, false, errkind.Inputf("%s: path is outside the repository", arg)
		}
	}
	rootPath = path.Clean(strings.TrimPrefix(rootPath, "/"))
	if !fs.ValidPath(rootPath) {
		return nil, false, errkind.Inputf("%s: %q is not a path in the repository", arg, p)
	}
	// Ask for the object's type first: a document (a blob, perhaps a large
	// spec) is not read twice.
	spec := ref + ":" + rootPath
	if rootPath == "." {
		spec = ref + ":"
	}
	if out, err := g.run("cat-file", "-t", spec); err == nil && strings.TrimSpace(string(out)) != "tree" {
		return nil, false, nil
	}
	obj, err := g.object(rootPath) // a folder, or git show's own error message
	if err != nil {
		return nil, false, errkind.Inputf("%s: %v", arg, err)
	}
	if !obj.dir {
		return nil, false, nil
	}
	if rootPath == "." {
		return g, true, nil
	}
	sub, err := fs.Sub(g, rootPath)
	if err != nil {
		return nil, false, errkind.Inputf("%s: %v", arg, err)
	}
	return sub, true, nil
}

// RepoPrefix returns the working folder's path from the root of the git
// repository it is in ("examples/orders/", as git rev-parse --show-prefix
// prints it), or "" at the root, outside a repository or without git.
func RepoPrefix(ctx context.Context, opts Options) string {
	g := &gitFS{ctx: ctx, git: opts.Git, dir: opts.Dir}
	if g.git == "" {
		g.git = "git"
	}
	if _, err := exec.LookPath(g.git); err != nil {
		return ""
	}
	out, err := g.run("rev-parse", "--show-prefix")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}
