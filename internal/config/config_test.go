package config

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/spf13/viper"
)

// TestSaveUnderUmask000 must not run in parallel: the umask belongs to the
// process.
func TestSaveUnderUmask000(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)

	dir := filepath.Join(t.TempDir(), "config", "keyward")
	path := filepath.Join(dir, "config.yaml")
	first := &File{CurrentProfile: "dev", Profiles: map[string]*Profile{"dev": {DB: "/tmp/dev.db", Tenant: "acme"}}}
	if err := Save(path, first); err != nil {
		t.Fatal(err)
	}
	wantMode(t, path, 0o600)
	wantMode(t, dir, 0o700)

	// A second save replaces the file by rename (a new inode), never
	// rewriting it in place, and leaves no temporary file behind.
	before := inode(t, path)
	second := &File{CurrentProfile: "prod", Profiles: map[string]*Profile{
		"dev":  {DB: "/tmp/dev.db", Tenant: "acme"},
		"prod": {Server: "https://keyward.example.com", AccessKeyID: "kwk_abc", Tenant: "acme"},
	}}
	if err := Save(path, second); err != nil {
		t.Fatal(err)
	}
	if inode(t, path) == before {
		t.Error("Save rewrote the file in place instead of renaming a new one over it")
	}
	wantMode(t, path, 0o600)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "config.yaml" {
		t.Errorf("directory holds %v, want config.yaml only", entries)
	}

	got, err := Load(viper.New(), path)
	if err != nil {
		t.Fatal(err)
	}
	if got.CurrentProfile != "prod" || len(got.Profiles) != 2 || *got.Profiles["prod"] != *second.Profiles["prod"] {
		t.Errorf("Load = %+v", got)
	}
	if names := strings.Join(got.ProfileNames(), ","); names != "dev,prod" {
		t.Errorf("ProfileNames = %s", names)
	}
}

func wantMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("%s has mode %#o, want %#o", path, got, want)
	}
}

func inode(t *testing.T, path string) uint64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Sys().(*syscall.Stat_t).Ino
}

func TestLoad(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		content *string // nil = no file
		wantErr []string
		check   func(*File) bool
	}{
		{name: "missing file is empty", check: func(f *File) bool { return f.CurrentProfile == "" && f.Profiles != nil && len(f.Profiles) == 0 }},
		{name: "empty file", content: ptr(""), check: func(f *File) bool { return f.Profiles != nil && len(f.Profiles) == 0 }},
		{name: "profiles", content: ptr("current-profile: dev\nprofiles:\n  dev:\n    db: /x.db\n    tenant: acme\n"),
			check: func(f *File) bool {
				return f.CurrentProfile == "dev" && f.Profiles["dev"].DB == "/x.db" && !f.Profiles["dev"].IsRemote()
			}},
		{name: "tab indentation", content: ptr("current-profile: dev\nprofiles:\n\tdev: {}\n"), wantErr: []string{"config.yaml is not valid YAML", "line 3"}},
		{name: "unclosed flow map", content: ptr("profiles:\n  dev: {db: x\n"), wantErr: []string{"config.yaml is not valid YAML", "line "}},
		{name: "wrong type", content: ptr("profiles: [a, b]\n"), wantErr: []string{"config.yaml", "line 1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "config.yaml")
			if tt.content != nil {
				if err := os.WriteFile(path, []byte(*tt.content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			f, err := Load(viper.New(), path)
			if tt.wantErr != nil {
				if err == nil {
					t.Fatalf("Load succeeded: %+v", f)
				}
				for _, want := range tt.wantErr {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("Load error %q lacks %q", err, want)
					}
				}
				if !strings.Contains(err.Error(), path) {
					t.Errorf("Load error %q does not name the file", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(f) {
				t.Errorf("Load = %+v", f)
			}
		})
	}
}

func ptr(s string) *string { return &s }

func TestCheckProfileName(t *testing.T) {
	t.Parallel()
	for name, ok := range map[string]bool{
		"dev": true, "prod-eu.1": true, "a_b": true, "0": true, strings.Repeat("a", 63): true,
		"": false, "Dev": false, "-dev": false, ".dev": false, "_dev": false, "dev prod": false, "dev/prod": false,
		strings.Repeat("a", 64): false, "dév": false,
	} {
		if err := CheckProfileName(name); (err == nil) != ok {
			t.Errorf("CheckProfileName(%q) = %v, want ok=%v", name, err, ok)
		}
	}
}

func TestDefaultPaths(t *testing.T) {
	t.Parallel()
	env := func(m map[string]string) Getenv { return func(k string) string { return m[k] } }
	tests := []struct {
		name             string
		env              map[string]string
		db, config, stat string
	}{
		{"XDG set", map[string]string{"XDG_DATA_HOME": "/d", "XDG_CONFIG_HOME": "/c", "XDG_STATE_HOME": "/s", "HOME": "/h"},
			"/d/keyward/keyward.db", "/c/keyward/config.yaml", "/s/keyward"},
		{"XDG unset", map[string]string{"HOME": "/h"},
			"/h/.local/share/keyward/keyward.db", "/h/.config/keyward/config.yaml", "/h/.local/state/keyward"},
		{"relative XDG ignored", map[string]string{"XDG_DATA_HOME": "rel", "HOME": "/h"},
			"/h/.local/share/keyward/keyward.db", "/h/.config/keyward/config.yaml", "/h/.local/state/keyward"},
	}
	for _, tt := range tests {
		g := env(tt.env)
		if got := DefaultDBPath(g); got != tt.db {
			t.Errorf("%s: DefaultDBPath = %s, want %s", tt.name, got, tt.db)
		}
		if got := DefaultConfigPath(g); got != tt.config {
			t.Errorf("%s: DefaultConfigPath = %s, want %s", tt.name, got, tt.config)
		}
		if got := StateDir(g); got != tt.stat {
			t.Errorf("%s: StateDir = %s, want %s", tt.name, got, tt.stat)
		}
	}
}
