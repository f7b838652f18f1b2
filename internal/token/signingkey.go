package token

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"
)

// SigningKey is one Ed25519 key that signs (while active) or only verifies
// (once retired) access tokens. It holds the private key: store its JSON form
// only where the database's other secrets are kept, and never log it. String,
// GoString and LogValue print the kid only.
type SigningKey struct {
	// KID is the key id carried in each token's header: the RFC 7638
	// thumbprint of the public key.
	KID string
	// CreatedAt is when the key was generated.
	CreatedAt time.Time
	// RetiredAt is when the key stopped signing; nil while it is the active key.
	RetiredAt *time.Time
	// Private is the Ed25519 private key (seed and public key).
	Private ed25519.PrivateKey
}

// NewSigningKey generates an active Ed25519 signing key created at now, with
// its kid set to the RFC 7638 thumbprint of the public key.
func NewSigningKey(now time.Time) (SigningKey, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return SigningKey{}, fmt.Errorf("generate signing key: %w", err)
	}
	return SigningKey{KID: Thumbprint(priv.Public().(ed25519.PublicKey)), CreatedAt: now.UTC(), Private: priv}, nil
}

// Public returns the key's public half.
func (k SigningKey) Public() ed25519.PublicKey {
	return k.Private.Public().(ed25519.PublicKey)
}

// Retired reports whether the key has stopped signing.
func (k SigningKey) Retired() bool { return k.RetiredAt != nil }

// String returns "signing key <kid>", never key material.
func (k SigningKey) String() string { return "signing key " + k.KID }

// GoString returns the same as String so that %#v cannot print the private key.
func (k SigningKey) GoString() string { return k.String() }

// LogValue makes slog record the kid and dates only.
func (k SigningKey) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("kid", k.KID), slog.Time("createdAt", k.CreatedAt)}
	if k.RetiredAt != nil {
		attrs = append(attrs, slog.Time("retiredAt", *k.RetiredAt))
	}
	return slog.GroupValue(attrs...)
}

// Thumbprint returns the RFC 7638 JWK thumbprint (SHA-256, base64url without
// padding) of an Ed25519 public key, as RFC 8037 §2 defines its required
// members: {"crv":"Ed25519","kty":"OKP","x":"..."}.
func Thumbprint(pub ed25519.PublicKey) string {
	canonical := `{"crv":"Ed25519","kty":"OKP","x":"` + base64.RawURLEncoding.EncodeToString(pub) + `"}`
	sum := sha256.Sum256([]byte(canonical))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// signingKeyJSON is the stored form of a SigningKey.
type signingKeyJSON struct {
	KID       string     `json:"kid"`
	Algorithm string     `json:"alg"`
	CreatedAt time.Time  `json:"createdAt"`
	RetiredAt *time.Time `json:"retiredAt"`
	// Seed is the 32-byte Ed25519 seed, base64url without padding (the
	// encoding of a JWK's "d" member).
	Seed string `json:"seed"`
}

// MarshalJSON encodes the key for a database record:
// {"kid","alg":"EdDSA","createdAt","retiredAt","seed"}, times in RFC 3339 UTC,
// the private key as its base64url (unpadded) 32-byte seed. The result is
// secret.
func (k SigningKey) MarshalJSON() ([]byte, error) {
	if len(k.Private) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("signing key %s: private key has %d bytes, want %d", k.KID, len(k.Private), ed25519.PrivateKeySize)
	}
	rec := signingKeyJSON{
		KID:       k.KID,
		Algorithm: algEdDSA,
		CreatedAt: k.CreatedAt.UTC(),
		Seed:      base64.RawURLEncoding.EncodeToString(k.Private.Seed()),
	}
	if k.RetiredAt != nil {
		t := k.RetiredAt.UTC()
		rec.RetiredAt = &t
	}
	return json.Marshal(rec)
}

// UnmarshalJSON decodes what MarshalJSON wrote. It refuses an algorithm other
// than EdDSA, a seed that is not 32 bytes, and a kid that is not the
// thumbprint of the key (a corrupted or edited record).
func (k *SigningKey) UnmarshalJSON(data []byte) error {
	var rec signingKeyJSON
	if err := json.Unmarshal(data, &rec); err != nil {
		return fmt.Errorf("signing key: %w", err)
	}
	if rec.Algorithm != algEdDSA {
		return fmt.Errorf("signing key %s: algorithm %q is not %s", rec.KID, rec.Algorithm, algEdDSA)
	}
	seed, err := base64.RawURLEncoding.DecodeString(rec.Seed)
	if err != nil || len(seed) != ed25519.SeedSize {
		return fmt.Errorf("signing key %s: seed is not %d base64url bytes", rec.KID, ed25519.SeedSize)
	}
	priv := ed25519.NewKeyFromSeed(seed)
	if want := Thumbprint(priv.Public().(ed25519.PublicKey)); rec.KID != want {
		return fmt.Errorf("signing key %s: kid does not match the key (thumbprint %s)", rec.KID, want)
	}
	*k = SigningKey{KID: rec.KID, CreatedAt: rec.CreatedAt.UTC(), RetiredAt: rec.RetiredAt, Private: priv}
	if k.RetiredAt != nil {
		t := k.RetiredAt.UTC()
		k.RetiredAt = &t
	}
	return nil
}
