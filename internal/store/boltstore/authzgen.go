package boltstore

import (
	"encoding/binary"
	"errors"
)

// AuthzGeneration returns the authorization generation: a counter the
// service bumps (BumpAuthzGeneration) in every transaction that changes what
// some principal may do — policies, attachments, groups, memberships,
// owners, key types, users and tenants coming or going. A cache of compiled
// principals is valid while the generation it was built at is current. 0
// before the first such write.
func (tx *Tx) AuthzGeneration() uint64 {
	meta := tx.top(bucketMeta)
	if meta == nil {
		return 0
	}
	raw := meta.Get(metaAuthzGeneration)
	if len(raw) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(raw)
}

// BumpAuthzGeneration increments the authorization generation and returns
// the new value. Several bumps in one transaction are harmless.
func (tx *Tx) BumpAuthzGeneration() (uint64, error) {
	if !tx.writable {
		return 0, errors.New("bump authorization generation: read-only transaction")
	}
	next := tx.AuthzGeneration() + 1
	var raw [8]byte
	binary.BigEndian.PutUint64(raw[:], next)
	return next, tx.top(bucketMeta).Put(metaAuthzGeneration, raw[:])
}
