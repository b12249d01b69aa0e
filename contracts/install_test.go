package contracts

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dsctl/dsctl/contracts/registry"
	"github.com/dsctl/dsctl/internal/errkind"
)

func TestConstraintsOfBareNames(t *testing.T) {
	for v, want := range map[string]string{"1.4.2": "^1", "2.0.0": "^2", "0.3.1": "^0.3", "0.0.4": "^0.0", "x": "*"} {
		if got := CaretOf(v); got != want {
			t.Errorf("CaretOf(%s) = %s, want %s", v, got, want)
		}
	}
	if got := RecordedConstraint("*", "2.1.0"); got != "^2" {
		t.Errorf("RecordedConstraint(*) = %s", got)
	}
	if got := RecordedConstraint("~1.4.0", "1.4.3"); got != "~1.4.0" {
		t.Errorf("RecordedConstraint(~1.4.0) = %s", got)
	}
	d := "sha256:" + strings.Repeat("a", 64)
	lock := &Lock{Contracts: map[string]LockEntry{
		"recorded": {Constraint: "~1.2.0", Version: "1.2.5", Digest: d},
		"v1entry":  {Version: "1.9.0", Digest: d},
		"zero":     {Version: "0.4.1", Digest: d},
		"declared": {Constraint: "^1", Version: "1.0.0", Digest: d},
	}}
	deps := []Dependency{{Name: "declared", Constraint: "^2"}}
	for name, want := range map[string]string{
		"declared": "^2",     // dsctl.yaml first
		"recorded": "~1.2.0", // then what the lock recorded
		"v1entry":  "^1",     // then the locked major
		"zero":     "^0.4",   // below 1.0.0 a minor is a major
		"new":      "*",      // nothing locked
	} {
		if got := BareConstraint(deps, lock, name); got != want {
			t.Errorf("BareConstraint(%s) = %s, want %s", name, got, want)
		}
	}
}

func TestCheckLocked(t *testing.T) {
	d := "sha256:" + strings.Repeat("a", 64)
	lock := &Lock{Contracts: map[string]LockEntry{
		"orders":   {Constraint: "^1", Version: "1.2.0", Digest: d},
		"payments": {Version: "1.1.0", Digest: d}, // version 1 lock: no constraint
		"stray":    {Constraint: "^1", Version: "1.0.0", Digest: d},
	}}
	ok := []Dependency{{Name: "orders", Constraint: "^1"}, {Name: "payments", Constraint: "^1"}, {Name: "stray", Constraint: "^1"}}
	if err := CheckLocked(ok, lock, "dsctl.lock"); err != nil {
		t.Fatalf("agreeing: %v", err)
	}
	cases := map[string]struct {
		deps []Dependency
		want string
	}{
		"missing from lock":  {append(ok, Dependency{Name: "billing", Constraint: "^3", Pos: "dsctl.yaml:9:5"}), "billing: in dsctl.yaml (^3, dsctl.yaml:9:5) but not in dsctl.lock"},
		"not a dependency":   {ok[:2], "stray: in dsctl.lock (1.0.0) but not in dsctl.yaml's dependencies"},
		"constraint changed": {[]Dependency{{Name: "orders", Constraint: "^2"}, ok[1], ok[2]}, "orders: the constraint changed: dsctl.yaml says ^2, dsctl.lock was resolved from ^1"},
		"not satisfying":     {[]Dependency{ok[0], {Name: "payments", Constraint: ">=2"}, ok[2]}, "payments: dsctl.lock pins 1.1.0, which does not satisfy >=2"},
	}
	for name, c := range cases {
		err := CheckLocked(c.deps, lock, "dsctl.lock")
		if !errors.Is(err, ErrLockDisagrees) || errkind.Of(err) != errkind.Finding || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want a finding with %q", name, err, c.want)
		}
	}
}

// publishThings publishes testdata/pkg (things) at each version into a new store.
func publishThings(t *testing.T, s registry.Store, versions ...string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "pkg")
	copyDir(t, "testdata/pkg", dir)
	major := "1"
	for _, v := range versions {
		if m := strings.SplitN(v, ".", 2)[0]; m != major {
			for _, f := range []string{"thing-made.schema.json", "size.schema.json"} {
				edit(t, filepath.Join(dir, "events", f), "things/v"+major+"/", "things/v"+m+"/")
			}
			major = m
		}
		setVersion(t, dir, v)
		os.WriteFile(filepath.Join(dir, "README.md"), []byte("# things "+v+"\n"), 0o644)
		if _, err := publish(t, s, dir); err != nil {
			t.Fatalf("publish %s: %v", v, err)
		}
	}
}

func TestInstallVerifiesWhatTheLockPins(t *testing.T) {
	ctx := context.Background()
	s := registry.OpenLayout("reg", filepath.Join(t.TempDir(), "reg"))
	publishThings(t, s, "1.0.0", "1.1.0", "2.0.0")
	ws := t.TempDir()
	opts := InstallOptions{PullOptions: PullOptions{Store: s, LockPath: filepath.Join(ws, LockFileName), VendorDir: filepath.Join(ws, "vendor")},
		Deps: []Dependency{{Name: "things", Constraint: "^1"}}, Declared: true}
	rs, err := Install(ctx, opts)
	if err != nil || len(rs) != 1 || rs[0].Status != InstallAdded || rs[0].Version != "1.1.0" {
		t.Fatalf("install = %+v, %v", rs, err)
	}
	good, _ := os.ReadFile(opts.LockPath)
	// Each pinned digest is checked when the package is fetched again: the
	// manifest, the archive, every file. A mismatch is a finding and writes nothing.
	tamper := map[string]func(e *LockEntry){
		"manifest": func(e *LockEntry) { e.Digest = "sha256:" + strings.Repeat("0", 64) },
		"archive":  func(e *LockEntry) { e.Archive = "sha256:" + strings.Repeat("1", 64) },
		"file":     func(e *LockEntry) { e.Files["README.md"] = "sha256:" + strings.Repeat("2", 64) },
	}
	for what, f := range tamper {
		lock, _ := ParseLock("dsctl.lock", good)
		e := lock.Contracts["things"]
		f(&e)
		lock.Contracts["things"] = e
		if err := lock.Save(opts.LockPath); err != nil {
			t.Fatal(err)
		}
		before, _ := os.ReadFile(opts.LockPath)
		os.RemoveAll(opts.VendorDir)
		o := opts
		o.Locked = true
		_, err := Install(ctx, o)
		if !errors.Is(err, ErrDigestChanged) || errkind.Of(err) != errkind.Finding {
			t.Errorf("%s digest changed: %v, want a finding", what, err)
		}
		if _, serr := os.Stat(filepath.Join(opts.VendorDir, "things")); serr == nil {
			t.Errorf("%s digest changed: the package was vendored", what)
		}
		if after, _ := os.ReadFile(opts.LockPath); string(after) != string(before) {
			t.Errorf("%s digest changed: the lock was rewritten", what)
		}
	}
	if err := os.WriteFile(opts.LockPath, good, 0o644); err != nil {
		t.Fatal(err)
	}
	o := opts
	o.Locked = true
	if rs, err := Install(ctx, o); err != nil || rs[0].Status != InstallRestored {
		t.Fatalf("restore = %+v, %v", rs, err)
	}
	if vr, err := Verify(opts.LockPath, opts.VendorDir); err != nil || !vr.OK {
		t.Fatalf("verify after install = %+v, %v", vr, err)
	}
	// A locked version the store does not have is not found (an input error) naming the store.
	empty := registry.OpenLayout("mirror", filepath.Join(t.TempDir(), "mirror"))
	publishThings(t, empty, "1.0.0")
	os.RemoveAll(opts.VendorDir)
	o.Store = empty
	if _, err := Install(ctx, o); errkind.Of(err) != errkind.Input || !strings.Contains(err.Error(), "things@1.1.0, pinned in dsctl.lock, is not in mirror") {
		t.Fatalf("pinned version missing: %v", err)
	}
}

func TestUpdateAndOutdatedStayWithinTheMajor(t *testing.T) {
	ctx := context.Background()
	s := registry.OpenLayout("reg", filepath.Join(t.TempDir(), "reg"))
	publishThings(t, s, "1.0.0")
	ws := t.TempDir()
	opts := InstallOptions{PullOptions: PullOptions{Store: s, LockPath: filepath.Join(ws, LockFileName), VendorDir: filepath.Join(ws, "vendor")}}
	// Pulled by a bare name: the lock records ^1.
	if r, err := Pull(ctx, "things", "*", opts.PullOptions); err != nil || r.Version != "1.0.0" {
		t.Fatalf("pull = %+v, %v", r, err)
	}
	publishThings(t, s, "1.2.0", "2.0.0")
	lock, _ := LoadLock(opts.LockPath)
	if lock.Contracts["things"].Constraint != "^1" {
		t.Fatalf("recorded constraint = %q", lock.Contracts["things"].Constraint)
	}
	es, err := Outdated(ctx, s, nil, lock)
	if err != nil || len(es) != 1 {
		t.Fatalf("outdated = %+v, %v", es, err)
	}
	if e := es[0]; e.Locked != "1.0.0" || e.Wanted != "1.2.0" || e.Latest != "2.0.0" || !e.Major || !e.Outdated {
		t.Errorf("outdated = %+v", e)
	}
	rs, err := Update(ctx, nil, opts)
	if err != nil || len(rs) != 1 || rs[0].Status != InstallUpdated || rs[0].From != "1.0.0" || rs[0].Version != "1.2.0" {
		t.Fatalf("update = %+v, %v", rs, err)
	}
	if _, err := Update(ctx, []string{"nosuch"}, opts); errkind.Of(err) != errkind.Input {
		t.Errorf("update of an unknown name: %v, want an input error", err)
	}
	// Below 1.0.0 a new minor is a breaking release: marked major.
	s0 := registry.OpenLayout("reg0", filepath.Join(t.TempDir(), "reg0"))
	publishThings(t, s0, "1.0.0")
	d := "sha256:" + strings.Repeat("a", 64)
	es, err = Outdated(ctx, s0, []Dependency{{Name: "things", Constraint: "^0.4"}}, &Lock{Contracts: map[string]LockEntry{"things": {Version: "0.4.0", Digest: d}}})
	if err != nil || !es[0].Major || es[0].Wanted != "" {
		t.Errorf("0.x outdated = %+v, %v", es, err)
	}
}

func TestLockVersions(t *testing.T) {
	d := "sha256:" + strings.Repeat("a", 64)
	for src, ok := range map[string]bool{
		`{"version": 1, "contracts": {"o": {"version": "1.0.0", "digest": "` + d + `"}}}`:                     true,
		`{"version": 2, "contracts": {"o": {"constraint": "^1", "version": "1.0.0", "digest": "` + d + `"}}}`: true,
		`{"version": 3, "contracts": {}}`: false,
		`{"version": 2, "contracts": {"o": {"constraint": "^x", "version": "1.0.0", "digest": "` + d + `"}}}`:   false,
		`{"version": 2, "contracts": {"o": {"constraint": "nope", "version": "1.0.0", "digest": "` + d + `"}}}`: false,
	} {
		_, err := ParseLock("dsctl.lock", []byte(src))
		if (err == nil) != ok || (err != nil && errkind.Of(err) != errkind.Input) {
			t.Errorf("ParseLock(%s) = %v, want ok=%v", src, err, ok)
		}
	}
}

func TestInstallRefusesALinkedVendorFolder(t *testing.T) {
	ctx := context.Background()
	s := registry.OpenLayout("reg", filepath.Join(t.TempDir(), "reg"))
	publishThings(t, s, "1.0.0")
	ws := t.TempDir()
	elsewhere := t.TempDir()
	vendor := filepath.Join(ws, "vendor")
	if err := os.Symlink(elsewhere, vendor); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	opts := InstallOptions{PullOptions: PullOptions{Store: s, LockPath: filepath.Join(ws, LockFileName), VendorDir: vendor},
		Deps: []Dependency{{Name: "things", Constraint: "^1"}}, Declared: true}
	if _, err := Install(ctx, opts); errkind.Of(err) != errkind.Input || !strings.Contains(err.Error(), "symbolic link") {
		t.Fatalf("install into a linked vendor folder: %v", err)
	}
	if ents, _ := os.ReadDir(elsewhere); len(ents) != 0 {
		t.Errorf("install wrote through the link: %v", ents)
	}
	if _, err := os.Stat(opts.LockPath); err == nil {
		t.Error("the lock was written")
	}
}
