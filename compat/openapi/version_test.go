package openapi

import (
	"context"
	"testing"
	"testing/fstest"

	"github.com/dsctl/dsctl/compat"
)

// TestVersionAfterLoad: Version of a document the engine has just loaded
// gives what parsing the whole document gives, without parsing it again when
// the version's line tells it (see version.go), and parses it when it does not.
func TestVersionAfterLoad(t *testing.T) {
	doc := func(info string) string {
		return "openapi: 3.0.3\ninfo:\n  title: T\n" + info + "paths: {}\n"
	}
	for _, tc := range []struct {
		name, data string
		want       string
		// reparse says the line does not tell the version exactly: Version
		// parses the whole document.
		reparse bool
	}{
		{"single quoted", doc("  version: '1.0'\n"), "1.0", false},
		{"double quoted", doc("  version: \"2.3.4\"\n"), "2.3.4", false},
		{"plain", doc("  version: 2.3.4\n"), "2.3.4", false},
		{"comment after", doc("  version: 2.3.4 # the release\n"), "2.3.4", false},
		{"crlf", "openapi: 3.0.3\r\ninfo:\r\n  title: T\r\n  version: v7\r\npaths: {}\r\n", "v7", false},
		{"bom", "\xef\xbb\xbf" + doc("  version: v8\n"), "v8", false},
		{"two lines", doc("  version: 1.0\n    beta\n"), "1.0 beta", true},
		{"quoted over two lines", doc("  version: \"1.0\n    beta\"\n"), "1.0 beta", true},
		{"tagged", doc("  version: !!str 1.0\n"), "1.0", true},
		{"flow info", "openapi: 3.0.3\ninfo: {title: T, version: 4.5.6}\npaths: {}\n", "4.5.6", true},
		{"literal block", doc("  version: |\n    9.9.9\n"), "9.9.9\n", true},
		{"key quoted", doc("  'version': 5.0.0\n"), "5.0.0", false},
		{"anchor", doc("  version: &v 5.1.0\n"), "5.1.0", true},
		{"deeper indentation", "openapi: 3.0.3\ninfo:\n    title: T\n    version: 6.1.0\npaths: {}\n", "6.1.0", false},
		// (kin-openapi refuses a version that is not a string: 1.0, 3.)
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := compat.Source{Name: "api.yaml", FS: fstest.MapFS{"api.yaml": {Data: []byte(tc.data)}}, Path: "api.yaml"}
			// The whole parse, before anything was loaded.
			full, err := Engine{}.Version(src)
			if err != nil {
				t.Fatal(err)
			}
			if full != tc.want {
				t.Fatalf("whole parse: version %q, want %q", full, tc.want)
			}
			if _, _, err := loadSpec(context.Background(), src, compat.Options{SpecWarning: func(error) {}}); err != nil {
				t.Fatal(err)
			}
			before := fullVersionParses.Load()
			got, err := Engine{}.Version(src)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("after load: version %q, want %q", got, tc.want)
			}
			if parsed := fullVersionParses.Load() > before; parsed != tc.reparse {
				t.Errorf("after load: parsed the whole document again = %v, want %v", parsed, tc.reparse)
			}
		})
	}
}
