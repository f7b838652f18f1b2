package boltstore

import (
	"encoding/json"
	"fmt"

	"github.com/keyward/keyward/internal/domain"
	bolt "go.etcd.io/bbolt"
)

// Problem is one inconsistency Check found.
type Problem struct {
	// Check names what was checked: "bbolt" (pages and freelist), "schema",
	// "tenants", "emails", "keys", "keyindex", "secretindex", or a feature's.
	Check string `json:"check"`
	// Message says what is wrong, naming the records involved.
	Message string `json:"message"`
}

// invariant checks one rule of keyward's layout in a read transaction and
// reports every violation. Features add theirs from their own files (e.g.
// "every group member exists") with registerInvariant.
type invariant func(tx *Tx, report func(check, format string, args ...any)) error

var invariants = []invariant{checkSchemaInvariant, checkTenants, checkEmails}

// registerInvariant adds a feature's rule to Check.
func registerInvariant(fns ...invariant) { invariants = append(invariants, fns...) }

// Check runs bbolt's page-level consistency check and then keyward's
// invariants — every key's user exists, the e-mail, key id and secret hash
// indexes match the records they index — in one read transaction, so it
// can run while other processes read. It returns every problem found; the
// error is for failures to check at all.
func (db *DB) Check() ([]Problem, error) {
	problems := []Problem{}
	b := db.Bolt()
	if b == nil {
		return problems, nil
	}
	err := b.View(func(btx *bolt.Tx) error {
		for err := range btx.Check() {
			problems = append(problems, Problem{Check: "bbolt", Message: err.Error()})
		}
		tx := &Tx{tx: btx}
		if !tx.Initialized() {
			return nil
		}
		report := func(check, format string, args ...any) {
			problems = append(problems, Problem{Check: check, Message: fmt.Sprintf(format, args...)})
		}
		for _, inv := range invariants {
			if err := inv(tx, report); err != nil {
				return err
			}
		}
		return nil
	})
	return problems, err
}

func checkSchemaInvariant(tx *Tx, report func(string, string, ...any)) error {
	v, err := tx.schemaVersion()
	if err != nil {
		report("schema", "%v", err)
		return nil
	}
	if v < SchemaVersion {
		report("schema", "schema version %d is older than %d; the next write migrates it", v, SchemaVersion)
	}
	for _, name := range topLevelBuckets {
		if tx.top(name) == nil {
			report("schema", "bucket %s is missing", name)
		}
	}
	if p := get(tx.top(bucketMeta), metaPepper); len(p) != 32 {
		report("schema", "the pepper is %d bytes, want 32", len(p))
	}
	return nil
}

func checkTenants(tx *Tx, report func(string, string, ...any)) error {
	records := map[string]bool{}
	if err := rawForEach(tx.top(bucketTenants), func(k, v []byte) error {
		var t domain.Tenant
		if err := json.Unmarshal(v, &t); err != nil {
			report("tenants", "tenant record %q does not decode: %v", k, err)
		} else if t.ID != string(k) {
			report("tenants", "tenant record %q holds id %q", k, t.ID)
		}
		records[string(k)] = true
		return nil
	}); err != nil {
		return err
	}
	data, err := tx.tenantDataIDs()
	if err != nil {
		return err
	}
	for _, id := range data {
		if !records[id] {
			report("tenants", "data bucket t/%s has no tenant record", id)
		}
		delete(records, id)
	}
	for id := range records {
		report("tenants", "tenant %s has no data bucket t/%s", id, id)
	}
	return nil
}

// checkEmails: every user's address is indexed to it, and every index entry
// points to a user with that address.
func checkEmails(tx *Tx, report func(string, string, ...any)) error {
	tenants, err := tx.tenantDataIDs()
	if err != nil {
		return err
	}
	for _, tenant := range tenants {
		users, _ := tx.tenantBucket(tenant, bucketUsers, false)
		emails, _ := tx.tenantBucket(tenant, bucketEmails, false)
		if err := rawForEach(users, func(k, v []byte) error {
			var u domain.ServiceUser
			if err := json.Unmarshal(v, &u); err != nil {
				report("emails", "tenant %s: user record %q does not decode: %v", tenant, k, err)
				return nil
			}
			if u.ID != string(k) || u.Tenant != tenant {
				report("emails", "tenant %s: user record %q holds %s/%s", tenant, k, u.Tenant, u.ID)
			}
			if u.Email == nil {
				return nil
			}
			if owner := get(emails, []byte(domain.EmailKey(*u.Email))); string(owner) != u.ID {
				report("emails", "tenant %s: e-mail %q of user %s is indexed to %q", tenant, *u.Email, u.ID, owner)
			}
			return nil
		}); err != nil {
			return err
		}
		if err := rawForEach(emails, func(k, v []byte) error {
			u, ok, err := tx.User(tenant, string(v))
			switch {
			case err != nil:
				return nil // reported above
			case !ok:
				report("emails", "tenant %s: e-mail %q is indexed to user %q, which does not exist", tenant, k, v)
			case u.Email == nil || domain.EmailKey(*u.Email) != string(k):
				report("emails", "tenant %s: e-mail %q is indexed to user %s, whose address is %s", tenant, k, v, strPtr(u.Email))
			}
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}

// rawForEach calls fn for the key/value pairs of b (nil b: none), skipping
// nested buckets.
func rawForEach(b *bolt.Bucket, fn func(k, v []byte) error) error {
	if b == nil {
		return nil
	}
	return b.ForEach(func(k, v []byte) error {
		if v == nil {
			return nil
		}
		return fn(k, v)
	})
}

// get reads b[k]; a missing bucket (an old schema) has nothing.
func get(b *bolt.Bucket, k []byte) []byte {
	if b == nil {
		return nil
	}
	return b.Get(k)
}

func strPtr(s *string) string {
	if s == nil {
		return "none"
	}
	return *s
}
