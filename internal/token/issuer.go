package token

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"time"

	"github.com/keyward/keyward/internal/domain"
)

// IssuerConfig configures an [Issuer].
type IssuerConfig struct {
	// Keys signs with its active key. Required.
	Keys *KeySet
	// Issuer is the iss claim: the server's issuer identifier (SPEC: --issuer,
	// by default derived from --addr). Required.
	Issuer string
	// Audience is the aud claim; empty means Issuer.
	Audience string
	// Clock returns the current time; nil means time.Now. It must be safe for
	// concurrent use.
	Clock func() time.Time
	// Signers is how many goroutines make the signatures, in the order
	// tokens are asked for; 0 means [DefaultSigners].
	Signers int
}

// Issuer signs access tokens. It is safe for concurrent use; a rotation of its
// KeySet takes effect for the next token. Close it when done, to stop its
// signing goroutines.
type Issuer struct {
	keys     *KeySet
	issuer   string
	audience string
	clock    func() time.Time
	signers  *signers
}

// NewIssuer returns an Issuer for cfg, or an error when Keys or Issuer is
// missing or Signers is negative.
func NewIssuer(cfg IssuerConfig) (*Issuer, error) {
	if cfg.Keys == nil {
		return nil, errors.New("token issuer: no key set")
	}
	if cfg.Issuer == "" {
		return nil, errors.New("token issuer: no issuer identifier")
	}
	if cfg.Signers < 0 {
		return nil, errors.New("token issuer: negative number of signers")
	}
	if cfg.Signers == 0 {
		cfg.Signers = DefaultSigners()
	}
	i := &Issuer{keys: cfg.Keys, issuer: cfg.Issuer, audience: cfg.Audience, clock: cfg.Clock}
	if i.audience == "" {
		i.audience = cfg.Issuer
	}
	if i.clock == nil {
		i.clock = time.Now
	}
	i.signers = startSigners(cfg.Signers)
	return i, nil
}

// Close stops the signing goroutines. Tokens asked for afterwards are still
// issued, signed on the caller's goroutine.
func (i *Issuer) Close() { i.signers.close() }

// Request says whom a token is for and how long it may live.
type Request struct {
	// Subject is the service user id (sub). Required.
	Subject string
	// ClientID is the access key id (client_id). Required.
	ClientID string
	// Tenant is the tenant id (tenant). Required.
	Tenant string
	// Scope is the optional space-separated scope (scope).
	Scope string
	// TTL is the tenant's token lifetime; it must be positive and at most
	// [MaxTokenTTL].
	TTL time.Duration
	// NotAfter lists instants the token must not outlive: the key's expiry and,
	// for a rotated key, the end of its grace window. Nil entries (never) are
	// ignored.
	NotAfter []*time.Time
}

// ExpiryFor returns the expiry of a token issued at now with lifetime ttl:
// the earliest of now+ttl and every non-nil limit (SPEC: min(now + tokenTtl,
// key expiry, rotation grace end)).
func ExpiryFor(now time.Time, ttl time.Duration, limits ...*time.Time) time.Time {
	exp := now.Add(ttl)
	for _, limit := range limits {
		if limit != nil && limit.Before(exp) {
			exp = *limit
		}
	}
	return exp
}

// Issue signs a token for req and returns it with its claims. exp is
// [ExpiryFor](now, req.TTL, req.NotAfter...) rounded down to the second; iat is
// now rounded down to the second; jti is 128 random bits. It returns a
// CodeInvalid *domain.Error for a malformed request, a CodeUnauthenticated one
// when a NotAfter limit leaves the token no lifetime (the key has expired or
// its grace window has ended), and [ErrNoActiveKey] when no key can sign.
func (i *Issuer) Issue(req Request) (string, Claims, error) {
	switch {
	case req.Subject == "":
		return "", Claims{}, domain.Invalid("sub", "the service user id is required")
	case req.ClientID == "":
		return "", Claims{}, domain.Invalid("client_id", "the access key id is required")
	case req.Tenant == "":
		return "", Claims{}, domain.Invalid("tenant", "the tenant id is required")
	case req.TTL <= 0 || req.TTL > MaxTokenTTL:
		return "", Claims{}, domain.Invalid("tokenTtl", "must be between 1s and %s, not %s", MaxTokenTTL, req.TTL)
	}
	st := i.keys.load()
	if st.active == nil {
		return "", Claims{}, ErrNoActiveKey
	}
	now := i.clock()
	iat := now.Unix()
	exp := ExpiryFor(now, req.TTL, req.NotAfter...).Unix()
	if exp <= iat {
		return "", Claims{}, domain.Unauthenticated("access key %s has expired", req.ClientID)
	}

	var id [16]byte
	_, _ = rand.Read(id[:]) // crypto/rand.Read never returns an error
	claims := Claims{
		Issuer:    i.issuer,
		Subject:   req.Subject,
		Audience:  i.audience,
		ExpiresAt: time.Unix(exp, 0).UTC(),
		IssuedAt:  time.Unix(iat, 0).UTC(),
		ID:        base64.RawURLEncoding.EncodeToString(id[:]),
		ClientID:  req.ClientID,
		Tenant:    req.Tenant,
		Scope:     req.Scope,
	}
	return i.sign(st.header, st.active.Private, &claims), claims, nil
}

// sign returns the compact JWS header.payload.signature for claims. It is the
// whole of what golang-jwt's Token.SignedString does for EdDSA, minus its
// reflection-based JSON encoding and two copies of the signing input: the
// header is precomputed per key and the payload is encoded by appendPayload.
// The signature itself is made by one of the issuer's signers.
func (i *Issuer) sign(header string, key ed25519.PrivateKey, claims *Claims) string {
	var scratch [512]byte
	payload := appendPayload(scratch[:0], claims)
	enc := base64.RawURLEncoding
	size := len(header) + 1 + enc.EncodedLen(len(payload)) + 1 + enc.EncodedLen(ed25519.SignatureSize)
	buf := make([]byte, 0, size)
	buf = append(buf, header...)
	buf = append(buf, '.')
	buf = enc.AppendEncode(buf, payload)
	sig := i.signers.sign(key, buf)
	buf = append(buf, '.')
	buf = enc.AppendEncode(buf, sig)
	return string(buf)
}
