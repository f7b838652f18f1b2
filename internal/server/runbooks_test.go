package server_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
)

// A database backup over the API is for system Administrators only: it
// holds the pepper and the signing keys.
func TestBackupOnlyForSystemAdministrators(t *testing.T) {
	f := newFixture(t)
	keyID, secret := f.identity(t, "default", "tenant-admin", authz.AdministratorPolicy)
	resp, body := f.call(t, nil, "GET", "/v1/db/backup", f.token(t, keyID, secret), nil)
	if code, _ := errorOf(t, body); resp.StatusCode != 403 || code != "denied" {
		t.Fatalf("tenant Administrator: %d %s", resp.StatusCode, body)
	}
	resp, body = f.call(t, nil, "GET", "/v1/db/backup", f.token(t, f.AdminKeyID, f.AdminSecret), nil)
	// A bbolt file starts with its meta page, magic 0xED0CDAED (little-endian) at offset 16+.
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/octet-stream" || len(body) < 4096 {
		t.Fatalf("system Administrator: %d %s, %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), len(body))
	}
}

// Every change of an apply is authorized before any is made.
func TestApplyChangesAuthorizedPerChange(t *testing.T) {
	f := newFixture(t)
	must3(t)(f.Service.CreateTenant(ctx, backend.CreateTenantInput{ID: "acme"}))
	keyID, secret := f.identity(t, "acme", "acme-admin", authz.AdministratorPolicy)
	tok := f.token(t, keyID, secret)
	own := `[{"op":"put","kind":"ServiceUser","tenant":"acme","id":"bot","spec":{"tenant":"acme","id":"bot","description":"applied"}}]`
	resp, body := f.call(t, nil, "POST", "/v1/changes", tok, []byte(own))
	var results []backend.ChangeResult
	if err := json.Unmarshal(body, &results); err != nil || resp.StatusCode != 200 || len(results) != 1 || results[0].Action != backend.ActionCreate {
		t.Fatalf("own tenant: %d %s", resp.StatusCode, body)
	}
	mixed := `[{"op":"put","kind":"ServiceUser","tenant":"acme","id":"bot2","spec":{"tenant":"acme","id":"bot2"}},` +
		`{"op":"put","kind":"ServiceUser","tenant":"default","id":"intruder","spec":{"tenant":"default","id":"intruder"}}]`
	resp, body = f.call(t, nil, "POST", "/v1/changes", tok, []byte(mixed))
	if code, _ := errorOf(t, body); resp.StatusCode != 403 || code != "denied" {
		t.Fatalf("another tenant's user in the chunk: %d %s", resp.StatusCode, body)
	}
	if _, err := f.Service.GetServiceUser(ctx, "acme", "bot2"); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatalf("a refused chunk applied part of itself: %v", err)
	}
	tenant := `[{"op":"put","kind":"Tenant","id":"beta","spec":{"id":"beta"}}]`
	if resp, body := f.call(t, nil, "POST", "/v1/changes", tok, []byte(tenant)); resp.StatusCode != 403 {
		t.Fatalf("a tenant Administrator creating a tenant: %d %s", resp.StatusCode, body)
	}
	if resp, body := f.call(t, nil, "POST", "/v1/changes", f.token(t, f.AdminKeyID, f.AdminSecret), []byte(tenant)); resp.StatusCode != 200 {
		t.Fatalf("the system Administrator creating a tenant: %d %s", resp.StatusCode, body)
	}
}

// A ServiceUser entry that attaches policies, joins groups or adds owners
// needs the actions the single commands need, not serviceuser:update alone:
// otherwise a caller could grant itself Administrator through an apply.
func TestApplyChangesAuthorizesMemberships(t *testing.T) {
	f := newFixture(t)
	must3(t)(f.Service.CreatePolicy(ctx, "default", backend.CreatePolicyInput{Name: "users-only", Statements: []domain.PolicyStatement{
		{Effect: "allow", Actions: []string{"serviceuser:*"}, Resources: []string{"serviceuser/*"}},
	}}))
	keyID, secret := f.identity(t, "default", "user-admin", "users-only")
	f.identity(t, "default", "other")
	tok := f.token(t, keyID, secret)
	for name, change := range map[string]string{
		"attach Administrator": `[{"op":"put","kind":"ServiceUser","tenant":"default","id":"user-admin","spec":{"tenant":"default","id":"user-admin","policies":["users-only","Administrator"]}}]`,
		"new user with policy": `[{"op":"put","kind":"ServiceUser","tenant":"default","id":"sidekick","spec":{"tenant":"default","id":"sidekick","policies":["Administrator"]}}]`,
		"add an owner":         `[{"op":"put","kind":"ServiceUser","tenant":"default","id":"sidekick","spec":{"tenant":"default","id":"sidekick","owners":["other"]}}]`,
	} {
		resp, body := f.call(t, nil, "POST", "/v1/changes", tok, []byte(change))
		if code, _ := errorOf(t, body); resp.StatusCode != 403 || code != "denied" {
			t.Errorf("%s: %d %s", name, resp.StatusCode, body)
		}
	}
	u, err := f.Service.GetServiceUser(ctx, "default", "user-admin")
	if err != nil || len(u.Policies) != 1 || u.Policies[0] != "users-only" {
		t.Fatalf("refused changes granted policies: %v %v", u.Policies, err)
	}
	if _, err := f.Service.GetServiceUser(ctx, "default", "sidekick"); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatalf("a refused change created a user: %v", err)
	}
	// Unchanged lists need nothing more than serviceuser:update.
	same := `[{"op":"put","kind":"ServiceUser","tenant":"default","id":"user-admin","spec":{"tenant":"default","id":"user-admin","description":"x","policies":["users-only"]}}]`
	if resp, body := f.call(t, nil, "POST", "/v1/changes", tok, []byte(same)); resp.StatusCode != 200 {
		t.Fatalf("unchanged policies: %d %s", resp.StatusCode, body)
	}
	// The system Administrator may attach.
	if resp, body := f.call(t, nil, "POST", "/v1/changes", f.token(t, f.AdminKeyID, f.AdminSecret), []byte(`[{"op":"put","kind":"ServiceUser","tenant":"default","id":"sidekick","spec":{"tenant":"default","id":"sidekick","policies":["ReadOnly"]}}]`)); resp.StatusCode != 200 {
		t.Fatalf("system Administrator: %d %s", resp.StatusCode, body)
	}
}

// Creating a user with policies or groups needs policy:attach and group:add
// on each, not serviceuser:create alone.
func TestCreateServiceUserAuthorizesPolicies(t *testing.T) {
	f := newFixture(t)
	must3(t)(f.Service.CreatePolicy(ctx, "default", backend.CreatePolicyInput{Name: "users-only", Statements: []domain.PolicyStatement{
		{Effect: "allow", Actions: []string{"serviceuser:*"}, Resources: []string{"serviceuser/*"}},
	}}))
	keyID, secret := f.identity(t, "default", "user-admin", "users-only")
	tok := f.token(t, keyID, secret)
	body := []byte(`{"id":"sidekick","policies":["Administrator"],"noKey":true}`)
	resp, out := f.call(t, nil, "POST", "/v1/tenants/default/serviceusers", tok, body)
	if code, _ := errorOf(t, out); resp.StatusCode != 403 || code != "denied" {
		t.Fatalf("create with Administrator: %d %s", resp.StatusCode, out)
	}
	if _, err := f.Service.GetServiceUser(ctx, "default", "sidekick"); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatalf("a refused create made the user: %v", err)
	}
	if resp, out := f.call(t, nil, "POST", "/v1/tenants/default/serviceusers", tok, []byte(`{"id":"plain","noKey":true}`)); resp.StatusCode != 201 && resp.StatusCode != 200 {
		t.Fatalf("plain create: %d %s", resp.StatusCode, out)
	}
}

// Creating a group with policies needs policy:attach on each, not
// group:create alone: the group's members would hold them.
func TestCreateGroupAuthorizesPolicies(t *testing.T) {
	f := newFixture(t)
	tok := f.callerAllowed(t, "group-maker", []string{"group:create"})
	resp, out := f.call(t, nil, "POST", "/v1/tenants/default/groups", tok, []byte(`{"name":"admins","policies":["Administrator"]}`))
	if code, msg := errorOf(t, out); resp.StatusCode != 403 || code != "denied" || !strings.HasPrefix(msg, "policy:attach on kw:default:policy/Administrator is denied") {
		t.Fatalf("create with Administrator: %d %s", resp.StatusCode, out)
	}
	if _, err := f.Service.GetGroup(ctx, "default", "admins"); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatalf("a refused create made the group: %v", err)
	}
	if resp, out := f.call(t, nil, "POST", "/v1/tenants/default/groups", tok, []byte(`{"name":"plain"}`)); resp.StatusCode != 201 {
		t.Fatalf("plain create: %d %s", resp.StatusCode, out)
	}
}
