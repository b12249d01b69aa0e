package hashasset

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// Prune applies the retention rule to the previous versions in m and returns
// the files to delete (relative to out), removing them from m. The rule is
// Rails' (Sprockets' clean): for each asset, keep its newest keep previous
// versions, and keep any older one younger than keepAge; never touch a file
// of the current build. keep < 0 means "no count rule" (only the age
// decides); keepAge <= 0 means "no age rule".
//
// The age of a previous version is the time since it stopped being current:
// the modification time of the file of the next newer version (the one that
// replaced it), which dsctl writes once and never rewrites. The manifest has
// no clock, so the output folder's own files are the clock.
func Prune(m *Manifest, out string, keep int, keepAge time.Duration, now time.Time) []string {
	if keep < 0 && keepAge <= 0 {
		return nil
	}
	if keep < 0 {
		keep = 0
	}
	current := map[string]bool{}
	for _, a := range m.Assets {
		current[a.Path] = true
	}
	mtime := func(rel string) (time.Time, bool) {
		fi, err := os.Stat(filepath.Join(out, filepath.FromSlash(rel)))
		if err != nil {
			return time.Time{}, false
		}
		return fi.ModTime(), true
	}
	var removed []string
	keys := make([]string, 0, len(m.Previous))
	for k := range m.Previous {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		list := append([]PreviousAsset(nil), m.Previous[k]...)
		sort.SliceStable(list, func(i, j int) bool { return list[i].Build > list[j].Build })
		var kept []PreviousAsset
		for i, p := range list {
			if current[p.Path] || i < keep {
				kept = append(kept, p)
				continue
			}
			if keepAge > 0 {
				succ := ""
				if i > 0 {
					succ = list[i-1].Path
				} else if a, ok := m.Assets[k]; ok {
					succ = a.Path
				}
				t, ok := mtime(succ)
				if !ok {
					t, ok = mtime(p.Path)
				}
				if ok && now.Sub(t) < keepAge {
					kept = append(kept, p)
					continue
				}
			}
			removed = append(removed, p.Path)
			for _, e := range encodings {
				if _, ok := mtime(p.Path + e.suffix); ok {
					removed = append(removed, p.Path+e.suffix)
				}
			}
		}
		if len(kept) == 0 {
			delete(m.Previous, k)
		} else {
			m.Previous[k] = kept
		}
	}
	sort.Strings(removed)
	return removed
}

// removeFiles deletes files (relative to the output folder root, never
// through a symlink that leads out of it); a file already gone is fine.
func removeFiles(root *os.Root, rels []string) error {
	for _, rel := range rels {
		if !safeRel(rel) {
			return fmt.Errorf("refusing to delete %q: not a path inside %s", rel, root.Name())
		}
		if err := root.Remove(filepath.FromSlash(rel)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("delete old asset: %w", err)
		}
	}
	return nil
}

// CleanOptions configure Clean.
type CleanOptions struct {
	// Dir is the output folder; Manifest its manifest (default Dir/assets-manifest.json).
	Dir, Manifest string
	Keep          int
	KeepAge       time.Duration
	DryRun        bool
	Now           func() time.Time
}

// Clean prunes the previous versions listed in an output folder's manifest
// by the retention rule, writes the manifest (atomically, first) and then
// deletes the pruned files. It returns the files deleted.
func Clean(opts CleanOptions) ([]string, error) {
	file := opts.Manifest
	if file == "" {
		file = filepath.Join(opts.Dir, DefaultManifestName)
	}
	m, err := ReadManifest(file)
	if err != nil {
		return nil, err
	}
	if m == nil {
		return nil, inputAt(file, "no manifest: nothing to clean")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	removed := Prune(m, opts.Dir, opts.Keep, opts.KeepAge, opts.Now())
	if removed == nil {
		removed = []string{}
	}
	if opts.DryRun || len(removed) == 0 {
		return removed, nil
	}
	data, err := m.Marshal()
	if err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(opts.Dir)
	if err != nil {
		return nil, inputAt(opts.Dir, fmt.Sprintf("output folder: %v", err))
	}
	defer root.Close()
	if err := writeManifest(file, data); err != nil {
		return nil, err
	}
	if err := removeFiles(root, removed); err != nil {
		return nil, envErr(err)
	}
	return removed, nil
}
