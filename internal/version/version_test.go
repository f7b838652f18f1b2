package version

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestGetPrefersLdflags(t *testing.T) {
	defer func(v, c, d string) { Version, Commit, Date = v, c, d }(Version, Commit, Date)
	Version, Commit, Date = "1.2.3", "abc123", "2026-11-23T12:00:00Z"
	bi := &debug.BuildInfo{Main: debug.Module{Version: "v9.9.9"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "fff"}, {Key: "vcs.time", Value: "2000-01-01T00:00:00Z"},
	}}
	got := get(bi)
	if got.Version != "1.2.3" || got.Commit != "abc123" || got.Date != "2026-11-23T12:00:00Z" {
		t.Fatalf("ldflags values not used: %+v", got)
	}
}

func TestGetFallsBackToBuildInfo(t *testing.T) {
	defer func(v, c, d string) { Version, Commit, Date = v, c, d }(Version, Commit, Date)
	Version, Commit, Date = "", "", ""
	tests := []struct {
		name string
		bi   *debug.BuildInfo
		want Info
	}{
		{"go install module@version", &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}},
			Info{Version: "v1.4.0"}},
		{"build from a clone", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123abcd"}, {Key: "vcs.time", Value: "2026-11-01T10:00:00Z"},
		}}, Info{Version: "dev", Commit: "0123abcd", Date: "2026-11-01T10:00:00Z"}},
		{"no build info", nil, Info{Version: "dev"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := get(tt.bi)
			if got.Version != tt.want.Version || got.Commit != tt.want.Commit || got.Date != tt.want.Date {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
			if got.GoVersion == "" || !strings.Contains(got.Platform, "/") {
				t.Fatalf("Go version or platform missing: %+v", got)
			}
		})
	}
}

func TestTextNamesUnknowns(t *testing.T) {
	text := Info{Version: "dev", GoVersion: "go1.26", Platform: "linux/amd64"}.Text()
	for _, want := range []string{"keyward dev\n", "commit: unknown\n", "date:   unknown\n", "go:     go1.26 linux/amd64\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("Text() = %q, missing %q", text, want)
		}
	}
}
