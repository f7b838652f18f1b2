package boltstore

import "github.com/keyward/keyward/internal/domain"

// KeyType returns key type name of tenant and whether it exists.
func (tx *Tx) KeyType(tenant, name string) (domain.KeyType, bool, error) {
	b, err := tx.tenantBucket(tenant, bucketKeyTypes, false)
	if err != nil {
		return domain.KeyType{}, false, err
	}
	var k domain.KeyType
	ok, err := getJSON(b, []byte(name), &k)
	return k, ok, err
}

// PutKeyType creates or replaces a key type record.
func (tx *Tx) PutKeyType(k domain.KeyType) error {
	b, err := tx.tenantBucket(k.Tenant, bucketKeyTypes, true)
	if err != nil {
		return err
	}
	return putJSON(b, []byte(k.Name), k)
}

// DeleteKeyType removes a key type record (not the keys of the type).
func (tx *Tx) DeleteKeyType(tenant, name string) error {
	b, err := tx.tenantBucket(tenant, bucketKeyTypes, false)
	if err != nil || b == nil {
		return err
	}
	return b.Delete([]byte(name))
}

// ForEachKeyType calls fn for every key type of tenant in name order.
func (tx *Tx) ForEachKeyType(tenant string, fn func(domain.KeyType) error) error {
	b, err := tx.tenantBucket(tenant, bucketKeyTypes, false)
	if err != nil {
		return err
	}
	return forEachJSON(b, fn)
}
