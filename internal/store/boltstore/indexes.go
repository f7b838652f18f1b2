package boltstore

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/keyward/keyward/internal/domain"
	bolterrors "go.etcd.io/bbolt/errors"
)

// rebuildIndexes recomputes every derived index from the records: each
// tenant's e-mail index from its users, and the global key id and secret
// hash indexes from the key records. Migration 0→1 uses it: schema 0 files
// kept the records but not the indexes.
func (tx *Tx) rebuildIndexes() error {
	for _, name := range [][]byte{bucketKeyIndex, bucketSecretIndex} {
		if err := tx.tx.DeleteBucket(name); err != nil && !errors.Is(err, bolterrors.ErrBucketNotFound) {
			return err
		}
		if _, err := tx.tx.CreateBucket(name); err != nil {
			return err
		}
	}
	tenants, err := tx.tenantDataIDs()
	if err != nil {
		return err
	}
	for _, tenant := range tenants {
		tb := tx.top(bucketTenantData).Bucket([]byte(tenant))
		if err := tb.DeleteBucket(bucketEmails); err != nil && !errors.Is(err, bolterrors.ErrBucketNotFound) {
			return err
		}
		for _, name := range tenantBuckets {
			if _, err := tb.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		if err := forEachJSON(tb.Bucket(bucketUsers), func(u domain.ServiceUser) error {
			if u.Email == nil {
				return nil
			}
			if owner, taken := tx.EmailOwner(tenant, *u.Email); taken {
				return fmt.Errorf("tenant %s: e-mail %q belongs to both %s and %s", tenant, *u.Email, owner, u.ID)
			}
			return tx.PutEmail(tenant, *u.Email, u.ID)
		}); err != nil {
			return err
		}
		if err := forEachJSON(tb.Bucket(bucketKeys), func(k KeyRecord) error {
			return tx.indexKey(k)
		}); err != nil {
			return err
		}
	}
	return nil
}

// indexKey writes the global index entries of a key record.
func (tx *Tx) indexKey(k KeyRecord) error {
	if err := tx.top(bucketKeyIndex).Put([]byte(k.ID), []byte(k.Tenant+keySep+k.ServiceUser)); err != nil {
		return err
	}
	if len(k.SecretHash) > 0 {
		return tx.top(bucketSecretIndex).Put(k.SecretHash, []byte(k.ID))
	}
	return nil
}

// tenantDataIDs lists the tenants that have a data bucket under t/.
func (tx *Tx) tenantDataIDs() ([]string, error) {
	root := tx.top(bucketTenantData)
	if root == nil {
		return nil, nil
	}
	var out []string
	err := root.ForEach(func(k, v []byte) error {
		if v == nil {
			out = append(out, string(k))
		}
		return nil
	})
	return out, err
}

// decodeKeyRecord decodes a stored key record.
func decodeKeyRecord(raw []byte) (KeyRecord, error) {
	var k KeyRecord
	err := json.Unmarshal(raw, &k)
	return k, err
}
