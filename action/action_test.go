// Package action_test runs the GitHub Action's script (dsctl-action.sh)
// under testscript: simulated GITHUB_* files (step summary, outputs, PATH,
// event payload), real git repositories, the real dsctl, and a fake gh that
// serves release files and pull-request comments from the script's folder.
package action_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/dsctl/dsctl/internal/cli"
	"github.com/rogpeppe/go-internal/testscript"
	"go.yaml.in/yaml/v3"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"dsctl": func() { os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
		"gh":    func() { os.Exit(fakeGH(os.Args[1:])) },
	})
}

// fakeGH is a stand-in for the GitHub CLI with the two things the action uses:
//
//	gh release download TAG --repo R --dir D --pattern P...
//	    copies $FAKE_GH/releases/TAG/P into D (exit 1 if the release is missing)
//	gh api [--paginate] [--method M] PATH [-F body=@FILE] [--jq EXPR]
//	    GET answers $FAKE_GH/api/PATH.json (through jq when --jq is given);
//	    POST .../issues/N/comments adds a comment to that file (ids from 1),
//	    PATCH .../issues/comments/ID changes the body of the comment ID in
//	    it; both append "METHOD PATH" and the body to $FAKE_GH/calls.
//
// Every call is logged to $FAKE_GH/log; GH_TOKEN must be set, as for gh.
func fakeGH(args []string) int {
	root := os.Getenv("FAKE_GH")
	if root == "" {
		fmt.Fprintln(os.Stderr, "fake gh: FAKE_GH not set")
		return 100
	}
	logf, err := os.OpenFile(filepath.Join(root, "log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 100
	}
	defer logf.Close()
	fmt.Fprintln(logf, "gh "+strings.Join(args, " "))
	if os.Getenv("GH_TOKEN") == "" {
		fmt.Fprintln(os.Stderr, "gh: To use GitHub CLI in a GitHub Actions workflow, set the GH_TOKEN environment variable.")
		return 4
	}
	if len(args) >= 2 && args[0] == "release" && args[1] == "download" {
		return fakeRelease(root, args[2:])
	}
	if len(args) >= 1 && args[0] == "api" {
		return fakeAPI(root, args[1:])
	}
	fmt.Fprintln(os.Stderr, "fake gh: unsupported:", strings.Join(args, " "))
	return 100
}

func fakeRelease(root string, args []string) int {
	var tag, dir string
	var patterns []string
	for i := 0; i < len(args); i++ {
		switch args[i] {
		case "--repo":
			i++
		case "--dir":
			i++
			dir = args[i]
		case "--pattern":
			i++
			patterns = append(patterns, args[i])
		default:
			tag = args[i]
		}
	}
	src := filepath.Join(root, "releases", tag)
	if _, err := os.Stat(src); err != nil {
		fmt.Fprintln(os.Stderr, "release not found")
		return 1
	}
	for _, p := range patterns {
		b, err := os.ReadFile(filepath.Join(src, p))
		if err != nil {
			fmt.Fprintf(os.Stderr, "no assets match the file pattern %q\n", p)
			return 1
		}
		if err := os.WriteFile(filepath.Join(dir, p), b, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	return 0
}

func fakeAPI(root string, args []string) int {
	method, path, jqExpr, body := "GET", "", "", ""
	for i := 0; i < len(args); i++ {
		switch args[i] {
		case "--paginate":
		case "--method", "-X":
			i++
			method = args[i]
		case "--jq", "-q":
			i++
			jqExpr = args[i]
		case "-F", "--field":
			i++
			k, v, _ := strings.Cut(args[i], "=")
			if k != "body" || !strings.HasPrefix(v, "@") {
				fmt.Fprintln(os.Stderr, "fake gh: unexpected field", args[i])
				return 100
			}
			b, err := os.ReadFile(v[1:])
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
			body = string(b)
		default:
			path = args[i]
		}
	}
	if method != "GET" {
		f, err := os.OpenFile(filepath.Join(root, "calls"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer f.Close()
		fmt.Fprintf(f, "%s %s\n%s\n", method, path, body)
		if err := storeComment(root, method, path, body); err != nil {
			fmt.Fprintln(os.Stderr, "gh:", err)
			return 1
		}
		fmt.Println("{}")
		return 0
	}
	data, err := os.ReadFile(filepath.Join(root, "api", path+".json"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "gh: Not Found (HTTP 404)")
		return 1
	}
	if jqExpr == "" {
		os.Stdout.Write(data)
		return 0
	}
	cmd := exec.Command("jq", "-r", jqExpr)
	cmd.Stdin = bytes.NewReader(data)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return 1
	}
	return 0
}

type comment struct {
	ID   int    `json:"id"`
	Body string `json:"body"`
}

// storeComment keeps the fake's comments: POST adds one to the list,
// PATCH edits one in whichever list holds its id.
func storeComment(root, method, path, body string) error {
	var files []string
	switch {
	case method == "POST" && strings.HasSuffix(path, "/comments"):
		files = []string{filepath.Join(root, "api", path+".json")}
	case method == "PATCH" && strings.Contains(path, "/issues/comments/"):
		var err error
		files, err = filepath.Glob(filepath.Join(root, "api", "repos", "*", "*", "issues", "*", "comments.json"))
		if err != nil {
			return err
		}
	default:
		return fmt.Errorf("unexpected %s %s", method, path)
	}
	for _, file := range files {
		var list []comment
		if data, err := os.ReadFile(file); err == nil {
			if err := json.Unmarshal(data, &list); err != nil {
				return fmt.Errorf("%s: %w", file, err)
			}
		}
		if method == "POST" {
			next := 1
			for _, c := range list {
				next = max(next, c.ID+1)
			}
			list = append(list, comment{ID: next, Body: body})
		} else {
			id, err := strconv.Atoi(path[strings.LastIndex(path, "/")+1:])
			if err != nil {
				return err
			}
			found := false
			for i := range list {
				if list[i].ID == id {
					list[i].Body, found = body, true
				}
			}
			if !found {
				continue
			}
		}
		data, err := json.Marshal(list)
		if err != nil {
			return err
		}
		return os.WriteFile(file, data, 0o644)
	}
	return fmt.Errorf("Not Found (HTTP 404): %s", path)
}

func repoRoot(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	root, err := filepath.Abs(filepath.Join(filepath.Dir(file), ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// TestAction runs action/testdata/*.txtar. Each script gets $ACTION (the
// script), $REPO (the module root), simulated GITHUB_* files under $WORK/gh,
// and FAKE_GH=$WORK/fakegh for the fake gh.
func TestAction(t *testing.T) {
	for _, tool := range []string{"bash", "git", "jq", "tar", "sha256sum"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("SKIP: %s not installed; the action's tests need it", tool)
		}
	}
	root := repoRoot(t)
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Setup: func(e *testscript.Env) error {
			w := e.WorkDir
			for _, d := range []string{"gh", "fakegh/releases", "fakegh/api", "home", "runner"} {
				if err := os.MkdirAll(filepath.Join(w, d), 0o755); err != nil {
					return err
				}
			}
			e.Setenv("REPO", root)
			e.Setenv("ACTION", filepath.Join(root, "action", "dsctl-action.sh"))
			e.Setenv("HOME", filepath.Join(w, "home"))
			e.Setenv("NO_COLOR", "1")
			e.Setenv("FAKE_GH", filepath.Join(w, "fakegh"))
			e.Setenv("GITHUB_ACTIONS", "true")
			e.Setenv("GITHUB_REPOSITORY", "acme/shop")
			e.Setenv("GITHUB_EVENT_NAME", "pull_request")
			e.Setenv("GITHUB_EVENT_PATH", filepath.Join(w, "gh", "event.json"))
			e.Setenv("GITHUB_STEP_SUMMARY", filepath.Join(w, "gh", "summary.md"))
			e.Setenv("GITHUB_OUTPUT", filepath.Join(w, "gh", "output"))
			e.Setenv("GITHUB_PATH", filepath.Join(w, "gh", "path"))
			e.Setenv("GITHUB_ACTION_PATH", root)
			e.Setenv("RUNNER_TEMP", filepath.Join(w, "runner"))
			e.Setenv("RUNNER_OS", "Linux")
			e.Setenv("RUNNER_ARCH", "X64")
			e.Setenv("GIT_AUTHOR_NAME", "dev")
			e.Setenv("GIT_AUTHOR_EMAIL", "dev@example.com")
			e.Setenv("GIT_COMMITTER_NAME", "dev")
			e.Setenv("GIT_COMMITTER_EMAIL", "dev@example.com")
			e.Setenv("GIT_CONFIG_NOSYSTEM", "1")
			e.Setenv("GOFLAGS", os.Getenv("GOFLAGS"))
			e.Setenv("GOPATH", os.Getenv("GOPATH"))
			e.Setenv("GOMODCACHE", os.Getenv("GOMODCACHE"))
			e.Setenv("GOCACHE", os.Getenv("GOCACHE"))
			e.Setenv("GOPROXY", "off")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"gitlab-job": gitlabJob,
		},
	})
}

// gitlabJob MARKDOWN JOB SCRIPT: finds the GitLab CI job JOB in a ```yaml
// block of the markdown file, writes its script: lines to SCRIPT (one shell
// command each, in order) and prints the file its artifacts report as JUnit.
func gitlabJob(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: gitlab-job MARKDOWN JOB SCRIPT")
	}
	md := ts.ReadFile(args[0])
	type job struct {
		Image     any      `yaml:"image"`
		Script    []string `yaml:"script"`
		Artifacts struct {
			Reports struct {
				JUnit string `yaml:"junit"`
			} `yaml:"reports"`
		} `yaml:"artifacts"`
	}
	for _, block := range strings.Split(md, "```yaml\n")[1:] {
		block, _, _ = strings.Cut(block, "```")
		var jobs map[string]job
		if err := yaml.Unmarshal([]byte(block), &jobs); err != nil {
			continue
		}
		j, ok := jobs[args[1]]
		if !ok || len(j.Script) == 0 {
			continue
		}
		ts.Check(os.WriteFile(ts.MkAbs(args[2]), []byte("set -e\n"+strings.Join(j.Script, "\n")+"\n"), 0o644))
		fmt.Fprintln(ts.Stdout(), j.Artifacts.Reports.JUnit)
		return
	}
	ts.Fatalf("%s: no GitLab job %q with a script", args[0], args[1])
}
