package contracts

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/Masterminds/semver/v3"
	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/compat/jsonschema"
	"github.com/dsctl/dsctl/compat/openapi"
	"github.com/dsctl/dsctl/contracts/registry"
	"github.com/dsctl/dsctl/internal/errkind"
)

// goldenDigest is the archive digest of testdata/pkg. It must be the same on
// every machine and every run: if it changes, Pack changed its format, which
// changes every published digest (and needs a new format version).
const goldenDigest = "sha256:78b23a6a48f1bb42fccb5d712fa35995abeec79578e6dc975b07aba185f2a278"

func copyDir(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if fi.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestPackDeterministic(t *testing.T) {
	a, err := Pack(os.DirFS("testdata/pkg"), "testdata/pkg")
	if err != nil {
		t.Fatal(err)
	}
	// Another copy, other modes and times, plus hidden files: the same digest.
	dir := filepath.Join(t.TempDir(), "copy")
	copyDir(t, "testdata/pkg", dir)
	os.WriteFile(filepath.Join(dir, ".DS_Store"), []byte("junk"), 0o644)
	os.MkdirAll(filepath.Join(dir, ".git"), 0o755)
	os.WriteFile(filepath.Join(dir, ".git", "HEAD"), []byte("ref"), 0o644)
	b, err := Pack(os.DirFS(dir), dir)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatalf("pack differs between copies: %s vs %s", Digest(a), Digest(b))
	}
	if got := Digest(a); got != goldenDigest {
		t.Errorf("digest of testdata/pkg = %s, want %s", got, goldenDigest)
	}
	// The archive holds what Pack promises.
	zr, err := gzip.NewReader(bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	if zr.Name != "" || !zr.ModTime.IsZero() {
		t.Errorf("gzip header has name %q / time %v", zr.Name, zr.ModTime)
	}
	tr := tar.NewReader(zr)
	var names []string
	for {
		h, err := tr.Next()
		if err != nil {
			break
		}
		if h.Mode != 0o644 || h.Uid != 0 || h.Gid != 0 || h.ModTime.Unix() != 0 || h.Uname != "" || h.Typeflag != tar.TypeReg {
			t.Errorf("entry %s: mode %o uid %d gid %d mtime %v type %c", h.Name, h.Mode, h.Uid, h.Gid, h.ModTime, h.Typeflag)
		}
		names = append(names, h.Name)
	}
	want := "README.md contract.yaml events/size.schema.json events/thing-made.schema.json examples/thing-made.json"
	if strings.Join(names, " ") != want {
		t.Errorf("entries = %v, want %s", names, want)
	}
	// A change of content changes the digest.
	os.WriteFile(filepath.Join(dir, "README.md"), []byte("# things!\n"), 0o644)
	c, _ := Pack(os.DirFS(dir), dir)
	if Digest(c) == Digest(a) {
		t.Error("content change kept the digest")
	}
}

func TestPackRefusesLinks(t *testing.T) {
	dir := t.TempDir()
	copyDir(t, "testdata/pkg", dir)
	if err := os.Symlink("/etc/passwd", filepath.Join(dir, "passwd")); err != nil {
		t.Skip(err)
	}
	_, err := Pack(os.DirFS(dir), dir)
	if errkind.Of(err) != errkind.Input || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("err = %v", err)
	}
}

func tarGz(t testing.TB, entries ...*tar.Header) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, h := range entries {
		if h.Typeflag == tar.TypeReg && h.Size == 0 {
			h.Size = 1
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			tw.Write(bytes.Repeat([]byte("x"), int(h.Size)))
		}
	}
	tw.Close()
	zw.Close()
	return buf.Bytes()
}

func TestReadArchiveRefusesUnsafe(t *testing.T) {
	reg := func(name string) *tar.Header { return &tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644} }
	cases := map[string][]byte{
		"dotdot":        tarGz(t, reg("../evil")),
		"nested dotdot": tarGz(t, reg("a/../../evil")),
		"absolute":      tarGz(t, reg("/etc/passwd")),
		"backslash":     tarGz(t, reg(`..\evil`)),
		"symlink":       tarGz(t, &tar.Header{Name: "l", Typeflag: tar.TypeSymlink, Linkname: "/etc/passwd"}),
		"hardlink":      tarGz(t, reg("a"), &tar.Header{Name: "b", Typeflag: tar.TypeLink, Linkname: "a"}),
		"device":        tarGz(t, &tar.Header{Name: "d", Typeflag: tar.TypeChar}),
		"duplicate":     tarGz(t, reg("a"), reg("a")),
		"file and dir":  tarGz(t, reg("a"), reg("a/b")),
		"too big":       tarGz(t, &tar.Header{Name: "big", Typeflag: tar.TypeReg, Size: MaxFileSize + 1}),
		"not gzip":      []byte("plain"),
		"dot":           tarGz(t, reg("./a")),
		// Issue 13 items 1 and 12: what Pack never writes, beside a valid contract.yaml.
		"git folder":   tarGz(t, reg(".git/config"), reg(FileName)),
		"hidden part":  tarGz(t, reg(FileName), reg("events/.x/y.json")),
		"folder entry": tarGz(t, reg(FileName), &tar.Header{Name: "events/", Typeflag: tar.TypeDir}),
		"escape char":  tarGz(t, reg(FileName), reg("a\x1b[2J.json")),
		"C1 control":   tarGz(t, reg(FileName), reg("a\u009b2J.json")),
		"newline":      tarGz(t, reg(FileName), reg("a\nb.json")),
		"bad UTF-8":    tarGz(t, reg(FileName), reg("a\xff.json")),
		"out of order": tarGz(t, reg(FileName), reg("z.json"), reg("b.json")),
		"no contract":  tarGz(t, reg("events/a.json")),
	}
	for name, data := range cases {
		_, err := ReadArchive(data)
		if !errors.Is(err, ErrUnsafeArchive) || errkind.Of(err) != errkind.Input {
			t.Errorf("%s: err = %v, want an input error wrapping ErrUnsafeArchive", name, err)
		}
	}
	if _, err := ReadArchive(tarGz(t, reg(FileName), reg("events/a.json"))); err != nil {
		t.Errorf("an archive Pack could write is refused: %v", err)
	}
	// Unpack refuses before writing anything.
	dst := filepath.Join(t.TempDir(), "vendor", "x")
	if err := Unpack(cases["dotdot"], dst); err == nil {
		t.Fatal("unpack of ../evil succeeded")
	}
	if _, err := os.Stat(filepath.Dir(dst)); err == nil {
		if ents, _ := os.ReadDir(filepath.Dir(dst)); len(ents) > 0 {
			t.Fatalf("unpack left %v", ents)
		}
	}
}

// FuzzReadArchive: no archive makes ReadArchive panic, and whatever it accepts
// is safe to unpack (relative, clean, inside the folder) and packs back
// deterministically.
func FuzzReadArchive(f *testing.F) {
	good, err := Pack(os.DirFS("testdata/pkg"), "")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(tarGz(f, &tar.Header{Name: "../x", Typeflag: tar.TypeReg}))
	f.Add(tarGz(f, &tar.Header{Name: "a/b", Typeflag: tar.TypeReg}, &tar.Header{Name: "a", Typeflag: tar.TypeDir}))
	f.Add([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff})
	// The hostile archives of the corpus (issue 13): each must stay refused.
	hostile, _ := filepath.Glob(filepath.Join("..", "testdata", "hostile", "archive", "*.tgz"))
	for _, p := range hostile {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		files, err := ReadArchive(data)
		if err != nil {
			return
		}
		m := fstest.MapFS{}
		for name, b := range files {
			if filepath.IsAbs(name) || strings.Contains(name, "..") || strings.Contains(name, `\`) {
				t.Fatalf("accepted unsafe name %q", name)
			}
			m[name] = &fstest.MapFile{Data: b, Mode: 0o644}
		}
		if _, ok := files[FileName]; !ok {
			t.Fatalf("accepted a package without %s", FileName)
		}
		// Pack could have written it: Files lists exactly these names (none
		// hidden or refused), and their archive reads back to the same files.
		names, err := Files(m, "")
		if err != nil || len(names) != len(files) {
			t.Fatalf("accepted names Pack would not write: %v (%d of %d listed)", err, len(names), len(files))
		}
		again, err := ReadArchive(mustPack(t, m, names))
		if err != nil || len(again) != len(files) {
			t.Fatalf("re-packed archive: %v", err)
		}
		dst := filepath.Join(t.TempDir(), "out")
		if err := WriteFiles(files, dst); err != nil {
			t.Fatalf("write accepted archive: %v", err)
		}
		for name := range files {
			p := filepath.Join(dst, filepath.FromSlash(name))
			if rel, err := filepath.Rel(dst, p); err != nil || strings.HasPrefix(rel, "..") {
				t.Fatalf("%s lands outside", name)
			}
		}
	})
}

func mustPack(t *testing.T, fsys fs.FS, names []string) []byte {
	t.Helper()
	b, err := PackFiles(fsys, "", names)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func BenchmarkPack(b *testing.B) {
	c, err := Load(filepath.Join("..", "examples", "orders", "contract"))
	if err != nil {
		b.Fatal(err)
	}
	files, err := Files(c.FS, c.Dir)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := PackFiles(c.FS, c.Dir, files); err != nil {
			b.Fatal(err)
		}
	}
}

var engines = []compat.Engine{openapi.Engine{}, jsonschema.Engine{}}

func publish(t *testing.T, s registry.Store, dir string) (*PublishResult, error) {
	t.Helper()
	return Publish(context.Background(), dir, PublishOptions{Store: s, Engines: engines})
}

func setVersion(t *testing.T, dir, v string) {
	t.Helper()
	p := filepath.Join(dir, FileName)
	b, _ := os.ReadFile(p)
	lines := strings.Split(string(b), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "version:") {
			lines[i] = "version: " + v
		}
	}
	os.WriteFile(p, []byte(strings.Join(lines, "\n")), 0o644)
}

func edit(t *testing.T, file, old, new string) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil || !strings.Contains(string(b), old) {
		t.Fatalf("%s does not contain %q", file, old)
	}
	os.WriteFile(file, []byte(strings.Replace(string(b), old, new, 1)), 0o644)
}

func TestPublishGate(t *testing.T) {
	s := registry.OpenLayout("reg", filepath.Join(t.TempDir(), "reg"))
	dir := filepath.Join(t.TempDir(), "pkg")
	copyDir(t, "testdata/pkg", dir)
	schema := filepath.Join(dir, "events", "thing-made.schema.json")

	r, err := publish(t, s, dir)
	if err != nil || r.Status != StatusPublished || r.Gate != nil {
		t.Fatalf("first publish = %+v, %v", r, err)
	}
	r, err = publish(t, s, dir)
	if err != nil || r.Status != StatusAlreadyPublished {
		t.Fatalf("republish = %+v, %v", r, err)
	}
	// A compatible change (a new optional property) as a patch: too small.
	edit(t, schema, `"size":`, `"label": {"type": "string"}, "size":`)
	setVersion(t, dir, "1.0.1")
	r, err = publish(t, s, dir)
	if !errors.Is(err, ErrVersionTooSmall) || r.Gate.RequiredBump != compat.Minor || r.Gate.Suggested != "1.1.0" {
		t.Fatalf("patch for a minor change = %+v, %v", r.Gate, err)
	}
	setVersion(t, dir, "1.1.0")
	if r, err = publish(t, s, dir); err != nil || r.Status != StatusPublished || strings.Join(r.Against, ",") != "1.0.0" {
		t.Fatalf("minor = %+v, %v", r, err)
	}
	// A breaking change (an enum value removed) as a minor: refused; as a major: published.
	edit(t, schema, `"red", "green", "blue"`, `"red", "green"`)
	setVersion(t, dir, "1.2.0")
	if _, err = publish(t, s, dir); !errors.Is(err, ErrVersionTooSmall) {
		t.Fatalf("breaking minor: %v", err)
	}
	edit(t, schema, "things/v1/", "things/v2/")
	edit(t, filepath.Join(dir, "events", "size.schema.json"), "things/v1/", "things/v2/")
	setVersion(t, dir, "2.0.0")
	if r, err = publish(t, s, dir); err != nil || r.Gate.RequiredBump != compat.Major {
		t.Fatalf("major = %+v, %v", r, err)
	}
	// Yanked versions are not baselines.
	vs, _ := s.List(context.Background(), "things")
	if got := Baselines(vs, mustVersion("2.1.0"), compat.Backward); len(got) != 1 || got[0].Version != "2.0.0" {
		t.Fatalf("baselines = %+v", got)
	}
	s.Yank(context.Background(), "things", "2.0.0", "bad")
	vs, _ = s.List(context.Background(), "things")
	if got := Baselines(vs, mustVersion("2.1.0"), compat.Backward); len(got) != 1 || got[0].Version != "1.1.0" {
		t.Fatalf("baselines after yank = %+v", got)
	}
	if got := Baselines(vs, mustVersion("1.5.0"), compat.BackwardTransitive); len(got) != 2 {
		t.Fatalf("transitive baselines = %+v", got)
	}
	// Lint errors block publishing.
	edit(t, filepath.Join(dir, FileName), "name: ThingMade", "name: MakeThing")
	setVersion(t, dir, "3.0.0")
	if r, err = publish(t, s, dir); !errors.Is(err, ErrLintFailed) || r.Lint.Errors == 0 {
		t.Fatalf("lint failure = %+v, %v", r, err)
	}
}

func TestPullVerifyAndLock(t *testing.T) {
	ctx := context.Background()
	s := registry.OpenLayout("reg", filepath.Join(t.TempDir(), "reg"))
	dir := filepath.Join(t.TempDir(), "pkg")
	copyDir(t, "testdata/pkg", dir)
	for _, v := range []string{"1.0.0", "1.0.1", "1.1.0"} {
		setVersion(t, dir, v)
		os.WriteFile(filepath.Join(dir, "README.md"), []byte("# things "+v+"\n"), 0o644)
		if _, err := publish(t, s, dir); err != nil {
			t.Fatal(err)
		}
	}
	ws := t.TempDir()
	opts := PullOptions{Store: s, LockPath: filepath.Join(ws, LockFileName), VendorDir: filepath.Join(ws, "contracts", "vendor")}
	r, err := Pull(ctx, "things", "~1.0", opts)
	if err != nil || r.Version != "1.0.1" || !r.Changed {
		t.Fatalf("pull ~1.0 = %+v, %v", r, err)
	}
	if r, err = Pull(ctx, "things", "~1.0", opts); err != nil || r.Changed {
		t.Fatalf("second pull = %+v, %v (want no change)", r, err)
	}
	vr, err := Verify(opts.LockPath, opts.VendorDir)
	if err != nil || !vr.OK {
		t.Fatalf("verify = %+v, %v", vr, err)
	}
	// Gen dtos resolves through the lock and the vendored folder.
	c, e, err := Vendored(opts.LockPath, "", "things", "^1")
	if err != nil || c.Name != "things" || e.Version != "1.0.1" {
		t.Fatalf("Vendored = %v, %+v, %v", c, e, err)
	}
	if _, _, err := Vendored(opts.LockPath, "", "things", "^2"); err == nil {
		t.Fatal("Vendored accepted a constraint the lock does not satisfy")
	}
	// A locked version whose digest changed in the registry is an error.
	lock, _ := LoadLock(opts.LockPath)
	e = lock.Contracts["things"]
	e.Digest = "sha256:" + strings.Repeat("0", 64)
	lock.Contracts["things"] = e
	lock.Save(opts.LockPath)
	if _, err := Pull(ctx, "things", "~1.0", opts); !errors.Is(err, ErrDigestChanged) || errkind.Of(err) != errkind.Finding {
		t.Fatalf("pull with a changed digest: %v", err)
	}
	// An extra vendored folder is reported.
	os.MkdirAll(filepath.Join(opts.VendorDir, "stray"), 0o755)
	vr, _ = Verify(opts.LockPath, opts.VendorDir)
	if vr.OK || vr.Contracts[len(vr.Contracts)-1].Status != VerifyUnlocked {
		t.Fatalf("verify with a stray folder = %+v", vr)
	}
}

func TestResolve(t *testing.T) {
	vs := []registry.Version{{Version: "1.0.0"}, {Version: "1.2.0"}, {Version: "1.4.1", Yanked: true}, {Version: "1.4.0"}, {Version: "2.0.0"}, {Version: "2.1.0-rc.1"}}
	for c, want := range map[string]string{
		"^1": "1.4.0", "~1.2.0": "1.2.0", ">=1.2 <2": "1.4.0", "*": "2.0.0", "1.4.1": "1.4.1", "=1.4.1": "1.4.1", "^3": "",
	} {
		got, _, err := Resolve(vs, "x", c)
		if (err != nil) != (want == "") || got.Version != want {
			t.Errorf("Resolve(%q) = %q, %v; want %q", c, got.Version, err, want)
		}
	}
	_, skipped, _ := Resolve(vs, "x", "^1")
	if len(skipped) != 1 || skipped[0].Version != "1.4.1" {
		t.Errorf("skipped = %+v", skipped)
	}
}

func TestParseLock(t *testing.T) {
	d := "sha256:" + strings.Repeat("a", 64)
	good := `{"version": 1, "contracts": {"orders": {"version": "1.4.0", "digest": "` + d + `", "registry": "reg"}}}`
	if l, err := ParseLock("dsctl.lock", []byte(good)); err != nil || l.Contracts["orders"].Version != "1.4.0" {
		t.Fatalf("good lock: %v", err)
	}
	for name, bad := range map[string]string{
		"future":      `{"version": 3, "contracts": {}}`,
		"no version":  `{"contracts": {}}`,
		"unknown key": `{"version": 1, "contracts": {}, "x": 1}`,
		"bad name":    `{"version": 1, "contracts": {"../etc": {"version": "1.0.0", "digest": "` + d + `"}}}`,
		"bad digest":  `{"version": 1, "contracts": {"orders": {"version": "1.0.0", "digest": "md5:x"}}}`,
		"bad semver":  `{"version": 1, "contracts": {"orders": {"version": "latest", "digest": "` + d + `"}}}`,
		"not json":    `version: 1`,
		"file escape": `{"version": 1, "contracts": {"orders": {"version": "1.0.0", "digest": "` + d + `", "files": {"../x": "` + d + `"}}}}`,
		"file digest": `{"version": 1, "contracts": {"orders": {"version": "1.0.0", "digest": "` + d + `", "files": {"a": "x"}}}}`,
	} {
		if _, err := ParseLock("dsctl.lock", []byte(bad)); errkind.Of(err) != errkind.Input {
			t.Errorf("%s: err = %v, want an input error", name, err)
		}
	}
	// Marshal is stable.
	l, _ := ParseLock("dsctl.lock", []byte(good))
	a, _ := l.Marshal()
	b, _ := l.Marshal()
	if !bytes.Equal(a, b) || !bytes.HasSuffix(a, []byte("}\n")) {
		t.Fatal("lock marshal not stable")
	}
}

func TestValidateInstances(t *testing.T) {
	c, err := Load("testdata/pkg")
	if err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile("testdata/pkg/examples/thing-made.json")
	ce := `{"specversion":"1.0","id":"1","source":"/x","type":"com.example.ThingMade","dataschema":"https://contracts.example.com/things/v1/thing-made.schema.json","data":` + string(good) + `}`
	r, err := ValidateInstances(c, "ThingMade", []Instance{
		{Name: "raw", Data: good},
		{Name: "ce", Data: []byte(ce)},
		{Name: "bad-size", Data: []byte(strings.Replace(string(good), `"width": 2`, `"width": -1`, 1))},
		{Name: "ce-schema", Data: []byte(strings.Replace(ce, "things/v1", "things/v9", 1))},
		{Name: "not-json", Data: []byte("{")},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"raw": "", "ce": "", "bad-size": "/size/width", "ce-schema": "/dataschema", "not-json": ""}
	for _, res := range r.Results {
		w := want[res.File]
		valid := w == "" && res.File != "not-json"
		if res.Valid != valid {
			t.Errorf("%s: valid = %v, violations %+v", res.File, res.Valid, res.Violations)
		}
		if w != "" && (len(res.Violations) == 0 || res.Violations[0].Pointer != w) {
			t.Errorf("%s: violations %+v, want at %s", res.File, res.Violations, w)
		}
	}
	if r.Valid {
		t.Error("report valid with invalid instances")
	}
}

func TestParseErrorsHaveLines(t *testing.T) {
	for yaml, want := range map[string]string{
		"name: x\n":                                                                    "contract.yaml:1:1: missing apiVersion",
		"apiVersion: dsctl.dev/v2\n":                                                   "contract.yaml:1:13: unsupported apiVersion",
		"apiVersion: dsctl.dev/v1\nnme: x\n":                                           `contract.yaml:2:1: unknown key "nme"`,
		"apiVersion: dsctl.dev/v1\nname: X\nversion: 1.0.0\n":                          `contract.yaml:2:7: invalid name "X"`,
		"apiVersion: dsctl.dev/v1\nname: x\nversion: one\n":                            `contract.yaml:3:10: invalid version "one"`,
		"apiVersion: dsctl.dev/v1\nname: x\nversion: 1.0.0\ncompatibility: sideways\n": "contract.yaml:4:16: unknown compatibility mode",
		"apiVersion: dsctl.dev/v1\nname: x\nversion: 1.0.0\nevents:\n  - name: A\n    schema: a.json\n  - name: A\n    schema: b.json\n": `contract.yaml:7:5: event "A" already defined at line 5`,
		"apiVersion: dsctl.dev/v1\nname: x\nversion: 1.0.0\nevents:\n  - name: A\n    schma: a.json\n":                                   `contract.yaml:6:5: unknown key "schma"`,
		"apiVersion: dsctl.dev/v1\nname: x\nversion: 1.0.0\nevents:\n  - name: A\n    schema: ../a.json\n":                               "contract.yaml:5:5: event A: path",
	} {
		_, err := Parse("contract.yaml", []byte(yaml))
		if err == nil || !strings.HasPrefix(err.Error(), want) || errkind.Of(err) != errkind.Input {
			t.Errorf("Parse(%q) = %v, want prefix %q", yaml, err, want)
		}
	}
}

func TestInitScaffoldLintsClean(t *testing.T) {
	for _, name := range []string{"orders", "payment-service", "a.b", "x1"} {
		dir := filepath.Join(t.TempDir(), name)
		if _, err := Init(dir, name); err != nil {
			t.Fatal(err)
		}
		c, err := Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		r, err := Lint(c)
		if err != nil || len(r.Findings) != 0 {
			t.Fatalf("%s: lint = %+v, %v", name, r, err)
		}
		if _, err := Init(dir, name); errkind.Of(err) != errkind.Input {
			t.Fatalf("second init: %v", err)
		}
	}
}

func mustVersion(s string) *semver.Version { return semver.MustParse(s) }
