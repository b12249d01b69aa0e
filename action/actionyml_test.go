package action_test

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestActionYAML checks action.yml against its script: every input reaches a
// step, every INPUT_* variable the script reads is set by a step, every
// output comes from a step output the script writes, and the steps call the
// script from the action's folder.
func TestActionYAML(t *testing.T) {
	root := repoRoot(t)
	data, err := os.ReadFile(filepath.Join(root, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a struct {
		Inputs  map[string]struct{ Required bool } `yaml:"inputs"`
		Outputs map[string]struct{ Value string }  `yaml:"outputs"`
		Runs    struct {
			Using string `yaml:"using"`
			Steps []struct {
				ID  string            `yaml:"id"`
				Env map[string]string `yaml:"env"`
				Run string            `yaml:"run"`
				Dir string            `yaml:"working-directory"`
			} `yaml:"steps"`
		} `yaml:"runs"`
	}
	if err := yaml.Unmarshal(data, &a); err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile(filepath.Join(root, "action", "dsctl-action.sh"))
	if err != nil {
		t.Fatal(err)
	}
	if a.Runs.Using != "composite" {
		t.Errorf("runs.using = %q, want composite", a.Runs.Using)
	}
	used := map[string]bool{}
	setVars := map[string]bool{}
	inputRef := regexp.MustCompile(`\$\{\{ inputs\.([a-z-]+) \}\}`)
	for _, s := range a.Runs.Steps {
		if s.Run != `"$GITHUB_ACTION_PATH/action/dsctl-action.sh" `+s.ID {
			t.Errorf("step %s runs %q, want the script with %q", s.ID, s.Run, s.ID)
		}
		for k, v := range s.Env {
			setVars[k] = true
			for _, m := range inputRef.FindAllStringSubmatch(v, -1) {
				used[m[1]] = true
			}
		}
		for _, m := range inputRef.FindAllStringSubmatch(s.Dir, -1) {
			used[m[1]] = true
		}
	}
	for name := range a.Inputs {
		if !used[name] {
			t.Errorf("input %q reaches no step", name)
		}
	}
	read := map[string]bool{}
	for _, m := range regexp.MustCompile(`\$\{?(INPUT_[A-Z_]+|DSCTL_[A-Z_]+|GH_TOKEN)`).FindAllStringSubmatch(string(script), -1) {
		read[m[1]] = true
	}
	var missing []string
	for v := range read {
		if !setVars[v] && v != "DSCTL_REPO" { // DSCTL_REPO: a test hook, defaults to dsctl/dsctl
			missing = append(missing, v)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("the script reads %v, which no step sets", missing)
	}
	written := map[string]bool{}
	for _, m := range regexp.MustCompile(`output ([a-z-]+) `).FindAllStringSubmatch(string(script), -1) {
		written[m[1]] = true
	}
	for name, o := range a.Outputs {
		m := regexp.MustCompile(`^\$\{\{ steps\.[a-z]+\.outputs\.([a-z-]+) \}\}$`).FindStringSubmatch(o.Value)
		if m == nil || !written[m[1]] {
			t.Errorf("output %s = %q: not a step output the script writes (%v)", name, o.Value, keys(written))
		}
	}
}

func keys(m map[string]bool) string {
	var k []string
	for s := range m {
		k = append(k, s)
	}
	sort.Strings(k)
	return strings.Join(k, ",")
}
