package token

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"

	"github.com/keyward/keyward/internal/domain"
)

func ptr(t time.Time) *time.Time { return &t }

func TestExpiryFor(t *testing.T) {
	now := testEpoch
	tests := []struct {
		name   string
		ttl    time.Duration
		limits []*time.Time
		want   time.Time
	}{
		{"ttl only", time.Hour, nil, now.Add(time.Hour)},
		{"never-expiring key", time.Hour, []*time.Time{nil}, now.Add(time.Hour)},
		{"key expires first", time.Hour, []*time.Time{ptr(now.Add(10 * time.Minute))}, now.Add(10 * time.Minute)},
		{"key expires later", time.Hour, []*time.Time{ptr(now.Add(2 * time.Hour))}, now.Add(time.Hour)},
		{"grace ends before key expiry", time.Hour, []*time.Time{ptr(now.Add(50 * time.Minute)), ptr(now.Add(5 * time.Minute))}, now.Add(5 * time.Minute)},
		{"key expiry before grace end", time.Hour, []*time.Time{ptr(now.Add(7 * time.Minute)), ptr(now.Add(30 * time.Minute))}, now.Add(7 * time.Minute)},
		{"already expired", time.Hour, []*time.Time{ptr(now.Add(-time.Minute))}, now.Add(-time.Minute)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ExpiryFor(now, tt.ttl, tt.limits...); !got.Equal(tt.want) {
				t.Errorf("ExpiryFor = %v; want %v", got, tt.want)
			}
		})
	}
}

func TestIssueRoundTrip(t *testing.T) {
	tests := []struct {
		name    string
		req     func(Request) Request
		wantExp time.Duration // after the fixture's now
	}{
		{"tenant ttl", func(r Request) Request { return r }, time.Hour},
		{"short ttl", func(r Request) Request { r.TTL = time.Minute; return r }, time.Minute},
		{"max ttl", func(r Request) Request { r.TTL = MaxTokenTTL; return r }, MaxTokenTTL},
		{"key expiry caps", func(r Request) Request {
			r.NotAfter = []*time.Time{ptr(testEpoch.Add(90 * time.Second))}
			return r
		}, 90 * time.Second},
		{"grace end caps", func(r Request) Request {
			r.NotAfter = []*time.Time{nil, ptr(testEpoch.Add(2 * time.Minute))}
			return r
		}, 2 * time.Minute},
		{"sub-second limit rounds down", func(r Request) Request {
			r.NotAfter = []*time.Time{ptr(testEpoch.Add(1500 * time.Millisecond))}
			return r
		}, time.Second},
		{"scope", func(r Request) Request { r.Scope = "read write"; return r }, time.Hour},
		{"unusual characters", func(r Request) Request {
			r.Subject, r.Tenant = `a"b\c<d>&`, "t\u2028\x01"
			return r
		}, time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, 0)
			f.clock.Advance(300 * time.Millisecond) // iat rounds down
			req := tt.req(testRequest())
			raw, issued := f.issue(t, req)

			want := Claims{
				Issuer: testIssuer, Subject: req.Subject, Audience: testIssuer,
				ExpiresAt: testEpoch.Add(tt.wantExp), IssuedAt: testEpoch,
				ID: issued.ID, ClientID: req.ClientID, Tenant: req.Tenant, Scope: req.Scope,
			}
			if issued != want {
				t.Errorf("issued claims\n got %+v\nwant %+v", issued, want)
			}
			got, err := f.verifier.Verify(raw)
			if err != nil {
				t.Fatal(err)
			}
			if got != issued {
				t.Errorf("verified claims\n got %+v\nwant %+v", got, issued)
			}
		})
	}
}

func TestIssueHeaderAndClaimsOnTheWire(t *testing.T) {
	f := newFixture(t, 0)
	req := testRequest()
	req.Scope = "read"
	raw, issued := f.issue(t, req)
	d, err := Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]any{"alg": "EdDSA", "typ": "at+jwt", "kid": f.key.KID}; !equalJSON(t, d.Header, want) {
		t.Errorf("header = %v; want %v", d.Header, want)
	}
	want := map[string]any{
		"iss": testIssuer, "sub": "ci-bot", "aud": testIssuer,
		"exp": testEpoch.Add(time.Hour).Unix(), "iat": testEpoch.Unix(),
		"jti": issued.ID, "client_id": req.ClientID, "tenant": "default", "scope": "read",
	}
	if !equalJSON(t, d.Claims, want) {
		t.Errorf("claims = %v; want %v", d.Claims, want)
	}
	if id, err := base64.RawURLEncoding.DecodeString(issued.ID); err != nil || len(id) != 16 {
		t.Errorf("jti %q is not 128 bits base64url", issued.ID)
	}
}

func equalJSON(t *testing.T, a, b any) bool {
	t.Helper()
	ja, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	jb, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	var va, vb any
	_ = json.Unmarshal(ja, &va)
	_ = json.Unmarshal(jb, &vb)
	na, _ := json.Marshal(va)
	nb, _ := json.Marshal(vb)
	return bytes.Equal(na, nb)
}

func TestIssueUniqueIDs(t *testing.T) {
	f := newFixture(t, 0)
	seen := map[string]bool{}
	for range 1000 {
		raw, c := f.issue(t, testRequest())
		if seen[c.ID] || seen[raw] {
			t.Fatalf("jti or token repeated after %d tokens", len(seen))
		}
		seen[c.ID], seen[raw] = true, true
	}
}

func TestIssueRefusals(t *testing.T) {
	tests := []struct {
		name string
		req  func(Request) Request
		code domain.Code
	}{
		{"no subject", func(r Request) Request { r.Subject = ""; return r }, domain.CodeInvalid},
		{"no client id", func(r Request) Request { r.ClientID = ""; return r }, domain.CodeInvalid},
		{"no tenant", func(r Request) Request { r.Tenant = ""; return r }, domain.CodeInvalid},
		{"zero ttl", func(r Request) Request { r.TTL = 0; return r }, domain.CodeInvalid},
		{"ttl over max", func(r Request) Request { r.TTL = MaxTokenTTL + time.Second; return r }, domain.CodeInvalid},
		{"key expired", func(r Request) Request { r.NotAfter = []*time.Time{ptr(testEpoch.Add(-time.Second))}; return r }, domain.CodeUnauthenticated},
		{"key expires now", func(r Request) Request { r.NotAfter = []*time.Time{ptr(testEpoch)}; return r }, domain.CodeUnauthenticated},
		{"less than a second left", func(r Request) Request {
			r.NotAfter = []*time.Time{ptr(testEpoch.Add(999 * time.Millisecond))}
			return r
		}, domain.CodeUnauthenticated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, 0)
			raw, _, err := f.issuer.Issue(tt.req(testRequest()))
			if raw != "" || domain.CodeOf(err) != tt.code {
				t.Fatalf("Issue = %q, %v; want code %s", raw, err, tt.code)
			}
		})
	}
}

func TestIssueWithoutActiveKey(t *testing.T) {
	k := retire(mustKey(t, testEpoch), testEpoch)
	ks, err := NewKeySet(k)
	if err != nil {
		t.Fatal(err)
	}
	iss, err := NewIssuer(IssuerConfig{Keys: ks, Issuer: testIssuer})
	if err != nil {
		t.Fatal(err)
	}
	defer iss.Close()
	if _, _, err := iss.Issue(testRequest()); err != ErrNoActiveKey {
		t.Fatalf("Issue = %v; want ErrNoActiveKey", err)
	}
}

func TestIssuerAudience(t *testing.T) {
	f := newFixture(t, 0)
	iss, err := NewIssuer(IssuerConfig{Keys: f.keys, Issuer: testIssuer, Audience: "https://api.test", Clock: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer iss.Close()
	raw, c, err := iss.Issue(testRequest())
	if err != nil {
		t.Fatal(err)
	}
	if c.Audience != "https://api.test" {
		t.Errorf("aud = %s", c.Audience)
	}
	if _, err := f.verifier.Verify(raw); err == nil {
		t.Error("verifier for the issuer's audience accepted a token for another audience")
	}
	v, err := NewVerifier(VerifierConfig{Keys: f.keys, Issuer: testIssuer, Audience: "https://api.test", Clock: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(raw); err != nil {
		t.Error(err)
	}
}

func TestConfigRefusals(t *testing.T) {
	ks, _ := NewKeySet()
	if _, err := NewIssuer(IssuerConfig{Issuer: testIssuer}); err == nil {
		t.Error("issuer without keys")
	}
	if _, err := NewIssuer(IssuerConfig{Keys: ks}); err == nil {
		t.Error("issuer without issuer identifier")
	}
	if _, err := NewVerifier(VerifierConfig{Issuer: testIssuer}); err == nil {
		t.Error("verifier without keys")
	}
	if _, err := NewVerifier(VerifierConfig{Keys: ks}); err == nil {
		t.Error("verifier without issuer identifier")
	}
	if _, err := NewVerifier(VerifierConfig{Keys: ks, Issuer: testIssuer, Leeway: -time.Second}); err == nil {
		t.Error("verifier with negative leeway")
	}
}

func TestClaimsReusable(t *testing.T) {
	c := Claims{IssuedAt: testEpoch, ExpiresAt: testEpoch.Add(time.Hour)}
	for _, tt := range []struct {
		after time.Duration
		want  bool
	}{{0, true}, {30 * time.Minute, true}, {30*time.Minute + time.Second, false}, {2 * time.Hour, false}} {
		if got := c.Reusable(testEpoch.Add(tt.after)); got != tt.want {
			t.Errorf("Reusable after %s = %v; want %v", tt.after, got, tt.want)
		}
	}
}

// Tokens signed by golang-jwt itself, with its own JSON encoding, verify: the
// Verifier does not depend on the Issuer's hand-written encoding.
func TestVerifyAcceptsGolangJWTSignedToken(t *testing.T) {
	f := newFixture(t, 0)
	tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, jwt.MapClaims(validClaims(testEpoch)))
	tok.Header["kid"] = f.key.KID
	tok.Header["typ"] = "at+jwt"
	raw, err := tok.SignedString(f.key.Private)
	if err != nil {
		t.Fatal(err)
	}
	c, err := f.verifier.Verify(raw)
	if err != nil {
		t.Fatal(err)
	}
	if c.Subject != "ci-bot" || c.ID != "jti-1" || c.Tenant != "default" {
		t.Errorf("claims = %+v", c)
	}
}

// And golang-jwt's parser reads every claim the Issuer writes.
func TestGolangJWTParsesIssuedToken(t *testing.T) {
	f := newFixture(t, 0)
	req := testRequest()
	req.Scope = "read"
	raw, issued := f.issue(t, req)
	var mc jwt.MapClaims
	tok, err := jwt.ParseWithClaims(raw, &mc, func(*jwt.Token) (any, error) { return f.key.Public(), nil },
		jwt.WithTimeFunc(f.clock.Now), jwt.WithValidMethods([]string{"EdDSA"}))
	if err != nil || !tok.Valid {
		t.Fatal(err)
	}
	if mc["client_id"] != req.ClientID || mc["jti"] != issued.ID || mc["scope"] != "read" || mc["tenant"] != "default" {
		t.Errorf("claims = %v", mc)
	}
}

func TestAppendPayloadMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "plain", `"quoted" \ back`, "<html>&", "tab\tnl\ncr\rbs\bff\f", "\x00\x1f\x7f", "é中😀", "\u2028\u2029", "bad\xffutf8\xc3", "\xed\xa0\x80"} {
		checkPayload(t, Claims{Issuer: s, Subject: s, Audience: "a", ID: s, ClientID: s, Tenant: s, Scope: s,
			ExpiresAt: testEpoch.Add(time.Hour), IssuedAt: testEpoch, NotBefore: testEpoch})
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "a\"b", "\x00", "\xff", "\u2028", "<>&", "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkPayload(t, Claims{Issuer: s, Subject: s, Audience: s, ID: s, ClientID: s, Tenant: s, Scope: s,
			ExpiresAt: testEpoch, IssuedAt: testEpoch})
	})
}

// checkPayload compares appendPayload with encoding/json on the same members.
func checkPayload(t *testing.T, c Claims) {
	t.Helper()
	type payload struct {
		Iss      string `json:"iss"`
		Sub      string `json:"sub"`
		Aud      string `json:"aud"`
		Exp      int64  `json:"exp"`
		Nbf      int64  `json:"nbf,omitempty"`
		Iat      int64  `json:"iat"`
		Jti      string `json:"jti"`
		ClientID string `json:"client_id"`
		Tenant   string `json:"tenant"`
		Scope    string `json:"scope,omitempty"`
	}
	p := payload{c.Issuer, c.Subject, c.Audience, c.ExpiresAt.Unix(), 0, c.IssuedAt.Unix(), c.ID, c.ClientID, c.Tenant, c.Scope}
	if !c.NotBefore.IsZero() {
		p.Nbf = c.NotBefore.Unix()
	}
	want, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	got := appendPayload(nil, &c)
	if !bytes.Equal(got, want) {
		t.Fatalf("appendPayload\n got %s\nwant %s", got, want)
	}
	if !json.Valid(got) || !utf8.Valid(got) || strings.ContainsAny(string(got), "\u2028\u2029") {
		t.Fatalf("appendPayload produced invalid JSON %q", got)
	}
}

// Ed25519 is deterministic, so the Issuer's hand-built token must equal, byte
// for byte, the token golang-jwt signs for the same header and claims.
func TestIssueMatchesGolangJWT(t *testing.T) {
	// keyward writes a single audience as a string, as RFC 9068 examples do.
	defer func(was bool) { jwt.MarshalSingleStringAsArray = was }(jwt.MarshalSingleStringAsArray)
	jwt.MarshalSingleStringAsArray = false
	f := newFixture(t, 0)
	for _, scope := range []string{"", "read write"} {
		req := testRequest()
		req.Scope = scope
		raw, c := f.issue(t, req)
		tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, wireClaims{
			RegisteredClaims: jwt.RegisteredClaims{
				Issuer: c.Issuer, Subject: c.Subject, Audience: jwt.ClaimStrings{c.Audience},
				ExpiresAt: jwt.NewNumericDate(c.ExpiresAt), IssuedAt: jwt.NewNumericDate(c.IssuedAt), ID: c.ID,
			},
			ClientID: c.ClientID, Tenant: c.Tenant, Scope: c.Scope,
		})
		tok.Header["kid"] = f.key.KID
		tok.Header["typ"] = "at+jwt"
		want, err := tok.SignedString(f.key.Private)
		if err != nil {
			t.Fatal(err)
		}
		if raw != want {
			t.Errorf("scope %q: Issue\n %s\ngolang-jwt\n %s", scope, raw, want)
		}
	}
}
