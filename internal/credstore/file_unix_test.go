//go:build unix

package credstore

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestFileModesUnderUmask000(t *testing.T) {
	old := syscall.Umask(0) // process-wide: this test must not run in parallel
	t.Cleanup(func() { syscall.Umask(old) })

	root := t.TempDir()
	f := NewFile(filepath.Join(root, "state", "keyward", "credentials.json"))
	mustSet(t, f, "prod", "kws_secret")
	mustSet(t, f, "prod:token", "eyJ.token") // a rewrite keeps the mode too

	wantModes := map[string]os.FileMode{
		filepath.Join(root, "state"):            0o700,
		filepath.Join(root, "state", "keyward"): 0o700,
		f.Path():                                0o600,
	}
	for path, want := range wantModes {
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := info.Mode().Perm(); got != want {
			t.Errorf("%s: mode %04o, want %04o", path, got, want)
		}
	}
}
