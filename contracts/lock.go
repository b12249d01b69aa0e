package contracts

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"

	"github.com/Masterminds/semver/v3"
	"github.com/dsctl/dsctl/contracts/registry"
	"github.com/dsctl/dsctl/internal/cmdline"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/dsctl/dsctl/internal/fsx"
)

// LockFileName is the lock file beside dsctl.yaml.
const LockFileName = "dsctl.lock"

// LockVersion is the dsctl.lock format version this dsctl writes. It also
// reads version 1, whose entries have no constraint.
const LockVersion = 2

// DefaultVendorDir is where pull unpacks packages, relative to the lock's folder.
const DefaultVendorDir = "contracts/vendor"

// Lock is dsctl.lock: the exact version and digests of every pulled contract.
type Lock struct {
	Version   int                  `json:"version"`
	Contracts map[string]LockEntry `json:"contracts"`
}

// LockEntry pins one contract.
type LockEntry struct {
	// Constraint is the version constraint the entry was resolved from
	// (dsctl.yaml's dependency, or pull's NAME@CONSTRAINT); a bare name
	// resolves with it again, so it never crosses a major. Empty in version 1 locks.
	Constraint string `json:"constraint,omitempty"`
	Version    string `json:"version"`
	// Digest is the OCI manifest digest of the version in the registry.
	Digest string `json:"digest"`
	// Archive is the digest of the package archive.
	Archive string `json:"archive,omitempty"`
	// Registry is the store reference the package was pulled from.
	Registry string `json:"registry"`
	// Files maps every file of the package (slash-separated path) to its
	// sha256 digest; verify compares the vendored folder with it, so the check
	// does not depend on how the archive was compressed. Without it, verify
	// packs the folder again and compares with Archive.
	Files map[string]string `json:"files,omitempty"`
}

// Equal reports whether two entries pin the same thing.
func (e LockEntry) Equal(o LockEntry) bool {
	if e.Constraint != o.Constraint || e.Version != o.Version || e.Digest != o.Digest || e.Archive != o.Archive || e.Registry != o.Registry || len(e.Files) != len(o.Files) {
		return false
	}
	for k, v := range e.Files {
		if o.Files[k] != v {
			return false
		}
	}
	return true
}

// FileDigests returns path → "sha256:<hex>" for files.
func FileDigests(files map[string][]byte) map[string]string {
	m := make(map[string]string, len(files))
	for p, b := range files {
		m[p] = Digest(b)
	}
	return m
}

var digestRE = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

// maxLockFile bounds the read of dsctl.lock (a pull request can make it a
// link to a device).
const maxLockFile = 64 << 20

// LoadLock reads dsctl.lock at path; a missing file is an empty lock.
func LoadLock(path string) (*Lock, error) {
	data, err := fsx.ReadFileLimited(path, maxLockFile)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return &Lock{Version: LockVersion, Contracts: map[string]LockEntry{}}, nil
		}
		return nil, errkind.InputAt(path, 0, 0, fmt.Errorf("read lock: %w", fsx.PathCause(err)))
	}
	return ParseLock(path, data)
}

// ParseLock decodes dsctl.lock bytes; path names the file in errors.
func ParseLock(path string, data []byte) (*Lock, error) {
	var probe struct {
		Version *int `json:"version"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, errkind.InputAt(path, 0, 0, fmt.Errorf("invalid JSON: %w", err))
	}
	if probe.Version == nil {
		return nil, errkind.InputAt(path, 0, 0, errors.New("missing version"))
	}
	if *probe.Version != LockVersion && *probe.Version != 1 {
		return nil, errkind.InputAt(path, 0, 0, fmt.Errorf("unsupported lock version %d (this dsctl reads 1 and %d)", *probe.Version, LockVersion))
	}
	var l Lock
	dec := json.NewDecoder(bytesReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l); err != nil {
		return nil, errkind.InputAt(path, 0, 0, fmt.Errorf("invalid lock: %w", err))
	}
	if l.Contracts == nil {
		l.Contracts = map[string]LockEntry{}
	}
	for name, e := range l.Contracts {
		if !registry.ValidName(name) {
			return nil, errkind.InputAt(path, 0, 0, fmt.Errorf("invalid contract name %q", name))
		}
		if _, err := semver.StrictNewVersion(e.Version); err != nil {
			return nil, errkind.InputAt(path, 0, 0, fmt.Errorf("contract %s: invalid version %q", name, e.Version))
		}
		if e.Constraint != "" {
			if _, err := registry.ParseConstraint(e.Constraint); err != nil {
				return nil, errkind.InputAt(path, 0, 0, fmt.Errorf("contract %s: invalid constraint %q: %v", name, e.Constraint, err))
			}
		}
		if !digestRE.MatchString(e.Digest) || (e.Archive != "" && !digestRE.MatchString(e.Archive)) {
			return nil, errkind.InputAt(path, 0, 0, fmt.Errorf("contract %s: digests must be sha256:<64 hex>", name))
		}
		for f, d := range e.Files {
			if err := checkEntryName(f); err != nil {
				return nil, errkind.InputAt(path, 0, 0, fmt.Errorf("contract %s: file %q: %v", name, f, err))
			}
			if !digestRE.MatchString(d) {
				return nil, errkind.InputAt(path, 0, 0, fmt.Errorf("contract %s: file %s: digests must be sha256:<64 hex>", name, f))
			}
		}
	}
	return &l, nil
}

// Marshal encodes the lock deterministically (sorted keys, two-space indent, final newline).
func (l *Lock) Marshal() ([]byte, error) {
	if l.Contracts == nil {
		l.Contracts = map[string]LockEntry{}
	}
	l.Version = LockVersion
	b, err := json.MarshalIndent(l, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode lock: %w", err)
	}
	return append(b, '\n'), nil
}

// Save writes the lock atomically (unchanged content is not rewritten).
func (l *Lock) Save(path string) error {
	b, err := l.Marshal()
	if err != nil {
		return err
	}
	if err := fsx.WriteFileAtomic(path, b, 0o644); err != nil {
		return errkind.Envf("write %s: %w", path, err)
	}
	return nil
}

// Names returns the locked contract names, sorted.
func (l *Lock) Names() []string {
	ns := make([]string, 0, len(l.Contracts))
	for n := range l.Contracts {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	return ns
}

// Vendored returns the vendored package of a locked contract whose version
// satisfies constraint ("" or "*" accepts any): lockPath is dsctl.lock and
// vendorDir the vendor folder (DefaultVendorDir beside the lock when empty).
// It is how contract:NAME@CONSTRAINT#API references resolve without a registry.
func Vendored(lockPath, vendorDir, name, constraint string) (*Contract, LockEntry, error) {
	l, err := LoadLock(lockPath)
	if err != nil {
		return nil, LockEntry{}, err
	}
	e, ok := l.Contracts[name]
	if !ok {
		return nil, e, &errkind.Error{Kind: errkind.Input, File: lockPath,
			Err:  fmt.Errorf("contract %s is not in the lock", name),
			Hint: lockHint(name, constraint, vendorDir, false)}
	}
	if constraint != "" && constraint != "*" {
		cs, err := semver.NewConstraint(constraint)
		if err != nil {
			return nil, e, errkind.Inputf("contract %s: invalid constraint %q: %w", name, constraint, err)
		}
		v, err := semver.NewVersion(e.Version)
		if err != nil {
			return nil, e, errkind.InputAt(lockPath, 0, 0, fmt.Errorf("contract %s: invalid version %q", name, e.Version))
		}
		if !cs.Check(v) {
			return nil, e, &errkind.Error{Kind: errkind.Input, File: lockPath,
				Err:  fmt.Errorf("contract %s is locked at %s, which does not satisfy %s", name, e.Version, constraint),
				Hint: lockHint(name, constraint, vendorDir, true)}
		}
	}
	// Locked but not vendored (a fresh clone that ignores the vendor folder,
	// or a deleted folder): say how to get it back, into the folder asked for.
	hint := "run 'dsctl contract install' to vendor what the lock pins (or pass --dir if it was pulled into another folder)"
	if vendorDir != "" {
		hint = "to vendor what the lock pins there, run: " + cmdline.Join("dsctl", "contract", "install", "--dir", filepath.ToSlash(vendorDir))
	} else {
		vendorDir = filepath.Join(filepath.Dir(lockPath), DefaultVendorDir)
	}
	dir := filepath.Join(vendorDir, name)
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil, e, &errkind.Error{Kind: errkind.Input, File: filepath.ToSlash(dir),
			Err:  fmt.Errorf("contract %s@%s is in %s but not vendored", name, e.Version, filepath.Base(lockPath)),
			Hint: hint}
	}
	c, err := Load(dir)
	if err != nil {
		return nil, e, err
	}
	return c, e, nil
}

// lockHint is the hint of Vendored for a contract the lock lacks (locked
// false) or pins at a version outside constraint: the commands, shell-quoted,
// that pin a version satisfying it. pull takes NAME@CONSTRAINT (a bare NAME
// for any version: it records a caret, where "@*" would record "*"); the
// vendor folder the reference was read from is passed on as --dir. A
// dependency that dsctl.yaml lists is installed from dsctl.yaml's constraint
// instead: pulling another one leaves dsctl.yaml and the lock disagreeing
// (install --locked fails); the constraint to write there is double-quoted,
// which YAML reads as written (">=2 <3" unquoted would be a folded block).
func lockHint(name, constraint, vendorDir string, locked bool) string {
	ref := name
	if constraint != "" && constraint != "*" {
		ref += "@" + constraint
	}
	var dir []string
	if vendorDir != "" {
		dir = []string{"--dir", filepath.ToSlash(vendorDir)}
	}
	pull := cmdline.Join(append([]string{"dsctl", "contract", "pull", ref}, dir...)...)
	install := cmdline.Join(append([]string{"dsctl", "contract", "install"}, dir...)...)
	if !locked {
		return fmt.Sprintf("to vendor it and pin it in %s, run: %s; if dsctl.yaml lists %s in dependencies:, run: %s",
			LockFileName, pull, name, install)
	}
	return fmt.Sprintf("to pin a version that satisfies %s, run: %s; if dsctl.yaml lists %s in dependencies:, set its version: to %q there, then run: %s",
		constraint, pull, name, constraint, install)
}
