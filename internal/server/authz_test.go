package server_test

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/server"
)

// pathOf fills a route pattern's wildcards: the tenant given, and "target"
// (or a key id shape) for the rest.
func pathOf(pattern, tenant string) string {
	r := strings.NewReplacer("{tenant}", tenant, "{id}", "target", "{key}", "target%2Fkey-1", "{name}", "target", "{user}", "target")
	return r.Replace(pattern)
}

// isWrite reports whether any of a route's actions is a write action.
func isWrite(rt server.Route) bool {
	for _, name := range rt.Actions {
		if a, ok := authz.LookupAction(name); ok && a.Access == authz.Write {
			return true
		}
	}
	return false
}

// sampleBodies are request bodies for the routes that take no JSON object.
var sampleBodies = map[string]string{
	"POST /v1/changes": `[{"op":"delete","kind":"ServiceUser","tenant":"default","id":"target"}]`,
}

// A ReadOnly service user is refused every write route (403, naming the
// reason) and allowed every read route. The routes are iterated, so a new
// write route cannot slip through.
func TestReadOnlyOnEveryRoute(t *testing.T) {
	f := newFixture(t)
	keyID, secret := f.identity(t, "default", "reader", authz.ReadOnlyPolicy)
	f.identity(t, "default", "target")
	tok := f.token(t, keyID, secret)
	writes := 0
	for _, rt := range server.Routes() {
		if len(rt.Actions) == 0 {
			continue
		}
		path := pathOf(rt.Pattern, "default")
		body := []byte(`{}`)
		if b, ok := sampleBodies[rt.Method+" "+rt.Pattern]; ok {
			body = []byte(b)
		}
		resp, body := f.call(t, nil, rt.Method, path, tok, body)
		if isWrite(rt) {
			writes++
			code, msg := errorOf(t, body)
			if resp.StatusCode != 403 || code != "denied" || !strings.Contains(msg, "is denied: no statement allows it (default deny)") {
				t.Errorf("%s %s as ReadOnly: %d %s", rt.Method, path, resp.StatusCode, body)
			}
			continue
		}
		if resp.StatusCode == 403 {
			t.Errorf("read route %s %s as ReadOnly: %d %s", rt.Method, path, resp.StatusCode, body)
		}
	}
	if writes < 7 {
		t.Fatalf("only %d write routes", writes)
	}
	// Nothing was changed.
	if users, _ := f.Service.ListServiceUsers(ctx, "default", backend.ListServiceUsersFilter{}); len(users) != 2 {
		t.Fatalf("users after refused writes: %v", users)
	}
}

// A tenant's Administrator is refused in another tenant; a system
// Administrator may act everywhere.
func TestTenantIsolationAndSystemAdministrator(t *testing.T) {
	f := newFixture(t)
	if _, _, err := f.Service.CreateTenant(ctx, backend.CreateTenantInput{ID: "acme"}); err != nil {
		t.Fatal(err)
	}
	keyID, secret := f.identity(t, "acme", "acme-admin", authz.AdministratorPolicy)
	acme := f.token(t, keyID, secret)
	if resp, body := f.call(t, nil, "GET", "/v1/tenants/acme/serviceusers", acme, nil); resp.StatusCode != 200 {
		t.Fatalf("own tenant: %d %s", resp.StatusCode, body)
	}
	for _, req := range [][2]string{
		{"GET", "/v1/tenants/default/serviceusers"},
		{"GET", "/v1/tenants/default"},
		{"POST", "/v1/tenants/default/serviceusers"},
		{"GET", "/v1/tenants/system/audit"},
		{"POST", "/v1/tenants"},
	} {
		resp, body := f.call(t, nil, req[0], req[1], acme, map[string]string{"id": "intruder"})
		if code, _ := errorOf(t, body); resp.StatusCode != 403 || code != "denied" {
			t.Errorf("acme Administrator %s %s: %d %s", req[0], req[1], resp.StatusCode, body)
		}
	}
	resp, body := f.call(t, nil, "GET", "/v1/tenants", acme, nil)
	var tenants []domain.Tenant
	json.Unmarshal(body, &tenants)
	if resp.StatusCode != 200 || len(tenants) != 1 || tenants[0].ID != "acme" {
		t.Fatalf("acme lists tenants: %d %s", resp.StatusCode, body)
	}

	admin := f.token(t, f.AdminKeyID, f.AdminSecret)
	for _, req := range []struct {
		method, path string
		body         any
		status       int
	}{
		{"POST", "/v1/tenants", map[string]string{"id": "beta"}, 201},
		{"POST", "/v1/tenants/beta/serviceusers", map[string]string{"id": "bot"}, 201},
		{"GET", "/v1/tenants/beta/serviceusers/bot", nil, 200},
		{"GET", "/v1/tenants/acme/serviceusers", nil, 200},
		{"PATCH", "/v1/tenants/acme", map[string]string{"name": "Acme"}, 200},
		{"GET", "/v1/tenants/default/audit", nil, 200},
		{"GET", "/v1/tenants", nil, 200},
	} {
		if resp, body := f.call(t, nil, req.method, req.path, admin, req.body); resp.StatusCode != req.status {
			t.Errorf("system Administrator %s %s: %d %s", req.method, req.path, resp.StatusCode, body)
		}
	}
	// The API's actor is the service user.
	u, err := f.Service.GetServiceUser(ctx, "beta", "bot")
	if err != nil || u.CreatedBy != "serviceuser:system/admin" {
		t.Fatalf("created by %q (%v)", u.CreatedBy, err)
	}
}

// An owner manages the user it owns without any policy, and nothing else.
func TestOwnerManagesOwnedUser(t *testing.T) {
	f := newFixture(t)
	keyID, secret := f.identity(t, "default", "alice")
	f.identity(t, "default", "bot")
	f.identity(t, "default", "carol")
	must3(t)(f.Service.AddOwner(ctx, "default", "bot", "alice"))
	tok := f.token(t, keyID, secret)
	for _, req := range []struct {
		method, path string
		body         any
		status       int
	}{
		{"GET", "/v1/tenants/default/serviceusers/bot", nil, 200},
		{"PATCH", "/v1/tenants/default/serviceusers/bot", map[string]string{"description": "mine"}, 200},
		{"PUT", "/v1/tenants/default/serviceusers/bot/status", map[string]string{"status": "disabled"}, 200},
		{"PUT", "/v1/tenants/default/serviceusers/bot/status", map[string]string{"status": "active"}, 200},
		{"POST", "/v1/tenants/default/serviceusers/bot/keys", map[string]string{"name": "deploy"}, 201},
		{"GET", "/v1/tenants/default/keys/bot%2Fdeploy", nil, 200},
		{"POST", "/v1/tenants/default/keys/bot%2Fdeploy/rotate", map[string]string{}, 201},
		{"DELETE", "/v1/tenants/default/keys/bot%2Fdeploy", nil, 200},
		{"GET", "/v1/tenants/default/serviceusers/bot/owners", nil, 200},
		// Not its own rights to raise, nor anyone else's users.
		{"PUT", "/v1/tenants/default/serviceusers/bot/owners/carol", nil, 403},
		{"POST", "/v1/tenants/default/policies/Administrator/attachments", map[string]string{"user": "bot"}, 403},
		{"GET", "/v1/tenants/default/serviceusers/carol", nil, 403},
		{"POST", "/v1/tenants/default/serviceusers/carol/keys", map[string]string{}, 403},
		{"PATCH", "/v1/tenants/default/serviceusers/carol", map[string]string{"description": "x"}, 403},
		{"GET", "/v1/tenants/default/serviceusers", nil, 403},
		{"GET", "/v1/tenants/default", nil, 403},
		{"DELETE", "/v1/tenants/default/serviceusers/bot", nil, 204},
	} {
		if resp, body := f.call(t, nil, req.method, req.path, tok, req.body); resp.StatusCode != req.status {
			t.Errorf("owner %s %s: %d %s", req.method, req.path, resp.StatusCode, body)
		}
	}
}

// A service user that may only create users becomes, over the API, the
// owner of those it creates, and so manages their keys without any
// tenant-wide right on users or keys.
func TestCreatorBecomesOwner(t *testing.T) {
	f := newFixture(t)
	must3(t)(f.Service.CreatePolicy(ctx, "default", backend.CreatePolicyInput{Name: "provisioner",
		Statements: []domain.PolicyStatement{{Effect: "allow", Actions: []string{"serviceuser:create"}, Resources: []string{"serviceuser/*"}}}}))
	keyID, secret := f.identity(t, "default", "provisioner", "provisioner")
	f.identity(t, "default", "other")
	tok := f.token(t, keyID, secret)
	resp, body := f.call(t, nil, "POST", "/v1/tenants/default/serviceusers", tok, map[string]any{"id": "app", "noKey": true})
	var created domain.ServiceUser
	if err := json.Unmarshal(body, &created); err != nil || resp.StatusCode != 201 || len(created.Owners) != 1 || created.Owners[0] != "provisioner" {
		t.Fatalf("create: %d %s", resp.StatusCode, body)
	}
	if resp, body := f.call(t, nil, "POST", "/v1/tenants/default/serviceusers/app/keys", tok, map[string]string{"name": "k"}); resp.StatusCode != 201 {
		t.Fatalf("key of the created user: %d %s", resp.StatusCode, body)
	}
	if resp, body := f.call(t, nil, "POST", "/v1/tenants/default/serviceusers/other/keys", tok, map[string]string{}); resp.StatusCode != 403 {
		t.Fatalf("key of another user: %d %s", resp.StatusCode, body)
	}
	// Locally, and for a system Administrator, nobody becomes an owner.
	res, err := f.Service.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "local", NoKey: true})
	if err != nil || len(res.Owners) != 0 {
		t.Fatalf("local create: owners %v (%v)", res.Owners, err)
	}
	admin := f.token(t, f.AdminKeyID, f.AdminSecret)
	_, body = f.call(t, nil, "POST", "/v1/tenants/default/serviceusers", admin, map[string]any{"id": "by-admin", "noKey": true})
	if err := json.Unmarshal(body, &created); err != nil || len(created.Owners) != 0 {
		t.Fatalf("created by the system Administrator: %s", body)
	}
}

// Custom policies decide over the API: resource patterns, and an explicit
// deny named in the 403.
func TestCustomPolicies(t *testing.T) {
	f := newFixture(t)
	must3(t)(f.Service.CreatePolicy(ctx, "default", backend.CreatePolicyInput{Name: "ci-keys", Statements: []domain.PolicyStatement{
		{Effect: "allow", Actions: []string{"serviceuser:read", "key:*"}, Resources: []string{"serviceuser/ci-*"}},
		{Effect: "deny", Actions: []string{"key:revoke"}, Resources: []string{"serviceuser/ci-prod/key/*"}},
	}}))
	keyID, secret := f.identity(t, "default", "robot", "ci-keys")
	f.identity(t, "default", "ci-prod")
	f.identity(t, "default", "billing")
	tok := f.token(t, keyID, secret)
	if resp, body := f.call(t, nil, "GET", "/v1/tenants/default/serviceusers/ci-prod", tok, nil); resp.StatusCode != 200 {
		t.Fatalf("allowed read: %d %s", resp.StatusCode, body)
	}
	resp, body := f.call(t, nil, "GET", "/v1/tenants/default/serviceusers/billing", tok, nil)
	if _, msg := errorOf(t, body); resp.StatusCode != 403 || !strings.Contains(msg, "default deny") {
		t.Fatalf("read outside the pattern: %d %s", resp.StatusCode, body)
	}
	_, body = f.call(t, nil, "POST", "/v1/tenants/default/serviceusers/ci-prod/keys", tok, map[string]string{"name": "extra"})
	var k domain.NewAccessKey
	json.Unmarshal(body, &k)
	resp, body = f.call(t, nil, "DELETE", "/v1/tenants/default/keys/"+k.ID, tok, nil)
	if _, msg := errorOf(t, body); resp.StatusCode != 403 || !strings.Contains(msg, `denied by policy "ci-keys" statements[1] (deny)`) {
		t.Fatalf("denied revoke: %d %s", resp.StatusCode, body)
	}
	// A policy change takes effect on the next request.
	must3(t)(f.Service.DetachPolicy(ctx, "default", "ci-keys", backend.PolicyTarget{User: "robot"}))
	if resp, _ := f.call(t, nil, "GET", "/v1/tenants/default/serviceusers/ci-prod", tok, nil); resp.StatusCode != 403 {
		t.Fatalf("after detaching: %d", resp.StatusCode)
	}
}

// A key of a type may do only what both its user's policies and the type's
// scope allow.
func TestKeyTypeLimitsToken(t *testing.T) {
	f := newFixture(t)
	f.identity(t, "default", "ops", authz.AdministratorPolicy)
	must3(t)(f.Service.CreateKeyType(ctx, "default", backend.CreateKeyTypeInput{Name: "MONITORING", Scope: authz.ReadOnlyPolicy}))
	k, err := f.Service.GenerateKey(ctx, "default", "ops", backend.GenerateKeyInput{Name: "monitor", Type: "MONITORING", Expires: "never"})
	if err != nil {
		t.Fatal(err)
	}
	tok := f.token(t, k.ID, k.Secret)
	if resp, body := f.call(t, nil, "GET", "/v1/tenants/default/serviceusers", tok, nil); resp.StatusCode != 200 {
		t.Fatalf("read with a MONITORING key: %d %s", resp.StatusCode, body)
	}
	resp, body := f.call(t, nil, "POST", "/v1/tenants/default/serviceusers", tok, map[string]any{"id": "x", "noKey": true})
	if _, msg := errorOf(t, body); resp.StatusCode != 403 || !strings.Contains(msg, `outside key type "MONITORING"`) {
		t.Fatalf("write with a MONITORING key: %d %s", resp.StatusCode, body)
	}
}

// Every request re-checks the key and the user: a change takes effect on
// the next request, with 401 and the RFC 6750 challenge.
func TestRevocationOnNextRequest(t *testing.T) {
	f := newFixture(t)
	get := func(tok string) (int, string, string) {
		resp, body := f.call(t, nil, "GET", "/v1/tenants/default/serviceusers/ci-bot", tok, nil)
		msg := ""
		if resp.StatusCode != 200 {
			_, msg = errorOf(t, body)
		}
		return resp.StatusCode, msg, resp.Header.Get("WWW-Authenticate")
	}
	keyID, secret := f.identity(t, "default", "ci-bot", authz.ReadOnlyPolicy)
	tok := f.token(t, keyID, secret)
	for _, tc := range []struct {
		name   string
		change func()
		undo   func()
		reason string
	}{
		{"disabled user",
			func() { f.Service.SetServiceUserStatus(ctx, "default", "ci-bot", domain.UserDisabled) },
			func() { f.Service.SetServiceUserStatus(ctx, "default", "ci-bot", domain.UserActive) },
			`service user "ci-bot" is disabled`},
		{"deactivated key",
			func() { must(t)(f.Service.SetKeyStatus(ctx, "default", keyID, domain.KeyInactive)) },
			func() { must(t)(f.Service.SetKeyStatus(ctx, "default", keyID, domain.KeyActive)) },
			"is inactive"},
		{"expired key",
			func() {
				must(t)(f.Service.UpdateKey(ctx, "default", keyID, backend.UpdateKeyInput{Expires: ptr("10m")}))
				f.clock.Advance(10 * time.Minute)
			},
			func() {
				must(t)(f.Service.UpdateKey(ctx, "default", keyID, backend.UpdateKeyInput{Expires: ptr("never")}))
			},
			"expired at"},
		{"source address outside the key's new allow list",
			func() {
				must(t)(f.Service.RestrictKey(ctx, "default", keyID, backend.RestrictKeyInput{Set: &[]string{"192.0.2.0/24"}}))
			},
			func() {
				must(t)(f.Service.RestrictKey(ctx, "default", keyID, backend.RestrictKeyInput{Set: &[]string{}}))
			},
			"is not in the CIDR allow list of access key"},
	} {
		if status, msg, _ := get(tok); status != 200 {
			t.Fatalf("%s: before: %d %s", tc.name, status, msg)
		}
		tc.change()
		status, msg, challenge := get(tok)
		if status != 401 || !strings.Contains(msg, tc.reason) || !strings.HasPrefix(challenge, `Bearer realm="keyward", error="invalid_token"`) {
			t.Fatalf("%s: %d %q %q", tc.name, status, msg, challenge)
		}
		if st, tr := f.requestToken(t, nil, keyID, secret); st != 401 || !strings.Contains(tr.Description, tc.reason) {
			t.Fatalf("%s: token endpoint: %d %+v", tc.name, st, tr)
		}
		tc.undo()
	}
	// A revoked (deleted) key, and a deleted user.
	must(t)(f.Service.RevokeKey(ctx, "default", keyID))
	if status, msg, _ := get(tok); status != 401 || !strings.Contains(msg, "no longer exists") {
		t.Fatalf("revoked key: %d %s", status, msg)
	}
	keyID, secret = f.identity(t, "default", "ci-bot")
	tok = f.token(t, keyID, secret)
	if err := f.Service.DeleteServiceUser(ctx, "default", "ci-bot"); err != nil {
		t.Fatal(err)
	}
	if status, msg, _ := get(tok); status != 401 {
		t.Fatalf("deleted user: %d %s", status, msg)
	}
}

// The effective CIDR allow list (user ∩ key) is checked at issuance and at
// every use; 127.0.0.2 is a second loopback source.
func TestCIDRAtIssuanceAndUse(t *testing.T) {
	f := newFixture(t)
	keyID, secret := f.identity(t, "default", "ci-bot", authz.ReadOnlyPolicy)
	from1, from2 := clientFrom("127.0.0.1"), clientFrom("127.0.0.2")
	tok1 := f.token(t, keyID, secret) // before any restriction
	must(t)(f.Service.UpdateServiceUser(ctx, "default", "ci-bot", backend.UpdateServiceUserInput{CIDRAllowList: &[]string{"127.0.0.2/32"}}))

	if status, tr := f.requestToken(t, from1, keyID, secret); status != 401 || !strings.Contains(tr.Description, "source address 127.0.0.1 is not in the CIDR allow list") {
		t.Fatalf("issuance from 127.0.0.1: %d %+v", status, tr)
	}
	status, tr := f.requestToken(t, from2, keyID, secret)
	if status != 200 {
		t.Fatalf("issuance from 127.0.0.2: %d %+v", status, tr)
	}
	path := "/v1/tenants/default/serviceusers/ci-bot"
	if resp, body := f.call(t, from2, "GET", path, tr.AccessToken, nil); resp.StatusCode != 200 {
		t.Fatalf("use from 127.0.0.2: %d %s", resp.StatusCode, body)
	}
	for _, tok := range []string{tr.AccessToken, tok1} {
		if resp, body := f.call(t, from1, "GET", path, tok, nil); resp.StatusCode != 401 {
			t.Fatalf("use from 127.0.0.1: %d %s", resp.StatusCode, body)
		}
	}
	// The key's own list intersects the user's.
	must(t)(f.Service.RestrictKey(ctx, "default", keyID, backend.RestrictKeyInput{Set: &[]string{"127.0.0.1/32"}}))
	if resp, _ := f.call(t, from2, "GET", path, tr.AccessToken, nil); resp.StatusCode != 401 {
		t.Fatalf("use outside the key's list: %d", resp.StatusCode)
	}
}

// Forged tokens are refused: a changed payload, alg none, HS256 keyed with
// the public key, garbage, and no token at all.
func TestForgedTokens(t *testing.T) {
	f := newFixture(t)
	good := f.token(t, f.AdminKeyID, f.AdminSecret)
	parts := strings.Split(good, ".")
	header, claims := jwtParts(t, good)
	claims["tenant"] = "acme"
	payload, _ := json.Marshal(claims)
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString(payload) + "." + parts[2]

	none := jwt.NewWithClaims(jwt.SigningMethodNone, jwt.MapClaims(claims))
	none.Header["typ"], none.Header["kid"] = "at+jwt", header["kid"]
	algNone, err := none.SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}
	var jwks struct {
		Keys []struct{ X string } `json:"keys"`
	}
	_, raw := f.call(t, nil, "GET", "/.well-known/jwks.json", "", nil)
	json.Unmarshal(raw, &jwks)
	pub, _ := base64.RawURLEncoding.DecodeString(jwks.Keys[0].X)
	hs := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims(claims))
	hs.Header["typ"], hs.Header["kid"] = "at+jwt", header["kid"]
	hsToken, err := hs.SignedString(pub)
	if err != nil {
		t.Fatal(err)
	}
	for name, tok := range map[string]string{
		"tampered": tampered, "alg none": algNone, "HS256 with the public key": hsToken,
		"garbage": "not.a.token", "truncated": good[:len(good)-4],
	} {
		resp, body := f.call(t, nil, "GET", "/v1/tenants/default/serviceusers", tok, nil)
		if code, _ := errorOf(t, body); resp.StatusCode != 401 || code != "unauthenticated" ||
			!strings.Contains(resp.Header.Get("WWW-Authenticate"), `error="invalid_token"`) {
			t.Errorf("%s: %d %s %q", name, resp.StatusCode, body, resp.Header.Get("WWW-Authenticate"))
		}
	}
	resp, body := f.call(t, nil, "GET", "/v1/tenants/default/serviceusers", "", nil)
	if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") != `Bearer realm="keyward"` {
		t.Fatalf("no token: %d %s %q", resp.StatusCode, body, resp.Header.Get("WWW-Authenticate"))
	}
	if resp, _ := f.call(t, nil, "GET", "/v1/tenants/default/serviceusers", good, nil); resp.StatusCode != 200 {
		t.Fatalf("the genuine token: %d", resp.StatusCode)
	}
}

// must3 is must for calls returning two values and an error.
func must3(t *testing.T) func(any, any, error) {
	return func(_ any, _ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
}

// must fails the test on an error, for calls whose result is not needed.
func must(t *testing.T) func(any, error) {
	return func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
}
