package verdict

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/internal/errkind"
)

// side is a version of a fake contract: its declared version, its own mode,
// and the changes it has relative to an empty first version (by id).
type side struct {
	name, version string
	mode          compat.Mode
	changes       map[string]compat.Impact
}

// fake compares sides: the changes of NEW that OLD does not have.
type fake struct{ calls *[]string }

func (fake) Name(s side) string                           { return s.name }
func (fake) Version(s side) (string, error)               { return s.version, nil }
func (fake) Defaults(s side) (compat.Mode, compat.Policy) { return s.mode, "" }
func (f fake) Compare(_ context.Context, old, new side, mode compat.Mode, policy compat.Policy) (Comparison, error) {
	*f.calls = append(*f.calls, old.name+">"+new.name+":"+string(mode))
	r := compat.Report{Kind: "fake", Old: old.name, New: new.name}
	for id, imp := range new.changes {
		if _, ok := old.changes[id]; ok {
			continue
		}
		r.Changes = append(r.Changes, compat.Change{ID: id, Path: "#/" + id, Impact: imp, Message: id})
	}
	return Comparison{Reports: []compat.Report{r}}, nil
}

func decide(t *testing.T, req Request[side]) (*Verdict, []string) {
	t.Helper()
	calls := &[]string{}
	req.Comparer = fake{calls}
	if req.Today == "" {
		req.Today = "2026-01-01"
	}
	v, err := Decide(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	return v, *calls
}

var (
	v1     = side{name: "v1", version: "1.0.0"}
	v11    = side{name: "v1.1", version: "1.1.0", changes: map[string]compat.Impact{"a": compat.Minor}}
	v11Maj = side{name: "v1.1", version: "1.1.0", changes: map[string]compat.Impact{"a": compat.Minor, "b": compat.Major}}
	v1Min  = side{name: "v1-wip", version: "1.0.0", changes: map[string]compat.Impact{"a": compat.Minor}}
	v1Maj  = side{name: "v1-wip", version: "1.0.0", changes: map[string]compat.Impact{"b": compat.Major}}
)

// TestVersionChecked: the version is checked when --from/--to are given, when
// the sides declare different versions, or with RequireBump; otherwise
// --fail-on decides and the next version is only suggested.
func TestVersionChecked(t *testing.T) {
	cases := []struct {
		name         string
		req          Request[side]
		checked, ok  bool
		failed       bool
		suggested    string
		reasonSubstr string
	}{
		{name: "same version, minor, fail-on major", req: Request[side]{History: []side{v1}, New: v1Min, FailOn: compat.Major},
			suggested: "1.1.0"},
		{name: "same version, minor, fail-on minor", req: Request[side]{History: []side{v1}, New: v1Min, FailOn: compat.Minor},
			failed: true, suggested: "1.1.0", reasonSubstr: "1 change at or above --fail-on minor: minor a at #/a"},
		{name: "same version, major", req: Request[side]{History: []side{v1}, New: v1Maj, FailOn: compat.Major},
			failed: true, suggested: "2.0.0", reasonSubstr: "--fail-on major"},
		{name: "same version, require bump", req: Request[side]{History: []side{v1}, New: v1Min, FailOn: compat.Major, RequireBump: true},
			checked: true, failed: true, suggested: "1.1.0", reasonSubstr: "version 1.0.0 is too small: the changes since 1.0.0 need a MINOR bump (1.1.0)"},
		{name: "different versions, enough", req: Request[side]{History: []side{v1}, New: v11, FailOn: compat.Minor},
			checked: true, ok: true, suggested: "1.1.0"},
		{name: "different versions, too small", req: Request[side]{History: []side{v1}, New: v11Maj, FailOn: compat.None},
			checked: true, failed: true, suggested: "2.0.0", reasonSubstr: "version 1.1.0 is too small"},
		{name: "--to given equal", req: Request[side]{History: []side{v1}, New: v1Min, To: "1.0.0", FailOn: compat.Major},
			checked: true, failed: true, suggested: "1.1.0", reasonSubstr: "version 1.0.0 is too small"},
		{name: "--from given", req: Request[side]{History: []side{v1}, New: v1Maj, From: "0.3.0", To: "0.3.1", FailOn: compat.Major},
			checked: true, failed: true, suggested: "0.4.0", reasonSubstr: "need a MINOR bump (0.4.0)"},
		{name: "mode none never fails", req: Request[side]{History: []side{v1}, New: v11Maj, Mode: compat.NoneMode},
			checked: true, suggested: "2.0.0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, _ := decide(t, tc.req)
			if v.VersionChecked != tc.checked || (tc.checked && v.VersionOK != tc.ok) || v.Failed != tc.failed || v.Suggested != tc.suggested {
				t.Errorf("checked %v ok %v failed %v suggested %q; want %v %v %v %q (reasons %q)",
					v.VersionChecked, v.VersionOK, v.Failed, v.Suggested, tc.checked, tc.ok, tc.failed, tc.suggested, v.Reasons)
			}
			if got := strings.Join(v.Reasons, "\n"); !strings.Contains(got, tc.reasonSubstr) || (tc.reasonSubstr == "" && got != "") {
				t.Errorf("reasons %q, want %q", got, tc.reasonSubstr)
			}
			for _, r := range v.Reports {
				if (r.VersionOK != nil) != v.VersionChecked {
					t.Errorf("report versionOk %v with checked %v", r.VersionOK, v.VersionChecked)
				}
			}
		})
	}
}

func TestRequireBumpWithoutVersions(t *testing.T) {
	_, err := Decide(context.Background(), Request[side]{Comparer: fake{&[]string{}},
		History: []side{{name: "old"}}, New: side{name: "new"}, RequireBump: true, Today: "2026-01-01"})
	if !errors.Is(err, ErrNoVersion) || errkind.Of(err) != errkind.Input || !strings.Contains(err.Error(), "old declares no version; pass --from") {
		t.Errorf("err %v", err)
	}
}

func TestNotSemver(t *testing.T) {
	v, _ := decide(t, Request[side]{History: []side{{name: "old", version: "latest"}}, New: side{name: "new", version: "2024-06-20",
		changes: map[string]compat.Impact{"b": compat.Major}}, FailOn: compat.Major})
	if v.VersionChecked || v.From != "" || v.To != "" || !v.Failed || len(v.Warnings) != 2 || !strings.Contains(v.Warnings[0], `old: version "latest" is not a semantic version`) {
		t.Errorf("verdict %+v", v)
	}
}

// TestHistory: transitive modes compare with every earlier version and list a
// change found against several once; the others with the last one, with a note.
func TestHistory(t *testing.T) {
	v3 := side{name: "v3", version: "1.2.0", changes: map[string]compat.Impact{"a": compat.Minor, "b": compat.Major}}
	v, calls := decide(t, Request[side]{History: []side{v1, v11}, New: v3, Mode: compat.BackwardTransitive, FailOn: compat.Major})
	if strings.Join(calls, " ") != "v1>v3:backward-transitive v1.1>v3:backward-transitive" {
		t.Errorf("calls %v", calls)
	}
	if len(v.Reports) != 1 || v.Reports[0].Old != "v1, v1.1" || v.From != "1.1.0" || v.To != "1.2.0" || !v.VersionChecked || v.VersionOK {
		t.Fatalf("verdict %+v", v)
	}
	against := map[string]string{}
	for _, c := range v.Reports[0].Changes {
		against[c.ID] = c.Against
	}
	if len(against) != 2 || against["a"] != "v1" || against["b"] != "v1, v1.1" {
		t.Errorf("against %v", against)
	}
	if strings.Join(v.Against, ",") != "v1,v1.1" {
		t.Errorf("Against %v", v.Against)
	}

	v, calls = decide(t, Request[side]{History: []side{v1, v11}, New: v3, FailOn: compat.Major})
	if strings.Join(calls, " ") != "v1.1>v3:backward" || len(v.Notes) != 1 || !strings.Contains(v.Notes[0], "compares with the last OLD only (v1.1)") {
		t.Errorf("calls %v notes %v", calls, v.Notes)
	}
	if c := v.Reports[0].Changes; len(c) != 1 || c[0].Against != "" || !c[0].Breaking {
		t.Errorf("changes %+v", c)
	}
}

// TestDefaults: NEW's own mode applies unless the request sets one.
func TestDefaults(t *testing.T) {
	n := v11
	n.mode = compat.Forward
	v, calls := decide(t, Request[side]{History: []side{v1}, New: n})
	if v.Mode != compat.Forward || v.Policy != compat.Strict || calls[0] != "v1>v1.1:forward" || v.Reports[0].Mode != compat.Forward {
		t.Errorf("mode %s policy %s calls %v", v.Mode, v.Policy, calls)
	}
	v, _ = decide(t, Request[side]{History: []side{v1}, New: n, Mode: compat.Full, Policy: compat.Lenient})
	if v.Mode != compat.Full || v.Reports[0].Policy != compat.Lenient {
		t.Errorf("mode %s policy %s", v.Mode, v.Reports[0].Policy)
	}
}

// TestWaivers: a waived change does not count; an expired waiver that still
// matches fails the check and counts the change again.
func TestWaivers(t *testing.T) {
	w := compat.Waiver{ID: "b", Path: "#/b", Reason: "agreed", Line: 4}
	v, _ := decide(t, Request[side]{History: []side{v1}, New: v11Maj, Waivers: []compat.Waiver{w}, WaiverFile: "dsctl.yaml"})
	if v.Failed || v.RequiredBump != compat.Minor || !v.VersionOK || v.Suggested != "1.1.0" {
		t.Errorf("waived: %+v", v)
	}
	w.Expires = "2025-12-31"
	v, _ = decide(t, Request[side]{History: []side{v1}, New: v11Maj, Waivers: []compat.Waiver{w}, WaiverFile: "dsctl.yaml"})
	if !v.Failed || v.RequiredBump != compat.Major || len(v.Expired) != 1 || !strings.Contains(strings.Join(v.Reasons, "\n"), "dsctl.yaml:4: compat.ignore waiver for b at #/b expired on 2025-12-31") {
		t.Errorf("expired: %+v", v)
	}
}

func TestCombined(t *testing.T) {
	v, _ := decide(t, Request[side]{History: []side{v1}, New: v11Maj, RequireBump: true})
	g := v.Combined("contract")
	if g.Kind != "contract" || g.From != "1.0.0" || g.To != "1.1.0" || g.VersionOK == nil || *g.VersionOK || g.Suggested != "2.0.0" || len(g.Changes) != 2 {
		t.Errorf("combined %+v", g)
	}
}

// flowFake returns two reports: one judged in backward (an event schema of
// a package) and one per message direction (its AsyncAPI document).
type flowFake struct{ fake }

func (f flowFake) Compare(ctx context.Context, old, new side, mode compat.Mode, policy compat.Policy) (Comparison, error) {
	c, err := f.fake.Compare(ctx, old, new, mode, policy)
	c.Reports[0].Mode = compat.Backward
	c.Reports = append(c.Reports, compat.Report{Kind: "asyncapi", Mode: compat.Flow})
	return c, err
}

// TestFlowKeepsReportModes: under flow (a package's AsyncAPI document judged
// per message), each report keeps the mode it was judged in; any other mode
// is set on every report.
func TestFlowKeepsReportModes(t *testing.T) {
	n := v11
	n.mode = compat.Flow
	v, err := Decide(context.Background(), Request[side]{Comparer: flowFake{fake{&[]string{}}}, History: []side{v1}, New: n, Today: "2026-01-01"})
	if err != nil {
		t.Fatal(err)
	}
	if v.Mode != compat.Flow || v.Reports[0].Mode != compat.Backward || v.Reports[1].Mode != compat.Flow {
		t.Errorf("flow: verdict %s, reports %s and %s", v.Mode, v.Reports[0].Mode, v.Reports[1].Mode)
	}
	v, err = Decide(context.Background(), Request[side]{Comparer: flowFake{fake{&[]string{}}}, History: []side{v1}, New: n, Mode: compat.Full, Today: "2026-01-01"})
	if err != nil {
		t.Fatal(err)
	}
	if v.Reports[0].Mode != compat.Full || v.Reports[1].Mode != compat.Full {
		t.Errorf("full: reports %s and %s", v.Reports[0].Mode, v.Reports[1].Mode)
	}
}
