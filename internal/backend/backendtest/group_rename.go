package backendtest

import (
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
)

func init() { register("GroupRename", withBackend(testGroupRename)) }

// A rename moves the group's members and policies to the new name in one
// change with one audit event; refused renames change nothing.
func testGroupRename(t *testing.T, b backend.Backend) {
	createPolicy(t, b, "default", "deploy", stmt("allow", "deploy:*", "*"))
	ops := must3(b.CreateGroup(ctx, "default", backend.CreateGroupInput{Name: "ops", Description: "on call", Policies: []string{"deploy"}}))
	must3(b.CreateGroup(ctx, "default", backend.CreateGroupInput{Name: "dev"}))
	must(b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "a", Groups: []string{"ops", "dev"}}))
	must(b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "b", Groups: []string{"ops"}}))
	must(b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "c"}))
	// b's only group is ops: a rename keeps it in a group.
	must(b.UpdateTenant(ctx, "default", backend.UpdateTenantInput{Settings: domain.TenantSettingsPatch{RequireGroup: ptr(true)}}))

	n := auditCount(t, b, "default")
	_, err := b.UpdateGroup(ctx, "default", "ops", backend.UpdateGroupInput{Name: ptr("dev")})
	wantCode(t, err, domain.CodeConflict)
	if !strings.Contains(err.Error(), `a group "dev" already exists`) {
		t.Fatalf("conflict %q does not name the taken group", err)
	}
	for _, bad := range []string{"on call", "", "-ops"} {
		_, err = b.UpdateGroup(ctx, "default", "ops", backend.UpdateGroupInput{Name: ptr(bad)})
		wantField(t, err, "name")
	}
	_, err = b.UpdateGroup(ctx, "default", "ghost", backend.UpdateGroupInput{Name: ptr("spirit")})
	wantCode(t, err, domain.CodeNotFound)
	_, err = b.UpdateGroup(ctx, "nowhere", "ops", backend.UpdateGroupInput{Name: ptr("x")})
	wantCode(t, err, domain.CodeNotFound)
	if got := userGroups(t, b, "default", "a"); got != "dev,ops" || auditCount(t, b, "default") != n {
		t.Fatalf("refused renames changed something: a's groups %q, %d new events", got, auditCount(t, b, "default")-n)
	}

	g := must(b.UpdateGroup(ctx, "default", "ops", backend.UpdateGroupInput{Name: ptr("operators"), Description: ptr("bots on call")}))
	if g.Name != "operators" || g.Tenant != "default" || g.Description != "bots on call" ||
		strings.Join(g.Members, ",") != "a,b" || strings.Join(g.Policies, ",") != "deploy" ||
		!g.CreatedAt.Equal(ops.CreatedAt) || g.CreatedBy != ops.CreatedBy {
		t.Fatalf("renamed = %+v", g)
	}
	_, err = b.GetGroup(ctx, "default", "ops")
	wantCode(t, err, domain.CodeNotFound)
	var names []string
	for _, g := range must(b.ListGroups(ctx, "default")) {
		names = append(names, g.Name+"="+strings.Join(g.Members, "+"))
	}
	if got := strings.Join(names, ","); got != "dev=a,operators=a+b" {
		t.Fatalf("groups after rename = %s", got)
	}
	for id, want := range map[string]string{"a": "dev,operators", "b": "operators", "c": ""} {
		if got := userGroups(t, b, "default", id); got != want {
			t.Fatalf("user %s groups = %q, want %q", id, got, want)
		}
	}
	if p := must(b.GetPolicy(ctx, "default", "deploy")); strings.Join(p.AttachedGroups, ",") != "operators" {
		t.Fatalf("policy attachments after rename = %v", p.AttachedGroups)
	}
	// The members still hold the group's policies.
	check := must(b.CheckPolicy(ctx, "default", backend.CheckPolicyInput{User: "b", Action: "deploy:run"}))
	if !check.Allowed || check.Statement == nil || check.Statement.Policy != "deploy" {
		t.Fatalf("b after rename: %+v", check)
	}
	events := must(b.ListAudit(ctx, "default", backend.AuditFilter{}))
	if len(events) != n+1 {
		t.Fatalf("a rename wrote %d events, want 1", len(events)-n)
	}
	if ev := events[0]; ev.Action != "group:update" || ev.Target != "kw:default:group/operators" || ev.Detail != `renamed from "ops"` {
		t.Fatalf("rename event = %+v", ev)
	}

	// The old name is free again; naming the current name renames nothing.
	if fresh := must3(b.CreateGroup(ctx, "default", backend.CreateGroupInput{Name: "ops"})); len(fresh.Members) != 0 || len(fresh.Policies) != 0 {
		t.Fatalf("a new group under the old name inherited %+v", fresh)
	}
	same := must(b.UpdateGroup(ctx, "default", "operators", backend.UpdateGroupInput{Name: ptr("operators")}))
	if same.Name != "operators" || strings.Join(same.Members, ",") != "a,b" {
		t.Fatalf("rename to its own name = %+v", same)
	}
	if ev := must(b.ListAudit(ctx, "default", backend.AuditFilter{Limit: 1}))[0]; ev.Detail != "" {
		t.Fatalf("an update without a new name says %q", ev.Detail)
	}
}
