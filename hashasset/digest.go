package hashasset

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"fmt"
	"hash"
	"strings"
)

// DefaultIntegrity is the default algorithm of the manifest's SRI values.
const DefaultIntegrity = "sha384"

// sriAlg is a subresource-integrity algorithm.
type sriAlg struct {
	name string
	// new returns the hash; nil for sha256, whose value is the content
	// hash the name is made of (no second pass over the bytes).
	new func() hash.Hash
}

var sriAlgs = map[string]sriAlg{
	"sha256": {name: "sha256"},
	"sha384": {name: "sha384", new: sha512.New384},
	"sha512": {name: "sha512", new: sha512.New},
}

// parseSRIAlg returns the algorithm named s ("" is the default).
func parseSRIAlg(s string) (sriAlg, error) {
	if s == "" {
		s = DefaultIntegrity
	}
	a, ok := sriAlgs[s]
	if !ok {
		return sriAlg{}, fmt.Errorf("--integrity %q: want sha256, sha384 or sha512", s)
	}
	return a, nil
}

// sriAlgOf returns the algorithm of an SRI value ("sha384-…").
func sriAlgOf(integrity string) (sriAlg, bool) {
	name, _, ok := strings.Cut(integrity, "-")
	if !ok {
		return sriAlg{}, false
	}
	a, ok := sriAlgs[name]
	return a, ok
}

// value formats a digest as an SRI value.
func (a sriAlg) value(sum []byte) string {
	return a.name + "-" + base64.StdEncoding.EncodeToString(sum)
}

// of returns the SRI value of data whose sha256 is s256.
func (a sriAlg) of(data []byte, s256 []byte) string {
	switch a.name {
	case "sha256":
		return a.value(s256)
	case "sha384":
		s := sha512.Sum384(data)
		return a.value(s[:])
	}
	s := sha512.Sum512(data)
	return a.value(s[:])
}

// sha256Of is sha256.Sum256 as a slice.
func sha256Of(data []byte) []byte {
	s := sha256.Sum256(data)
	return s[:]
}

// newHash returns the integrity hash, nil for sha256 (the content hash
// itself).
func (a sriAlg) newHash() hash.Hash {
	if a.new == nil {
		return nil
	}
	return a.new()
}
