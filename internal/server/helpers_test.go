package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/server/servertest"
	"github.com/keyward/keyward/internal/store/boltstore"
)

var ctx = context.Background()

// testClock is the clock of the service and the server.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// fixture is a running server with its clock and captured log.
type fixture struct {
	*servertest.Env
	clock *testClock
	log   *syncBuffer
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	return newFixtureWith(t, servertest.Options{})
}

// newFixtureWith is newFixture with server options (proxies, limits); the
// clock and logger are the fixture's.
func newFixtureWith(t *testing.T, opts servertest.Options) *fixture {
	t.Helper()
	clock := &testClock{now: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}
	log := &syncBuffer{}
	opts.Now, opts.Logger = clock.Now, slog.New(slog.NewJSONHandler(log, nil))
	env := servertest.Start(t, opts)
	return &fixture{Env: env, clock: clock, log: log}
}

// identity creates a service user with the managed policies given and a key.
func (f *fixture) identity(t *testing.T, tenant, id string, policies ...string) (keyID, secret string) {
	t.Helper()
	return servertest.Identity(t, f.Service, tenant, id, policies...)
}

// editKey changes a stored key record, then touches the service so the
// server reads the new state (until access keys have service methods).
func (f *fixture) editKey(t *testing.T, keyID string, edit func(*boltstore.KeyRecord)) {
	t.Helper()
	var tenant, user string
	err := f.Service.DB().Update(func(tx *boltstore.Tx) error {
		k, _, err := tx.Key(keyID)
		if err != nil {
			return err
		}
		tenant, user = k.Tenant, k.ServiceUser
		edit(&k)
		return tx.PutKey(k)
	})
	if err != nil {
		t.Fatal(err)
	}
	f.touch(t, tenant, user)
}

func (f *fixture) touch(t *testing.T, tenant, id string) {
	t.Helper()
	if _, err := f.Service.UpdateServiceUser(ctx, tenant, id, backend.UpdateServiceUserInput{}); err != nil {
		t.Fatal(err)
	}
}

// tokenResponse is the token endpoint's answer, success or error.
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// requestToken posts client credentials by HTTP Basic through hc (nil:
// the default client) and returns the status and decoded body.
func (f *fixture) requestToken(t *testing.T, hc *http.Client, keyID, secret string) (int, tokenResponse) {
	t.Helper()
	req, _ := http.NewRequest("POST", f.URL+"/oauth/token", strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(keyID), url.QueryEscape(secret))
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
	return resp.StatusCode, tr
}

// token returns a bearer token for the key or fails.
func (f *fixture) token(t *testing.T, keyID, secret string) string {
	t.Helper()
	status, tr := f.requestToken(t, nil, keyID, secret)
	if status != 200 || tr.AccessToken == "" {
		t.Fatalf("token: %d %+v", status, tr)
	}
	return tr.AccessToken
}

// call sends an API request with the bearer token through hc (nil: the
// default client) and returns the response with its body read.
func (f *fixture) call(t *testing.T, hc *http.Client, method, path, token string, body any) (*http.Response, []byte) {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, f.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, raw
}

// errorOf decodes an API error body.
func errorOf(t *testing.T, raw []byte) (code, message string) {
	t.Helper()
	var body struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"validationMessages"`
	}
	if err := json.Unmarshal(raw, &body); err != nil || body.Fields == nil {
		t.Fatalf("not an API error body (%v): %s", err, raw)
	}
	return body.Code, body.Message
}

// clientFrom returns an HTTP client whose connections come from the local
// address ip (e.g. 127.0.0.2, a second loopback source).
func clientFrom(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	return &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
}
