package boltstore_test

import (
	"testing"
	"time"

	"github.com/keyward/keyward/internal/store/boltstore"
)

func revokedTokens(t *testing.T, db *boltstore.DB, now time.Time) []boltstore.RevokedToken {
	t.Helper()
	var out []boltstore.RevokedToken
	if err := db.View(func(tx *boltstore.Tx) error {
		return tx.ForEachRevokedToken(now, func(r boltstore.RevokedToken) error {
			out = append(out, r)
			return nil
		})
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// Revoked tokens are kept by expiry: the unexpired ones are listed, the
// expired ones (exp at or before now) are deleted, and putting one again
// writes nothing.
func TestRevokedTokens(t *testing.T) {
	db := openDB(t)
	soon := boltstore.RevokedToken{ID: "jti-soon", ExpiresAt: t0.Add(time.Minute)}
	later := boltstore.RevokedToken{ID: "jti-later", ExpiresAt: t0.Add(time.Hour)}
	update(t, db, func(tx *boltstore.Tx) error {
		if err := tx.SetPepper(make([]byte, 32)); err != nil {
			return err
		}
		for _, r := range []boltstore.RevokedToken{later, soon} {
			if added, err := tx.PutRevokedToken(r); err != nil || !added {
				t.Fatalf("put %v: %v, %v", r, added, err)
			}
		}
		if added, err := tx.PutRevokedToken(soon); err != nil || added {
			t.Fatalf("put again: %v, %v", added, err)
		}
		if _, err := tx.PutRevokedToken(boltstore.RevokedToken{ExpiresAt: t0}); err == nil {
			t.Fatal("put without an id")
		}
		return nil
	})
	if got := revokedTokens(t, db, t0); len(got) != 2 || got[0] != soon || got[1] != later {
		t.Fatalf("at t0: %v", got)
	}
	if got := revokedTokens(t, db, time.Time{}); len(got) != 2 {
		t.Fatalf("at the zero time: %v", got)
	}
	// exp is exclusive: at soon's exp it has expired.
	at := soon.ExpiresAt
	if got := revokedTokens(t, db, at.Add(-time.Nanosecond)); len(got) != 2 {
		t.Fatalf("just before soon expires: %v", got)
	}
	if got := revokedTokens(t, db, at); len(got) != 1 || got[0] != later {
		t.Fatalf("when soon expires: %v", got)
	}
	db.View(func(tx *boltstore.Tx) error {
		if tx.HasExpiredRevokedTokens(at.Add(-time.Second)) || !tx.HasExpiredRevokedTokens(at) {
			t.Error("HasExpiredRevokedTokens disagrees with the expiry")
		}
		return nil
	})
	update(t, db, func(tx *boltstore.Tx) error {
		if n, err := tx.DeleteExpiredRevokedTokens(at.Add(-time.Second)); err != nil || n != 0 {
			t.Fatalf("delete before anything expired: %d, %v", n, err)
		}
		if n, err := tx.DeleteExpiredRevokedTokens(later.ExpiresAt.Add(time.Hour)); err != nil || n != 2 {
			t.Fatalf("delete after both expired: %d, %v", n, err)
		}
		return nil
	})
	if got := revokedTokens(t, db, time.Time{}); len(got) != 0 {
		t.Fatalf("after the purge: %v", got)
	}
	if problems, err := db.Check(); err != nil || len(problems) != 0 {
		t.Fatalf("check: %+v, %v", problems, err)
	}
}

// Check reports a malformed entry of revokedtokens/.
func TestCheckRevokedTokens(t *testing.T) {
	db := openDB(t)
	update(t, db, func(tx *boltstore.Tx) error {
		if err := tx.SetPepper(make([]byte, 32)); err != nil {
			return err
		}
		return tx.Bolt().Bucket([]byte("revokedtokens")).Put([]byte("short"), nil)
	})
	problems, err := db.Check()
	if err != nil || len(problems) != 1 || problems[0].Check != "revokedtokens" {
		t.Fatalf("check: %+v, %v", problems, err)
	}
}
