package boltstore

import (
	"encoding/binary"
	"encoding/json"
	"fmt"

	"github.com/keyward/keyward/internal/domain"
)

// AppendAudit stores ev with the next sequence number (set on ev).
func (tx *Tx) AppendAudit(ev *domain.AuditEvent) error {
	b := tx.top(bucketAudit)
	b.FillPercent = 1 // keys only ever grow: pack pages full
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	ev.Seq = seq
	var k [8]byte
	binary.BigEndian.PutUint64(k[:], seq)
	return putJSON(b, k[:], ev)
}

// ForEachAuditReverse calls fn for audit events newest first until fn returns
// false or an error.
func (tx *Tx) ForEachAuditReverse(fn func(domain.AuditEvent) (bool, error)) error {
	b := tx.top(bucketAudit)
	if b == nil {
		return nil
	}
	c := b.Cursor()
	for k, raw := c.Last(); k != nil; k, raw = c.Prev() {
		var ev domain.AuditEvent
		if err := json.Unmarshal(raw, &ev); err != nil {
			return fmt.Errorf("decode audit event %d: %w", binary.BigEndian.Uint64(k), err)
		}
		more, err := fn(ev)
		if err != nil || !more {
			return err
		}
	}
	return nil
}
