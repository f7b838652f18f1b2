package service

import (
	"time"

	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/store/boltstore"
)

// maskedKey is the printable form of a stored key at time now: no hash, and
// the status "expired" derived from the expiry.
func maskedKey(k boltstore.KeyRecord, now time.Time) domain.AccessKey {
	out := k.AccessKey
	if out.Status == domain.KeyActive && out.ExpiresAt != nil && !now.Before(*out.ExpiresAt) {
		out.Status = domain.KeyExpired
	}
	out.Normalize()
	return out
}
