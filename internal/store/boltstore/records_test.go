package boltstore

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/domain"
)

var created = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func update(t *testing.T, db *DB, fn func(tx *Tx) error) {
	t.Helper()
	if err := db.Update(fn); err != nil {
		t.Fatal(err)
	}
}

func view(t *testing.T, db *DB, fn func(tx *Tx) error) {
	t.Helper()
	if err := db.View(fn); err != nil {
		t.Fatal(err)
	}
}

func user(tenant, id string) domain.ServiceUser {
	return domain.ServiceUser{ID: id, Tenant: tenant, DisplayName: id, Status: domain.UserActive, CreatedAt: created, UpdatedAt: created}
}

func key(tenant, user, id, hash string) KeyRecord {
	return KeyRecord{AccessKey: domain.AccessKey{ID: id, Tenant: tenant, ServiceUser: user, Name: "key-1", Status: domain.KeyActive, CreatedAt: created}, SecretHash: []byte(hash)}
}

func TestEmailIndex(t *testing.T) {
	t.Parallel()
	db, _ := openRW(t)
	update(t, db, func(tx *Tx) error {
		if err := tx.PutTenant(domain.Tenant{ID: "acme"}); err != nil {
			return err
		}
		u := user("acme", "ci-bot")
		email := "CI@Example.com"
		u.Email = &email
		if err := tx.PutUser(u); err != nil {
			return err
		}
		return tx.PutEmail("acme", email, u.ID)
	})
	tests := []struct {
		tenant, email string
		wantOwner     string // "" = free
	}{
		{"acme", "CI@Example.com", "ci-bot"},
		{"acme", "ci@example.com", "ci-bot"}, // same mailbox in another case
		{"acme", "other@example.com", ""},
		{"other", "ci@example.com", ""}, // unique per tenant only
	}
	for _, tt := range tests {
		view(t, db, func(tx *Tx) error {
			owner, ok := tx.EmailOwner(tt.tenant, tt.email)
			if ok != (tt.wantOwner != "") || owner != tt.wantOwner {
				t.Errorf("EmailOwner(%s, %s) = %q, %v; want %q", tt.tenant, tt.email, owner, ok, tt.wantOwner)
			}
			return nil
		})
	}
	update(t, db, func(tx *Tx) error { return tx.DeleteEmail("acme", "ci@EXAMPLE.com") })
	view(t, db, func(tx *Tx) error {
		if owner, ok := tx.EmailOwner("acme", "CI@Example.com"); ok {
			t.Errorf("e-mail still owned by %q after DeleteEmail", owner)
		}
		return nil
	})
}

func TestKeyIndexes(t *testing.T) {
	t.Parallel()
	db, _ := openRW(t)
	k1 := key("acme", "ci-bot", "kwk_aaaaaaaaaaaaaaaaaaaa", "hash-1")
	k2 := key("acme", "ci-bot", "kwk_bbbbbbbbbbbbbbbbbbbb", "hash-2")
	other := key("acme", "ci-bot-2", "kwk_cccccccccccccccccccc", "hash-3")
	update(t, db, func(tx *Tx) error {
		if err := tx.PutTenant(domain.Tenant{ID: "acme"}); err != nil {
			return err
		}
		for _, k := range []KeyRecord{k1, k2, other} {
			if err := tx.PutKey(k); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, db, func(tx *Tx) error {
		for _, k := range []KeyRecord{k1, k2, other} {
			got, ok, err := tx.Key(k.ID)
			if err != nil || !ok || got.ServiceUser != k.ServiceUser || got.Tenant != k.Tenant {
				t.Errorf("Key(%s) = %+v, %v, %v", k.ID, got, ok, err)
			}
			got, ok, err = tx.KeyBySecretHash(k.SecretHash)
			if err != nil || !ok || got.ID != k.ID {
				t.Errorf("KeyBySecretHash(%s) = %s, %v, %v; want %s", k.SecretHash, got.ID, ok, err, k.ID)
			}
		}
		var ids []string
		err := tx.ForEachKeyOfUser("acme", "ci-bot", func(k KeyRecord) error {
			ids = append(ids, k.ID)
			return nil
		})
		if want := k1.ID + "," + k2.ID; strings.Join(ids, ",") != want || err != nil {
			t.Errorf("keys of ci-bot = %v, %v; want %s (not ci-bot-2's, whose id shares the prefix)", ids, err, want)
		}
		return nil
	})

	update(t, db, func(tx *Tx) error { return tx.DeleteKey(k1) })
	view(t, db, func(tx *Tx) error {
		if _, ok, _ := tx.Key(k1.ID); ok {
			t.Error("deleted key still found by id")
		}
		if _, ok, _ := tx.KeyBySecretHash(k1.SecretHash); ok {
			t.Error("deleted key still found by secret hash")
		}
		if tx.top(bucketKeyIndex).Get([]byte(k1.ID)) != nil || tx.top(bucketSecretIndex).Get(k1.SecretHash) != nil {
			t.Error("index entries of a deleted key remain")
		}
		if _, ok, _ := tx.Key(k2.ID); !ok {
			t.Error("deleting one key removed another")
		}
		return nil
	})
}

func TestUserRecords(t *testing.T) {
	t.Parallel()
	db, _ := openRW(t)
	update(t, db, func(tx *Tx) error {
		u := user("acme", "ci-bot")
		u.AccessKeys = []domain.AccessKey{{ID: "kwk_derived"}}
		u.AllowedKeyTypes = []string{"MONITORING"}
		return tx.PutUser(u)
	})
	view(t, db, func(tx *Tx) error {
		u, ok, err := tx.User("acme", "ci-bot")
		if err != nil || !ok {
			t.Fatalf("User = %v, %v", ok, err)
		}
		if u.AccessKeys != nil || u.AllowedKeyTypes != nil {
			t.Errorf("derived fields were stored: %+v", u)
		}
		if tx.UserCount("acme") != 1 || tx.UserCount("other") != 0 {
			t.Errorf("UserCount = %d, %d; want 1, 0", tx.UserCount("acme"), tx.UserCount("other"))
		}
		return nil
	})
	update(t, db, func(tx *Tx) error { return tx.DeleteUser("acme", "ci-bot") })
	view(t, db, func(tx *Tx) error {
		if _, ok, _ := tx.User("acme", "ci-bot"); ok {
			t.Error("deleted user still found")
		}
		return nil
	})
}

// TestUsersDecodesInOrder covers both the one-goroutine and the parallel
// decoding of Users.
func TestUsersDecodesInOrder(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, decodeChunk - 1, 3*decodeChunk + 7} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			t.Parallel()
			db, _ := openRW(t)
			update(t, db, func(tx *Tx) error {
				if err := tx.PutTenant(domain.Tenant{ID: "acme"}); err != nil {
					return err
				}
				for i := range n {
					if err := tx.PutUser(user("acme", fmt.Sprintf("u-%05d", i))); err != nil {
						return err
					}
				}
				return nil
			})
			view(t, db, func(tx *Tx) error {
				us, err := tx.Users("acme")
				if err != nil {
					t.Fatal(err)
				}
				if len(us) != n {
					t.Fatalf("Users returned %d, want %d", len(us), n)
				}
				for i, u := range us {
					if want := fmt.Sprintf("u-%05d", i); u.ID != want || !u.CreatedAt.Equal(created) {
						t.Fatalf("Users()[%d] = %s %v, want %s", i, u.ID, u.CreatedAt, want)
					}
				}
				return nil
			})
		})
	}
}

func TestUsersReportsDamagedRecord(t *testing.T) {
	t.Parallel()
	db, _ := openRW(t)
	update(t, db, func(tx *Tx) error {
		for i := range 2 * decodeChunk {
			if err := tx.PutUser(user("acme", fmt.Sprintf("u-%05d", i))); err != nil {
				return err
			}
		}
		b, err := tx.tenantBucket("acme", bucketUsers, false)
		if err != nil {
			return err
		}
		return b.Put([]byte("u-00700"), []byte("{not json"))
	})
	view(t, db, func(tx *Tx) error {
		_, err := tx.Users("acme")
		if err == nil || !strings.Contains(err.Error(), "decode u-00700") {
			t.Errorf("Users error = %v, want one naming u-00700", err)
		}
		return nil
	})
}

func TestDeleteTenantRemovesEverything(t *testing.T) {
	t.Parallel()
	db, _ := openRW(t)
	keep := key("keep", "bot", "kwk_keepkeepkeepkeepkeep", "hash-keep")
	gone := []KeyRecord{key("gone", "bot", "kwk_gonegonegonegonegon1", "hash-g1"), key("gone", "bot", "kwk_gonegonegonegonegon2", "")}
	update(t, db, func(tx *Tx) error {
		for _, tenant := range []string{"gone", "keep"} {
			if err := tx.PutTenant(domain.Tenant{ID: tenant}); err != nil {
				return err
			}
			if err := tx.PutUser(user(tenant, "bot")); err != nil {
				return err
			}
			if err := tx.PutEmail(tenant, "bot@example.com", "bot"); err != nil {
				return err
			}
		}
		for _, k := range append(gone, keep) {
			if err := tx.PutKey(k); err != nil {
				return err
			}
		}
		return nil
	})
	update(t, db, func(tx *Tx) error { return tx.DeleteTenant("gone") })
	view(t, db, func(tx *Tx) error {
		if _, ok, _ := tx.Tenant("gone"); ok {
			t.Error("tenant record remains")
		}
		if tx.top(bucketTenantData).Bucket([]byte("gone")) != nil {
			t.Error("nested tenant bucket remains")
		}
		if _, ok, _ := tx.User("gone", "bot"); ok {
			t.Error("user of the deleted tenant remains")
		}
		if _, ok := tx.EmailOwner("gone", "bot@example.com"); ok {
			t.Error("e-mail index entry of the deleted tenant remains")
		}
		for _, k := range gone {
			if tx.top(bucketKeyIndex).Get([]byte(k.ID)) != nil {
				t.Errorf("key index entry %s remains", k.ID)
			}
		}
		if tx.top(bucketSecretIndex).Get(gone[0].SecretHash) != nil {
			t.Error("secret index entry of a deleted key remains")
		}
		// The other tenant is untouched.
		if _, ok, _ := tx.User("keep", "bot"); !ok {
			t.Error("user of another tenant was deleted")
		}
		if owner, _ := tx.EmailOwner("keep", "bot@example.com"); owner != "bot" {
			t.Error("e-mail index of another tenant was deleted")
		}
		if k, ok, _ := tx.KeyBySecretHash(keep.SecretHash); !ok || !bytes.Equal(k.SecretHash, keep.SecretHash) {
			t.Error("key of another tenant was unindexed")
		}
		return nil
	})
	// Deleting a tenant that does not exist changes nothing and fails nothing.
	update(t, db, func(tx *Tx) error { return tx.DeleteTenant("never-existed") })
}

func TestAuditAppendsInOrder(t *testing.T) {
	t.Parallel()
	db, _ := openRW(t)
	update(t, db, func(tx *Tx) error {
		for _, action := range []string{"a", "b", "c"} {
			ev := domain.AuditEvent{Action: action, Time: created}
			if err := tx.AppendAudit(&ev); err != nil {
				return err
			}
			if ev.Seq == 0 {
				t.Error("AppendAudit did not set Seq")
			}
		}
		return nil
	})
	view(t, db, func(tx *Tx) error {
		var got []string
		err := tx.ForEachAuditReverse(func(ev domain.AuditEvent) (bool, error) {
			got = append(got, ev.Action)
			return len(got) < 2, nil
		})
		if strings.Join(got, "") != "cb" || err != nil {
			t.Errorf("newest two = %v, %v; want c, b", got, err)
		}
		return nil
	})
}
