package boltstore

import (
	"github.com/keyward/keyward/internal/domain"
)

// Tenant returns the tenant with id and whether it exists.
func (tx *Tx) Tenant(id string) (domain.Tenant, bool, error) {
	var t domain.Tenant
	ok, err := getJSON(tx.top(bucketTenants), []byte(id), &t)
	return t, ok, err
}

// PutTenant creates or replaces a tenant record and makes its data buckets.
func (tx *Tx) PutTenant(t domain.Tenant) error {
	if _, err := tx.tenantBucket(t.ID, bucketUsers, true); err != nil {
		return err
	}
	return putJSON(tx.top(bucketTenants), []byte(t.ID), t)
}

// Tenants returns every tenant in id order.
func (tx *Tx) Tenants() ([]domain.Tenant, error) {
	var out []domain.Tenant
	err := forEachJSON(tx.top(bucketTenants), func(t domain.Tenant) error {
		out = append(out, t)
		return nil
	})
	return out, err
}

// DeleteTenant removes a tenant and everything in it, including the global
// index entries of its keys.
func (tx *Tx) DeleteTenant(id string) error {
	tx.everythingChanged()
	keys, err := tx.tenantBucket(id, bucketKeys, false)
	if err != nil {
		return err
	}
	if keys != nil {
		if err := forEachJSON(keys, func(k KeyRecord) error { return tx.unindexKey(k) }); err != nil {
			return err
		}
	}
	if root := tx.top(bucketTenantData); root != nil && root.Bucket([]byte(id)) != nil {
		if err := root.DeleteBucket([]byte(id)); err != nil {
			return err
		}
	}
	return tx.top(bucketTenants).Delete([]byte(id))
}
