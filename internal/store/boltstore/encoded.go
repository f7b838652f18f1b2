package boltstore

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"strconv"

	"github.com/keyward/keyward/internal/domain"
)

// Encoding a record is most of the cost of writing it, and needs no
// transaction: bulk writers (apply) encode ahead, on another goroutine,
// and put the encoded records in the transaction.

// EncodedUser is a service user record ready for PutEncodedUser.
type EncodedUser struct {
	tenant, id string
	raw        []byte
}

// EncodeUser encodes u as PutUser stores it (without the derived access
// keys and allowed key types).
func EncodeUser(u domain.ServiceUser) (EncodedUser, error) {
	u.AccessKeys, u.AllowedKeyTypes = nil, nil
	raw, err := json.Marshal(u)
	return EncodedUser{tenant: u.Tenant, id: u.ID, raw: raw}, err
}

// PutEncodedUser is PutUser of an encoded record.
func (tx *Tx) PutEncodedUser(e EncodedUser) error {
	b, err := tx.tenantBucket(e.tenant, bucketUsers, true)
	if err != nil {
		return err
	}
	tx.userChanged(e.tenant, e.id)
	return b.Put([]byte(e.id), e.raw)
}

// EncodedAudit is an audit event encoded but for its sequence number,
// which AppendEncodedAudit assigns.
type EncodedAudit struct {
	ev   domain.AuditEvent
	tail []byte // the JSON after `{"seq":N`; nil: encode at append
}

var seqZero = []byte(`{"seq":0`)

// EncodeAudit encodes ev for AppendEncodedAudit.
func EncodeAudit(ev domain.AuditEvent) (EncodedAudit, error) {
	ev.Seq = 0
	raw, err := json.Marshal(ev)
	if err != nil {
		return EncodedAudit{}, err
	}
	out := EncodedAudit{ev: ev}
	if bytes.HasPrefix(raw, seqZero) {
		out.tail = raw[len(seqZero):]
	}
	return out, nil
}

// AppendEncodedAudit is AppendAudit of an encoded event: it stores the same
// bytes, with the next sequence number.
func (tx *Tx) AppendEncodedAudit(e EncodedAudit) error {
	if e.tail == nil {
		return tx.AppendAudit(&e.ev)
	}
	b := tx.top(bucketAudit)
	b.FillPercent = 1
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	raw := make([]byte, 0, len(`{"seq":`)+20+len(e.tail))
	raw = strconv.AppendUint(append(raw, `{"seq":`...), seq, 10)
	raw = append(raw, e.tail...)
	var k [8]byte
	binary.BigEndian.PutUint64(k[:], seq)
	return b.Put(k[:], raw)
}
