package token

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"strings"
	"testing"
	"time"
)

// TestVerifyRefusals forges tokens that must each be refused, with the
// reason the caller sees.
func TestVerifyRefusals(t *testing.T) {
	f := newFixture(t, -1)
	now := testEpoch
	key := f.key.Private
	kid := f.key.KID
	issued, _ := f.issue(t, testRequest())
	parts := strings.Split(issued, ".")
	_, stranger, _ := ed25519.GenerateKey(rand.Reader)

	with := func(change func(h, c map[string]any)) string {
		h, c := validHeader(kid), validClaims(now)
		change(h, c)
		return forgeEdDSA(t, key, h, c)
	}
	tamperedClaims := validClaims(now)
	tamperedClaims["sub"] = "admin"

	tests := []struct {
		name   string
		raw    string
		reason string
	}{
		{"empty", "", "no bearer token"},
		{"two segments", parts[0] + "." + parts[1], "malformed"},
		{"four segments", issued + ".x", "malformed"},
		{"header not base64", "!!!." + parts[1] + "." + parts[2], "malformed"},
		{"header not JSON", b64([]byte("nope")) + "." + parts[1] + "." + parts[2], "malformed"},
		{"claims not JSON", parts[0] + "." + b64([]byte("[1,2]")) + "." + parts[2], "malformed"},
		{"too long", parts[0] + "." + strings.Repeat("A", MaxTokenLength) + "." + parts[2], "malformed"},
		{"tampered payload", parts[0] + "." + segment(t, tamperedClaims) + "." + parts[2], "signature is invalid"},
		{"tampered signature", parts[0] + "." + parts[1] + "." + b64(make([]byte, 64)), "signature is invalid"},
		{"no signature", parts[0] + "." + parts[1] + ".", "signature is invalid"},
		{"signed by a stranger with our kid", forgeEdDSA(t, stranger, validHeader(kid), validClaims(now)), "signature is invalid"},
		{"alg none, unsigned", segment(t, map[string]any{"alg": "none", "typ": "at+jwt", "kid": kid}) + "." + segment(t, validClaims(now)) + ".", "algorithm is not EdDSA"},
		{"alg none, signature kept", segment(t, map[string]any{"alg": "none", "typ": "at+jwt", "kid": kid}) + "." + parts[1] + "." + parts[2], "algorithm is not EdDSA"},
		{"alg None", segment(t, map[string]any{"alg": "None", "typ": "at+jwt", "kid": kid}) + "." + parts[1] + ".", "algorithm is not EdDSA"},
		{"no alg", segment(t, map[string]any{"typ": "at+jwt", "kid": kid}) + "." + parts[1] + "." + parts[2], "algorithm is not EdDSA"},
		{"HS256 keyed with the raw public key", forgeHS256(t, f.key.Public(), map[string]any{"alg": "HS256", "typ": "at+jwt", "kid": kid}, validClaims(now)), "algorithm is not EdDSA"},
		{"HS256 keyed with the JWK x", forgeHS256(t, []byte(b64(f.key.Public())), map[string]any{"alg": "HS256", "typ": "at+jwt", "kid": kid}, validClaims(now)), "algorithm is not EdDSA"},
		{"HS256 keyed with the JWKS", forgeHS256(t, f.keys.JWKS(), map[string]any{"alg": "HS256", "typ": "at+jwt", "kid": kid}, validClaims(now)), "algorithm is not EdDSA"},
		{"RS256", segment(t, map[string]any{"alg": "RS256", "typ": "at+jwt", "kid": kid}) + "." + parts[1] + "." + b64(make([]byte, 256)), "algorithm is not EdDSA"},
		{"ES256", segment(t, map[string]any{"alg": "ES256", "typ": "at+jwt", "kid": kid}) + "." + parts[1] + "." + b64(make([]byte, 64)), "algorithm is not EdDSA"},
		{"unknown alg", segment(t, map[string]any{"alg": "XX999", "typ": "at+jwt", "kid": kid}) + "." + parts[1] + "." + parts[2], "algorithm is not EdDSA"},
		{"unknown kid", with(func(h, _ map[string]any) { h["kid"] = "unknown" }), "unknown key"},
		{"no kid", with(func(h, _ map[string]any) { delete(h, "kid") }), "unknown key"},
		{"kid not a string", with(func(h, _ map[string]any) { h["kid"] = 7 }), "unknown key"},
		{"embedded jwk ignored, kid unknown", forgeEdDSA(t, stranger, map[string]any{"alg": "EdDSA", "typ": "at+jwt", "kid": Thumbprint(stranger.Public().(ed25519.PublicKey)),
			"jwk": map[string]any{"kty": "OKP", "crv": "Ed25519", "x": b64(stranger.Public().(ed25519.PublicKey))}}, validClaims(now)), "unknown key"},
		{"typ JWT", with(func(h, _ map[string]any) { h["typ"] = "JWT" }), "type is not at+jwt"},
		{"no typ", with(func(h, _ map[string]any) { delete(h, "typ") }), "type is not at+jwt"},
		{"crit header", with(func(h, _ map[string]any) { h["crit"] = []string{"exp"} }), "critical header"},
		{"wrong issuer", with(func(_, c map[string]any) { c["iss"] = "https://evil.test" }), "wrong issuer"},
		{"no issuer", with(func(_, c map[string]any) { delete(c, "iss") }), "no iss"},
		{"wrong audience", with(func(_, c map[string]any) { c["aud"] = "https://other.test" }), "wrong audience"},
		{"audience list without ours", with(func(_, c map[string]any) { c["aud"] = []string{"a", "b"} }), "wrong audience"},
		{"no audience", with(func(_, c map[string]any) { delete(c, "aud") }), "no aud"},
		{"empty audience list", with(func(_, c map[string]any) { c["aud"] = []string{} }), "no aud"},
		{"expired", with(func(_, c map[string]any) { c["exp"] = now.Add(-time.Second).Unix() }), "expired"},
		{"expires exactly now", with(func(_, c map[string]any) { c["exp"] = now.Unix() }), "expired"},
		{"no exp", with(func(_, c map[string]any) { delete(c, "exp") }), "no exp"},
		{"exp not a number", with(func(_, c map[string]any) { c["exp"] = "tomorrow" }), "malformed"},
		{"nbf in the future", with(func(_, c map[string]any) { c["nbf"] = now.Add(time.Second).Unix() }), "not valid yet"},
		{"no sub", with(func(_, c map[string]any) { delete(c, "sub") }), "no sub"},
		{"no jti", with(func(_, c map[string]any) { c["jti"] = "" }), "no jti"},
		{"no client_id", with(func(_, c map[string]any) { delete(c, "client_id") }), "no client_id"},
		{"no tenant", with(func(_, c map[string]any) { delete(c, "tenant") }), "no tenant"},
		{"padded base64", parts[0] + "=." + parts[1] + "." + parts[2], "malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := f.verifier.Verify(tt.raw)
			assertUnauthenticated(t, err, tt.reason, tt.raw)
			if c != (Claims{}) {
				t.Errorf("claims returned with the error: %+v", c)
			}
		})
	}
}

func TestVerifyAccepts(t *testing.T) {
	f := newFixture(t, -1)
	now := testEpoch
	with := func(change func(h, c map[string]any)) string {
		h, c := validHeader(f.key.KID), validClaims(now)
		change(h, c)
		return forgeEdDSA(t, f.key.Private, h, c)
	}
	tests := []struct {
		name string
		raw  string
	}{
		{"as forged", with(func(_, _ map[string]any) {})},
		{"typ application/at+jwt", with(func(h, _ map[string]any) { h["typ"] = "application/at+jwt" })},
		{"typ in upper case", with(func(h, _ map[string]any) { h["typ"] = "AT+JWT" })},
		{"audience list with ours", with(func(_, c map[string]any) { c["aud"] = []string{"https://other.test", testIssuer} })},
		{"nbf now", with(func(_, c map[string]any) { c["nbf"] = now.Unix() })},
		{"exp one second ahead", with(func(_, c map[string]any) { c["exp"] = now.Add(time.Second).Unix() })},
		{"no iat", with(func(_, c map[string]any) { delete(c, "iat") })},
		{"extra claims", with(func(_, c map[string]any) { c["extra"] = map[string]any{"x": 1} })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := f.verifier.Verify(tt.raw)
			if err != nil {
				t.Fatal(err)
			}
			if c.Subject != "ci-bot" || c.Audience != testIssuer || c.ClientID != "kwk_abcdefghijklmnopqrst" {
				t.Errorf("claims = %+v", c)
			}
		})
	}
}

func TestVerifyExpiryByInjectedClock(t *testing.T) {
	for _, cacheSize := range []int{-1, 0} {
		f := newFixture(t, cacheSize)
		req := testRequest()
		req.TTL = time.Minute
		raw, _ := f.issue(t, req)
		f.clock.Advance(59 * time.Second)
		if _, err := f.verifier.Verify(raw); err != nil {
			t.Fatalf("cache %d: one second before exp: %v", cacheSize, err)
		}
		f.clock.Advance(time.Second)
		_, err := f.verifier.Verify(raw)
		assertUnauthenticated(t, err, "expired", raw)
	}
}

func TestVerifyLeeway(t *testing.T) {
	f := newFixture(t, 0)
	v, err := NewVerifier(VerifierConfig{Keys: f.keys, Issuer: testIssuer, Clock: f.clock.Now, Leeway: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	req := testRequest()
	req.TTL = time.Minute
	raw, _ := f.issue(t, req)
	if _, err := v.Verify(raw); err != nil { // cached now
		t.Fatal(err)
	}
	f.clock.Advance(time.Minute + 4*time.Second)
	if _, err := v.Verify(raw); err != nil {
		t.Fatalf("within leeway: %v", err)
	}
	f.clock.Advance(time.Second)
	_, err = v.Verify(raw)
	assertUnauthenticated(t, err, "expired", raw)

	nbf := forgeEdDSA(t, f.key.Private, validHeader(f.key.KID), func() map[string]any {
		c := validClaims(f.clock.Now())
		c["nbf"] = f.clock.Now().Add(5 * time.Second).Unix()
		return c
	}())
	if _, err := v.Verify(nbf); err != nil {
		t.Errorf("nbf within leeway: %v", err)
	}
}

// A key rotated out keeps verifying its tokens, and stays in the JWKS, until
// Prune removes it once all of them have expired.
func TestRetiredKeyVerifiesUntilPruned(t *testing.T) {
	for _, cacheSize := range []int{-1, 0} {
		f := newFixture(t, cacheSize)
		oldKID := f.key.KID
		req := testRequest()
		req.TTL = MaxTokenTTL
		oldToken, _ := f.issue(t, req)
		if _, err := f.verifier.Verify(oldToken); err != nil {
			t.Fatal(err)
		}

		f.clock.Advance(time.Hour)
		next := mustKey(t, f.clock.Now())
		if err := f.keys.Rotate(next, f.clock.Now()); err != nil {
			t.Fatal(err)
		}
		newToken, _ := f.issue(t, req)
		if d, _ := Decode(newToken); d.Header["kid"] != next.KID {
			t.Errorf("new token signed by %v; want the new key %s", d.Header["kid"], next.KID)
		}
		for _, raw := range []string{oldToken, newToken} {
			if _, err := f.verifier.Verify(raw); err != nil {
				t.Fatalf("cache %d: after rotation: %v", cacheSize, err)
			}
		}
		if kids := jwksKIDs(t, f.keys); len(kids) != 2 || kids[1] != oldKID {
			t.Errorf("JWKS kids after rotation = %v; want the retired %s still published", kids, oldKID)
		}

		// Pruning before retirement + MaxTokenTTL keeps the key.
		f.clock.Advance(MaxTokenTTL - 2*time.Hour)
		if removed := f.keys.Prune(f.clock.Now(), MaxTokenTTL); removed != nil {
			t.Fatalf("pruned %v too early", removed)
		}
		if _, err := f.verifier.Verify(oldToken); err != nil {
			t.Fatalf("cache %d: before prune: %v", cacheSize, err)
		}

		// Once pruned, the key's tokens are refused even when remembered.
		if removed := f.keys.Prune(f.clock.Now().Add(2*time.Hour), MaxTokenTTL); len(removed) != 1 || removed[0] != oldKID {
			t.Fatalf("pruned %v; want %s", removed, oldKID)
		}
		_, err := f.verifier.Verify(oldToken)
		assertUnauthenticated(t, err, "unknown key", oldToken)
		if kids := jwksKIDs(t, f.keys); len(kids) != 1 || kids[0] != next.KID {
			t.Errorf("JWKS kids after prune = %v", kids)
		}
		if _, err := f.verifier.Verify(newToken); err != nil {
			t.Fatalf("cache %d: token of the active key after prune: %v", cacheSize, err)
		}
	}
}

// Removing a key from the set (a compromised key, via Set) stops its
// remembered tokens at once.
func TestCachedTokenRefusedWhenKeyRemoved(t *testing.T) {
	f := newFixture(t, 0)
	raw, _ := f.issue(t, testRequest())
	if _, err := f.verifier.Verify(raw); err != nil {
		t.Fatal(err)
	}
	if err := f.keys.Set(mustKey(t, testEpoch)); err != nil {
		t.Fatal(err)
	}
	_, err := f.verifier.Verify(raw)
	assertUnauthenticated(t, err, "unknown key", raw)
}

func TestErrorsNeverContainTheToken(t *testing.T) {
	f := newFixture(t, 0)
	raw, _ := f.issue(t, testRequest())
	bad := raw[:len(raw)-4] + "AAAA"
	_, err := f.verifier.Verify(bad)
	assertUnauthenticated(t, err, "signature", bad)
	if strings.Contains(err.Error(), base64.RawURLEncoding.EncodeToString([]byte("ci-bot"))) {
		t.Error("error quotes the payload")
	}
}
