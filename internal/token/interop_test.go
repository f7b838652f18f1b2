package token

import (
	"encoding/json"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	josejwt "github.com/go-jose/go-jose/v4/jwt"
)

// joseVerify verifies raw with go-jose, an implementation independent of the
// one that signed it, from nothing but the published JWKS bytes.
func joseVerify(t *testing.T, jwks []byte, raw string, now time.Time) (josejwt.Claims, map[string]any, error) {
	t.Helper()
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(jwks, &set); err != nil {
		t.Fatalf("go-jose cannot read the JWKS: %v", err)
	}
	tok, err := josejwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.EdDSA})
	if err != nil {
		return josejwt.Claims{}, nil, err
	}
	if len(tok.Headers) != 1 || tok.Headers[0].ExtraHeaders["typ"] != "at+jwt" {
		t.Errorf("go-jose sees header %+v; want typ at+jwt", tok.Headers)
	}
	var std josejwt.Claims
	var all map[string]any
	if err := tok.Claims(&set, &std, &all); err != nil {
		return josejwt.Claims{}, nil, err
	}
	err = std.ValidateWithLeeway(josejwt.Expected{Issuer: testIssuer, AnyAudience: josejwt.Audience{testIssuer}, Time: now}, 0)
	return std, all, err
}

func TestGoJoseVerifiesIssuedTokensFromJWKS(t *testing.T) {
	f := newFixture(t, 0)
	req := testRequest()
	req.Scope = "read"
	raw, issued := f.issue(t, req)

	std, all, err := joseVerify(t, f.keys.JWKS(), raw, f.clock.Now())
	if err != nil {
		t.Fatalf("go-jose refused our token: %v", err)
	}
	if std.Subject != issued.Subject || std.ID != issued.ID || !std.Expiry.Time().Equal(issued.ExpiresAt) || !std.IssuedAt.Time().Equal(issued.IssuedAt) {
		t.Errorf("go-jose read %+v; want %+v", std, issued)
	}
	if all["client_id"] != issued.ClientID || all["tenant"] != issued.Tenant || all["scope"] != "read" {
		t.Errorf("go-jose read private claims %v", all)
	}

	// A key rotated out still verifies from the JWKS alone.
	if err := f.keys.Rotate(mustKey(t, f.clock.Now()), f.clock.Now()); err != nil {
		t.Fatal(err)
	}
	newToken, _ := f.issue(t, req)
	for _, tok := range []string{raw, newToken} {
		if _, _, err := joseVerify(t, f.keys.JWKS(), tok, f.clock.Now()); err != nil {
			t.Errorf("go-jose refused a token after rotation: %v", err)
		}
	}

	// go-jose refuses what our verifier refuses.
	tampered := raw[:len(raw)-3] + "AAA"
	if _, _, err := joseVerify(t, f.keys.JWKS(), tampered, f.clock.Now()); err == nil {
		t.Error("go-jose accepted a tampered signature")
	}
	// go-jose accepts a token at exactly exp (RFC 7519 says before); one second later it must not.
	if _, _, err := joseVerify(t, f.keys.JWKS(), raw, issued.ExpiresAt.Add(time.Second)); err == nil {
		t.Error("go-jose accepted an expired token")
	}
	f.keys.Prune(f.clock.Now().Add(MaxTokenTTL), MaxTokenTTL)
	if _, _, err := joseVerify(t, f.keys.JWKS(), raw, f.clock.Now()); err == nil {
		t.Error("go-jose verified a token whose key is no longer published")
	}
}
