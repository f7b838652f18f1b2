package root_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// smokeVersion is stamped into the binary under test, so scripts can tell it
// from any keyward on the user's PATH.
const smokeVersion = "v0.0.0-smoke"

// TestSmoke builds the real keyward binary with `go build` and runs the
// scripts in testdata/smoke against it: the shipped main, flag parsing and
// exit codes of a separate process, file locks between processes. The
// binary comes first on the scripts' PATH; `keyward-holdlock` is the test
// binary's helper (TestMain).
func TestSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the keyward binary; skipped with -short")
	}
	bin := buildKeyward(t)
	params := scriptParams(t, "testdata/smoke")
	setup := params.Setup
	params.Setup = func(env *testscript.Env) error {
		if err := setup(env); err != nil {
			return err
		}
		env.Setenv("PATH", bin+string(os.PathListSeparator)+env.Getenv("PATH"))
		env.Setenv("SMOKE_VERSION", smokeVersion)
		for _, k := range []string{"KEYWARD_DB", "KEYWARD_TENANT", "KEYWARD_PROFILE", "KEYWARD_SERVER", "KEYWARD_OUTPUT", "KEYWARD_CONFIG", "KEYWARD_NO_COLOR", "NO_COLOR"} {
			env.Setenv(k, "")
		}
		return nil
	}
	testscript.Run(t, params)
}

// buildKeyward builds ./cmd/keyward into a temporary directory and returns
// that directory.
func buildKeyward(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the smoke test needs the go command to build keyward: %v", err)
	}
	dir := t.TempDir()
	cmd := exec.Command(goTool, "build",
		"-ldflags", "-X github.com/keyward/keyward/internal/version.Version="+smokeVersion,
		"-o", filepath.Join(dir, "keyward"), "github.com/keyward/keyward/cmd/keyward")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, strings.TrimSpace(string(out)))
	}
	return dir
}
