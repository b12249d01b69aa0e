package hashasset

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/fsx"
	"github.com/dsctl/dsctl/internal/textpos"
)

// DefaultHashLength is the number of hex digits of the digest in a name.
const DefaultHashLength = 10

// Options configure one hash-assets run.
type Options struct {
	// Src is the source folder; Out the output folder (both required).
	Src, Out string
	// HashLength is the number of hex digits in names (default 10, 7..64).
	HashLength int
	// Manifest is the manifest file (default Out/assets-manifest.json).
	Manifest string
	// Prefix, when set, makes every rewritten reference prefix + hashed path
	// (a CDN or base URL).
	Prefix string
	// Strict turns references to missing files into an error.
	Strict bool
	// Retain, when set, prunes the files of older builds by its rule; nil
	// keeps every older build.
	Retain *Retention
	// Precompress is a comma-separated list of gzip, br and zstd: a
	// compressed copy (PATH.gz, .br, .zst) beside every text asset where
	// it is smaller, listed in the manifest.
	Precompress string
	// Plan, when set, is where the upload plan is written.
	Plan string
	// Exclude are glob patterns of source paths to leave out.
	Exclude []string
	// KeepOriginal are glob patterns of source paths whose files are also
	// written under their original names (for URLs built at run time).
	KeepOriginal []string
	// DigestedPattern is an extra regular expression for files a bundler
	// already named by content (DefaultDigestedPattern always applies).
	DigestedPattern string
	// DryRun computes everything and writes nothing; Result.Written,
	// ManifestWritten and Pruned then stay empty and Result.WouldDo says
	// what a real run would do.
	DryRun bool
	// NoSync skips making the assets durable (syncfs) before the manifest is
	// written: readers still never see a partial file (every file is renamed
	// into place), but a power loss right after the run may leave a manifest
	// that names files whose bytes never reached the disk. For throwaway
	// output (a CI job that uploads and exits).
	NoSync bool
	// Now is the clock for retention ages (default time.Now).
	Now func() time.Time
	// Started, when set, is called once the source folder was listed, with
	// the number of files and bytes to process.
	Started func(files int, bytes int64)
	// Progress, when set, is called with the number of bytes processed; it
	// must be safe for concurrent use.
	Progress func(n int64)
	// Workers bounds the files processed (and open) at once (default
	// GOMAXPROCS).
	Workers int
	// Integrity is the algorithm of the manifest's SRI values: sha384 (the
	// default), sha512, or sha256 (the content hash itself: no second digest).
	Integrity string

	// afterWalk is a test hook run after the source folder was listed.
	afterWalk func()
	// beforeCommit is a test hook run after the assets were written, before
	// the manifest is.
	beforeCommit func()
}

// Retention is the rule that prunes older builds (see Prune).
type Retention struct {
	// Keep is how many older versions of each asset to keep; -1 means no
	// count rule (only the age decides).
	Keep int
	// KeepAge keeps any older version younger than it; 0 means no age rule.
	KeepAge time.Duration
}

// Result summarizes a run.
type Result struct {
	Build int `json:"build"`
	// Files and Bytes count the source files processed.
	Files int   `json:"files"`
	Bytes int64 `json:"bytes"`
	// Hashed files got a content hash in their name; Digested were copied
	// with their bundler's name; Unhashed (HTML) keep their name.
	Hashed   int `json:"hashed"`
	Digested int `json:"digested"`
	Unhashed int `json:"unhashed"`
	// Written counts the files written this run (0 on an unchanged rerun
	// and on a dry run).
	Written int `json:"written"`
	// Rewritten counts the references rewritten.
	Rewritten int `json:"rewrittenReferences"`
	// Skipped lists source files left out (excluded, dotfiles).
	Skipped  []string `json:"skipped"`
	Warnings []string `json:"warnings"`
	// Pruned lists the files of older builds removed by retention.
	Pruned []string `json:"pruned"`
	// Manifest is the manifest path; ManifestWritten says whether it was
	// written (false on a dry run).
	Manifest        string `json:"manifest"`
	ManifestWritten bool   `json:"manifestWritten"`
	DryRun          bool   `json:"dryRun"`
	// WouldDo is set on a dry run only: what a real run would have done.
	// Its fields are printed inline (wouldWrite, manifestWouldChange,
	// wouldPrune) and absent from the JSON of a real run.
	*WouldDo
	// Phases are wall times of the steps of the run (not printed in JSON:
	// output stays deterministic).
	Phases []Phase `json:"-"`
}

// WouldDo is what a dry run found a real run would do.
type WouldDo struct {
	// WouldWrite counts the files a real run would write.
	WouldWrite int `json:"wouldWrite"`
	// ManifestWouldChange says whether a real run would write the manifest.
	ManifestWouldChange bool `json:"manifestWouldChange"`
	// WouldPrune lists the files of older builds retention would remove.
	WouldPrune []string `json:"wouldPrune"`
}

// Phase is the wall time of one step of a run.
type Phase struct {
	Name     string
	Duration time.Duration
}

// file is one source file.
type file struct {
	rel      string // logical path, slash-separated
	abs      string // path to read
	size     int64
	mtime    time.Time
	kind     Kind
	digested bool
	unhashed bool // HTML: keeps its name

	rewritable bool
	sum        string   // rewritable files: sha256 of the bytes scanned for the graph
	deps       []string // logical paths of hashed files this file's name depends on
	mapFile    string   // source maps: the file its "file" field names

	asset Asset
}

// Build hashes the files of opts.Src into opts.Out and writes the manifest.
func Build(ctx context.Context, opts Options) (*Result, error) {
	b, err := newBuilder(opts)
	if err != nil {
		return nil, err
	}
	if !opts.DryRun {
		// One build at a time per output folder: two builds into the same
		// folder would otherwise race on the manifest and its "previous" list.
		// The lock is on the folder that holds the output folder (which may
		// not exist yet), so nothing is added to the output.
		parent := filepath.Dir(filepath.Clean(opts.Out))
		if err := os.MkdirAll(parent, 0o755); err != nil {
			return nil, errkind.Wrap(errkind.Env, fmt.Errorf("create folder %s: %w", parent, err))
		}
		l, err := fsx.LockDir(parent)
		if err != nil {
			return nil, errkind.Wrap(errkind.Env, err)
		}
		defer l.Unlock()
	}
	return b.run(ctx)
}

type builder struct {
	opts     Options
	srcReal  string
	outAbs   string
	manifest string
	excludes []*Glob
	// keepOriginal: files also written under their original names.
	keepOriginal []*Glob
	digested     []*regexp.Regexp
	prev         *Manifest
	res          *Result
	files        map[string]*file
	order        []string // sorted logical paths

	alg       sriAlg     // the integrity algorithm
	encodings []encoding // --precompress
	freshOut  bool       // the output folder did not exist: no file there to check
	// src and out are the source and output folders: every file is opened
	// through them, so that no symlink leads a read or a write outside
	// (out is nil in a dry run into a folder that does not exist).
	src, out *os.Root
	mu       sync.Mutex
	written  []string    // files written (for the final sync)
	nwritten int         // files written, or that a dry run would write
	pending  []string    // files that keep their name, waiting for the manifest
	noDirect atomic.Bool // the output file system refused direct I/O
	madeDirs sync.Map    // output folders created by this run
}

func newBuilder(opts Options) (*builder, error) {
	if opts.Src == "" || opts.Out == "" {
		return nil, errkind.Inputf("hash-assets needs a source folder and --out")
	}
	if opts.HashLength == 0 {
		opts.HashLength = DefaultHashLength
	}
	if opts.HashLength < 7 || opts.HashLength > 64 {
		return nil, errkind.Inputf("--hash-length %d: want 7 to 64", opts.HashLength)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	b := &builder{opts: opts, res: &Result{Skipped: []string{}, Warnings: []string{}, Pruned: []string{}, DryRun: opts.DryRun}, files: map[string]*file{}}
	var err error
	if b.encodings, err = parsePrecompress(opts.Precompress); err != nil {
		return nil, errkind.Inputf("%w", err)
	}
	if b.alg, err = parseSRIAlg(opts.Integrity); err != nil {
		return nil, errkind.Inputf("%w", err)
	}
	fi, err := os.Stat(opts.Src)
	if err != nil {
		return nil, errkind.InputAt(opts.Src, 0, 0, fmt.Errorf("source folder: %w", err))
	}
	if !fi.IsDir() {
		return nil, errkind.InputAt(opts.Src, 0, 0, errors.New("source is not a folder"))
	}
	if b.srcReal, err = realPath(opts.Src); err != nil {
		return nil, errkind.InputAt(opts.Src, 0, 0, err)
	}
	if b.outAbs, err = realPath(opts.Out); err != nil {
		return nil, errkind.InputAt(opts.Out, 0, 0, err)
	}
	for _, p := range opts.Exclude {
		g, err := CompileGlob(p)
		if err != nil {
			return nil, errkind.Inputf("--exclude: %w", err)
		}
		b.excludes = append(b.excludes, g)
	}
	for _, p := range opts.KeepOriginal {
		g, err := CompileGlob(p)
		if err != nil {
			return nil, errkind.Inputf("--keep-original: %w", err)
		}
		b.keepOriginal = append(b.keepOriginal, g)
	}
	b.digested = []*regexp.Regexp{defaultDigested}
	if opts.DigestedPattern != "" {
		re, err := regexp.Compile(opts.DigestedPattern)
		if err != nil {
			return nil, errkind.Inputf("--digested-pattern: %w", err)
		}
		b.digested = append(b.digested, re)
	}
	if b.srcReal == b.outAbs || fsx.Within(b.outAbs, b.srcReal) {
		return nil, errkind.InputAt(opts.Out, 0, 0, errors.New("the output folder contains the source folder; choose a folder beside it"))
	}
	if fsx.Within(b.srcReal, b.outAbs) {
		rel, _ := filepath.Rel(b.srcReal, b.outAbs)
		if !b.excluded(filepath.ToSlash(rel)) {
			return nil, errkind.InputAt(opts.Out, 0, 0, fmt.Errorf("the output folder is inside the source folder; exclude it (--exclude '%s/**') or write beside the source", filepath.ToSlash(rel)))
		}
	}
	b.manifest = opts.Manifest
	if b.manifest == "" {
		b.manifest = filepath.Join(opts.Out, DefaultManifestName)
	}
	b.res.Manifest = filepath.ToSlash(b.manifest)
	return b, nil
}

// realPath returns the absolute path of p with symlinks resolved in the part
// that exists.
func realPath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", fmt.Errorf("resolve %s: %w", p, err)
	}
	rest := ""
	cur := abs
	for {
		if r, err := filepath.EvalSymlinks(cur); err == nil {
			return filepath.Join(r, rest), nil
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			return abs, nil
		}
		rest = filepath.Join(filepath.Base(cur), rest)
		cur = parent
	}
}

func (b *builder) excluded(rel string) bool {
	for _, g := range b.excludes {
		if g.Match(rel) {
			return true
		}
	}
	return false
}

func (b *builder) isDigested(rel string) bool {
	for _, re := range b.digested {
		if re.MatchString(rel) {
			return true
		}
	}
	return false
}

func (b *builder) warnf(format string, args ...any) {
	b.mu.Lock()
	b.res.Warnings = append(b.res.Warnings, fmt.Sprintf(format, args...))
	b.mu.Unlock()
}

func (b *builder) run(ctx context.Context) (*Result, error) {
	// The previous manifest is read (and judged) before anything is written.
	prev, err := ReadManifest(b.manifest)
	if err != nil {
		return nil, err
	}
	b.prev = prev
	if _, err := os.Lstat(b.opts.Out); errors.Is(err, fs.ErrNotExist) {
		b.freshOut = true
	}
	t0 := time.Now()
	if b.src, err = os.OpenRoot(b.opts.Src); err != nil {
		return nil, errkind.InputAt(b.opts.Src, 0, 0, fmt.Errorf("source folder: %w", err))
	}
	defer b.src.Close()

	phase := func(name string, since time.Time) {
		b.res.Phases = append(b.res.Phases, Phase{Name: name, Duration: time.Since(since)})
	}
	if err := b.walk(ctx); err != nil {
		return nil, err
	}
	phase("walk", t0)
	if b.opts.afterWalk != nil {
		b.opts.afterWalk()
	}
	if b.opts.Started != nil {
		b.opts.Started(b.res.Files, b.res.Bytes)
	}
	t1 := time.Now()
	// The files whose references are rewritten are read and scanned first,
	// so that a bad reference (a cycle, a missing file with --strict) stops
	// the run before anything is written.
	if err := b.readRewritable(ctx); err != nil {
		return nil, err
	}
	b.addMapFileEdges()
	order, err := b.topoLevels()
	if err != nil {
		return nil, err
	}
	scanTime := time.Since(t1)
	// The output folder is made (or readied) only now that the input is
	// known to be good.
	if err := b.openOut(); err != nil {
		return nil, err
	}
	if b.out != nil {
		defer b.out.Close()
	}
	t2 := time.Now()
	if err := b.hashOpaque(ctx); err != nil {
		return nil, err
	}
	phase("hash", t2)
	t3 := time.Now()
	for _, level := range order {
		if err := b.rewriteLevel(ctx, level); err != nil {
			return nil, err
		}
	}
	if err := b.writeOriginals(ctx); err != nil {
		return nil, err
	}
	b.res.Phases = append(b.res.Phases, Phase{Name: "rewrite", Duration: scanTime + time.Since(t3)})
	t4 := time.Now()
	if err := b.precompress(ctx); err != nil {
		return nil, err
	}
	assets := make(map[string]Asset, len(b.files))
	for rel, f := range b.files {
		assets[rel] = f.asset
	}
	m := nextManifest(b.prev, assets)
	b.res.Build = m.Build
	var pruned []string
	if r := b.opts.Retain; r != nil {
		pruned = Prune(m, b.opts.Out, r.Keep, r.KeepAge, b.opts.Now())
	}
	data, err := m.Marshal()
	if err != nil {
		return nil, fmt.Errorf("encode manifest: %w", err)
	}
	if !b.opts.DryRun {
		if b.opts.beforeCommit != nil {
			b.opts.beforeCommit()
		}
		if err := b.writeManifest(data); err != nil {
			return nil, err
		}
		// Pages take their new content only once the manifest names it.
		if err := b.commitPending(); err != nil {
			return nil, err
		}
		// Old files go only after the manifest no longer names them.
		if err := removeFiles(b.out, pruned); err != nil {
			return nil, errkind.Wrap(errkind.Env, err)
		}
		b.res.Pruned = append(b.res.Pruned, pruned...)
	} else {
		old, _ := fsx.ReadFileLimited(b.manifest, maxManifest)
		b.res.WouldDo = &WouldDo{
			WouldWrite:          b.nwritten,
			ManifestWouldChange: string(old) != string(data),
			WouldPrune:          append([]string{}, pruned...),
		}
	}
	if b.opts.Plan != "" {
		plan := NewPlan(m, b.opts.Out, b.manifest)
		pd, err := plan.Marshal()
		if err != nil {
			return nil, err
		}
		if !b.opts.DryRun {
			write := fsx.WriteFileAtomic
			if b.opts.NoSync {
				write = fsx.WriteFileAtomicUnsynced
			}
			if err := write(b.opts.Plan, pd, 0o644); err != nil {
				return nil, errkind.Wrap(errkind.Env, fmt.Errorf("write upload plan: %w", err))
			}
		}
	}
	phase("finish", t4)
	phase("total", t0)
	sort.Strings(b.res.Warnings)
	return b.res, nil
}

// walk lists the source folder: regular files (and symlinks to files inside
// it); excluded paths and dotfiles are skipped; anything else is refused.
func (b *builder) walk(ctx context.Context) error {
	err := filepath.WalkDir(b.opts.Src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return errkind.InputAt(p, 0, 0, fmt.Errorf("read source: %w", err))
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, err := filepath.Rel(b.opts.Src, p)
		if err != nil {
			return fmt.Errorf("relative path of %s: %w", p, err)
		}
		if rel == "." {
			return nil
		}
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if abs, _ := realPath(p); abs == b.outAbs || b.excluded(rel) {
				return filepath.SkipDir
			}
			if strings.HasPrefix(d.Name(), ".") {
				b.res.Skipped = append(b.res.Skipped, rel+"/")
				return filepath.SkipDir
			}
			return nil
		}
		if err := checkName(rel); err != nil {
			return errkind.InputAt(p, 0, 0, err)
		}
		if b.excluded(rel) || strings.HasPrefix(d.Name(), ".") {
			b.res.Skipped = append(b.res.Skipped, rel)
			return nil
		}
		// Through the source folder's os.Root: a symlink is followed only
		// while it stays inside the source folder (on its real path).
		fi, err := b.src.Stat(filepath.FromSlash(rel))
		if err != nil {
			switch {
			case d.Type()&fs.ModeSymlink != 0 && errors.Is(err, fs.ErrNotExist):
				return errkind.InputAt(p, 0, 0, errors.New("broken symlink"))
			case d.Type()&fs.ModeSymlink != 0 || escapes(err):
				return errkind.InputAt(p, 0, 0, errors.New("symlink points outside the source folder; refused"))
			}
			return errkind.InputAt(p, 0, 0, fmt.Errorf("stat: %w", err))
		}
		if fi.IsDir() {
			b.warnf("%s: symlink to a folder skipped", rel)
			b.res.Skipped = append(b.res.Skipped, rel)
			return nil
		}
		if !fi.Mode().IsRegular() {
			return errkind.InputAt(p, 0, 0, fmt.Errorf("not a regular file (%s); refused", fi.Mode().Type()))
		}
		f := &file{rel: rel, abs: p, size: fi.Size(), mtime: fi.ModTime(), kind: KindOf(rel)}
		f.digested = b.isDigested(rel)
		f.unhashed = f.kind == KindHTML && !f.digested
		f.rewritable = f.kind != KindOpaque && !f.digested
		b.files[rel] = f
		b.order = append(b.order, rel)
		b.res.Files++
		b.res.Bytes += f.size
		return nil
	})
	sort.Strings(b.order)
	if err != nil {
		return err
	}
	// The source map of a file that keeps its bundler's name keeps its name
	// too: the bundle names it as it is (app-4F8A2B9C.js -> app-4F8A2B9C.js.map).
	for _, rel := range b.order {
		f := b.files[rel]
		if owner, ok := b.files[strings.TrimSuffix(rel, ".map")]; ok && f.kind == KindSourceMap && owner != f && owner.digested {
			f.digested, f.rewritable = true, false
		}
	}
	return nil
}

// openSource opens a source file (inside the source folder, symlinks
// included), telling a vanished file from an unreadable one.
func (b *builder) openSource(f *file) (*os.File, error) {
	// Non-blocking: a FIFO put in the file's place since the listing must
	// not hang the run; it is refused below.
	h, err := b.src.OpenFile(filepath.FromSlash(f.rel), os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, errkind.InputAt(f.abs, 0, 0, errors.New("file disappeared during the run"))
		}
		if escapes(err) {
			return nil, errkind.InputAt(f.abs, 0, 0, errors.New("symlink points outside the source folder; refused"))
		}
		return nil, errkind.InputAt(f.abs, 0, 0, fmt.Errorf("unreadable: %w", err))
	}
	if fi, err := h.Stat(); err != nil || !fi.Mode().IsRegular() {
		h.Close()
		return nil, errkind.InputAt(f.abs, 0, 0, errors.New("file changed during the run: no longer a regular file"))
	}
	return h, nil
}

// readRewritable reads the files whose references are rewritten and finds
// their references and dependencies.
func (b *builder) readRewritable(ctx context.Context) error {
	var files []*file
	for _, rel := range b.order {
		if f := b.files[rel]; f.rewritable {
			files = append(files, f)
		}
	}
	// The files are scanned side by side (a site's bundles can be many
	// megabytes); warnings and errors are then taken in file order, so the
	// result does not depend on which worker was faster.
	missing := make([][]string, len(files))
	err := each(ctx, len(files), b.opts.Workers, func(ctx context.Context, i int) error {
		var err error
		missing[i], err = b.scanRewritable(files[i])
		if err == nil && b.opts.Strict && len(missing[i]) > 0 {
			return errkind.Inputf("%s (--strict)", missing[i][0])
		}
		return err
	})
	if err != nil {
		return err
	}
	for i := range files {
		for _, m := range missing[i] {
			if b.opts.Strict {
				return errkind.Inputf("%s (--strict)", m)
			}
			b.warnf("%s", m)
		}
	}
	return nil
}

// scanRewritable reads one rewritable file, records its digest, its
// dependencies and its source map's file, and returns the warnings about
// references to missing files.
func (b *builder) scanRewritable(f *file) ([]string, error) {
	h, err := b.openSource(f)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(h)
	h.Close()
	if err != nil {
		return nil, errkind.InputAt(f.abs, 0, 0, fmt.Errorf("unreadable: %w", err))
	}
	// The bytes are not kept: a tree of large bundles would otherwise sit
	// in memory whole. rewriteOne reads the file again and checks it is
	// the same.
	s := sha256.Sum256(data)
	f.sum = hex.EncodeToString(s[:])
	seen := map[string]bool{}
	var missing []string
	nMissing := 0
	pos := textpos.NewIndex(data)
	scanEach(f.kind, data, func(r Ref) {
		target, ok := b.target(f, r)
		if !ok && b.missingMap(f, r) {
			line, col := pos.LineCol(r.Start)
			b.warnf("%s:%d:%d: sourceMappingURL %q: no such file in the source folder; the comment is removed", b.display(f.rel), line, col, r.URL)
			return
		}
		if !ok {
			if b.reportMissing(f, r) {
				nMissing++
				if nMissing <= maxMissingPerFile {
					line, col := pos.LineCol(r.Start)
					missing = append(missing, fmt.Sprintf("%s:%d:%d: %q: no such file in the source folder", b.display(f.rel), line, col, r.URL))
				}
			}
			return
		}
		if r.Context == CtxMapFile {
			f.mapFile = target
			return
		}
		t := b.files[target]
		// Opaque files are hashed before any rewritable one; only
		// rewritable targets order the build.
		if t.unhashed || t.digested || t.kind == KindOpaque || seen[target] {
			return
		}
		seen[target] = true
		f.deps = append(f.deps, target)
	})
	if nMissing > maxMissingPerFile {
		missing = append(missing, fmt.Sprintf("%s: %d more references to missing files", b.display(f.rel), nMissing-maxMissingPerFile))
	}
	return missing, nil
}

// display returns the path of a source file as the user names it: the
// source folder as given, joined with its logical path.
func (b *builder) display(rel string) string {
	return path.Join(filepath.ToSlash(b.opts.Src), rel)
}

// maxMissingPerFile bounds the warnings about one file.
const maxMissingPerFile = 10

// target returns the logical path of the source file a reference names.
func (b *builder) target(f *file, r Ref) (string, bool) {
	if r.Context == CtxImport && f.kind == KindJS && !isModuleSpecifier(r.URL) {
		return "", false
	}
	if t, ok := resolveRef(f.rel, r.URL); ok {
		if _, exists := b.files[t]; exists {
			return t, true
		}
	}
	// A reference already written with the prefix (/assets/x.js.map with
	// --prefix /assets) names the file below it.
	if p := b.opts.Prefix; p != "" {
		if rest, ok := strings.CutPrefix(r.URL, strings.TrimSuffix(p, "/")+"/"); ok {
			if t, ok := resolveRef(f.rel, "/"+rest); ok {
				if _, exists := b.files[t]; exists {
					return t, true
				}
			}
		}
	}
	return "", false
}

// missingMap reports whether r is a sourceMappingURL comment whose map is
// not in the source folder (a local URL that names no file): the comment is
// removed, so that browsers do not ask for a file that is not there.
func (b *builder) missingMap(f *file, r Ref) bool {
	if r.Context != CtxSourceMap || isExternal(r.URL) {
		return false
	}
	_, ok := b.target(f, r)
	return !ok
}

// reportMissing reports whether a reference that names no source file is
// worth a warning: a local URL that looks like a file, not a bare module
// name, a route or a soft reference.
func (b *builder) reportMissing(f *file, r Ref) bool {
	if r.Context == CtxSoft || r.Context == CtxMapFile || isExternal(r.URL) {
		return false
	}
	if r.Context == CtxImport && f.kind == KindJS && !isModuleSpecifier(r.URL) {
		return false
	}
	if _, ok := resolveRef(f.rel, r.URL); !ok {
		return !isExternal(r.URL) && looksLikeFile(r.URL)
	}
	if f.kind == KindHTML && !looksLikeFile(r.URL) {
		return false
	}
	t, _ := resolveRef(f.rel, r.URL)
	if _, excluded := b.files[t]; !excluded && b.excluded(t) {
		return false
	}
	return true
}

// addMapFileEdges orders a source map after the file its "file" field names,
// so that the field can name the hashed file, unless that file (directly or
// through others) names the map: then the field is left as it is.
func (b *builder) addMapFileEdges() {
	for _, rel := range b.order {
		f := b.files[rel]
		if f.kind != KindSourceMap || !f.rewritable || f.mapFile == "" {
			continue
		}
		t := f.mapFile
		tf := b.files[t]
		if tf.kind == KindOpaque || tf.digested || tf.unhashed || b.reaches(t, rel, map[string]bool{}) {
			continue
		}
		f.deps = append(f.deps, t)
	}
}

// reaches reports whether from depends on to, directly or not.
func (b *builder) reaches(from, to string, seen map[string]bool) bool {
	if from == to {
		return true
	}
	if seen[from] {
		return false
	}
	seen[from] = true
	for _, d := range b.files[from].deps {
		if b.reaches(d, to, seen) {
			return true
		}
	}
	return false
}

// topoOrder orders the rewritable files leaves first; a cycle is an error
// that prints it.
func (b *builder) topoOrder() ([]string, error) {
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var order, stack []string
	var visit func(rel string) error
	visit = func(rel string) error {
		switch color[rel] {
		case black:
			return nil
		case grey:
			i := len(stack) - 1
			for i >= 0 && stack[i] != rel {
				i--
			}
			cycle := append(append([]string(nil), stack[i:]...), rel)
			return errkind.Inputf("reference cycle: %s", strings.Join(cycle, " -> "))
		}
		color[rel] = grey
		stack = append(stack, rel)
		for _, d := range b.files[rel].deps {
			if err := visit(d); err != nil {
				return err
			}
		}
		stack = stack[:len(stack)-1]
		color[rel] = black
		order = append(order, rel)
		return nil
	}
	for _, rel := range b.order {
		f := b.files[rel]
		if f.kind == KindOpaque || f.digested {
			continue
		}
		if err := visit(rel); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// topoLevels groups the rewritable files by level: a file's level is one
// more than the highest level of the files it depends on, so that the files
// of one level can be rewritten side by side once the levels before it are
// done. Files are sorted within a level.
func (b *builder) topoLevels() ([][]string, error) {
	order, err := b.topoOrder()
	if err != nil {
		return nil, err
	}
	level := make(map[string]int, len(order))
	var levels [][]string
	for _, rel := range order { // dependencies come first
		l := 0
		for _, d := range b.files[rel].deps {
			if dl, ok := level[d]; ok && dl+1 > l {
				l = dl + 1
			}
		}
		level[rel] = l
		for len(levels) <= l {
			levels = append(levels, nil)
		}
		levels[l] = append(levels[l], rel)
	}
	for _, l := range levels {
		sort.Strings(l)
	}
	return levels, nil
}

// rewriteLevel rewrites the files of one level, side by side.
func (b *builder) rewriteLevel(ctx context.Context, level []string) error {
	return each(ctx, len(level), b.opts.Workers, func(ctx context.Context, i int) error {
		return b.rewriteOne(b.files[level[i]])
	})
}

// rewriteOne rewrites the references of a rewritable file against the files
// processed so far, hashes the result and writes it. Files of one level run
// side by side: shared counters are updated under b.mu.
func (b *builder) rewriteOne(f *file) error {
	h, err := b.openSource(f)
	if err != nil {
		return err
	}
	data, err := io.ReadAll(h)
	h.Close()
	if err != nil {
		return errkind.InputAt(f.abs, 0, 0, fmt.Errorf("unreadable: %w", err))
	}
	if s := sha256.Sum256(data); hex.EncodeToString(s[:]) != f.sum {
		return errkind.InputAt(f.abs, 0, 0, errors.New("file changed during the run"))
	}
	// Replacements are memoized per file: a bundle may name one file a
	// million times.
	type result struct {
		s  string
		ok bool
	}
	type key struct {
		ctx      RefContext
		url, raw string // raw only when it differs from url (HTML entities)
	}
	memo := map[key]result{}
	repl := func(r Ref) (string, bool) {
		k := key{ctx: r.Context, url: r.URL}
		if string(data[r.Start:r.End]) != r.URL {
			k.raw = r.Raw(data)
		}
		if m, ok := memo[k]; ok {
			return m.s, m.ok
		}
		s, ok := b.replacement(f, r, r.Raw(data))
		memo[k] = result{s, ok}
		return s, ok
	}
	// The output is made in memory (a page, a style sheet, a bundle: the
	// size of its source), hashed, and written only when its name is new.
	var buf bytes.Buffer
	buf.Grow(len(data))
	n, err := rewriteTo(&buf, f.kind, data, repl)
	if err != nil {
		return fmt.Errorf("rewrite %s: %w", f.rel, err)
	}
	outData := buf.Bytes()
	s256 := sha256Of(outData)
	sum := hex.EncodeToString(s256)
	f.asset = Asset{Path: f.rel, Size: int64(len(outData)), SHA256: sum, Integrity: b.alg.of(outData, s256)}
	warnings := b.oldNames(f, outData)
	b.mu.Lock()
	b.res.Rewritten += n
	b.res.Warnings = append(b.res.Warnings, warnings...)
	if f.unhashed {
		b.res.Unhashed++
	} else {
		f.asset.Path = HashedPath(f.rel, sum[:b.opts.HashLength])
		b.res.Hashed++
	}
	b.mu.Unlock()
	if b.opts.Progress != nil {
		b.opts.Progress(f.size)
	}
	if fi, err := b.statOut(f.asset.Path); err == nil && fi.Size() == f.asset.Size {
		if !f.unhashed {
			return nil
		}
		if _, old, _, err := fileDigests(b.out, f.asset.Path, make([]byte, 64<<10), sriAlgs["sha256"]); err == nil && old == sum {
			return nil
		}
	}
	if b.opts.DryRun {
		b.noteWritten(f.asset.Path)
		return nil
	}
	fill := func(w io.Writer) error {
		if _, err := w.Write(outData); err != nil {
			return envErr(fmt.Errorf("write %s: %w", f.asset.Path, err))
		}
		return nil
	}
	if f.unhashed {
		return b.writeKept(f.asset.Path, fill)
	}
	if err := b.writeOut(f.asset.Path, fill); err != nil {
		return err
	}
	b.noteWritten(f.asset.Path)
	return nil
}

// replacement returns the new text of reference r (written raw) in f, or
// false to leave it.
func (b *builder) replacement(f *file, r Ref, raw string) (string, bool) {
	t, ok := b.target(f, r)
	if !ok {
		if b.missingMap(f, r) {
			return removeRef, true
		}
		return "", false
	}
	tf := b.files[t]
	// Pages keep their names and are served by the application, not the
	// CDN: links to them stay as written, with or without --prefix. (Checked
	// first: a page of the same level may be being written right now.)
	if tf.unhashed {
		return "", false
	}
	if tf.asset.Path == "" || tf.asset.Path == t && b.opts.Prefix == "" {
		return "", false // not processed yet (a source map's "file"), or keeps its name
	}
	if r.Context == CtxMapFile {
		return path.Base(tf.asset.Path), true
	}
	// Pages keep their names and are served by the application, not the
	// CDN: links to them stay as written, with or without --prefix.
	if tf.unhashed || tf.digested && b.opts.Prefix == "" {
		return "", false
	}
	return rewriteRaw(raw, t, tf.asset.Path, b.opts.Prefix), true
}

// writeManifest writes the manifest after the assets are durable, and
// atomically. Its bytes go to a temp file first, so that the one sync of
// the output file system that makes the assets durable carries them too;
// then the rename, made durable by a sync of its folder. With NoSync there
// is no sync at all: readers still never see a partial manifest.
func (b *builder) writeManifest(data []byte) error {
	old, _ := fsx.ReadFileLimited(b.manifest, maxManifest)
	changed := string(old) != string(data)
	var mf *fsx.AtomicFile
	if changed {
		var err error
		if mf, err = fsx.CreateAtomic(b.manifest, 0o644); err != nil {
			return errkind.Wrap(errkind.Env, fmt.Errorf("write manifest: %w", err))
		}
		defer mf.Abort()
		if _, err := mf.Write(data); err != nil {
			return errkind.Wrap(errkind.Env, fmt.Errorf("write manifest: %w", err))
		}
	}
	// Assets first, durably (with the manifest's bytes), then the name.
	fsSynced, err := b.syncWritten()
	if err != nil {
		return errkind.Wrap(errkind.Env, err)
	}
	if !changed {
		return nil
	}
	durable := !b.opts.NoSync
	if durable && !(fsSynced && sameFS(filepath.Dir(b.manifest), b.opts.Out)) {
		if err := mf.Sync(); err != nil {
			return errkind.Wrap(errkind.Env, fmt.Errorf("sync manifest: %w", err))
		}
	}
	if err := mf.CommitUnsynced(); err != nil {
		return errkind.Wrap(errkind.Env, fmt.Errorf("write manifest: %w", err))
	}
	if durable {
		if err := fsx.SyncDir(filepath.Dir(b.manifest)); err != nil {
			return errkind.Wrap(errkind.Env, fmt.Errorf("write manifest: %w", err))
		}
	}
	b.res.ManifestWritten = true
	return nil
}

// syncWritten makes the written assets durable; it reports whether that
// synced the whole output file system.
func (b *builder) syncWritten() (bool, error) {
	if b.opts.NoSync {
		return false, nil
	}
	return syncWritten(b.out, b.opts.Out, b.written)
}

func (b *builder) noteWritten(rel string) {
	b.mu.Lock()
	b.written = append(b.written, rel)
	b.nwritten++
	if !b.opts.DryRun {
		b.res.Written++
	}
	b.mu.Unlock()
}

// readerOnly hides WriterTo so io.CopyBuffer uses the buffer.
type readerOnly struct{ r io.Reader }

func (r readerOnly) Read(p []byte) (int, error) { return r.r.Read(p) }

// openOut opens the output folder (creating it, unless this is a dry run).
func (b *builder) openOut() error {
	if !b.opts.DryRun {
		if err := os.MkdirAll(b.opts.Out, 0o755); err != nil {
			return envErr(fmt.Errorf("create folder %s: %w", b.opts.Out, err))
		}
	} else if b.freshOut {
		return nil
	}
	r, err := os.OpenRoot(b.opts.Out)
	if err != nil {
		return errkind.InputAt(b.opts.Out, 0, 0, fmt.Errorf("output folder: %w", err))
	}
	b.out = r
	if !b.opts.DryRun && !b.freshOut {
		return b.cleanOutput()
	}
	return nil
}
