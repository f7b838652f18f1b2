package boltstore

import (
	"bytes"
	"encoding/binary"
	"errors"
	"time"
)

// RevokedToken is an entry of revokedtokens/: the token with id (jti) ID
// is revoked until it expires at ExpiresAt (whole seconds).
type RevokedToken struct {
	ID        string
	ExpiresAt time.Time
}

// revokedTokenKey orders revoked tokens by expiry: 8 bytes of big-endian
// Unix seconds, then the jti.
func revokedTokenKey(r RevokedToken) []byte {
	k := make([]byte, 8, 8+len(r.ID))
	binary.BigEndian.PutUint64(k, uint64(r.ExpiresAt.Unix()))
	return append(k, r.ID...)
}

// decodeRevokedToken is the inverse of revokedTokenKey; ok is false for a
// key too short to hold a jti.
func decodeRevokedToken(k []byte) (RevokedToken, bool) {
	if len(k) <= 8 {
		return RevokedToken{}, false
	}
	return RevokedToken{ID: string(k[8:]), ExpiresAt: time.Unix(int64(binary.BigEndian.Uint64(k[:8])), 0).UTC()}, true
}

// PutRevokedToken records r. It reports whether r is new: recording a
// token again writes nothing.
func (tx *Tx) PutRevokedToken(r RevokedToken) (bool, error) {
	if r.ID == "" {
		return false, errors.New("revoked token without an id")
	}
	b := tx.top(bucketRevokedTokens)
	if b == nil {
		return false, errors.New("bucket revokedtokens is missing")
	}
	key := revokedTokenKey(r)
	if b.Get(key) != nil {
		return false, nil
	}
	return true, b.Put(key, []byte{})
}

// ForEachRevokedToken calls fn for every revoked token still valid at now
// (ExpiresAt after now), earliest expiry first. A file of schema 1 has
// none.
func (tx *Tx) ForEachRevokedToken(now time.Time, fn func(RevokedToken) error) error {
	b := tx.top(bucketRevokedTokens)
	if b == nil {
		return nil
	}
	c := b.Cursor()
	for k, _ := c.Seek(unixKey(now.Unix() + 1)); k != nil; k, _ = c.Next() {
		r, ok := decodeRevokedToken(k)
		if !ok {
			continue
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

// HasExpiredRevokedTokens reports whether an entry has expired at now
// (ExpiresAt at or before now): a read that spares DeleteExpiredRevokedTokens
// its write transaction when there is nothing to delete.
func (tx *Tx) HasExpiredRevokedTokens(now time.Time) bool {
	return len(tx.expiredRevokedTokens(now, 1)) > 0
}

// DeleteExpiredRevokedTokens deletes the entries expired at now and returns
// how many it deleted.
func (tx *Tx) DeleteExpiredRevokedTokens(now time.Time) (int, error) {
	expired := tx.expiredRevokedTokens(now, 0)
	b := tx.top(bucketRevokedTokens)
	for _, k := range expired {
		if err := b.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(expired), nil
}

// expiredRevokedTokens returns the keys of the entries expired at now, at
// most limit of them (0: all). Deleting while a cursor walks a bucket
// skips entries in bbolt, so the keys are collected first.
func (tx *Tx) expiredRevokedTokens(now time.Time, limit int) [][]byte {
	b := tx.top(bucketRevokedTokens)
	if b == nil {
		return nil
	}
	end := unixKey(now.Unix() + 1)
	var keys [][]byte
	c := b.Cursor()
	for k, _ := c.First(); k != nil && bytes.Compare(k, end) < 0; k, _ = c.Next() {
		keys = append(keys, append([]byte(nil), k...))
		if limit > 0 && len(keys) == limit {
			break
		}
	}
	return keys
}

// unixKey is the 8-byte big-endian prefix of time sec; times before 1970
// (no token expires then) sort first.
func unixKey(sec int64) []byte {
	return binary.BigEndian.AppendUint64(nil, uint64(max(sec, 0)))
}

// checkRevokedTokens: every key of revokedtokens/ holds an expiry and a
// jti, and no value.
func checkRevokedTokens(tx *Tx, report func(string, string, ...any)) error {
	return rawForEach(tx.top(bucketRevokedTokens), func(k, v []byte) error {
		if _, ok := decodeRevokedToken(k); !ok || len(v) != 0 {
			report("revokedtokens", "entry %x is malformed", k)
		}
		return nil
	})
}

func init() { registerInvariant(checkRevokedTokens) }
