package boltstore

import (
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Tx is one transaction. Its methods read and write records; they enforce no
// rules beyond the layout (the service does). A Tx of a read-only open of a
// missing file has no buckets: reads find nothing.
type Tx struct {
	tx       *bolt.Tx
	writable bool
	changes  *Changes
	fill     float64 // FillPercent of the tenant buckets written; 0: bbolt's
}

// PackPages makes the tenant buckets this transaction writes split their
// pages when 90% full rather than half full: bulk writes, whose keys often
// arrive in order, then leave a smaller file with fewer pages to write and
// to read back.
func (tx *Tx) PackPages() { tx.fill = 0.9 }

// Initialized reports whether the database has been written to (the first
// write creates the default and system tenants, the pepper and a signing key).
func (tx *Tx) Initialized() bool {
	meta := tx.top(bucketMeta)
	return meta != nil && meta.Get(metaPepper) != nil
}

// Writable reports whether tx may write.
func (tx *Tx) Writable() bool { return tx.writable }

// Bolt exposes the underlying transaction for bulk work (backup, check).
func (tx *Tx) Bolt() *bolt.Tx { return tx.tx }

func (tx *Tx) top(name []byte) *bolt.Bucket {
	if tx.tx == nil {
		return nil
	}
	return tx.tx.Bucket(name)
}

// tenantBucket returns t/<tenant>/<name>, creating it when create is set and
// tx is writable; nil when absent.
func (tx *Tx) tenantBucket(tenant string, name []byte, create bool) (*bolt.Bucket, error) {
	root := tx.top(bucketTenantData)
	if root == nil {
		return nil, nil
	}
	tb := root.Bucket([]byte(tenant))
	if tb == nil {
		if !create || !tx.writable {
			return nil, nil
		}
		var err error
		if tb, err = root.CreateBucket([]byte(tenant)); err != nil {
			return nil, err
		}
		for _, n := range tenantBuckets {
			if _, err := tb.CreateBucket(n); err != nil {
				return nil, err
			}
		}
	}
	b := tb.Bucket(name)
	if b == nil && create && tx.writable {
		var err error
		if b, err = tb.CreateBucket(name); err != nil {
			return nil, err
		}
	}
	if b != nil && tx.fill > 0 {
		b.FillPercent = tx.fill
	}
	return b, nil
}

// getJSON decodes b[key] into v and reports whether it was there.
func getJSON(b *bolt.Bucket, key []byte, v any) (bool, error) {
	if b == nil {
		return false, nil
	}
	raw := b.Get(key)
	if raw == nil {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return true, fmt.Errorf("decode %s: %w", key, err)
	}
	return true, nil
}

func putJSON(b *bolt.Bucket, key []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, raw)
}

// forEachJSON decodes every value of b (in key order) into a fresh T.
func forEachJSON[T any](b *bolt.Bucket, fn func(T) error) error {
	if b == nil {
		return nil
	}
	return b.ForEach(func(k, raw []byte) error {
		var v T
		if raw == nil { // nested bucket
			return nil
		}
		if err := json.Unmarshal(raw, &v); err != nil {
			return fmt.Errorf("decode %s: %w", k, err)
		}
		return fn(v)
	})
}

// forEachPrefixJSON is forEachJSON limited to keys starting with prefix.
func forEachPrefixJSON[T any](b *bolt.Bucket, prefix []byte, fn func(T) error) error {
	if b == nil {
		return nil
	}
	c := b.Cursor()
	for k, raw := c.Seek(prefix); k != nil && hasPrefix(k, prefix); k, raw = c.Next() {
		var v T
		if err := json.Unmarshal(raw, &v); err != nil {
			return fmt.Errorf("decode %s: %w", k, err)
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	return nil
}

func hasPrefix(k, prefix []byte) bool {
	return len(k) >= len(prefix) && string(k[:len(prefix)]) == string(prefix)
}
