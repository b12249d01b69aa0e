package compat

import (
	"testing"

	"github.com/Masterminds/semver/v3"
)

func TestNext(t *testing.T) {
	cases := []struct {
		from string
		bump Impact
		want string
	}{
		{"1.4.2", Major, "2.0.0"},
		{"1.4.2", Minor, "1.5.0"},
		{"1.4.2", Patch, "1.4.3"},
		{"1.4.2", None, "1.4.2"},
		{"0.3.1", Major, "0.4.0"},
		{"0.3.1", Minor, "0.3.2"},
		{"0.3.1", Patch, "0.3.2"},
		{"0.3.1", None, "0.3.1"},
		{"2.0.0-rc.1", Minor, "2.1.0"},
	}
	for _, c := range cases {
		got := Next(semver.MustParse(c.from), c.bump).String()
		if got != c.want {
			t.Errorf("Next(%s, %s) = %s, want %s", c.from, c.bump, got, c.want)
		}
	}
}

func TestGate(t *testing.T) {
	cases := []struct {
		from, to string
		impact   Impact
		ok       bool
		sugg     string
	}{
		{"1.2.0", "1.3.0", Major, false, "2.0.0"},
		{"1.2.0", "2.0.0", Major, true, "2.0.0"},
		{"1.2.0", "1.3.0", Minor, true, "1.3.0"},
		{"1.2.0", "1.2.1", Minor, false, "1.3.0"},
		{"1.2.0", "1.2.1", Patch, true, "1.2.1"},
		{"1.2.0", "1.2.0", Patch, false, "1.2.1"},
		{"1.2.0", "1.2.0", None, true, "1.2.0"},
		{"1.2.0", "1.1.0", None, false, "1.2.0"},
		{"0.2.0", "0.3.0", Major, true, "0.3.0"},
		{"0.2.0", "0.2.1", Major, false, "0.3.0"},
		{"0.2.0", "0.2.1", Minor, true, "0.2.1"},
	}
	for _, c := range cases {
		r := &Report{Mode: Backward, From: c.from, To: c.to}
		if c.impact != None {
			r.Changes = []Change{{ID: "x", Impact: c.impact}}
		}
		if err := Gate(r); err != nil {
			t.Fatal(err)
		}
		if r.VersionOK == nil || *r.VersionOK != c.ok || r.Suggested != c.sugg {
			t.Errorf("%s→%s with %s: ok=%v suggested=%s; want ok=%v suggested=%s", c.from, c.to, c.impact, *r.VersionOK, r.Suggested, c.ok, c.sugg)
		}
		if Failed(r, Major) == c.ok {
			t.Errorf("%s→%s with %s: Failed disagrees with VersionOK", c.from, c.to, c.impact)
		}
	}
}

func TestFailedWithoutVersions(t *testing.T) {
	r := &Report{Mode: Backward, Changes: []Change{{ID: "x", Impact: Minor}}}
	Gate(r)
	if Failed(r, Major) {
		t.Error("minor change failed --fail-on major")
	}
	if !Failed(r, Minor) {
		t.Error("minor change passed --fail-on minor")
	}
	if Failed(r, None) {
		t.Error("--fail-on none failed")
	}
	r.Changes[0].Impact = Major
	r.Mode = NoneMode
	Gate(r)
	if Failed(r, Major) {
		t.Error("mode none failed")
	}
	r.Mode = Backward
	r.Changes[0].Waived = "accepted"
	Gate(r)
	if Failed(r, Major) || r.RequiredBump != None {
		t.Error("waived change counted")
	}
}

func TestParse(t *testing.T) {
	for _, m := range Modes {
		got, err := ParseMode(string(m))
		if err != nil || got != m {
			t.Errorf("ParseMode(%s) = %v, %v", m, got, err)
		}
	}
	if _, err := ParseMode("sideways"); err == nil {
		t.Error("ParseMode accepted sideways")
	}
	if !FullTransitive.Transitive() || FullTransitive.Base() != Full || Backward.Transitive() {
		t.Error("Transitive/Base wrong")
	}
	for _, s := range []string{"none", "patch", "minor", "major"} {
		i, err := ParseImpact(s)
		if err != nil || i.String() != s {
			t.Errorf("ParseImpact(%s) = %v, %v", s, i, err)
		}
	}
}
