package server_test

import (
	"encoding/json"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/secret"
	"github.com/keyward/keyward/internal/server/servertest"
)

// wrongSecret is well-formed but matches no key.
const wrongSecret = "kws_0000000000000000000000000000000000000000000000000"

// tokenAttempt posts client credentials by HTTP Basic through hc (nil: the
// default client), with an X-Forwarded-For header when xff is set, and
// returns the response (body closed) and decoded body.
func (f *fixture) tokenAttempt(t *testing.T, hc *http.Client, keyID, sec, xff string) (*http.Response, tokenResponse) {
	t.Helper()
	req, _ := http.NewRequest("POST", f.URL+"/oauth/token", strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(keyID), url.QueryEscape(sec))
	if xff != "" {
		req.Header.Set("X-Forwarded-For", xff)
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tr tokenResponse
	if err := json.NewDecoder(resp.Body).Decode(&tr); err != nil {
		t.Fatal(err)
	}
	return resp, tr
}

// deniedEvents flushes the server's batches and returns tenant's denied
// audit events, newest first.
func (f *fixture) deniedEvents(t *testing.T, tenant string) []domain.AuditEvent {
	t.Helper()
	if err := f.Server.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	events, err := f.Service.ListAudit(ctx, tenant, backend.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var denied []domain.AuditEvent
	for _, ev := range events {
		if ev.Outcome == domain.OutcomeDenied {
			denied = append(denied, ev)
		}
	}
	return denied
}

// A wrong secret is 401 invalid_client with the Basic challenge, the same
// answer as an unknown key, and is audited as denied (after the batch
// flush, not on the request's path).
func TestWrongSecret(t *testing.T) {
	f := newFixture(t)
	keyID, _ := f.identity(t, "default", "ci-bot", authz.ReadOnlyPolicy)
	resp, tr := f.tokenAttempt(t, nil, keyID, wrongSecret, "")
	if resp.StatusCode != 401 || tr.Error != "invalid_client" || resp.Header.Get("WWW-Authenticate") != `Basic realm="keyward"` ||
		resp.Header.Get("Cache-Control") != "no-store" || resp.Header.Get("Retry-After") != "" {
		t.Fatalf("wrong secret: %d %+v %v", resp.StatusCode, tr, resp.Header)
	}
	unknown, tu := f.tokenAttempt(t, nil, "kwk_00000000000000000000", wrongSecret, "")
	if unknown.StatusCode != 401 || tu != tr {
		t.Fatalf("an unknown key is answered differently: %d %+v vs %+v", unknown.StatusCode, tu, tr)
	}
	denied := f.deniedEvents(t, "default")
	if len(denied) != 1 {
		t.Fatalf("denied events = %+v", denied)
	}
	if d := denied[0]; d.Action != "token:issue" || d.Target != authz.KeyResource("default", "ci-bot", keyID) ||
		d.Actor != "serviceuser:default/ci-bot" || !strings.Contains(d.Detail, "from 127.0.0.1: wrong secret") {
		t.Fatalf("denied event = %+v", d)
	}
	if strings.Contains(f.log.String(), wrongSecret) {
		t.Fatal("the secret was logged")
	}
}

// Five wrong secrets from one address lock that (key, address) pair: even
// the right secret is refused with Retry-After, while another address
// still gets tokens. The lock ends after 15 minutes of the injected clock.
func TestLockout(t *testing.T) {
	f := newFixture(t)
	keyID, sec := f.identity(t, "default", "ci-bot", authz.ReadOnlyPolicy)
	from2 := clientFrom("127.0.0.2")

	// Failures spread over the window count; the fifth locks.
	for i := range 5 {
		if resp, tr := f.tokenAttempt(t, nil, keyID, wrongSecret, ""); resp.StatusCode != 401 || tr.Error != "invalid_client" || resp.Header.Get("Retry-After") != "" {
			t.Fatalf("failure %d: %d %+v Retry-After %q", i+1, resp.StatusCode, tr, resp.Header.Get("Retry-After"))
		}
		f.clock.Advance(2 * time.Minute)
	}
	// The fifth failure (at +8m) locked the pair until +23m; it is +10m.
	resp, tr := f.tokenAttempt(t, nil, keyID, sec, "")
	if resp.StatusCode != 401 || tr.Error != "invalid_client" || resp.Header.Get("Retry-After") != "780" ||
		resp.Header.Get("WWW-Authenticate") == "" || tr.AccessToken != "" {
		t.Fatalf("right secret while locked: %d %+v %v", resp.StatusCode, tr, resp.Header)
	}
	// The lock holds the pair only: another address is served.
	if resp, tr := f.tokenAttempt(t, from2, keyID, sec, ""); resp.StatusCode != 200 || tr.AccessToken == "" {
		t.Fatalf("another address: %d %+v", resp.StatusCode, tr)
	}
	// Introspection and revocation authenticate the same way: locked too.
	if status, body := f.postForm(t, "/oauth/introspect", keyID, sec, url.Values{"token": {"x"}}); status != 401 || body["error"] != "invalid_client" {
		t.Fatalf("introspect while locked: %d %v", status, body)
	}
	denied := f.deniedEvents(t, "default")
	if len(denied) < 7 || !strings.Contains(denied[0].Detail, "locked out") || !strings.Contains(denied[1].Detail, "locked out") ||
		!strings.Contains(denied[2].Detail, "address locked out") {
		t.Fatalf("denied events = %+v", denied)
	}

	// One second before the end it is still locked; at the end it is not.
	f.clock.Advance(13*time.Minute - time.Second)
	if resp, _ := f.tokenAttempt(t, nil, keyID, sec, ""); resp.StatusCode != 401 || resp.Header.Get("Retry-After") != "1" {
		t.Fatalf("a second before the lock ends: %d Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	f.clock.Advance(time.Second)
	if resp, tr := f.tokenAttempt(t, nil, keyID, sec, ""); resp.StatusCode != 200 || tr.AccessToken == "" {
		t.Fatalf("after the lock: %d %+v", resp.StatusCode, tr)
	}
}

// Failures older than the window do not count, and a success clears them.
func TestLockoutWindow(t *testing.T) {
	f := newFixture(t)
	keyID, sec := f.identity(t, "default", "ci-bot", authz.ReadOnlyPolicy)
	fail := func(n int) {
		t.Helper()
		for range n {
			if resp, _ := f.tokenAttempt(t, nil, keyID, wrongSecret, ""); resp.StatusCode != 401 {
				t.Fatalf("wrong secret: %d", resp.StatusCode)
			}
		}
	}
	fail(4)
	f.clock.Advance(15 * time.Minute)
	fail(4) // the first four left the window
	if resp, _ := f.tokenAttempt(t, nil, keyID, sec, ""); resp.StatusCode != 200 {
		t.Fatalf("after 4 recent failures: %d", resp.StatusCode)
	}
	fail(4) // the success cleared the count
	if resp, _ := f.tokenAttempt(t, nil, keyID, sec, ""); resp.StatusCode != 200 {
		t.Fatalf("after a success and 4 failures: %d", resp.StatusCode)
	}
	// Unknown well-formed key ids lock the same way, so the lock does not
	// tell which key ids exist.
	unknown, err := secret.NewKeyID()
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		f.tokenAttempt(t, nil, unknown, wrongSecret, "")
	}
	if resp, _ := f.tokenAttempt(t, nil, unknown, wrongSecret, ""); resp.Header.Get("Retry-After") == "" {
		t.Fatal("an unknown key id was not locked")
	}
}

// Over a limit the token endpoint answers 429 with Retry-After; the clock
// refills the bucket. The per-address limit counts every request, the
// per-key limit only authenticated ones.
func TestRateLimits(t *testing.T) {
	t.Run("per address", func(t *testing.T) {
		f := newFixtureWith(t, servertest.Options{RateLimitIP: 2})
		keyID, sec := f.identity(t, "default", "ci-bot", authz.ReadOnlyPolicy)
		f.tokenAttempt(t, nil, keyID, wrongSecret, "")
		if resp, _ := f.tokenAttempt(t, nil, keyID, sec, ""); resp.StatusCode != 200 {
			t.Fatalf("second request: %d", resp.StatusCode)
		}
		resp, tr := f.tokenAttempt(t, nil, keyID, sec, "")
		if resp.StatusCode != 429 || tr.Error != "rate_limited" || resp.Header.Get("Retry-After") != "1" {
			t.Fatalf("third request in a second: %d %+v Retry-After %q", resp.StatusCode, tr, resp.Header.Get("Retry-After"))
		}
		if resp, _ := f.tokenAttempt(t, clientFrom("127.0.0.2"), keyID, sec, ""); resp.StatusCode != 200 {
			t.Fatalf("another address: %d", resp.StatusCode)
		}
		f.clock.Advance(time.Second)
		if resp, _ := f.tokenAttempt(t, nil, keyID, sec, ""); resp.StatusCode != 200 {
			t.Fatalf("a second later: %d", resp.StatusCode)
		}
	})
	t.Run("per key", func(t *testing.T) {
		f := newFixtureWith(t, servertest.Options{RateLimitKey: 1})
		keyID, sec := f.identity(t, "default", "ci-bot", authz.ReadOnlyPolicy)
		otherID, otherSecret := f.identity(t, "default", "other", authz.ReadOnlyPolicy)
		// A stranger's wrong secrets do not use up the key's budget.
		for range 3 {
			f.tokenAttempt(t, clientFrom("127.0.0.2"), keyID, wrongSecret, "")
		}
		if resp, _ := f.tokenAttempt(t, nil, keyID, sec, ""); resp.StatusCode != 200 {
			t.Fatalf("first request: %d", resp.StatusCode)
		}
		resp, tr := f.tokenAttempt(t, clientFrom("127.0.0.2"), keyID, sec, "")
		if resp.StatusCode != 429 || tr.Error != "rate_limited" || resp.Header.Get("Retry-After") != "1" {
			t.Fatalf("second request for the key: %d %+v Retry-After %q", resp.StatusCode, tr, resp.Header.Get("Retry-After"))
		}
		if resp, _ := f.tokenAttempt(t, nil, otherID, otherSecret, ""); resp.StatusCode != 200 {
			t.Fatalf("another key: %d", resp.StatusCode)
		}
	})
}

// X-Forwarded-For from a peer outside --trusted-proxy is ignored for the
// CIDR check, the lockout and the log; from a trusted proxy its rightmost
// untrusted hop is the client.
func TestForwardedFor(t *testing.T) {
	f := newFixtureWith(t, servertest.Options{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	keyID, sec := f.identity(t, "default", "ci-bot", authz.ReadOnlyPolicy)
	must(t)(f.Service.RestrictKey(ctx, "default", keyID, backend.RestrictKeyInput{Set: &[]string{"203.0.113.0/24"}}))
	untrusted := clientFrom("127.0.0.2")

	if resp, tr := f.tokenAttempt(t, untrusted, keyID, sec, "203.0.113.9"); resp.StatusCode != 401 || !strings.Contains(tr.Description, "127.0.0.2") {
		t.Fatalf("spoofed header from an untrusted peer: %d %+v", resp.StatusCode, tr)
	}
	if resp, tr := f.tokenAttempt(t, nil, keyID, sec, "198.51.100.1, 203.0.113.9"); resp.StatusCode != 200 {
		t.Fatalf("header from the trusted proxy: %d %+v", resp.StatusCode, tr)
	}
	// A client behind the proxy that prepends its own hop gets its real address.
	if resp, _ := f.tokenAttempt(t, nil, keyID, sec, "203.0.113.9, 198.51.100.1"); resp.StatusCode != 401 {
		t.Fatalf("prepended hop: %d", resp.StatusCode)
	}
	logged := f.log.String()
	if !strings.Contains(logged, `"ip":"127.0.0.2"`) || !strings.Contains(logged, `"ip":"203.0.113.9"`) {
		t.Fatalf("log addresses: %s", logged)
	}

	// The lockout follows the same address: an untrusted peer changing the
	// header on every attempt is still one address.
	other, otherSecret := f.identity(t, "default", "other", authz.ReadOnlyPolicy)
	for i := range 5 {
		f.tokenAttempt(t, untrusted, other, wrongSecret, "192.0.2."+strconv.Itoa(i))
	}
	if resp, _ := f.tokenAttempt(t, untrusted, other, otherSecret, "192.0.2.99"); resp.StatusCode != 401 || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("rotating spoofed headers escaped the lockout: %d", resp.StatusCode)
	}
	// Behind the proxy, each client address is its own pair.
	for range 5 {
		f.tokenAttempt(t, nil, other, wrongSecret, "192.0.2.1")
	}
	if resp, _ := f.tokenAttempt(t, nil, other, otherSecret, "192.0.2.1"); resp.StatusCode != 401 {
		t.Fatalf("locked client behind the proxy: %d", resp.StatusCode)
	}
	if resp, _ := f.tokenAttempt(t, nil, other, otherSecret, "192.0.2.2"); resp.StatusCode != 200 {
		t.Fatalf("another client behind the proxy: %d", resp.StatusCode)
	}
}
