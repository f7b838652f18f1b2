package credstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

func newTestFile(t *testing.T) *File {
	t.Helper()
	return NewFile(filepath.Join(t.TempDir(), "state", "keyward", "credentials.json"))
}

func TestFileRoundTrip(t *testing.T) {
	f := newTestFile(t)
	_, err := f.Get("prod")
	assertNotFound(t, err)
	if _, err := os.Stat(f.Path()); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Get created the file: %v", err)
	}

	mustSet(t, f, SecretAccount("prod"), "kws_secret")
	mustSet(t, f, TokenAccount("prod"), "eyJ.token")
	mustGet(t, f, SecretAccount("prod"), "kws_secret")
	mustGet(t, f, TokenAccount("prod"), "eyJ.token")

	data, err := os.ReadFile(f.Path())
	if err != nil {
		t.Fatal(err)
	}
	var content fileContent
	if err := json.Unmarshal(data, &content); err != nil {
		t.Fatalf("file is not JSON: %v", err)
	}
	want := fileContent{Version: 1, Service: "keyward", Accounts: map[string]string{"prod": "kws_secret", "prod:token": "eyJ.token"}}
	if fmt.Sprint(content) != fmt.Sprint(want) {
		t.Errorf("content = %+v, want %+v", content, want)
	}

	if err := f.Delete(TokenAccount("prod")); err != nil {
		t.Fatal(err)
	}
	assertNotFound(t, f.Delete(TokenAccount("prod")))
	mustGet(t, f, SecretAccount("prod"), "kws_secret")
	if err := f.Delete(SecretAccount("prod")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(f.Path()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("file left behind after its last account was deleted: %v", err)
	}
}

func TestDefaultFilePath(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home) // os.UserHomeDir on Windows

	state := filepath.Join(t.TempDir(), "state")
	t.Setenv("XDG_STATE_HOME", state)
	if got, _ := DefaultFilePath(); got != filepath.Join(state, "keyward", "credentials.json") {
		t.Errorf("with XDG_STATE_HOME: %q", got)
	}
	for _, value := range []string{"", "relative/state"} {
		t.Setenv("XDG_STATE_HOME", value)
		if got, _ := DefaultFilePath(); got != filepath.Join(home, ".local", "state", "keyward", "credentials.json") {
			t.Errorf("with XDG_STATE_HOME=%q: %q", value, got)
		}
	}
}

func TestFileWarningNamesThePath(t *testing.T) {
	f := NewFile("/state/keyward/credentials.json")
	want := "warning: --insecure-storage: credentials are stored unencrypted in /state/keyward/credentials.json; anyone who can read that file can use them"
	if got := f.Warning(); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestFileFailedWriteKeepsOldContent(t *testing.T) {
	f := newTestFile(t)
	mustSet(t, f, "prod", "old")

	var tempPath string
	f.rename = func(oldpath, newpath string) error {
		tempPath = oldpath
		if filepath.Dir(oldpath) != filepath.Dir(newpath) {
			t.Errorf("temporary file %s is not beside %s, so rename is not atomic", oldpath, newpath)
		}
		if info, err := os.Stat(oldpath); err != nil {
			t.Errorf("temporary file: %v", err)
		} else if runtime.GOOS != "windows" && info.Mode().Perm() != 0o600 {
			t.Errorf("temporary file mode = %04o, want 0600", info.Mode().Perm())
		}
		return errors.New("disk full")
	}
	if err := f.Set("prod", "new"); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Set = %v, want the rename error", err)
	}
	mustGet(t, f, "prod", "old")
	if _, err := os.Stat(tempPath); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temporary file %s left behind: %v", tempPath, err)
	}
	entries, _ := os.ReadDir(filepath.Dir(f.Path()))
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the credential file", len(entries))
	}
}

func TestFileReadersNeverSeeTornWrites(t *testing.T) {
	f := newTestFile(t)
	mustSet(t, f, "prod", "v0")
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range 100 {
			if err := f.Set("prod", strings.Repeat("x", i*100)); err != nil {
				t.Errorf("Set: %v", err)
				return
			}
		}
	})
	wg.Go(func() {
		reader := NewFile(f.Path()) // another handle, like another process
		for range 100 {
			if _, err := reader.Get("prod"); err != nil {
				t.Errorf("Get during writes: %v", err)
				return
			}
		}
	})
	wg.Wait()
}

func TestFileRefusesFileOthersCanRead(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permission bits on Windows")
	}
	f := newTestFile(t)
	mustSet(t, f, "prod", "kws_secret")
	if err := os.Chmod(f.Path(), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := f.Get("prod")
	if err == nil || !strings.Contains(err.Error(), "chmod 600 "+f.Path()) {
		t.Fatalf("Get = %v, want a refusal telling to chmod 600", err)
	}
}

func TestFileCorruptContentIsNotQuoted(t *testing.T) {
	f := newTestFile(t)
	if err := os.MkdirAll(filepath.Dir(f.Path()), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(f.Path(), []byte(`{"accounts":{"prod":kws_leaked}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := f.Get("prod")
	if err == nil || !strings.Contains(err.Error(), "not valid JSON") {
		t.Fatalf("Get = %v, want a not-valid-JSON error", err)
	}
	if strings.Contains(err.Error(), "kws") {
		t.Errorf("error quotes the file's content: %v", err)
	}
}
