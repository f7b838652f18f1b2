package token

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/domain"
)

const testIssuer = "https://keyward.test"

var testEpoch = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// fakeClock is a settable clock safe for concurrent use.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock(t time.Time) *fakeClock { return &fakeClock{now: t} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// fixture is a key set with one active key plus an issuer and a verifier on
// one fake clock.
type fixture struct {
	clock    *fakeClock
	key      SigningKey
	keys     *KeySet
	issuer   *Issuer
	verifier *Verifier
}

func newFixture(t testing.TB, cacheSize int) *fixture {
	t.Helper()
	f := &fixture{clock: newFakeClock(testEpoch)}
	f.key = mustKey(t, testEpoch.Add(-time.Hour))
	var err error
	if f.keys, err = NewKeySet(f.key); err != nil {
		t.Fatal(err)
	}
	if f.issuer, err = NewIssuer(IssuerConfig{Keys: f.keys, Issuer: testIssuer, Clock: f.clock.Now}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.issuer.Close)
	if f.verifier, err = NewVerifier(VerifierConfig{Keys: f.keys, Issuer: testIssuer, Clock: f.clock.Now, CacheSize: cacheSize}); err != nil {
		t.Fatal(err)
	}
	return f
}

func mustKey(t testing.TB, now time.Time) SigningKey {
	t.Helper()
	k, err := NewSigningKey(now)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func testRequest() Request {
	return Request{Subject: "ci-bot", ClientID: "kwk_abcdefghijklmnopqrst", Tenant: "default", TTL: time.Hour}
}

func (f *fixture) issue(t testing.TB, req Request) (string, Claims) {
	t.Helper()
	raw, c, err := f.issuer.Issue(req)
	if err != nil {
		t.Fatal(err)
	}
	return raw, c
}

// validClaims is a claims set the fixture's verifier accepts, as a map a
// test can change before forging a token.
func validClaims(now time.Time) map[string]any {
	return map[string]any{
		"iss": testIssuer, "sub": "ci-bot", "aud": testIssuer,
		"exp": now.Add(time.Hour).Unix(), "iat": now.Unix(),
		"jti": "jti-1", "client_id": "kwk_abcdefghijklmnopqrst", "tenant": "default",
	}
}

func validHeader(kid string) map[string]any {
	return map[string]any{"alg": "EdDSA", "typ": "at+jwt", "kid": kid}
}

func segment(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// forgeEdDSA signs header and claims with key, whatever they say.
func forgeEdDSA(t testing.TB, key ed25519.PrivateKey, header, claims map[string]any) string {
	input := segment(t, header) + "." + segment(t, claims)
	return input + "." + base64.RawURLEncoding.EncodeToString(ed25519.Sign(key, []byte(input)))
}

// forgeHS256 signs with HMAC-SHA256 using secret: the key-confusion attack
// when secret is the public key.
func forgeHS256(t testing.TB, secret []byte, header, claims map[string]any) string {
	input := segment(t, header) + "." + segment(t, claims)
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(input))
	return input + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// assertUnauthenticated checks err is a CodeUnauthenticated *domain.Error
// whose message contains reason and no part of raw.
func assertUnauthenticated(t *testing.T, err error, reason, raw string) {
	t.Helper()
	if err == nil {
		t.Fatalf("accepted; want refusal %q", reason)
	}
	if got := domain.CodeOf(err); got != domain.CodeUnauthenticated {
		t.Fatalf("code %s (%v); want %s", got, err, domain.CodeUnauthenticated)
	}
	if !strings.Contains(err.Error(), reason) {
		t.Errorf("error %q; want it to contain %q", err, reason)
	}
	for _, part := range strings.Split(raw, ".") {
		if len(part) >= 8 && strings.Contains(err.Error(), part) {
			t.Errorf("error %q contains part of the token", err)
		}
	}
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
