package boltstore

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/domain"
)

// openTest opens a fresh database with tenant "t" in it.
func openTest(t *testing.T) *DB {
	t.Helper()
	db, err := Open(filepath.Join(t.TempDir(), "k.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Update(func(tx *Tx) error { return tx.PutTenant(domain.Tenant{ID: "t"}) }); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestPoliciesGroupsKeyTypesRoundTrip(t *testing.T) {
	db := openTest(t)
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	err := db.Update(func(tx *Tx) error {
		for _, name := range []string{"b", "B", "a"} {
			p := PolicyRecord{Revision: 7, Policy: domain.Policy{Name: name, Tenant: "t", Version: 1, CreatedAt: &now,
				Statements:    []domain.PolicyStatement{{Effect: "allow", Actions: []string{"key:read"}, Resources: []string{"*"}}},
				AttachedUsers: []string{"derived"}, KeyTypes: []string{"derived"}}}
			if err := tx.PutPolicy(p); err != nil {
				return err
			}
		}
		if err := tx.PutGroup(domain.Group{Name: "ops", Tenant: "t", Policies: []string{"a"}, Members: []string{"derived"}}); err != nil {
			return err
		}
		return tx.PutKeyType(domain.KeyType{Name: "MON", Tenant: "t", Scope: "a"})
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.View(func(tx *Tx) error {
		p, ok, err := tx.Policy("t", "a")
		if err != nil || !ok || p.Revision != 7 || p.Version != 1 || !p.CreatedAt.Equal(now) || len(p.Statements) != 1 {
			t.Fatalf("policy a = %+v, %v, %v", p, ok, err)
		}
		if p.AttachedUsers != nil || p.KeyTypes != nil {
			t.Fatalf("derived fields were stored: %+v", p)
		}
		if rev, ok := tx.PolicyRevision("t", "a"); !ok || rev != 7 {
			t.Fatalf("revision = %d, %v", rev, ok)
		}
		if _, ok, _ := tx.Policy("t", "A"); ok {
			t.Fatal("policy names must be case-sensitive")
		}
		if _, ok, _ := tx.Policy("other", "a"); ok {
			t.Fatal("found a policy in another tenant")
		}
		var names string
		if err := tx.ForEachPolicy("t", func(p PolicyRecord) error { names += p.Name; return nil }); err != nil {
			return err
		}
		if names != "Bab" {
			t.Fatalf("policies in order %q, want byte order", names)
		}
		g, ok, err := tx.Group("t", "ops")
		if err != nil || !ok || g.Members != nil || g.Policies[0] != "a" {
			t.Fatalf("group = %+v, %v, %v", g, ok, err)
		}
		k, ok, err := tx.KeyType("t", "MON")
		if err != nil || !ok || k.Scope != "a" {
			t.Fatalf("key type = %+v, %v, %v", k, ok, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *Tx) error {
		if err := tx.DeletePolicy("t", "a"); err != nil {
			return err
		}
		if err := tx.DeleteGroup("t", "ops"); err != nil {
			return err
		}
		if err := tx.DeleteKeyType("t", "MON"); err != nil {
			return err
		}
		// Deleting in a tenant without data is no error.
		return tx.DeletePolicy("missing", "a")
	})
	if err != nil {
		t.Fatal(err)
	}
	_ = db.View(func(tx *Tx) error {
		_, p, _ := tx.Policy("t", "a")
		_, g, _ := tx.Group("t", "ops")
		_, k, _ := tx.KeyType("t", "MON")
		_, rev := tx.PolicyRevision("t", "a")
		if p || g || k || rev {
			t.Fatalf("deleted records remain: policy %v group %v keytype %v", p, g, k)
		}
		return nil
	})
}

func TestAuthzGeneration(t *testing.T) {
	db := openTest(t)
	_ = db.View(func(tx *Tx) error {
		if g := tx.AuthzGeneration(); g != 0 {
			t.Fatalf("fresh generation = %d", g)
		}
		if _, err := tx.BumpAuthzGeneration(); err == nil {
			t.Fatal("bumped in a read transaction")
		}
		return nil
	})
	err := db.Update(func(tx *Tx) error {
		for want := uint64(1); want <= 2; want++ {
			if got, err := tx.BumpAuthzGeneration(); err != nil || got != want {
				t.Fatalf("bump = %d, %v; want %d", got, err, want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	_ = db.View(func(tx *Tx) error {
		if g := tx.AuthzGeneration(); g != 2 {
			t.Fatalf("generation = %d, want 2", g)
		}
		return nil
	})
	// A missing file opened read-only reads generation 0.
	ro, err := Open(filepath.Join(t.TempDir(), "missing.db"), Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	_ = ro.View(func(tx *Tx) error {
		if g := tx.AuthzGeneration(); g != 0 {
			t.Fatalf("missing file generation = %d", g)
		}
		return nil
	})
}
