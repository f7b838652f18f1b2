package token

// Introspection is an RFC 7662 §2.2 introspection response. An inactive
// token (unknown, revoked, expired, or invalid) is answered with Active false
// and nothing else, as RFC 7662 advises, so every other member is omitted when
// empty.
type Introspection struct {
	// Active is whether the token is currently usable.
	Active bool `json:"active"`
	// Scope is the token's space-separated scope.
	Scope string `json:"scope,omitempty"`
	// ClientID is the access key id the token was issued to.
	ClientID string `json:"client_id,omitempty"`
	// TokenType is "Bearer".
	TokenType string `json:"token_type,omitempty"`
	// ExpiresAt is exp, in seconds since the epoch.
	ExpiresAt int64 `json:"exp,omitempty"`
	// IssuedAt is iat, in seconds since the epoch.
	IssuedAt int64 `json:"iat,omitempty"`
	// NotBefore is nbf, in seconds since the epoch.
	NotBefore int64 `json:"nbf,omitempty"`
	// Subject is the service user id.
	Subject string `json:"sub,omitempty"`
	// Audience is the token's audience.
	Audience string `json:"aud,omitempty"`
	// Issuer is the token's issuer.
	Issuer string `json:"iss,omitempty"`
	// ID is the token's jti.
	ID string `json:"jti,omitempty"`
	// Tenant is keyward's tenant claim, an extension RFC 7662 §2.2 allows.
	Tenant string `json:"tenant,omitempty"`
}

// Inactive returns the response for any token that is not active:
// {"active":false}.
func Inactive() Introspection { return Introspection{} }

// IntrospectionOf returns the response for an active token with claims c,
// token_type "Bearer". The caller decides activity (verified, not revoked,
// key and user still valid) before calling it.
func IntrospectionOf(c Claims) Introspection {
	r := Introspection{
		Active:    true,
		Scope:     c.Scope,
		ClientID:  c.ClientID,
		TokenType: "Bearer",
		ExpiresAt: c.ExpiresAt.Unix(),
		Subject:   c.Subject,
		Audience:  c.Audience,
		Issuer:    c.Issuer,
		ID:        c.ID,
		Tenant:    c.Tenant,
	}
	if !c.IssuedAt.IsZero() {
		r.IssuedAt = c.IssuedAt.Unix()
	}
	if !c.NotBefore.IsZero() {
		r.NotBefore = c.NotBefore.Unix()
	}
	return r
}
