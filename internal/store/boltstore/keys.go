package boltstore

import (
	"strings"

	"github.com/keyward/keyward/internal/domain"
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

// PutKey creates or replaces a key record and its index entries.
func (tx *Tx) PutKey(k KeyRecord) error {
	b, err := tx.tenantBucket(k.Tenant, bucketKeys, true)
	if err != nil {
		return err
	}
	if err := tx.top(bucketKeyIndex).Put([]byte(k.ID), []byte(k.Tenant+keySep+k.ServiceUser)); err != nil {
		return err
	}
	if len(k.SecretHash) > 0 {
		if err := tx.top(bucketSecretIndex).Put(k.SecretHash, []byte(k.ID)); err != nil {
			return err
		}
	}
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
	if err := tx.top(bucketKeyIndex).Delete([]byte(k.ID)); err != nil {
		return err
	}
	if len(k.SecretHash) > 0 {
		return tx.top(bucketSecretIndex).Delete(k.SecretHash)
	}
	return nil
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
