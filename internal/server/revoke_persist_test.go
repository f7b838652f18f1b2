package server_test

import (
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/server/servertest"
	"github.com/keyward/keyward/internal/store/boltstore"
)

// restartable is a server on a database file that a test stops and starts
// again, with one clock and one issuer across restarts.
type restartable struct {
	t    *testing.T
	opts servertest.Options
	f    *fixture
}

func newRestartable(t *testing.T) *restartable {
	t.Helper()
	clock := &testClock{now: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}
	r := &restartable{t: t, opts: servertest.Options{
		Now: clock.Now, DBPath: filepath.Join(t.TempDir(), "keyward.db"),
		Issuer: "https://keyward.test", FlushInterval: time.Hour,
	}}
	r.start(clock)
	t.Cleanup(func() {
		if r.f != nil {
			r.stop()
		}
	})
	return r
}

func (r *restartable) start(clock *testClock) {
	r.t.Helper()
	env, err := servertest.Run(r.opts)
	if err != nil {
		r.t.Fatal(err)
	}
	r.f = &fixture{Env: env, clock: clock, log: &syncBuffer{}}
}

func (r *restartable) stop() {
	r.t.Helper()
	err := r.f.Close()
	r.f = nil
	if err != nil {
		r.t.Fatal(err)
	}
}

// restart stops the server (flushing its batches, closing the file) and
// starts a new one on the same file.
func (r *restartable) restart() {
	r.t.Helper()
	clock := r.f.clock
	r.stop()
	r.start(clock)
}

// storedRevokedTokens lists every entry of revokedtokens/, expired or not.
func storedRevokedTokens(t *testing.T, f *fixture) []boltstore.RevokedToken {
	t.Helper()
	var out []boltstore.RevokedToken
	if err := f.Service.DB().View(func(tx *boltstore.Tx) error {
		return tx.ForEachRevokedToken(time.Unix(0, 0), func(r boltstore.RevokedToken) error {
			out = append(out, r)
			return nil
		})
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// A revoked token stays revoked after a restart of the server on the same
// database file, while a token that was not revoked keeps working; neither
// token is ever written to the file.
func TestRevocationSurvivesRestart(t *testing.T) {
	r := newRestartable(t)
	f := r.f
	keyID, secret := f.identity(t, "default", "ci-bot", authz.ReadOnlyPolicy)
	revoked := f.token(t, keyID, secret)
	if status, body := f.postForm(t, "/oauth/revoke", keyID, secret, url.Values{"token": {revoked}}); status != 200 {
		t.Fatalf("revoke: %d %v", status, body)
	}
	kept := f.token(t, keyID, secret)
	if kept == revoked {
		t.Fatal("the revoked token was issued again")
	}
	get := func(f *fixture, tok string) (int, string, string) {
		resp, body := f.call(t, nil, "GET", "/v1/tenants/default/serviceusers/ci-bot", tok, nil)
		msg := ""
		if resp.StatusCode != 200 {
			_, msg = errorOf(t, body)
		}
		return resp.StatusCode, msg, resp.Header.Get("WWW-Authenticate")
	}
	if status, msg, _ := get(f, revoked); status != 401 || !strings.Contains(msg, "revoked") {
		t.Fatalf("before the restart: %d %s", status, msg)
	}

	r.restart()
	f = r.f
	status, msg, challenge := get(f, revoked)
	if status != 401 || !strings.Contains(msg, "revoked") || !strings.HasPrefix(challenge, `Bearer realm="keyward", error="invalid_token"`) {
		t.Fatalf("the revoked token after the restart: %d %q %q", status, msg, challenge)
	}
	if status, body := f.postForm(t, "/oauth/introspect", keyID, secret, url.Values{"token": {revoked}}); status != 200 || len(body) != 1 || body["active"] != false {
		t.Fatalf("introspect the revoked token after the restart: %d %v", status, body)
	}
	if status, msg, _ := get(f, kept); status != 200 {
		t.Fatalf("the token that was not revoked, after the restart: %d %s", status, msg)
	}
	if _, body := f.postForm(t, "/oauth/introspect", keyID, secret, url.Values{"token": {kept}}); body["active"] != true {
		t.Fatalf("introspect the kept token after the restart: %v", body)
	}
	if again := f.token(t, keyID, secret); again == revoked {
		t.Fatal("the revoked token was handed out again after the restart")
	}

	// One audit event names who revoked which key's token, never the token.
	events, err := f.Service.ListAudit(ctx, "default", backend.AuditFilter{Action: "token:revoke"})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || events[0].Actor != "serviceuser:default/ci-bot" || events[0].Target != authz.KeyResource("default", "ci-bot", keyID) ||
		events[0].Outcome != domain.OutcomeSuccess || !strings.HasPrefix(events[0].Detail, "jti ") {
		t.Fatalf("audit = %+v", events)
	}
	audit, _ := json.Marshal(events)
	r.stop()

	raw, err := os.ReadFile(r.opts.DBPath)
	if err != nil {
		t.Fatal(err)
	}
	for name, tok := range map[string]string{"revoked": revoked, "kept": kept} {
		signature := tok[strings.LastIndexByte(tok, '.')+1:]
		for _, leak := range []string{tok, signature} {
			if bytes.Contains(raw, []byte(leak)) || bytes.Contains(audit, []byte(leak)) {
				t.Errorf("the %s token (or its signature) is in the database file or the audit log", name)
			}
		}
	}
	if bytes.Contains(raw, []byte(secret)) {
		t.Error("the secret is in the database file")
	}
}

// Stored revocations are deleted once their tokens have expired, by the
// injected clock: by the server's periodic flush, and when a server starts.
func TestRevokedTokensPurgedAfterExpiry(t *testing.T) {
	r := newRestartable(t)
	f := r.f
	keyID, secret := f.identity(t, "default", "ci-bot", authz.ReadOnlyPolicy)
	revoke := func(tok string) {
		t.Helper()
		if status, body := f.postForm(t, "/oauth/revoke", keyID, secret, url.Values{"token": {tok}}); status != 200 {
			t.Fatalf("revoke: %d %v", status, body)
		}
	}
	first := f.token(t, keyID, secret) // expires at 13:00 (tokenTtl 1h)
	revoke(first)
	f.clock.Advance(30 * time.Minute)
	second := f.token(t, keyID, secret) // expires at 13:30
	revoke(second)

	if got := storedRevokedTokens(t, f); len(got) != 2 {
		t.Fatalf("stored = %v", got)
	}

	f.clock.Advance(30 * time.Minute) // 13:00: first has expired
	if err := f.Server.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	got := storedRevokedTokens(t, f)
	if len(got) != 1 || !got[0].ExpiresAt.Equal(f.clock.Now().Add(30*time.Minute)) {
		t.Fatalf("after the first expiry = %v", got)
	}

	r.stop()
	f.clock.Advance(time.Hour) // second has expired while the server was down
	r.start(f.clock)
	if got := storedRevokedTokens(t, r.f); len(got) != 0 {
		t.Fatalf("after a start past every expiry = %v", got)
	}
}

// Revoking an unknown, malformed, foreign, expired or already revoked token
// is 200 and writes nothing, and issuing tokens (tokenReuse on and off) and
// serving bearer requests commit no database transaction: the database
// sees them only in the batches written by Flush.
func TestRevokeWritesOnlyARevocation(t *testing.T) {
	f := newFixtureWith(t, servertest.Options{FlushInterval: time.Hour})
	keyID, secret := f.identity(t, "default", "ci-bot", authz.ReadOnlyPolicy)
	other := newFixture(t) // another server: another signing key
	otherID, otherSecret := other.identity(t, "default", "ci-bot", authz.ReadOnlyPolicy)
	foreign := other.token(t, otherID, otherSecret)

	// An expired token, and a revoked one.
	expired := f.token(t, keyID, secret)
	f.clock.Advance(time.Hour)
	revoked := f.token(t, keyID, secret)
	if err := f.Server.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	writes := func() int64 { stats := f.Service.DB().Bolt().Stats(); return stats.TxStats.GetWrite() }
	before := writes()
	if status, _ := f.postForm(t, "/oauth/revoke", keyID, secret, url.Values{"token": {revoked}}); status != 200 {
		t.Fatalf("revoke: %d", status)
	}
	if writes() == before {
		t.Fatal("a revocation wrote nothing: the write counter does not work")
	}
	before = writes()

	for name, tok := range map[string]string{
		"garbage": "not-a-token", "malformed JWT": "eyJhbGciOiJFZERTQSJ9.e30.c2ln",
		"foreign": foreign, "expired": expired, "already revoked": revoked,
	} {
		if status, body := f.postForm(t, "/oauth/revoke", keyID, secret, url.Values{"token": {tok}}); status != 200 {
			t.Fatalf("revoke a %s token: %d %v", name, status, body)
		}
	}
	issueAndUse := func() {
		t.Helper()
		for range 3 {
			tok := f.token(t, keyID, secret)
			if resp, body := f.call(t, nil, "GET", "/v1/tenants/default/serviceusers/ci-bot", tok, nil); resp.StatusCode != 200 {
				t.Fatalf("bearer request: %d %s", resp.StatusCode, body)
			}
		}
	}
	issueAndUse()
	if got := writes(); got != before {
		t.Fatalf("%d page writes by revoking unknown tokens, issuing and using tokens; want none", got-before)
	}
	reuse := false
	if _, err := f.Service.UpdateTenant(ctx, "default", backend.UpdateTenantInput{Settings: domain.TenantSettingsPatch{TokenReuse: &reuse}}); err != nil {
		t.Fatal(err)
	}
	before = writes()
	issueAndUse()
	if got := writes(); got != before {
		t.Fatalf("%d page writes by issuing and using tokens with tokenReuse off; want none", got-before)
	}

	if got := storedRevokedTokens(t, f); len(got) != 1 {
		t.Fatalf("stored revocations = %v", got)
	}
	events, err := f.Service.ListAudit(ctx, "default", backend.AuditFilter{Action: "token:revoke"})
	if err != nil || len(events) != 1 {
		t.Fatalf("token:revoke events = %+v, %v", events, err)
	}
}

// A revocation that cannot be stored is 503 temporarily_unavailable (RFC
// 7009 §2.2.1: the client must assume the token is still valid and retry).
func TestRevokeUnstorableIs503(t *testing.T) {
	clock := &testClock{now: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}
	env, err := servertest.Run(servertest.Options{Now: clock.Now, DBPath: filepath.Join(t.TempDir(), "keyward.db"), FlushInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{Env: env, clock: clock, log: &syncBuffer{}}
	defer func() {
		f.HTTP.Close()
		f.Server.Close() // its flush fails on the closed file
	}()
	keyID, secret := f.identity(t, "default", "ci-bot", authz.ReadOnlyPolicy)
	tok := f.token(t, keyID, secret)
	if err := f.Service.Close(); err != nil {
		t.Fatal(err)
	}
	status, body := f.postForm(t, "/oauth/revoke", keyID, secret, url.Values{"token": {tok}})
	if status != 503 || body["error"] != "temporarily_unavailable" {
		t.Fatalf("revoke with the database closed: %d %v", status, body)
	}
}
