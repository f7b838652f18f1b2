package token

import (
	"crypto/sha256"
	"errors"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/keyward/keyward/internal/domain"
)

// MaxTokenLength is the longest raw token Verify considers; keyward's tokens
// are about 450 bytes. Longer input is refused as malformed before any work.
const MaxTokenLength = 4096

// DefaultCacheSize is the number of verified tokens a Verifier remembers when
// VerifierConfig.CacheSize is 0.
const DefaultCacheSize = 16384

// VerifierConfig configures a [Verifier].
type VerifierConfig struct {
	// Keys holds the public keys tokens may be signed with. Required.
	Keys *KeySet
	// Issuer is the required iss claim. Required.
	Issuer string
	// Audience is the audience the token must list in aud; empty means Issuer.
	Audience string
	// Clock returns the current time; nil means time.Now. It must be safe for
	// concurrent use.
	Clock func() time.Time
	// Leeway tolerates clock skew between the replica that issued a token and
	// the one verifying it, for exp and nbf. The default, 0, accepts a token
	// while now < exp, exactly. Keep it to a few seconds; when set, add it to
	// the maxTTL given to [KeySet.Prune].
	Leeway time.Duration
	// CacheSize bounds the verified-token cache: 0 means [DefaultCacheSize],
	// a negative value disables the cache.
	CacheSize int
}

// Verifier checks bearer tokens. It is safe for concurrent use.
type Verifier struct {
	keys     *KeySet
	issuer   string
	audience string
	clock    func() time.Time
	leeway   time.Duration
	parser   *jwt.Parser
	cache    *verifiedCache // nil when disabled
}

// NewVerifier returns a Verifier for cfg, or an error when Keys or Issuer is
// missing or Leeway is negative.
func NewVerifier(cfg VerifierConfig) (*Verifier, error) {
	if cfg.Keys == nil {
		return nil, errors.New("token verifier: no key set")
	}
	if cfg.Issuer == "" {
		return nil, errors.New("token verifier: no issuer identifier")
	}
	if cfg.Leeway < 0 {
		return nil, errors.New("token verifier: negative leeway")
	}
	v := &Verifier{keys: cfg.Keys, issuer: cfg.Issuer, audience: cfg.Audience, clock: cfg.Clock, leeway: cfg.Leeway}
	if v.audience == "" {
		v.audience = cfg.Issuer
	}
	if v.clock == nil {
		v.clock = time.Now
	}
	v.parser = jwt.NewParser(
		jwt.WithValidMethods([]string{algEdDSA}),
		jwt.WithIssuer(v.issuer),
		jwt.WithAudience(v.audience),
		jwt.WithExpirationRequired(),
		jwt.WithLeeway(v.leeway),
		jwt.WithTimeFunc(v.clock),
		jwt.WithStrictDecoding(),
	)
	switch {
	case cfg.CacheSize == 0:
		v.cache = newVerifiedCache(DefaultCacheSize)
	case cfg.CacheSize > 0:
		v.cache = newVerifiedCache(cfg.CacheSize)
	}
	return v, nil
}

// Verify checks raw, a compact JWS, and returns its claims. It accepts only a
// token with header alg EdDSA, typ at+jwt (or application/at+jwt), a kid
// naming a key in the KeySet (active or retired, not yet pruned), no crit
// header, a valid signature, iss and aud as configured, an exp in the future
// and any nbf in the past (both by the Clock, within Leeway), and non-empty
// sub, jti, client_id and tenant. Everything else yields a CodeUnauthenticated
// *domain.Error with a short reason ("no bearer token", "invalid bearer token:
// expired", "... signature is invalid", "... algorithm is not EdDSA", ...)
// that never contains the token or any value read from it.
//
// A token verified once is remembered, keyed by its SHA-256, until it expires,
// so repeated requests with the same token skip the signature check; a
// remembered token is still refused from its exp on, and as soon as its
// signing key leaves the KeySet.
//
// Verify does not know about revocation or the state of the key and user the
// token names; the caller checks those on every request.
func (v *Verifier) Verify(raw string) (Claims, error) {
	if raw == "" {
		return Claims{}, domain.Unauthenticated("no bearer token")
	}
	if len(raw) > MaxTokenLength {
		return Claims{}, unauthenticated("malformed")
	}
	var digest [sha256.Size]byte
	if v.cache != nil {
		digest = tokenDigest(raw)
		if c, kid, ok := v.cache.get(digest); ok {
			now := v.clock()
			if !now.Before(c.ExpiresAt.Add(v.leeway)) {
				v.cache.remove(digest)
				return Claims{}, unauthenticated("expired")
			}
			if _, ok := v.keys.publicKey(kid); ok {
				return c, nil
			}
			v.cache.remove(digest)
			return Claims{}, unauthenticated("signed by an unknown key")
		}
	}
	c, kid, err := v.verifySignedToken(raw)
	if err != nil {
		return Claims{}, err
	}
	if v.cache != nil {
		v.cache.put(digest, c, kid, v.clock())
	}
	return c, nil
}

// wireClaims is the claims set as golang-jwt decodes and validates it.
type wireClaims struct {
	jwt.RegisteredClaims
	ClientID string `json:"client_id"`
	Tenant   string `json:"tenant"`
	Scope    string `json:"scope,omitempty"`
}

// verifyFailure carries a short, token-free reason out of the key function.
type verifyFailure struct{ reason string }

func (f *verifyFailure) Error() string { return f.reason }

// verifySignedToken does the full check of Verify without the cache and
// returns the claims and the kid that verified them.
func (v *Verifier) verifySignedToken(raw string) (Claims, string, error) {
	var wire wireClaims
	var kid string
	_, err := v.parser.ParseWithClaims(raw, &wire, func(t *jwt.Token) (any, error) {
		// WithValidMethods has already refused any alg but EdDSA.
		if typ, _ := t.Header["typ"].(string); !isAccessTokenType(typ) {
			return nil, &verifyFailure{"type is not at+jwt"}
		}
		if _, ok := t.Header["crit"]; ok {
			return nil, &verifyFailure{"unsupported critical header parameters"}
		}
		kid, _ = t.Header["kid"].(string)
		pub, ok := v.keys.publicKey(kid)
		if !ok {
			return nil, &verifyFailure{"signed by an unknown key"}
		}
		return pub, nil
	})
	if errors.Is(err, jwt.ErrTokenRequiredClaimMissing) {
		// Only claims validation, after the signature check, reports this.
		switch {
		case wire.Issuer == "":
			return Claims{}, "", unauthenticated("no iss claim")
		case len(wire.Audience) == 0:
			return Claims{}, "", unauthenticated("no aud claim")
		}
	}
	if err != nil {
		return Claims{}, "", unauthenticated(failureReason(err))
	}
	switch {
	case wire.Subject == "":
		return Claims{}, "", unauthenticated("no sub claim")
	case wire.ID == "":
		return Claims{}, "", unauthenticated("no jti claim")
	case wire.ClientID == "":
		return Claims{}, "", unauthenticated("no client_id claim")
	case wire.Tenant == "":
		return Claims{}, "", unauthenticated("no tenant claim")
	}
	c := Claims{
		Issuer:    wire.Issuer,
		Subject:   wire.Subject,
		Audience:  v.audience,
		ExpiresAt: wire.ExpiresAt.UTC(),
		ID:        wire.ID,
		ClientID:  wire.ClientID,
		Tenant:    wire.Tenant,
		Scope:     wire.Scope,
	}
	if wire.IssuedAt != nil {
		c.IssuedAt = wire.IssuedAt.UTC()
	}
	if wire.NotBefore != nil {
		c.NotBefore = wire.NotBefore.UTC()
	}
	return c, kid, nil
}

// isAccessTokenType reports whether typ names RFC 9068's media type; media
// types are case-insensitive and "application/" may be omitted (RFC 7515 §4.1.9).
func isAccessTokenType(typ string) bool {
	return strings.EqualFold(typ, tokenType) || strings.EqualFold(typ, "application/"+tokenType)
}

// failureReason maps a golang-jwt error to a short reason for the caller.
// The library's own messages are not passed on: some quote header values.
func failureReason(err error) string {
	var f *verifyFailure
	switch {
	case errors.As(err, &f):
		return f.reason
	case errors.Is(err, jwt.ErrTokenMalformed):
		return "malformed"
	case errors.Is(err, jwt.ErrTokenUnverifiable), errors.Is(err, jwt.ErrTokenSignatureInvalid) && !errors.Is(err, jwt.ErrEd25519Verification):
		// An alg golang-jwt does not know, or one WithValidMethods refused.
		return "algorithm is not EdDSA"
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return "signature is invalid"
	case errors.Is(err, jwt.ErrTokenInvalidIssuer):
		return "wrong issuer"
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		return "wrong audience"
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return "no exp claim"
	case errors.Is(err, jwt.ErrTokenExpired):
		return "expired"
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return "not valid yet"
	default:
		return "invalid"
	}
}

func unauthenticated(reason string) *domain.Error {
	return domain.Unauthenticated("invalid bearer token: %s", reason)
}
