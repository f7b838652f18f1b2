package client_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/keyward/keyward/internal/client"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/server/servertest"
)

var ctx = context.Background()

// fakeTokens hands out the tokens it is given, one after another on each
// Invalidate.
type fakeTokens struct {
	mu          sync.Mutex
	tokens      []string
	invalidated int
}

func (f *fakeTokens) Token() (*oauth2.Token, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return &oauth2.Token{AccessToken: f.tokens[min(f.invalidated, len(f.tokens)-1)]}, nil
}

func (f *fakeTokens) Invalidate() {
	f.mu.Lock()
	f.invalidated++
	f.mu.Unlock()
}

func token(t *testing.T, env *servertest.Env) string {
	t.Helper()
	resp, err := http.PostForm(env.URL+"/oauth/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {env.AdminKeyID}, "client_secret": {env.AdminSecret}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
	}
	if err := jsonDecode(resp, &body); err != nil || body.AccessToken == "" {
		t.Fatalf("token: %v", err)
	}
	return body.AccessToken
}

// A token source's refused token is invalidated and the call retried once
// with the next token.
func TestTokenSourceInvalidatedOnRefusal(t *testing.T) {
	clock := &testClock{now: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}
	env := servertest.Start(t, servertest.Options{Now: clock.Now})
	old := token(t, env)
	// Revoke it (RFC 7009), then get another: tokenReuse hands out a new one.
	req, _ := http.NewRequest("POST", env.URL+"/oauth/revoke", strings.NewReader(url.Values{"token": {old}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(env.AdminKeyID, env.AdminSecret)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("revoke: %v", err)
	}
	fresh := token(t, env)
	src := &fakeTokens{tokens: []string{old, fresh}}
	c, err := client.New(client.Options{Server: env.URL, Tokens: src})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListTenants(ctx); err != nil {
		t.Fatal(err)
	}
	if src.invalidated != 1 {
		t.Fatalf("invalidated %d times", src.invalidated)
	}
	// A download (the backup stream) retries the same way.
	src = &fakeTokens{tokens: []string{old, fresh}}
	if c, err = client.New(client.Options{Server: env.URL, Tokens: src}); err != nil {
		t.Fatal(err)
	}
	var db bytes.Buffer
	if n, err := c.Backup(ctx, &db); err != nil || n == 0 || int64(db.Len()) != n {
		t.Fatalf("backup: %d bytes, %v", n, err)
	}
	if src.invalidated != 1 {
		t.Fatalf("backup: invalidated %d times", src.invalidated)
	}
}

// Failures keep keyward's codes: a wrong secret is unauthenticated with the
// server's words, a static token that is refused is not retried, and an
// unreachable server says so.
func TestClientErrors(t *testing.T) {
	env := servertest.Start(t, servertest.Options{})
	c, err := client.New(client.Options{Server: env.URL, AccessKeyID: env.AdminKeyID, Secret: "kws_0000000000000000000000000000000000000000000000000"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListTenants(ctx)
	if domain.CodeOf(err) != domain.CodeUnauthenticated || err.Error() != "invalid client credentials" {
		t.Fatalf("wrong secret: %v (%s)", err, domain.CodeOf(err))
	}
	c, _ = client.New(client.Options{Server: env.URL, Token: "not-a-token"})
	if _, err = c.ListTenants(ctx); domain.CodeOf(err) != domain.CodeUnauthenticated || !strings.Contains(err.Error(), "invalid bearer token") {
		t.Fatalf("bad static token: %v", err)
	}
	if _, err := client.New(client.Options{Server: env.URL}); domain.CodeOf(err) != domain.CodeUnauthenticated {
		t.Fatalf("no credentials: %v", err)
	}
	if _, err := client.New(client.Options{Server: "ftp://x", Token: "t"}); domain.CodeOf(err) != domain.CodeInvalid {
		t.Fatalf("bad URL: %v", err)
	}
	c, _ = client.New(client.Options{Server: "http://127.0.0.1:1", Token: "t"})
	if _, err = c.ListTenants(ctx); err == nil || !strings.Contains(err.Error(), "cannot reach keyward server http://127.0.0.1:1") {
		t.Fatalf("unreachable: %v", err)
	}
}

// The client replaces a token the server no longer accepts (expired by the
// server's clock) without the caller noticing.
func TestClientRefreshesExpiredToken(t *testing.T) {
	clock := &testClock{now: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}
	env := servertest.Start(t, servertest.Options{Now: clock.Now})
	c, err := client.New(client.Options{Server: env.URL, AccessKeyID: env.AdminKeyID, Secret: env.AdminSecret})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListTenants(ctx); err != nil {
		t.Fatal(err)
	}
	clock.Advance(2 * time.Hour) // the token's hour is over on the server
	if _, err := c.ListTenants(ctx); err != nil {
		t.Fatalf("after the token expired: %v", err)
	}
}

func jsonDecode(resp *http.Response, v any) error { return json.NewDecoder(resp.Body).Decode(v) }

// A secret given where a key reference belongs is refused before any
// request: it never goes into a URL, where proxies and access logs keep it.
func TestSecretAsKeyReferenceNeverSent(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		http.Error(w, "unexpected request", http.StatusTeapot)
	}))
	defer srv.Close()
	c, err := client.New(client.Options{Server: srv.URL, Token: "a-token"})
	if err != nil {
		t.Fatal(err)
	}
	const sec = "kws_0000000000000000000000000000000000000000000000000"
	if _, err := c.GetKey(context.Background(), "default", sec); domain.CodeOf(err) != domain.CodeInvalid {
		t.Fatalf("GetKey(secret) = %v; want invalid input", err)
	}
	if _, err := c.RevokeKey(context.Background(), "default", sec); domain.CodeOf(err) != domain.CodeInvalid {
		t.Fatalf("RevokeKey(secret) = %v; want invalid input", err)
	}
	if n := requests.Load(); n != 0 {
		t.Fatalf("%d requests reached the server; want none", n)
	}
}
