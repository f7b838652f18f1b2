package boltstore

import (
	"encoding/binary"

	"github.com/keyward/keyward/internal/domain"
)

// PolicyRecord is a custom policy as stored: the policy without its derived
// fields (attachments, key types), plus Revision, the authorization
// generation (AuthzGeneration) of the transaction that last wrote it.
// Revisions never repeat within a database, so (tenant, name, revision)
// identifies one content of a policy even across delete and re-create: a
// cache of compiled policies keys on it.
type PolicyRecord struct {
	domain.Policy
	Revision uint64 `json:"revision"`
}

// Policy returns the custom policy name of tenant and whether it exists.
// Managed policies are never stored.
func (tx *Tx) Policy(tenant, name string) (PolicyRecord, bool, error) {
	b, err := tx.tenantBucket(tenant, bucketPolicies, false)
	if err != nil {
		return PolicyRecord{}, false, err
	}
	var p PolicyRecord
	ok, err := getJSON(b, []byte(name), &p)
	return p, ok, err
}

// PolicyRevision returns the revision of custom policy name of tenant
// without decoding the policy, and whether it exists: enough to validate a
// cache of compiled policies.
func (tx *Tx) PolicyRevision(tenant, name string) (uint64, bool) {
	b, _ := tx.tenantBucket(tenant, bucketPolicyRevisions, false)
	if b == nil {
		return 0, false
	}
	raw := b.Get([]byte(name))
	if len(raw) != 8 {
		return 0, false
	}
	return binary.BigEndian.Uint64(raw), true
}

// PutPolicy creates or replaces a custom policy record under p.Name, with
// its revision index entry.
func (tx *Tx) PutPolicy(p PolicyRecord) error {
	b, err := tx.tenantBucket(p.Tenant, bucketPolicies, true)
	if err != nil {
		return err
	}
	revs, err := tx.tenantBucket(p.Tenant, bucketPolicyRevisions, true)
	if err != nil {
		return err
	}
	var rev [8]byte
	binary.BigEndian.PutUint64(rev[:], p.Revision)
	if err := revs.Put([]byte(p.Name), rev[:]); err != nil {
		return err
	}
	p.AttachedUsers, p.AttachedGroups, p.KeyTypes = nil, nil, nil
	return putJSON(b, []byte(p.Name), p)
}

// DeletePolicy removes a custom policy record and its revision index entry
// (not the references to it).
func (tx *Tx) DeletePolicy(tenant, name string) error {
	if revs, err := tx.tenantBucket(tenant, bucketPolicyRevisions, false); err != nil {
		return err
	} else if revs != nil {
		if err := revs.Delete([]byte(name)); err != nil {
			return err
		}
	}
	b, err := tx.tenantBucket(tenant, bucketPolicies, false)
	if err != nil || b == nil {
		return err
	}
	return b.Delete([]byte(name))
}

// ForEachPolicy calls fn for every custom policy of tenant in name order
// (byte order: upper case before lower case).
func (tx *Tx) ForEachPolicy(tenant string, fn func(PolicyRecord) error) error {
	b, err := tx.tenantBucket(tenant, bucketPolicies, false)
	if err != nil {
		return err
	}
	return forEachJSON(b, fn)
}
