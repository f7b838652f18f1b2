package boltstore

import (
	"bytes"
	"strings"
)

func init() { registerInvariant(checkKeys, checkKeyIndex, checkSecretIndex) }

// checkKeys: every key record decodes, belongs to an existing user of its
// tenant, and is indexed by key id and secret hash.
func checkKeys(tx *Tx, report func(string, string, ...any)) error {
	tenants, err := tx.tenantDataIDs()
	if err != nil {
		return err
	}
	keyIndex, secretIndex := tx.top(bucketKeyIndex), tx.top(bucketSecretIndex)
	for _, tenant := range tenants {
		keys, _ := tx.tenantBucket(tenant, bucketKeys, false)
		if err := rawForEach(keys, func(k, v []byte) error {
			rec, err := decodeKeyRecord(v)
			if err != nil {
				report("keys", "tenant %s: key record %q does not decode: %v", tenant, k, err)
				return nil
			}
			user, _, _ := strings.Cut(string(k), keySep)
			if rec.Tenant != tenant || rec.ServiceUser != user {
				report("keys", "tenant %s: key record %s under user %s holds %s/%s", tenant, rec.ID, user, rec.Tenant, rec.ServiceUser)
			}
			if _, ok, _ := tx.User(tenant, user); !ok {
				report("keys", "tenant %s: key %s belongs to user %q, which does not exist", tenant, rec.ID, user)
			}
			if loc := get(keyIndex, []byte(rec.ID)); string(loc) != tenant+keySep+user {
				report("keyindex", "key %s (%s/%s) is indexed to %q", rec.ID, tenant, user, strings.ReplaceAll(string(loc), keySep, "/"))
			}
			if len(rec.SecretHash) == 0 {
				report("secretindex", "key %s has no secret hash", rec.ID)
			} else if id := get(secretIndex, rec.SecretHash); string(id) != rec.ID {
				report("secretindex", "the secret hash of key %s is indexed to %q", rec.ID, id)
			}
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}

// checkKeyIndex: every key id entry points to a key record.
func checkKeyIndex(tx *Tx, report func(string, string, ...any)) error {
	return rawForEach(tx.top(bucketKeyIndex), func(k, v []byte) error {
		if _, ok, err := tx.Key(string(k)); err == nil && !ok {
			report("keyindex", "key id %s is indexed to %q, where there is no such key", k, strings.ReplaceAll(string(v), keySep, "/"))
		}
		return nil
	})
}

// checkSecretIndex: every secret hash entry points to a key with that hash.
func checkSecretIndex(tx *Tx, report func(string, string, ...any)) error {
	return rawForEach(tx.top(bucketSecretIndex), func(k, v []byte) error {
		rec, ok, err := tx.Key(string(v))
		switch {
		case err != nil:
		case !ok:
			report("secretindex", "a secret hash is indexed to key %s, which does not exist", v)
		case !bytes.Equal(rec.SecretHash, k):
			report("secretindex", "a secret hash is indexed to key %s, whose own hash differs", v)
		}
		return nil
	})
}
