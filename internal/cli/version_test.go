package cli

import (
	"bytes"
	"runtime/debug"
	"testing"

	"github.com/dsctl/dsctl/internal/output"
)

// TestBuildVersion covers the three ways dsctl is built: a release archive
// (stamped with -ldflags -X), `go install …@vX` (module version in the build
// info, no VCS settings) and `go build` in a clone (pseudo-version and VCS).
func TestBuildVersion(t *testing.T) {
	vcs := []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
		{Key: "vcs.time", Value: "2026-12-01T10:00:00Z"},
		{Key: "vcs.modified", Value: "true"},
	}
	tests := []struct {
		name                   string
		bi                     *debug.BuildInfo
		stampV, stampC, stampD string
		wantVersion            string
		wantText               string
	}{
		{
			name:        "no build info",
			wantVersion: "(devel)",
			wantText:    "dsctl (devel) ",
		},
		{
			name:        "go install at a version",
			bi:          &debug.BuildInfo{Main: debug.Module{Path: "github.com/dsctl/dsctl", Version: "v0.1.0"}},
			wantVersion: "v0.1.0",
			wantText:    "dsctl v0.1.0 ",
		},
		{
			name:        "go build in a modified clone",
			bi:          &debug.BuildInfo{Main: debug.Module{Version: "v0.1.1-0.20261201100000-0123456789ab+dirty"}, Settings: vcs},
			wantVersion: "v0.1.1-0.20261201100000-0123456789ab+dirty",
			wantText:    "dsctl v0.1.1-0.20261201100000-0123456789ab+dirty (0123456789ab, 2026-12-01T10:00:00Z, modified) ",
		},
		{
			name:        "release archive",
			bi:          &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs[:2]},
			stampV:      "v0.1.0",
			stampC:      "fedcba9876543210fedcba9876543210fedcba98",
			stampD:      "2026-12-05T01:00:00Z",
			wantVersion: "v0.1.0",
			wantText:    "dsctl v0.1.0 (fedcba987654, 2026-12-05T01:00:00Z) ",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := buildVersion(tt.bi, tt.stampV, tt.stampC, tt.stampD)
			if v.Version != tt.wantVersion {
				t.Errorf("version = %q, want %q", v.Version, tt.wantVersion)
			}
			var buf bytes.Buffer
			if err := v.WriteText(&buf, output.Style{}); err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(buf.Bytes(), []byte(tt.wantText)) {
				t.Errorf("text = %q, want prefix %q", buf.String(), tt.wantText)
			}
		})
	}
}
