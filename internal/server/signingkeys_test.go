package server_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	josejwt "github.com/go-jose/go-jose/v4/jwt"

	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
)

// servedKIDs returns the kids of the served JWKS, in order.
func (f *fixture) servedKIDs(t *testing.T) []string {
	t.Helper()
	_, raw := f.call(t, nil, "GET", "/.well-known/jwks.json", "", nil)
	var set struct {
		Keys []struct{ KID string } `json:"keys"`
	}
	if err := json.Unmarshal(raw, &set); err != nil {
		t.Fatal(err)
	}
	var kids []string
	for _, k := range set.Keys {
		kids = append(kids, k.KID)
	}
	return kids
}

// joseVerify checks raw with go-jose — a JWT implementation independent of
// the one that signed it — against the JWKS the server publishes, and the
// registered claims at the fixture's clock.
func (f *fixture) joseVerify(t *testing.T, raw string) (josejwt.Claims, error) {
	t.Helper()
	_, doc := f.call(t, nil, "GET", "/.well-known/jwks.json", "", nil)
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(doc, &set); err != nil {
		t.Fatalf("go-jose cannot read the served JWKS: %v", err)
	}
	tok, err := josejwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.EdDSA})
	if err != nil {
		return josejwt.Claims{}, err
	}
	var claims josejwt.Claims
	if err := tok.Claims(&set, &claims); err != nil {
		return josejwt.Claims{}, err
	}
	err = claims.ValidateWithLeeway(josejwt.Expected{Issuer: f.URL, AnyAudience: josejwt.Audience{f.URL}, Time: f.clock.Now()}, 0)
	return claims, err
}

// go-jose verifies the server's tokens from nothing but the served JWKS.
func TestGoJoseVerifiesServedTokens(t *testing.T) {
	f := newFixture(t)
	keyID, sec := f.identity(t, "default", "ci-bot", authz.ReadOnlyPolicy)
	raw := f.token(t, keyID, sec)
	claims, err := f.joseVerify(t, raw)
	if err != nil {
		t.Fatalf("go-jose refuses the token: %v", err)
	}
	if claims.Subject != "ci-bot" || claims.ID == "" || claims.Expiry == nil {
		t.Fatalf("claims = %+v", claims)
	}
	f.clock.Advance(claims.Expiry.Time().Sub(f.clock.Now()) + time.Second) // go-jose accepts exp itself
	if _, err := f.joseVerify(t, raw); err == nil {
		t.Fatal("go-jose accepts the expired token")
	}
}

// After a rotation the new key signs; a token signed by the retired key is
// accepted until it expires, its kid stays in the JWKS until every token it
// could have signed has expired, and then the key is removed from the JWKS
// and the database.
func TestSigningKeyRotation(t *testing.T) {
	f := newFixture(t)
	keyID, sec := f.identity(t, "default", "ci-bot", authz.ReadOnlyPolicy)
	old := f.token(t, keyID, sec)
	oldHeader, oldClaims := jwtParts(t, old)
	oldKID := oldHeader["kid"].(string)
	exp := time.Unix(int64(oldClaims["exp"].(float64)), 0)

	if resp, _ := f.call(t, nil, "POST", "/v1/db/signing-keys/rotate", old, nil); resp.StatusCode != 403 ||
		resp.Header.Get("WWW-Authenticate") != `Bearer realm="keyward", error="insufficient_scope"` {
		t.Fatalf("rotation by a ReadOnly user: %d %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
	resp, raw := f.call(t, nil, "POST", "/v1/db/signing-keys/rotate", f.token(t, f.AdminKeyID, f.AdminSecret), nil)
	var rotation backend.SigningKeyRotation
	if err := json.Unmarshal(raw, &rotation); err != nil || resp.StatusCode != 200 {
		t.Fatalf("rotate: %d %s", resp.StatusCode, raw)
	}
	if rotation.KID == "" || rotation.KID == oldKID || !slices.Equal(rotation.Retired, []string{oldKID}) || len(rotation.Removed) != 0 {
		t.Fatalf("rotation = %+v (old kid %s)", rotation, oldKID)
	}
	if kids := f.servedKIDs(t); !slices.Equal(kids, []string{rotation.KID, oldKID}) {
		t.Fatalf("JWKS kids = %v", kids)
	}

	// New tokens (tokenReuse included) are signed by the new key.
	fresh := f.token(t, keyID, sec)
	if h, _ := jwtParts(t, fresh); fresh == old || h["kid"] != rotation.KID {
		t.Fatalf("token after rotation: kid %v, same token %v", h["kid"], fresh == old)
	}
	for name, tok := range map[string]string{"old": old, "fresh": fresh} {
		if _, err := f.joseVerify(t, tok); err != nil {
			t.Fatalf("go-jose refuses the %s token: %v", name, err)
		}
	}

	// The old token works until its expiry, with its kid published.
	f.clock.Advance(exp.Sub(f.clock.Now()) - time.Second)
	if resp, body := f.call(t, nil, "GET", "/v1/tenants/default/serviceusers/ci-bot", old, nil); resp.StatusCode != 200 {
		t.Fatalf("old token before its expiry: %d %s", resp.StatusCode, body)
	}
	f.clock.Advance(time.Second)
	if resp, _ := f.call(t, nil, "GET", "/v1/tenants/default/serviceusers/ci-bot", old, nil); resp.StatusCode != 401 {
		t.Fatalf("old token at its expiry: %d", resp.StatusCode)
	}
	if err := f.Server.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if kids := f.servedKIDs(t); !slices.Contains(kids, oldKID) {
		t.Fatalf("the retired kid left the JWKS before the longest token life: %v", kids)
	}

	// Once no token it signed can be valid, the key goes.
	f.clock.Advance(rotation.RetiredUntil.Sub(f.clock.Now()))
	if err := f.Server.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if kids := f.servedKIDs(t); !slices.Equal(kids, []string{rotation.KID}) {
		t.Fatalf("JWKS kids after the retirement period = %v", kids)
	}
	stored, err := f.Service.SigningKeys(ctx)
	if err != nil || len(stored) != 1 || stored[0].KID != rotation.KID {
		t.Fatalf("stored keys = %v %v", stored, err)
	}

	events, err := f.Service.ListAudit(ctx, domain.SystemTenant, backend.AuditFilter{Action: "signingkey:rotate"})
	if err != nil || len(events) != 1 || events[0].Actor != "serviceuser:system/admin" || events[0].Target != authz.DatabaseResource() {
		t.Fatalf("audit = %+v %v", events, err)
	}
}
