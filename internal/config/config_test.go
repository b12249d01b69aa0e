package config

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dsctl/dsctl/internal/errkind"
)

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, src, want string
		line            int
	}{
		{"unknown top key", "apiVersion: dsctl.dev/v1\nfoo: 1\n", `unknown key "foo"`, 2},
		{"unknown nested key", "apiVersion: dsctl.dev/v1\ncompat:\n  ignore:\n    - id: a\n      path: b\n      why: c\n", `unknown key "why"`, 6},
		{"missing apiVersion", "services: []\n", "missing apiVersion", 1},
		{"future apiVersion", "apiVersion: dsctl.dev/v2\nfoo: 1\n", `unsupported apiVersion "dsctl.dev/v2"`, 1},
		{"not a mapping", "- a\n- b\n", "must be a mapping", 1},
		{"bad yaml", "apiVersion: dsctl.dev/v1\nservices: [\n", "", 0},
		{"empty", "", "empty", 0},
		{"service incomplete", "apiVersion: dsctl.dev/v1\nservices:\n  - name: a\n", "needs spec", 3},
		{"duplicate service", "apiVersion: dsctl.dev/v1\nservices:\n  - {name: a, spec: s, package: p, output: o}\n  - {name: a, spec: s, package: p, output: o}\n", "already defined at line 3", 4},
		{"bad expiry", "apiVersion: dsctl.dev/v1\ncompat:\n  ignore:\n    - {id: a, path: b, expires: tomorrow}\n", "want YYYY-MM-DD", 4},
		{"wrong type", "apiVersion: dsctl.dev/v1\nservices: 3\n", "", 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("dsctl.yaml", []byte(c.src))
			if err == nil {
				t.Fatal("no error")
			}
			var ke *errkind.Error
			if !errors.As(err, &ke) || ke.Kind != errkind.Input {
				t.Fatalf("not an input error: %v", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not contain %q", err, c.want)
			}
			if c.line != 0 && ke.Line != c.line {
				t.Errorf("line %d, want %d (%v)", ke.Line, c.line, err)
			}
			if !strings.HasPrefix(err.Error(), "dsctl.yaml") {
				t.Errorf("error does not name the file: %v", err)
			}
		})
	}
}

func TestParseResolves(t *testing.T) {
	src := "\ufeffapiVersion: dsctl.dev/v1\nregistry: .dsctl/registry\nservices:\n  - name: billing\n    spec: ../orders/openapi.yaml\n    package: orders\n    output: gen/dtos.go\n    operations: [getOrder]\n  - name: shipping\n    spec: contract:orders@^1#orders-api\n    package: orders\n    output: gen.go\n"
	c, err := Parse(filepath.Join("svc", "dsctl.yaml"), []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Resolve(c.Services[0].Spec); got != filepath.Join("orders", "openapi.yaml") {
		t.Errorf("Resolve = %q", got)
	}
	if got := c.Resolve(c.Services[1].Spec); got != "contract:orders@^1#orders-api" {
		t.Errorf("contract ref changed: %q", got)
	}
	if c.Services[1].Line != 9 {
		t.Errorf("service line %d", c.Services[1].Line)
	}
	if s, ok := c.Service("billing"); !ok || s.Operations[0] != "getOrder" {
		t.Errorf("Service lookup failed")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("apiVersion: dsctl.dev/v1\nservices:\n  - {name: a, spec: s, package: p, output: o}\n"))
	f.Add([]byte("apiVersion: dsctl.dev/v1\ncompat:\n  ignore:\n    - {id: a, path: b, expires: 2026-01-01}\n"))
	f.Add([]byte("a: &a [*a, *a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("dsctl.yaml", data)
		if err == nil && c.APIVersion != APIVersion {
			t.Fatalf("accepted apiVersion %q", c.APIVersion)
		}
		if err != nil && errkind.Of(err) != errkind.Input {
			t.Fatalf("non-input error: %v", err)
		}
	})
}
