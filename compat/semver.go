package compat

import (
	"fmt"

	"github.com/Masterminds/semver/v3"
)

// EffectiveBump applies semver's 0.y.z rule: below 1.0.0 every bump shifts down
// one level (a breaking change needs a minor bump, anything else a patch bump).
func EffectiveBump(from *semver.Version, bump Impact) Impact {
	if from == nil || from.Major() > 0 {
		return bump
	}
	switch bump {
	case Major:
		return Minor
	case Minor:
		return Patch
	default:
		return bump
	}
}

// Next returns the smallest version after from that the bump allows:
// 1.4.2 + major = 2.0.0, + minor = 1.5.0, + patch = 1.4.3, + none = 1.4.2.
// Pre-release and build metadata are dropped. Below 1.0.0 the bump shifts down.
func Next(from *semver.Version, bump Impact) *semver.Version {
	base := semver.New(from.Major(), from.Minor(), from.Patch(), "", "")
	var v semver.Version
	switch EffectiveBump(from, bump) {
	case Major:
		v = base.IncMajor()
	case Minor:
		v = base.IncMinor()
	case Patch:
		v = base.IncPatch()
	default:
		// A pre-release of the same version is not enough for a change-free release;
		// its release version is.
		return base
	}
	return &v
}

// BumpBetween returns which bump takes from to to (None when equal).
// It returns an error when to is not greater than or equal to from.
func BumpBetween(from, to *semver.Version) (Impact, error) {
	if to.LessThan(from) {
		return None, fmt.Errorf("version %s is lower than %s", to, from)
	}
	switch {
	case to.Major() != from.Major():
		return Major, nil
	case to.Minor() != from.Minor():
		return Minor, nil
	case to.Patch() != from.Patch():
		return Patch, nil
	case to.Prerelease() != from.Prerelease():
		return Patch, nil
	}
	return None, nil
}

// Gate fills the report's version fields: Suggested is the smallest version the
// changes allow after From; VersionOK says whether To is at least that large.
// With no From it leaves the version fields alone. An error means a version did
// not parse.
func Gate(r *Report) error {
	r.RequiredBump = RequiredBump(r.Changes)
	if r.From == "" {
		return nil
	}
	from, err := semver.StrictNewVersion(r.From)
	if err != nil {
		if from, err = semver.NewVersion(r.From); err != nil {
			return fmt.Errorf("from version %q: %w", r.From, err)
		}
	}
	r.Suggested = Next(from, r.RequiredBump).String()
	if r.To == "" {
		return nil
	}
	to, err := semver.NewVersion(r.To)
	if err != nil {
		return fmt.Errorf("to version %q: %w", r.To, err)
	}
	ok := VersionAllows(from, to, r.RequiredBump)
	r.VersionOK = &ok
	return nil
}

// VersionAllows reports whether moving from -> to is a large enough bump for the changes.
func VersionAllows(from, to *semver.Version, bump Impact) bool {
	if to.LessThan(from) {
		return false
	}
	need := EffectiveBump(from, bump)
	got, err := BumpBetween(from, to)
	if err != nil {
		return false
	}
	if need == None {
		return true
	}
	return got >= need
}

// Failed reports whether the report should fail the command: the declared
// version is too small, or (with no version gate) a change reaches failOn.
// Mode "none" never fails. failOn None disables the impact check.
func Failed(r *Report, failOn Impact) bool {
	if r.Mode == NoneMode {
		return false
	}
	if r.VersionOK != nil && !*r.VersionOK {
		return true
	}
	if r.VersionOK == nil && failOn != None && r.RequiredBump >= failOn {
		return true
	}
	return false
}

// ParseVersion parses a declared version; nil when s is empty or not semver.
func ParseVersion(s string) *semver.Version {
	if s == "" {
		return nil
	}
	v, err := semver.NewVersion(s)
	if err != nil {
		return nil
	}
	return v
}
