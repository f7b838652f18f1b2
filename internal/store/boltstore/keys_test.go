package boltstore_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/store/boltstore"
)

func openDB(t *testing.T) *boltstore.DB {
	t.Helper()
	db, err := boltstore.Open(filepath.Join(t.TempDir(), "keyward.db"), boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func update(t *testing.T, db *boltstore.DB, fn func(tx *boltstore.Tx) error) *boltstore.Changes {
	t.Helper()
	var ch *boltstore.Changes
	if err := db.Update(func(tx *boltstore.Tx) error {
		err := fn(tx)
		ch = tx.Changes()
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return ch
}

var t0 = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func record(id, user string) boltstore.KeyRecord {
	return boltstore.KeyRecord{
		AccessKey:  domain.AccessKey{ID: id, Tenant: "acme", ServiceUser: user, Name: "k", Status: domain.KeyActive, CreatedAt: t0},
		SecretHash: []byte("hash-of-" + id),
	}
}

func TestKeyIndexesAndRevocations(t *testing.T) {
	db := openDB(t)
	ch := update(t, db, func(tx *boltstore.Tx) error {
		if err := tx.PutTenant(domain.Tenant{ID: "acme"}); err != nil {
			return err
		}
		if err := tx.PutUser(domain.ServiceUser{ID: "bot", Tenant: "acme"}); err != nil {
			return err
		}
		a, b := record("kwk_a", "bot"), record("kwk_b", "bot")
		later, sooner := t0.Add(2*time.Hour), t0.Add(time.Hour)
		a.RevokeAt, b.RevokeAt = &later, &sooner
		if err := tx.PutKey(a); err != nil {
			return err
		}
		return tx.PutKey(b)
	})
	if _, ok := ch.Keys["kwk_a"]; !ok || ch.All || len(ch.Users) != 1 {
		t.Fatalf("changes = %+v", ch)
	}
	update(t, db, func(tx *boltstore.Tx) error {
		k, ok, err := tx.KeyBySecretHash([]byte("hash-of-kwk_b"))
		if err != nil || !ok || k.ID != "kwk_b" {
			t.Fatalf("by hash: %+v %v %v", k, ok, err)
		}
		if due := tx.DueRevocations(t0); len(due) != 0 {
			t.Fatalf("due before time: %+v", due)
		}
		due := tx.DueRevocations(t0.Add(90 * time.Minute))
		if len(due) != 1 || due[0].KeyID != "kwk_b" || !due[0].At.Equal(t0.Add(time.Hour)) {
			t.Fatalf("due = %+v", due)
		}
		if due := tx.DueRevocations(t0.Add(3 * time.Hour)); len(due) != 2 || due[0].KeyID != "kwk_b" {
			t.Fatalf("due, earliest first = %+v", due)
		}
		// Deleting a key drops its index entries, the pending revocation included.
		if err := tx.DeleteKey(k); err != nil {
			return err
		}
		if _, ok, _ := tx.KeyBySecretHash([]byte("hash-of-kwk_b")); ok {
			t.Fatal("secret index entry survived")
		}
		if due := tx.DueRevocations(t0.Add(3 * time.Hour)); len(due) != 1 || due[0].KeyID != "kwk_a" {
			t.Fatalf("due after delete = %+v", due)
		}
		return nil
	})
	// SetKeyLastUsed keeps the newest use and is not a change.
	ch = update(t, db, func(tx *boltstore.Tx) error {
		for _, use := range []struct {
			at time.Time
			ip string
		}{{t0.Add(time.Minute), "10.0.0.1"}, {t0, "10.0.0.2"}} {
			if ok, err := tx.SetKeyLastUsed("kwk_a", use.at, use.ip); err != nil || !ok {
				t.Fatalf("SetKeyLastUsed: %v %v", ok, err)
			}
		}
		if ok, err := tx.SetKeyLastUsed("kwk_gone", t0, ""); err != nil || ok {
			t.Fatalf("SetKeyLastUsed of a missing key: %v %v", ok, err)
		}
		k, _, _ := tx.Key("kwk_a")
		if k.LastUsedAt == nil || !k.LastUsedAt.Equal(t0.Add(time.Minute)) || *k.LastUsedIP != "10.0.0.1" {
			t.Fatalf("last use = %v %v", k.LastUsedAt, k.LastUsedIP)
		}
		return nil
	})
	if !ch.Empty() {
		t.Fatalf("recording a use was a change: %+v", ch)
	}
	// Deleting the tenant drops the global indexes of its keys.
	ch = update(t, db, func(tx *boltstore.Tx) error { return tx.DeleteTenant("acme") })
	if !ch.All {
		t.Fatal("deleting a tenant did not invalidate everything")
	}
	update(t, db, func(tx *boltstore.Tx) error {
		if _, ok, _ := tx.Key("kwk_a"); ok {
			t.Fatal("key index entry survived the tenant")
		}
		if due := tx.DueRevocations(t0.Add(24 * time.Hour)); len(due) != 0 {
			t.Fatalf("revocation survived the tenant: %+v", due)
		}
		return nil
	})
}
