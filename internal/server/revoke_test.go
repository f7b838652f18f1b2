package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/domain"
)

// postForm sends an OAuth form request authenticated by HTTP Basic.
func (f *fixture) postForm(t *testing.T, path, keyID, secret string, form url.Values) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("POST", f.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(keyID, secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body
}

func TestRevokeAndIntrospect(t *testing.T) {
	f := newFixture(t)
	keyID, secret := f.identity(t, "default", "ci-bot", authz.ReadOnlyPolicy)
	otherID, otherSecret := f.identity(t, "default", "other")
	tok := f.token(t, keyID, secret)

	status, body := f.postForm(t, "/oauth/introspect", keyID, secret, url.Values{"token": {tok}})
	if status != 200 || body["active"] != true || body["sub"] != "ci-bot" || body["client_id"] != keyID || body["tenant"] != "default" || body["token_type"] != "Bearer" {
		t.Fatalf("introspect own token: %d %v", status, body)
	}
	// Another key without rights on ci-bot learns nothing; an Administrator does.
	if status, body := f.postForm(t, "/oauth/introspect", otherID, otherSecret, url.Values{"token": {tok}}); status != 200 || len(body) != 1 || body["active"] != false {
		t.Fatalf("introspect by a stranger: %d %v", status, body)
	}
	if _, body := f.postForm(t, "/oauth/introspect", f.AdminKeyID, f.AdminSecret, url.Values{"token": {tok}}); body["active"] != true {
		t.Fatalf("introspect by the system Administrator: %v", body)
	}
	// Revoking another key's token is refused; an unknown token is 200.
	if status, body := f.postForm(t, "/oauth/revoke", otherID, otherSecret, url.Values{"token": {tok}}); status != 400 || body["error"] != "unauthorized_client" {
		t.Fatalf("revoke another key's token: %d %v", status, body)
	}
	if status, _ := f.postForm(t, "/oauth/revoke", keyID, secret, url.Values{"token": {"not-a-token"}}); status != 200 {
		t.Fatalf("revoke an unknown token: %d", status)
	}
	if status, _ := f.postForm(t, "/oauth/revoke", keyID, secret, url.Values{"token": {tok}}); status != 200 {
		t.Fatalf("revoke: %d", status)
	}
	resp, raw := f.call(t, nil, "GET", "/v1/tenants/default/serviceusers/ci-bot", tok, nil)
	if _, msg := errorOf(t, raw); resp.StatusCode != 401 || !strings.Contains(msg, "revoked") {
		t.Fatalf("a revoked token: %d %s", resp.StatusCode, raw)
	}
	if _, body := f.postForm(t, "/oauth/introspect", keyID, secret, url.Values{"token": {tok}}); body["active"] != false {
		t.Fatalf("introspect after revoke: %v", body)
	}
	// tokenReuse does not hand out the revoked token again.
	if next := f.token(t, keyID, secret); next == tok {
		t.Fatal("the revoked token was issued again")
	}
	// A disabled user's tokens are inactive.
	fresh := f.token(t, keyID, secret)
	f.Service.SetServiceUserStatus(ctx, "default", "ci-bot", domain.UserDisabled)
	if _, body := f.postForm(t, "/oauth/introspect", f.AdminKeyID, f.AdminSecret, url.Values{"token": {fresh}}); body["active"] != false {
		t.Fatalf("introspect a disabled user's token: %v", body)
	}
	if status, body := f.postForm(t, "/oauth/introspect", keyID, "kws_wrong", url.Values{"token": {fresh}}); status != 401 || body["error"] != "invalid_client" {
		t.Fatalf("introspect with a wrong secret: %d %v", status, body)
	}
}
