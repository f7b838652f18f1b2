package boltstore

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/domain"
	bolt "go.etcd.io/bbolt"
)

// openRW opens a fresh database file in t.TempDir() and writes its layout.
func openRW(t *testing.T) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "keyward.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Update(func(*Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	return db, path
}

// setSchema writes a raw schema value into a closed database file.
func setSchema(t *testing.T, path, schema string) {
	t.Helper()
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(metaSchema, []byte(schema))
	}); err != nil {
		t.Fatal(err)
	}
}

func TestOpenChecksSchema(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		schema  string
		wantErr string // "" = opens
	}{
		{"current", "2", ""},
		{"older: migrated by the next write", "1", ""},
		{"newer than this binary", "3", "has schema version 3, newer than this keyward understands (2); upgrade keyward"},
		{"much newer", "117", "has schema version 117, newer than this keyward understands (2)"},
		{"not a number", "one", `database schema version "one" is not a number: the file is damaged`},
		{"empty", "", `database schema version "" is not a number: the file is damaged`},
	}
	for _, tt := range tests {
		for _, readOnly := range []bool{false, true} {
			name := tt.name + map[bool]string{false: "/read-write", true: "/read-only"}[readOnly]
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				db, path := openRW(t)
				db.Close()
				setSchema(t, path, tt.schema)
				db, err := Open(path, Options{ReadOnly: readOnly})
				if tt.wantErr == "" {
					if err != nil {
						t.Fatalf("Open: %v", err)
					}
					db.Close()
					return
				}
				if err == nil {
					db.Close()
					t.Fatalf("Open succeeded, want error %q", tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Open error = %q, want it to contain %q", err, tt.wantErr)
				}
				if domain.CodeOf(err) == domain.CodeBusy {
					t.Fatalf("schema error classified as busy: %v", err)
				}
			})
		}
	}
}

func TestFirstUpdateWritesLayout(t *testing.T) {
	t.Parallel()
	db, _ := openRW(t)
	err := db.View(func(tx *Tx) error {
		v, err := tx.schemaVersion()
		if err != nil || v != SchemaVersion {
			t.Errorf("schema version = %d, %v; want %d", v, err, SchemaVersion)
		}
		for _, name := range topLevelBuckets {
			if tx.top(name) == nil {
				t.Errorf("bucket %s missing after the first update", name)
			}
		}
		if tx.Initialized() {
			t.Error("Initialized before a pepper was set")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestReadOnlyMissingFile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		path func(dir string) string
	}{
		{"file in an existing directory", func(dir string) string { return filepath.Join(dir, "keyward.db") }},
		{"file in a missing directory", func(dir string) string { return filepath.Join(dir, "missing", "deeper", "keyward.db") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := tt.path(dir)
			db, err := Open(path, Options{ReadOnly: true})
			if err != nil {
				t.Fatalf("Open read-only: %v", err)
			}
			if db.Bolt() != nil {
				t.Error("a missing file gave a bbolt handle")
			}
			err = db.View(func(tx *Tx) error {
				if tx.Initialized() {
					t.Error("missing database reads as initialised")
				}
				if ts, err := tx.Tenants(); err != nil || len(ts) != 0 {
					t.Errorf("Tenants = %v, %v; want none", ts, err)
				}
				if _, ok, err := tx.User("default", "ci-bot"); ok || err != nil {
					t.Errorf("User = %v, %v; want not found", ok, err)
				}
				if us, err := tx.Users("default"); len(us) != 0 || err != nil {
					t.Errorf("Users = %v, %v; want none", us, err)
				}
				if _, ok, err := tx.Key("kwk_x"); ok || err != nil {
					t.Errorf("Key = %v, %v; want not found", ok, err)
				}
				if tx.Pepper() != nil {
					t.Error("missing database has a pepper")
				}
				return tx.ForEachAuditReverse(func(domain.AuditEvent) (bool, error) {
					t.Error("missing database has audit events")
					return false, nil
				})
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := db.Update(func(*Tx) error { return nil }); err == nil {
				t.Error("Update on a read-only open succeeded")
			}
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			// Nothing was created: the directory holds exactly what it held.
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 0 {
				t.Errorf("read-only open created %v", entries)
			}
		})
	}
}

func TestReadOnlyOpenOfExistingFileDoesNotWrite(t *testing.T) {
	t.Parallel()
	db, path := openRW(t)
	db.Close()
	before, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o400); err != nil { // read-only file: a write would fail
		t.Fatal(err)
	}
	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("Open read-only: %v", err)
	}
	ro.Close()
	after, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if !after.ModTime().Equal(before.ModTime()) || after.Size() != before.Size() {
		t.Errorf("read-only open changed the file")
	}
}

// TestPermissionsUnderUmask000 must not run in parallel: the umask belongs
// to the process.
func TestPermissionsUnderUmask000(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)

	dir := t.TempDir()
	tests := []struct {
		name    string
		path    string
		prepare func(path string) error
	}{
		{"new file in a new directory", filepath.Join(dir, "a", "keyward.db"), nil},
		{"new file in an existing 0700 directory", filepath.Join(dir, "b", "keyward.db"), func(p string) error {
			return os.Mkdir(filepath.Dir(p), 0o700)
		}},
		{"existing world-readable file", filepath.Join(dir, "c", "keyward.db"), func(p string) error {
			if err := os.Mkdir(filepath.Dir(p), 0o700); err != nil {
				return err
			}
			return os.WriteFile(p, nil, 0o666)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.prepare != nil {
				if err := tt.prepare(tt.path); err != nil {
					t.Fatal(err)
				}
			}
			db, err := Open(tt.path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if err := db.Update(func(*Tx) error { return nil }); err != nil {
				t.Fatal(err)
			}
			db.Close()
			wantMode(t, tt.path, 0o600)
			wantMode(t, filepath.Dir(tt.path), 0o700)
		})
	}
}

func wantMode(t *testing.T, path string, want fs.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("%s has mode %#o, want %#o", path, got, want)
	}
}

func TestLockedDatabaseIsBusy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		holderRO  bool
		openerRO  bool
		wantBusy  bool
		wantError bool
	}{
		{"writer blocks writer", false, false, true, true},
		{"writer blocks reader", false, true, true, true},
		{"reader blocks writer", true, false, true, true},
		{"readers share", true, true, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db, path := openRW(t)
			db.Close()
			holder, err := Open(path, Options{ReadOnly: tt.holderRO})
			if err != nil {
				t.Fatal(err)
			}
			defer holder.Close()
			second, err := Open(path, Options{ReadOnly: tt.openerRO, Timeout: 50 * time.Millisecond})
			if !tt.wantError {
				if err != nil {
					t.Fatalf("second open: %v", err)
				}
				second.Close()
				return
			}
			if err == nil {
				second.Close()
				t.Fatal("second open succeeded while the lock was held")
			}
			if !errors.Is(err, domain.ErrBusy) {
				t.Fatalf("second open error %v has code %s, want busy", err, domain.CodeOf(err))
			}
			if err.Error() != ErrLockedMessage {
				t.Errorf("message = %q, want %q", err, ErrLockedMessage)
			}
			const want = "database is in use by another process (is `keyward serve` running? use a remote profile)"
			if ErrLockedMessage != want {
				t.Errorf("ErrLockedMessage = %q, want SPEC's %q", ErrLockedMessage, want)
			}
		})
	}
}

func TestPepperIsSetOnce(t *testing.T) {
	t.Parallel()
	db, _ := openRW(t)
	err := db.Update(func(tx *Tx) error {
		if err := tx.SetPepper([]byte("first")); err != nil {
			return err
		}
		if err := tx.SetPepper([]byte("second")); err == nil {
			t.Error("SetPepper replaced an existing pepper")
		}
		if got := string(tx.Pepper()); got != "first" {
			t.Errorf("Pepper = %q, want first", got)
		}
		if !tx.Initialized() {
			t.Error("not Initialized after SetPepper")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
