package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// These tests keep the repository's own entry points honest: the Makefile
// and the demo script that README sends new users to.

// TestDemoStepsShowWhatRuns checks that every `step "..."` line of
// scripts/demo.sh prints the command the next line runs ("$DSCTL" shown as
// dsctl), so the demo never shows a command that does not exist.
func TestDemoStepsShowWhatRuns(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "..", "scripts", "demo.sh"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	stepRE := regexp.MustCompile(`^\s*step "(.*)"\s*$`)
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	steps := 0
	for i, l := range lines {
		m := stepRE.FindStringSubmatch(l)
		if m == nil || i+1 == len(lines) {
			continue
		}
		steps++
		next := strings.TrimSpace(lines[i+1])
		next = strings.TrimSuffix(strings.ReplaceAll(next, `"$DSCTL"`, "dsctl"), `\`)
		if !strings.HasPrefix(next, m[1]) {
			t.Errorf("demo.sh:%d: prints %q but runs %q", i+1, "$ "+m[1], next)
		}
	}
	if steps == 0 {
		t.Fatal("no step lines found in demo.sh")
	}
}

// TestMakeTestSaysRegistrySkipped runs `make test` (with GO=true, so no
// tests run) with and without docker-registry on PATH: without it, one line
// says the registry integration tests are skipped.
func TestMakeTestSaysRegistrySkipped(t *testing.T) {
	mk, err := exec.LookPath("make")
	if err != nil {
		t.Skip("make not installed")
	}
	tru, err := exec.LookPath("true")
	if err != nil {
		t.Skip("no true command")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	run := func() string {
		t.Helper()
		cmd := exec.Command(mk, "-s", "-C", root, "test", "GO="+tru)
		cmd.Env = []string{"PATH=" + bin, "HOME=" + t.TempDir()}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("make test: %v\n%s", err, out)
		}
		return string(out)
	}
	const say = "docker-registry not found, so the OCI registry integration tests are skipped"
	out := run()
	if !strings.Contains(out, say) || strings.Count(out, "\n") != 1 {
		t.Errorf("without docker-registry, make test printed %q, want one line saying %q", out, say)
	}
	if err := os.WriteFile(filepath.Join(bin, "docker-registry"), []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if out := run(); strings.Contains(out, "docker-registry") {
		t.Errorf("with docker-registry on PATH, make test printed %q", out)
	}
}
