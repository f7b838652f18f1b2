package boltstore

import (
	"encoding/binary"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/domain"
	bolt "go.etcd.io/bbolt"
)

// KeyRecord is an access key as stored: the printable key without derived
// fields, plus the HMAC of its secret. The secret itself is never stored.
type KeyRecord struct {
	domain.AccessKey
	SecretHash []byte `json:"secretHash"`
}

func keyRecordKey(user, keyID string) []byte { return []byte(user + keySep + keyID) }

// Key returns the key record with id and whether it exists.
func (tx *Tx) Key(keyID string) (KeyRecord, bool, error) {
	idx := tx.top(bucketKeyIndex)
	if idx == nil {
		return KeyRecord{}, false, nil
	}
	loc := idx.Get([]byte(keyID))
	if loc == nil {
		return KeyRecord{}, false, nil
	}
	tenant, user, _ := strings.Cut(string(loc), keySep)
	b, err := tx.tenantBucket(tenant, bucketKeys, false)
	if err != nil {
		return KeyRecord{}, false, err
	}
	var k KeyRecord
	ok, err := getJSON(b, keyRecordKey(user, keyID), &k)
	return k, ok, err
}

// KeyBySecretHash returns the key whose secret hashes to h.
func (tx *Tx) KeyBySecretHash(h []byte) (KeyRecord, bool, error) {
	idx := tx.top(bucketSecretIndex)
	if idx == nil {
		return KeyRecord{}, false, nil
	}
	id := idx.Get(h)
	if id == nil {
		return KeyRecord{}, false, nil
	}
	return tx.Key(string(id))
}

// PutKey creates or replaces a key record and its index entries (key id,
// secret hash, pending revocation).
func (tx *Tx) PutKey(k KeyRecord) error {
	b, err := tx.tenantBucket(k.Tenant, bucketKeys, true)
	if err != nil {
		return err
	}
	if old, ok, err := tx.Key(k.ID); err != nil {
		return err
	} else if ok {
		if err := tx.unindexKey(old); err != nil {
			return err
		}
	}
	if err := tx.top(bucketKeyIndex).Put([]byte(k.ID), []byte(k.Tenant+keySep+k.ServiceUser)); err != nil {
		return err
	}
	if len(k.SecretHash) > 0 {
		if err := tx.top(bucketSecretIndex).Put(k.SecretHash, []byte(k.ID)); err != nil {
			return err
		}
	}
	if k.RevokeAt != nil {
		revocations, err := tx.revocations()
		if err != nil {
			return err
		}
		if err := revocations.Put(revocationKey(*k.RevokeAt, k.ID), nil); err != nil {
			return err
		}
	}
	tx.keyChanged(k.ID)
	return putJSON(b, keyRecordKey(k.ServiceUser, k.ID), k)
}

// DeleteKey removes a key record and its index entries.
func (tx *Tx) DeleteKey(k KeyRecord) error {
	b, err := tx.tenantBucket(k.Tenant, bucketKeys, false)
	if err != nil {
		return err
	}
	if b != nil {
		if err := b.Delete(keyRecordKey(k.ServiceUser, k.ID)); err != nil {
			return err
		}
	}
	return tx.unindexKey(k)
}

func (tx *Tx) unindexKey(k KeyRecord) error {
	tx.keyChanged(k.ID)
	if err := tx.top(bucketKeyIndex).Delete([]byte(k.ID)); err != nil {
		return err
	}
	if len(k.SecretHash) > 0 {
		if err := tx.top(bucketSecretIndex).Delete(k.SecretHash); err != nil {
			return err
		}
	}
	if k.RevokeAt != nil {
		if revocations := tx.top(bucketRevocations); revocations != nil {
			return revocations.Delete(revocationKey(*k.RevokeAt, k.ID))
		}
	}
	return nil
}

// SetKeyLastUsed records that key keyID was used at from ip, unless a later
// use is already recorded. It reports whether the key exists. Unlike PutKey
// it is not recorded in Changes: the last use never decides whether a key
// authenticates.
func (tx *Tx) SetKeyLastUsed(keyID string, at time.Time, ip string) (bool, error) {
	k, ok, err := tx.Key(keyID)
	if err != nil || !ok {
		return ok, err
	}
	if k.LastUsedAt != nil && !at.After(*k.LastUsedAt) {
		return true, nil
	}
	at = at.UTC()
	k.LastUsedAt = &at
	k.LastUsedIP = nil
	if ip != "" {
		k.LastUsedIP = &ip
	}
	b, err := tx.tenantBucket(k.Tenant, bucketKeys, false)
	if err != nil || b == nil {
		return false, err
	}
	return true, putJSON(b, keyRecordKey(k.ServiceUser, k.ID), k)
}

// ForEachKeyOfUser calls fn for every key of a user, in key id order.
func (tx *Tx) ForEachKeyOfUser(tenant, user string, fn func(KeyRecord) error) error {
	b, err := tx.tenantBucket(tenant, bucketKeys, false)
	if err != nil {
		return err
	}
	return forEachPrefixJSON(b, []byte(user+keySep), fn)
}

// ForEachKey calls fn for every key of tenant, by user then key id.
func (tx *Tx) ForEachKey(tenant string, fn func(KeyRecord) error) error {
	b, err := tx.tenantBucket(tenant, bucketKeys, false)
	if err != nil {
		return err
	}
	return forEachJSON(b, fn)
}

// PendingRevocation is an entry of the revocation index: key KeyID is
// revoked at At.
type PendingRevocation struct {
	KeyID string
	At    time.Time
}

// DueRevocations returns the entries of the revocation index at or before
// now, earliest first: rotated keys whose grace period is over.
func (tx *Tx) DueRevocations(now time.Time) []PendingRevocation {
	b := tx.top(bucketRevocations)
	if b == nil {
		return nil
	}
	var due []PendingRevocation
	c := b.Cursor()
	for k, _ := c.First(); len(k) > 8; k, _ = c.Next() {
		at := time.Unix(int64(binary.BigEndian.Uint64(k[:8])), 0).UTC()
		if at.After(now) {
			break
		}
		due = append(due, PendingRevocation{KeyID: string(k[8:]), At: at})
	}
	return due
}

// DropRevocation removes an entry of the revocation index whose key is
// gone (DeleteKey removes the entries of the keys it deletes).
func (tx *Tx) DropRevocation(r PendingRevocation) error {
	b := tx.top(bucketRevocations)
	if b == nil {
		return nil
	}
	return b.Delete(revocationKey(r.At, r.KeyID))
}

// revocationKey orders pending revocations by time: 8 bytes of big-endian
// Unix seconds, then the key id.
func revocationKey(at time.Time, keyID string) []byte {
	k := make([]byte, 8, 8+len(keyID))
	binary.BigEndian.PutUint64(k, uint64(at.Unix()))
	return append(k, keyID...)
}

// revocations returns the pending revocation index, creating it in a
// database written before the index existed.
func (tx *Tx) revocations() (*bolt.Bucket, error) {
	if b := tx.top(bucketRevocations); b != nil {
		return b, nil
	}
	return tx.tx.CreateBucket(bucketRevocations)
}
