package config

import (
	"errors"
	"strings"
	"testing"

	"github.com/dsctl/dsctl/internal/errkind"
)

func TestDependencies(t *testing.T) {
	src := "apiVersion: dsctl.dev/v1\ndependencies:\n  - name: orders\n    version: ^1\n  - {name: billing, version: '>=2.1 <3'}\n"
	c, err := Parse("dsctl.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if !c.HasDependencies || len(c.Dependencies) != 2 {
		t.Fatalf("dependencies: %+v", c.Dependencies)
	}
	if d := c.Dependencies[0]; d.Name != "orders" || d.Version != "^1" || d.Line != 3 || d.VersionLine != 4 || d.VersionColumn != 14 {
		t.Errorf("first dependency %+v", d)
	}
	if d := c.Dependencies[1]; d.Version != ">=2.1 <3" {
		t.Errorf("second dependency %+v", d)
	}
	c, err = Parse("dsctl.yaml", []byte("apiVersion: dsctl.dev/v1\ndependencies: []\n"))
	if err != nil || !c.HasDependencies {
		t.Errorf("an empty list is declared: %v %+v", err, c)
	}
	c, err = Parse("dsctl.yaml", []byte("apiVersion: dsctl.dev/v1\n"))
	if err != nil || c.HasDependencies {
		t.Errorf("no key, no dependencies: %v %+v", err, c)
	}
}

func TestDependencyErrors(t *testing.T) {
	cases := []struct {
		name, src, want string
		line, col       int
	}{
		{"unknown key", "apiVersion: dsctl.dev/v1\ndependencies:\n  - name: orders\n    versoin: ^1\n", `unknown key "versoin"`, 4, 0},
		{"no version", "apiVersion: dsctl.dev/v1\ndependencies:\n  - name: orders\n", "needs name and version", 3, 5},
		{"no name", "apiVersion: dsctl.dev/v1\ndependencies:\n  - version: ^1\n", "needs name and version", 3, 5},
		{"bad name", "apiVersion: dsctl.dev/v1\ndependencies:\n  - {name: ../etc, version: ^1}\n", "invalid contract name", 3, 5},
		{"bad constraint", "apiVersion: dsctl.dev/v1\ndependencies:\n  - name: orders\n    version: ^x\n", `invalid version constraint "^x"`, 4, 14},
		{"not a constraint", "apiVersion: dsctl.dev/v1\ndependencies:\n  - name: orders\n    version: one\n", `invalid version constraint "one"`, 4, 14},
		{"duplicate", "apiVersion: dsctl.dev/v1\ndependencies:\n  - {name: orders, version: ^1}\n  - {name: orders, version: ^2}\n", `"orders" already listed at line 3`, 4, 5},
		{"not a list", "apiVersion: dsctl.dev/v1\ndependencies:\n  orders: ^1\n", "", 3, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("dsctl.yaml", []byte(c.src))
			var ke *errkind.Error
			if !errors.As(err, &ke) || ke.Kind != errkind.Input {
				t.Fatalf("not an input error: %v", err)
			}
			if !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "dsctl.yaml:") {
				t.Errorf("error %q: want dsctl.yaml:LINE and %q", err, c.want)
			}
			if ke.Line != c.line || (c.col != 0 && ke.Column != c.col) {
				t.Errorf("at %d:%d, want %d:%d (%v)", ke.Line, ke.Column, c.line, c.col, err)
			}
		})
	}
}
