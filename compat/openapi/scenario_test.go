package openapi

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/dsctl/dsctl/compat"
	"github.com/rogpeppe/go-internal/txtar"
	"go.yaml.in/yaml/v3"
)

// scenario is the header of one testdata/scenarios/*.txtar file; the archive
// holds old.yaml and new.yaml (or .json) and any files they $ref.
type scenario struct {
	Description string   `yaml:"description"`
	Bump        string   `yaml:"bump"`
	IDs         []string `yaml:"ids"`
	Old         string   `yaml:"old"`
	New         string   `yaml:"new"`
	// Operations, when set, are the operations of the first change.
	Operations []string `yaml:"operations"`
}

func loadScenario(t *testing.T, file string) (scenario, fstest.MapFS) {
	t.Helper()
	a, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var sc scenario
	if err := yaml.Unmarshal(a.Comment, &sc); err != nil {
		t.Fatalf("%s header: %v", file, err)
	}
	if sc.Old == "" {
		sc.Old = "old.yaml"
	}
	if sc.New == "" {
		sc.New = "new.yaml"
	}
	fsys := fstest.MapFS{}
	for _, f := range a.Files {
		fsys[f.Name] = &fstest.MapFile{Data: f.Data}
	}
	return sc, fsys
}

// sources returns the scenario's OLD and NEW documents as sources in fsys.
func (sc scenario) sources(fsys fstest.MapFS) (old, new compat.Source) {
	return compat.Source{Name: sc.Old, FS: fsys, Path: sc.Old}, compat.Source{Name: sc.New, FS: fsys, Path: sc.New}
}

// scenarioFiles lists testdata/scenarios/*.txtar.
func scenarioFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("testdata/scenarios/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestScenarios(t *testing.T) {
	files := scenarioFiles(t)
	if len(files) < 60 {
		t.Errorf("want at least 60 scenarios, have %d", len(files))
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			sc, fsys := loadScenario(t, file)
			old, new := sc.sources(fsys)
			changes, err := Engine{}.Diff(context.Background(), old, new, compat.Options{Mode: compat.Backward})
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, c := range changes {
				if !slices.Contains(ids, c.ID) {
					ids = append(ids, c.ID)
				}
			}
			slices.Sort(ids)
			want := slices.Clone(sc.IDs)
			slices.Sort(want)
			bump := compat.RequiredBump(changes).String()
			if !slices.Equal(ids, want) || bump != sc.Bump {
				t.Errorf("%s\n got ids %q bump %s\nwant ids %q bump %s", sc.Description, ids, bump, want, sc.Bump)
				for _, c := range changes {
					t.Logf("  %s %s %s %s: %s %v", c.Impact, c.ID, c.Path, c.Location, c.Message, c.Operations)
				}
			}
			if sc.Operations != nil && (len(changes) == 0 || !slices.Equal(changes[0].Operations, sc.Operations)) {
				t.Errorf("operations of the first change: want %q", sc.Operations)
			}
			if os.Getenv("DSCTL_SCENARIO_VERBOSE") != "" {
				for _, c := range changes {
					t.Logf("  %s %s %s %s: %s %v", c.Impact, c.ID, c.Path, c.Location, c.Message, c.Operations)
				}
			}
		})
	}
}
