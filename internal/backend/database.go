package backend

import (
	"context"
	"io"
	"time"
)

// Database concerns the store as a whole.
type Database interface {
	// Backup writes a consistent copy of the whole database — a bbolt file,
	// taken in one read transaction while others keep reading and writing —
	// to w and returns its size. The copy holds the pepper and the signing
	// keys: it is as sensitive as the database. A database never written to
	// gives CodeNotFound. Remotely only system Administrators may call it.
	Backup(ctx context.Context, w io.Writer) (int64, error)
	// RotateSigningKey generates a new token signing key and makes it the
	// active one; the previous key is retired but stays published (JWKS)
	// and verifying until every token it signed has expired, so no client
	// notices. Retired keys past that point are removed. Audited as
	// signingkey:rotate on kw:system:db; remotely only system
	// Administrators may call it, and the server signs with the new key
	// from the next request.
	RotateSigningKey(ctx context.Context) (SigningKeyRotation, error)
}

// SigningKeyRotation is the result of RotateSigningKey.
type SigningKeyRotation struct {
	// KID is the new active signing key's id.
	KID string `json:"kid"`
	// Retired are the keys that stopped signing now. They stay published in
	// the JWKS, and keep verifying the tokens they signed, until every such
	// token has expired.
	Retired []string `json:"retired"`
	// Removed are retired keys whose tokens had all expired, deleted now.
	Removed []string `json:"removed"`
	// RetiredUntil is when the keys retired now leave the JWKS.
	RetiredUntil time.Time `json:"retiredUntil"`
}
