package token

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// Protocol constants of the tokens keyward issues.
const (
	algEdDSA  = "EdDSA"
	tokenType = "at+jwt" // RFC 9068 §2.1
)

// Claims are the claims of one keyward access token (RFC 9068 §2.2). Times
// have whole-second precision, as in the token.
type Claims struct {
	// Issuer (iss) is the server's issuer identifier.
	Issuer string
	// Subject (sub) is the service user id.
	Subject string
	// Audience (aud) is the audience the token is for. keyward issues one
	// audience; a verified token that lists several reports the one it was
	// accepted for.
	Audience string
	// ExpiresAt (exp): the token is refused from this instant on.
	ExpiresAt time.Time
	// IssuedAt (iat) is when the token was issued.
	IssuedAt time.Time
	// NotBefore (nbf) is the zero time when the token has no nbf claim
	// (keyward's own tokens have none).
	NotBefore time.Time
	// ID (jti) is the token's unique id: 128 random bits, base64url.
	ID string
	// ClientID (client_id) is the access key id the token was issued to.
	ClientID string
	// Tenant (tenant) is the tenant of the service user and the key.
	Tenant string
	// Scope (scope) is the space-separated scope, empty when none was granted.
	Scope string
}

// TTL returns the lifetime the token was issued with, exp − iat.
func (c Claims) TTL() time.Duration { return c.ExpiresAt.Sub(c.IssuedAt) }

// Reusable reports whether, at now, the token has at least half of its
// lifetime left: SPEC's rule for returning a cached token again when the
// tenant's tokenReuse is on.
func (c Claims) Reusable(now time.Time) bool {
	return 2*c.ExpiresAt.Sub(now) >= c.TTL()
}

// appendPayload appends the JSON claims set of c to dst without reflection.
// Member order and escaping are those of encoding/json on golang-jwt's
// RegisteredClaims followed by client_id, tenant and scope, so a token equals
// byte for byte the one golang-jwt would sign (see TestIssueMatchesGolangJWT).
func appendPayload(dst []byte, c *Claims) []byte {
	dst = append(dst, `{"iss":`...)
	dst = appendJSONString(dst, c.Issuer)
	dst = append(dst, `,"sub":`...)
	dst = appendJSONString(dst, c.Subject)
	dst = append(dst, `,"aud":`...)
	dst = appendJSONString(dst, c.Audience)
	dst = append(dst, `,"exp":`...)
	dst = strconv.AppendInt(dst, c.ExpiresAt.Unix(), 10)
	if !c.NotBefore.IsZero() {
		dst = append(dst, `,"nbf":`...)
		dst = strconv.AppendInt(dst, c.NotBefore.Unix(), 10)
	}
	dst = append(dst, `,"iat":`...)
	dst = strconv.AppendInt(dst, c.IssuedAt.Unix(), 10)
	dst = append(dst, `,"jti":`...)
	dst = appendJSONString(dst, c.ID)
	dst = append(dst, `,"client_id":`...)
	dst = appendJSONString(dst, c.ClientID)
	dst = append(dst, `,"tenant":`...)
	dst = appendJSONString(dst, c.Tenant)
	if c.Scope != "" {
		dst = append(dst, `,"scope":`...)
		dst = appendJSONString(dst, c.Scope)
	}
	return append(dst, '}')
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string the way encoding/json does with
// HTML escaping on: control characters, quote, backslash, <, >, &, U+2028 and
// U+2029 are escaped, and each byte of invalid UTF-8 becomes U+FFFD.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '"', '\\':
				dst = append(dst, '\\', b)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
