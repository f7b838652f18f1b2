package boltstore

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/domain"
	bolt "go.etcd.io/bbolt"
)

var updateFixture = flag.Bool("update", false, "rewrite testdata/schema0.db")

const schema0Fixture = "testdata/schema0.db"

// fixtureSecret is the (fake) secret of the fixture's one access key.
const fixtureSecret = "kws_fixtureSecretOfTheSchemaZeroDatabase0000000000"

var fixturePepper = []byte("0123456789abcdef0123456789abcdef")

func fixtureSecretHash() []byte {
	m := hmac.New(sha256.New, fixturePepper)
	m.Write([]byte(fixtureSecret))
	return m.Sum(nil)
}

// writeSchema0 writes a database as a pre-release keyward did (schema 0):
// records, no meta/schema, no derived indexes. It uses bbolt directly, not
// this package, so that it keeps describing the old layout.
func writeSchema0(t *testing.T, path string) {
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	created := time.Date(2026, 1, 15, 9, 30, 0, 0, time.UTC)
	put := func(b *bolt.Bucket, key string, v any) {
		raw, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Put([]byte(key), raw); err != nil {
			t.Fatal(err)
		}
	}
	err = db.Update(func(tx *bolt.Tx) error {
		meta, _ := tx.CreateBucket([]byte("meta"))
		meta.Put([]byte("pepper"), fixturePepper)
		tenants, _ := tx.CreateBucket([]byte("tenants"))
		data, _ := tx.CreateBucket([]byte("t"))
		for _, id := range []string{"acme", "default", "system"} {
			put(tenants, id, domain.Tenant{ID: id, Name: id, Settings: domain.DefaultSettings(), CreatedAt: created, UpdatedAt: created})
			tb, _ := data.CreateBucket([]byte(id))
			tb.CreateBucket([]byte("users"))
		}
		acme := data.Bucket([]byte("acme"))
		users := acme.Bucket([]byte("users"))
		for _, u := range []struct{ id, email string }{{"billing", "Billing@Example.com"}, {"ci-bot", "ci@example.com"}, {"monitor", ""}} {
			su := domain.ServiceUser{ID: u.id, Tenant: "acme", DisplayName: u.id, Status: domain.UserActive, CreatedAt: created, CreatedBy: "local:old", UpdatedAt: created}
			if u.email != "" {
				email := u.email
				su.Email = &email
			}
			put(users, u.id, su)
		}
		keys, _ := acme.CreateBucket([]byte("keys"))
		expires := created.Add(90 * 24 * time.Hour)
		put(keys, "ci-bot\x00kwk_aaaaaaaaaaaaaaaaaaaa", KeyRecord{
			AccessKey: domain.AccessKey{ID: "kwk_aaaaaaaaaaaaaaaaaaaa", Tenant: "acme", ServiceUser: "ci-bot", Name: "key-1",
				Status: domain.KeyActive, Hint: "•••••" + fixtureSecret[len(fixtureSecret)-5:], ExpiresAt: &expires, CreatedAt: created, CreatedBy: "local:old"},
			SecretHash: fixtureSecretHash(),
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// copyFixture returns a private copy of the committed schema-0 database.
func copyFixture(t *testing.T) string {
	t.Helper()
	if *updateFixture {
		os.Remove(schema0Fixture)
		writeSchema0(t, schema0Fixture)
	}
	raw, err := os.ReadFile(schema0Fixture)
	if err != nil {
		t.Fatalf("%v (regenerate with go test ./internal/store/boltstore -run Schema0 -update)", err)
	}
	path := filepath.Join(t.TempDir(), "old.db")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestMigrateSchema0Fixture(t *testing.T) {
	path := copyFixture(t)

	// Read-only: the old file is read as it is, and check says what is missing.
	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	info, err := ro.Info()
	if err != nil || info.SchemaVersion != nil || !info.Initialized {
		t.Fatalf("old info = %+v, %v", info, err)
	}
	problems, err := ro.Check()
	if err != nil || len(problems) == 0 {
		t.Fatalf("check of the unmigrated file found %v (%v)", problems, err)
	}
	ro.Close()

	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(tx *Tx) error { return nil }); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	if problems, err := db.Check(); err != nil || len(problems) != 0 {
		t.Fatalf("after migration: %+v, %v", problems, err)
	}
	info, err = db.Info()
	if err != nil || info.SchemaVersion == nil || *info.SchemaVersion != SchemaVersion {
		t.Fatalf("info = %+v, %v", info, err)
	}
	err = db.View(func(tx *Tx) error {
		if raw := tx.top(bucketMeta).Get(metaSchema); string(raw) != strconv.Itoa(SchemaVersion) {
			t.Errorf("schema = %q", raw)
		}
		if owner, ok := tx.EmailOwner("acme", "billing@example.com"); !ok || owner != "billing" {
			t.Errorf("e-mail index: %q, %v", owner, ok)
		}
		if _, ok := tx.EmailOwner("acme", ""); ok {
			t.Error("a user without address was indexed")
		}
		k, ok, err := tx.Key("kwk_aaaaaaaaaaaaaaaaaaaa")
		if err != nil || !ok || k.ServiceUser != "ci-bot" {
			t.Errorf("key by id: %+v, %v, %v", k, ok, err)
		}
		k, ok, err = tx.KeyBySecretHash(fixtureSecretHash())
		if err != nil || !ok || k.ID != "kwk_aaaaaaaaaaaaaaaaaaaa" {
			t.Errorf("key by secret hash: %+v, %v, %v", k, ok, err)
		}
		if !tx.Initialized() || string(tx.Pepper()) != string(fixturePepper) {
			t.Error("pepper lost")
		}
		for _, name := range topLevelBuckets {
			if tx.top(name) == nil {
				t.Errorf("bucket %s missing", name)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Migrating twice is harmless.
	if err := db.Update(func(tx *Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Update(func(tx *Tx) error { return tx.top(bucketMeta).Put(metaSchema, []byte(strconv.Itoa(SchemaVersion+1))) })
	db.Close()
	if _, err := Open(path, Options{}); err == nil {
		t.Fatal("opened a database of a newer schema")
	}
}

// schema1From turns a current database file into the schema-1 file the
// previous keyward wrote: no revokedtokens/, meta/schema "1". It uses bbolt
// directly, so it keeps describing the old layout.
func schema1From(t *testing.T, path string) {
	t.Helper()
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket([]byte("revokedtokens")); err != nil {
			return err
		}
		return tx.Bucket([]byte("meta")).Put([]byte("schema"), []byte("1"))
	}); err != nil {
		t.Fatal(err)
	}
}

// A schema-1 file (the fixture, migrated by the previous keyward) is read as
// it is — no revoked tokens — and its first write adds revokedtokens/.
func TestMigrateSchema1(t *testing.T) {
	path := copyFixture(t)
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	schema1From(t, path)

	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	err = ro.View(func(tx *Tx) error {
		if tx.HasExpiredRevokedTokens(now) {
			t.Error("expired revoked tokens in a schema-1 file")
		}
		return tx.ForEachRevokedToken(time.Unix(0, 0), func(r RevokedToken) error {
			t.Errorf("revoked token %v in a schema-1 file", r)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	problems, err := ro.Check()
	if err != nil {
		t.Fatal(err)
	}
	want := []Problem{
		{"schema", "schema version 1 is older than 2; the next write migrates it"},
		{"schema", "bucket revokedtokens is missing"},
	}
	if !slices.Equal(problems, want) {
		t.Fatalf("check of the schema-1 file = %+v, want %+v", problems, want)
	}
	ro.Close()

	db, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	revoked := RevokedToken{ID: "jti-1", ExpiresAt: now.Add(time.Hour)}
	if err := db.Update(func(tx *Tx) error {
		_, err := tx.PutRevokedToken(revoked)
		return err
	}); err != nil {
		t.Fatalf("first write: %v", err)
	}
	if problems, err := db.Check(); err != nil || len(problems) != 0 {
		t.Fatalf("after migration: %+v, %v", problems, err)
	}
	err = db.View(func(tx *Tx) error {
		if v, _ := tx.schemaVersion(); v != 2 {
			t.Errorf("schema = %d", v)
		}
		var got []RevokedToken
		tx.ForEachRevokedToken(now, func(r RevokedToken) error { got = append(got, r); return nil })
		if len(got) != 1 || got[0] != revoked {
			t.Errorf("revoked tokens = %v", got)
		}
		if k, ok, err := tx.Key("kwk_aaaaaaaaaaaaaaaaaaaa"); err != nil || !ok || k.ServiceUser != "ci-bot" {
			t.Errorf("key after migration: %+v, %v, %v", k, ok, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
