package server_test

import (
	"testing"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
)

// Renaming a group over the API needs group:update on the old and the new
// name: a caller allowed only ops* cannot move the group out of its reach.
func TestGroupRenameNeedsUpdateOnBothNames(t *testing.T) {
	f := newFixture(t)
	if _, _, err := f.Service.CreatePolicy(ctx, "default", backend.CreatePolicyInput{Name: "ops-admin", Statements: []domain.PolicyStatement{
		{Effect: "allow", Actions: []string{"group:update", "group:read"}, Resources: []string{"group/ops*"}},
	}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.Service.CreateGroup(ctx, "default", backend.CreateGroupInput{Name: "ops"}); err != nil {
		t.Fatal(err)
	}
	keyID, secret := f.identity(t, "default", "ops-bot", "ops-admin")
	tok := f.token(t, keyID, secret)

	resp, body := f.call(t, nil, "PATCH", "/v1/tenants/default/groups/ops", tok, map[string]string{"name": "platform"})
	if code, _ := errorOf(t, body); resp.StatusCode != 403 || code != "denied" {
		t.Fatalf("rename to a name outside the caller's policy: %d %s", resp.StatusCode, body)
	}
	if _, err := f.Service.GetGroup(ctx, "default", "ops"); err != nil {
		t.Fatalf("a refused rename changed the group: %v", err)
	}
	resp, body = f.call(t, nil, "PATCH", "/v1/tenants/default/groups/ops", tok, map[string]string{"name": "ops-oncall"})
	if resp.StatusCode != 200 {
		t.Fatalf("rename within the caller's policy: %d %s", resp.StatusCode, body)
	}
	if _, err := f.Service.GetGroup(ctx, "default", "ops-oncall"); err != nil {
		t.Fatal(err)
	}
}
