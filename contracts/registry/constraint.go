package registry

import (
	"fmt"
	"regexp"

	"github.com/Masterminds/semver/v3"
)

// caretWildcardRE finds a caret before a wildcard major (^x, ^*): the semver
// library accepts it, but it matches no version at all.
var caretWildcardRE = regexp.MustCompile(`\^\s*[vV]?[xX*]`)

// ParseConstraint parses a version constraint (Masterminds semver: ^1.2,
// ~1.4.0, >=1.2 <2, 1.4.0, *). A constraint that can match nothing (^x: a
// caret needs a major version) is refused too. It is the one check of
// constraints, for command-line references, dsctl.yaml's dependencies: and
// dsctl.lock.
func ParseConstraint(c string) (*semver.Constraints, error) {
	cs, err := semver.NewConstraint(c)
	if err != nil {
		return nil, err
	}
	if caretWildcardRE.MatchString(c) {
		return nil, fmt.Errorf("a caret needs a major version (^1, ^0.3); use * for any version")
	}
	return cs, nil
}
