package server_test

import (
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
)

// A secret passed where a key reference belongs (a caller's mistake) never
// comes back in the answer, nor reaches the audit log or the request log:
// the key is named without it, and the caller is refused by its rights.
func TestSecretAsKeyReferenceIsNotEchoed(t *testing.T) {
	f := newFixture(t)
	keyID, sec := f.identity(t, "default", "alice")
	tok := f.token(t, keyID, sec)
	for _, req := range []struct{ method, suffix string }{
		{"GET", ""},
		{"PATCH", ""},
		{"DELETE", ""},
		{"POST", "/rotate"},
		{"PUT", "/status"},
		{"POST", "/restrict"},
	} {
		var body any
		if req.method != "GET" && req.method != "DELETE" {
			body = map[string]string{}
		}
		resp, raw := f.call(t, nil, req.method, "/v1/tenants/default/keys/"+sec+req.suffix, tok, body)
		if resp.StatusCode != 403 && resp.StatusCode != 400 {
			t.Errorf("%s key%s: %d %s", req.method, req.suffix, resp.StatusCode, raw)
		}
		if strings.Contains(string(raw), sec) || strings.Contains(resp.Header.Get("WWW-Authenticate"), sec) {
			t.Errorf("%s key%s echoes the secret: %s", req.method, req.suffix, raw)
		}
	}
	// Elsewhere in a path: a user id, or no endpoint at all.
	for _, path := range []string{"/v1/tenants/default/serviceusers/" + sec, "/v1/no-such/" + sec} {
		resp, raw := f.call(t, nil, "GET", path, tok, nil)
		if resp.StatusCode < 400 || strings.Contains(string(raw), sec) {
			t.Errorf("GET %s: %d %s", strings.ReplaceAll(path, sec, "SECRET"), resp.StatusCode, raw)
		}
	}
	for _, ev := range f.deniedEvents(t, "default") {
		if strings.Contains(ev.Target, sec) || strings.Contains(ev.Detail, sec) {
			t.Errorf("audit event holds the secret: %+v", ev)
		}
	}
	if strings.Contains(f.log.String(), sec) {
		t.Errorf("the request log holds the secret:\n%s", f.log.String())
	}
}

// Names that merely start like a secret are authorized, answered and
// logged as they are: an explicit deny on group kws_admins holds.
func TestSecretLikeNamesAreNotRedacted(t *testing.T) {
	f := newFixture(t)
	must3(t)(f.Service.CreateGroup(ctx, "default", backend.CreateGroupInput{Name: "kws_admins"}))
	must3(t)(f.Service.CreateGroup(ctx, "default", backend.CreateGroupInput{Name: "kws_ops"}))
	must3(t)(f.Service.CreatePolicy(ctx, "default", backend.CreatePolicyInput{Name: "groups", Statements: []domain.PolicyStatement{
		{Effect: "allow", Actions: []string{"group:read"}, Resources: []string{"group/*"}},
		{Effect: "deny", Actions: []string{"group:read"}, Resources: []string{"group/kws_admins"}},
	}}))
	keyID, sec := f.identity(t, "default", "robot", "groups")
	tok := f.token(t, keyID, sec)
	if resp, body := f.call(t, nil, "GET", "/v1/tenants/default/groups/kws_ops", tok, nil); resp.StatusCode != 200 {
		t.Fatalf("allowed read: %d %s", resp.StatusCode, body)
	}
	resp, body := f.call(t, nil, "GET", "/v1/tenants/default/groups/kws_admins", tok, nil)
	if _, msg := errorOf(t, body); resp.StatusCode != 403 || !strings.Contains(msg, "group/kws_admins") {
		t.Fatalf("denied read: %d %s", resp.StatusCode, body)
	}
	if !strings.Contains(f.log.String(), `"path":"/v1/tenants/default/groups/kws_admins"`) {
		t.Fatalf("request log:\n%s", f.log.String())
	}
}
