package boltstore

import (
	"errors"
	"io/fs"
	"os"

	bolt "go.etcd.io/bbolt"
)

// Info describes a database file: what `keyward db info` prints.
type Info struct {
	Path   string `json:"path"`
	Exists bool   `json:"exists"`
	// Size is the file size in bytes.
	Size int64 `json:"size"`
	// SchemaVersion is the file's layout version; null before the first write.
	SchemaVersion *int `json:"schemaVersion"`
	// BinarySchemaVersion is the version this keyward writes.
	BinarySchemaVersion int `json:"binarySchemaVersion"`
	// Initialized reports whether the first write has happened.
	Initialized bool           `json:"initialized"`
	Tenants     []TenantCounts `json:"tenants"`
	AuditEvents int            `json:"auditEvents"`
}

// TenantCounts are the numbers of objects in one tenant.
type TenantCounts struct {
	Tenant       string `json:"tenant"`
	ServiceUsers int    `json:"serviceUsers"`
	AccessKeys   int    `json:"accessKeys"`
	Policies     int    `json:"policies"`
	Groups       int    `json:"groups"`
	KeyTypes     int    `json:"keyTypes"`
}

// Info reads the file's size, schema version and object counts in one read
// transaction. A missing file (read-only open) gives Exists=false.
func (db *DB) Info() (Info, error) {
	info := Info{Path: db.path, BinarySchemaVersion: SchemaVersion, Tenants: []TenantCounts{}}
	fi, err := os.Stat(db.path)
	if errors.Is(err, fs.ErrNotExist) || db.Bolt() == nil {
		return info, nil
	}
	if err != nil {
		return info, err
	}
	info.Exists, info.Size = true, fi.Size()
	err = db.View(func(tx *Tx) error {
		if tx.top(bucketMeta) != nil && tx.top(bucketMeta).Get(metaSchema) != nil {
			v, err := tx.schemaVersion()
			if err != nil {
				return err
			}
			info.SchemaVersion = &v
		}
		info.Initialized = tx.Initialized()
		info.AuditEvents = keyCount(tx.top(bucketAudit))
		ids, err := tx.tenantDataIDs()
		if err != nil {
			return err
		}
		for _, id := range ids {
			count := func(name []byte) int {
				b, _ := tx.tenantBucket(id, name, false)
				return keyCount(b)
			}
			info.Tenants = append(info.Tenants, TenantCounts{
				Tenant: id, ServiceUsers: count(bucketUsers), AccessKeys: count(bucketKeys),
				Policies: count(bucketPolicies), Groups: count(bucketGroups), KeyTypes: count(bucketKeyTypes),
			})
		}
		return nil
	})
	return info, err
}

func keyCount(b *bolt.Bucket) int {
	if b == nil {
		return 0
	}
	return b.Stats().KeyN
}
