// Package version tells which keyward this is: set by -ldflags at release,
// else read from the module build info of `go install` builds.
package version

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Set at release by goreleaser (see .goreleaser.yaml):
//
//	-ldflags "-X github.com/keyward/keyward/internal/version.Version=1.2.3
//	          -X github.com/keyward/keyward/internal/version.Commit=<sha>
//	          -X github.com/keyward/keyward/internal/version.Date=<RFC 3339>"
//
// Left empty, Get falls back to the build info (`go install …@v1.2.3` knows
// its module version; a build from a clone knows its VCS revision and time).
var (
	// Version is the release version without a leading "v" (e.g. "1.2.3").
	Version = ""
	// Commit is the full git commit hash the release was built from.
	Commit = ""
	// Date is the build date (RFC 3339). Releases use the commit time, so the
	// same commit always builds the same binary.
	Date = ""
)

// Info is the output of `keyward version` and `keyward --version`; its JSON
// shape is documented in docs/cli/keyward_version.md.
type Info struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	Date      string `json:"date"`
	GoVersion string `json:"goVersion"`
	Platform  string `json:"platform"`
}

// Get returns the version information, falling back to the build info.
func Get() Info {
	bi, _ := debug.ReadBuildInfo()
	return get(bi)
}

// get fills Info from the ldflags variables, then from bi (may be nil).
func get(bi *debug.BuildInfo) Info {
	info := Info{Version: Version, Commit: Commit, Date: Date, GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi != nil {
		if info.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			info.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch {
			case s.Key == "vcs.revision" && info.Commit == "":
				info.Commit = s.Value
			case s.Key == "vcs.time" && info.Date == "":
				info.Date = s.Value
			}
		}
	}
	if info.Version == "" {
		info.Version = "dev"
	}
	return info
}

// Text is the human form printed by `keyward version` and `keyward
// --version`: the version on the first line, then commit, date and Go.
func (i Info) Text() string {
	return fmt.Sprintf("keyward %s\ncommit: %s\ndate:   %s\ngo:     %s %s\n",
		i.Version, orUnknown(i.Commit), orUnknown(i.Date), i.GoVersion, i.Platform)
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
