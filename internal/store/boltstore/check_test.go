package boltstore

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/domain"
)

// healthyDB returns a database with a tenant, users with addresses and keys.
func healthyDB(t *testing.T) *DB {
	t.Helper()
	db, err := Open(filepath.Join(t.TempDir(), "keyward.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	err = db.Update(func(tx *Tx) error {
		if err := tx.SetPepper(fixturePepper); err != nil {
			return err
		}
		for _, id := range []string{"default", "system", "acme"} {
			if err := tx.PutTenant(domain.Tenant{ID: id, Name: id, Settings: domain.DefaultSettings(), CreatedAt: now}); err != nil {
				return err
			}
		}
		for _, id := range []string{"a", "b"} {
			email := id + "@example.com"
			if err := tx.PutUser(domain.ServiceUser{ID: id, Tenant: "acme", DisplayName: id, Email: &email, Status: domain.UserActive}); err != nil {
				return err
			}
			if err := tx.PutEmail("acme", email, id); err != nil {
				return err
			}
			if err := tx.PutKey(KeyRecord{AccessKey: domain.AccessKey{ID: "kwk_" + id, Tenant: "acme", ServiceUser: id}, SecretHash: []byte("hash-of-" + id)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func checkMessages(t *testing.T, db *DB) []string {
	t.Helper()
	problems, err := db.Check()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range problems {
		out = append(out, p.Check+": "+p.Message)
	}
	sort.Strings(out)
	return out
}

func TestCheckHealthy(t *testing.T) {
	if got := checkMessages(t, healthyDB(t)); len(got) != 0 {
		t.Fatalf("problems in a healthy database: %v", got)
	}
	missing, err := Open(filepath.Join(t.TempDir(), "none.db"), Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := checkMessages(t, missing); len(got) != 0 {
		t.Fatalf("problems in a missing database: %v", got)
	}
}

func TestCheckFindsBrokenInvariants(t *testing.T) {
	db := healthyDB(t)
	err := db.Update(func(tx *Tx) error {
		// a's address is no longer indexed; a stale entry points at nobody.
		if err := tx.DeleteEmail("acme", "a@example.com"); err != nil {
			return err
		}
		if err := tx.PutEmail("acme", "ghost@example.com", "ghost"); err != nil {
			return err
		}
		// b is gone but its key stays.
		if err := tx.DeleteUser("acme", "b"); err != nil {
			return err
		}
		if err := tx.DeleteEmail("acme", "b@example.com"); err != nil {
			return err
		}
		// Index entries without records, and a record without its index.
		if err := tx.top(bucketKeyIndex).Put([]byte("kwk_lost"), []byte("acme\x00a")); err != nil {
			return err
		}
		if err := tx.top(bucketSecretIndex).Put([]byte("hash-lost"), []byte("kwk_lost")); err != nil {
			return err
		}
		return tx.top(bucketSecretIndex).Delete([]byte("hash-of-a"))
	})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(checkMessages(t, db), "\n")
	for _, want := range []string{
		`emails: tenant acme: e-mail "a@example.com" of user a is indexed to ""`,
		`emails: tenant acme: e-mail "ghost@example.com" is indexed to user "ghost", which does not exist`,
		`keys: tenant acme: key kwk_b belongs to user "b", which does not exist`,
		`keyindex: key id kwk_lost is indexed to "acme/a", where there is no such key`,
		`secretindex: a secret hash is indexed to key kwk_lost, which does not exist`,
		`secretindex: the secret hash of key kwk_a is indexed to ""`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("check did not report %q; it reported:\n%s", want, got)
		}
	}
}

func TestInfoCounts(t *testing.T) {
	info, err := healthyDB(t).Info()
	if err != nil {
		t.Fatal(err)
	}
	if !info.Exists || info.Size == 0 || *info.SchemaVersion != SchemaVersion || len(info.Tenants) != 3 {
		t.Fatalf("info = %+v", info)
	}
	if acme := info.Tenants[0]; acme.Tenant != "acme" || acme.ServiceUsers != 2 || acme.AccessKeys != 2 {
		t.Fatalf("acme counts = %+v", acme)
	}
	missing, _ := Open(filepath.Join(t.TempDir(), "none.db"), Options{ReadOnly: true})
	if info, err := missing.Info(); err != nil || info.Exists || info.Tenants == nil {
		t.Fatalf("missing = %+v, %v", info, err)
	}
}
