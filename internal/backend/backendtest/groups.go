package backendtest

import (
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
)

func init() {
	register("GroupLifecycle", withBackend(testGroupLifecycle))
	register("GroupValidation", withBackend(testGroupValidation))
	register("GroupMembers", withBackend(testGroupMembers))
	register("GroupRequired", withBackend(testGroupRequired))
	register("ServiceUserCreateWithPoliciesAndGroups", withBackend(testServiceUserCreateWithPoliciesAndGroups))
}

func userGroups(t *testing.T, b backend.Backend, tenant, id string) string {
	t.Helper()
	return strings.Join(must(b.GetServiceUser(ctx, tenant, id)).Groups, ",")
}

func testGroupLifecycle(t *testing.T, b backend.Backend) {
	if gs := must(b.ListGroups(ctx, "default")); gs == nil || len(gs) != 0 {
		t.Fatalf("fresh tenant groups = %#v", gs)
	}
	g, created, err := b.CreateGroup(ctx, "default", backend.CreateGroupInput{Name: "Operators", Description: "on call", Policies: []string{"ReadOnly", "ReadOnly"}})
	if err != nil || !created || g.Name != "Operators" || g.Tenant != "default" || strings.Join(g.Policies, ",") != "ReadOnly" ||
		g.Members == nil || g.CreatedAt.IsZero() || g.CreatedBy == "" {
		t.Fatalf("create: %+v, created=%v, %v", g, created, err)
	}
	again, created, err := b.CreateGroup(ctx, "default", backend.CreateGroupInput{Name: "Operators", Description: "other", IfNotExists: true})
	if err != nil || created || again.Description != "on call" {
		t.Fatalf("if-not-exists: %+v, created=%v, %v", again, created, err)
	}
	_, _, err = b.CreateGroup(ctx, "default", backend.CreateGroupInput{Name: "Operators"})
	wantCode(t, err, domain.CodeConflict)
	must3(b.CreateGroup(ctx, "default", backend.CreateGroupInput{Name: "deployers"}))
	var names []string
	for _, g := range must(b.ListGroups(ctx, "default")) {
		names = append(names, g.Name)
	}
	if strings.Join(names, ",") != "Operators,deployers" {
		t.Fatalf("list = %v", names)
	}
	up := must(b.UpdateGroup(ctx, "default", "Operators", backend.UpdateGroupInput{Description: ptr("bots on call")}))
	if up.Description != "bots on call" || strings.Join(up.Policies, ",") != "ReadOnly" {
		t.Fatalf("update = %+v", up)
	}
	must(b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "bot", Groups: []string{"Operators", "deployers"}}))
	if got := must(b.GetGroup(ctx, "default", "Operators")); strings.Join(got.Members, ",") != "bot" {
		t.Fatalf("members = %v", got.Members)
	}
	if err := b.DeleteGroup(ctx, "default", "Operators"); err != nil {
		t.Fatal(err)
	}
	_, err = b.GetGroup(ctx, "default", "Operators")
	wantCode(t, err, domain.CodeNotFound)
	if got := userGroups(t, b, "default", "bot"); got != "deployers" {
		t.Fatalf("deleting a group left the membership: %q", got)
	}
	wantCode(t, b.DeleteGroup(ctx, "default", "Operators"), domain.CodeNotFound)
	_, err = b.UpdateGroup(ctx, "default", "ghost", backend.UpdateGroupInput{Description: ptr("x")})
	wantCode(t, err, domain.CodeNotFound)
	_, err = b.ListGroups(ctx, "nowhere")
	wantCode(t, err, domain.CodeNotFound)

	var actions []string
	for _, ev := range must(b.ListAudit(ctx, "default", backend.AuditFilter{Target: "kw:default:group/Operators"})) {
		actions = append(actions, ev.Action)
	}
	if got := strings.Join(actions, ","); got != "group:delete,group:add,group:update,group:create" {
		t.Fatalf("audit = %s", got)
	}
}

func testGroupValidation(t *testing.T, b backend.Backend) {
	before := auditCount(t, b, "default")
	_, _, err := b.CreateGroup(ctx, "default", backend.CreateGroupInput{Name: "on call"})
	wantField(t, err, "name")
	_, _, err = b.CreateGroup(ctx, "default", backend.CreateGroupInput{Name: ""})
	wantField(t, err, "name")
	_, _, err = b.CreateGroup(ctx, "default", backend.CreateGroupInput{Name: "-x"})
	wantField(t, err, "name")
	_, _, err = b.CreateGroup(ctx, "default", backend.CreateGroupInput{Name: "ops", Description: "a\nb"})
	wantField(t, err, "description")
	_, _, err = b.CreateGroup(ctx, "default", backend.CreateGroupInput{Name: "ops", Policies: []string{"ghost"}})
	wantCode(t, err, domain.CodeNotFound)
	_, _, err = b.CreateGroup(ctx, "nowhere", backend.CreateGroupInput{Name: "ops"})
	wantCode(t, err, domain.CodeNotFound)
	if len(must(b.ListGroups(ctx, "default"))) != 0 || auditCount(t, b, "default") != before {
		t.Fatal("refused creates wrote something")
	}
	must3(b.CreateGroup(ctx, "default", backend.CreateGroupInput{Name: "ops"}))
	_, err = b.AddGroupMembers(ctx, "default", "ops", nil)
	wantField(t, err, "users")
	_, err = b.RemoveGroupMembers(ctx, "default", "ops", []string{})
	wantField(t, err, "users")
}

func testGroupMembers(t *testing.T, b backend.Backend) {
	for _, id := range []string{"a", "b", "c"} {
		must(b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: id}))
	}
	must3(b.CreateGroup(ctx, "default", backend.CreateGroupInput{Name: "ops"}))
	must3(b.CreateGroup(ctx, "default", backend.CreateGroupInput{Name: "dev"}))

	g := must(b.AddGroupMembers(ctx, "default", "ops", []string{"b", "a", "a"}))
	if strings.Join(g.Members, ",") != "a,b" {
		t.Fatalf("members = %v", g.Members)
	}
	n := auditCount(t, b, "default")
	g = must(b.AddGroupMembers(ctx, "default", "ops", []string{"a"}))
	if strings.Join(g.Members, ",") != "a,b" || auditCount(t, b, "default") != n {
		t.Fatalf("adding a member twice: members %v, %d new events", g.Members, auditCount(t, b, "default")-n)
	}
	must(b.AddGroupMembers(ctx, "default", "dev", []string{"a"}))
	if got := userGroups(t, b, "default", "a"); got != "dev,ops" {
		t.Fatalf("user a groups = %q", got)
	}
	// An unknown user adds no one.
	_, err := b.AddGroupMembers(ctx, "default", "ops", []string{"c", "ghost"})
	wantCode(t, err, domain.CodeNotFound)
	if got := userGroups(t, b, "default", "c"); got != "" {
		t.Fatalf("a refused add joined c: %q", got)
	}
	_, err = b.AddGroupMembers(ctx, "default", "ghost", []string{"c"})
	wantCode(t, err, domain.CodeNotFound)

	g = must(b.RemoveGroupMembers(ctx, "default", "ops", []string{"a", "c"}))
	if strings.Join(g.Members, ",") != "b" {
		t.Fatalf("members after remove = %v", g.Members)
	}
	if got := userGroups(t, b, "default", "a"); got != "dev" {
		t.Fatalf("user a groups = %q", got)
	}
	_, err = b.RemoveGroupMembers(ctx, "default", "ops", []string{"ghost"})
	wantCode(t, err, domain.CodeNotFound)

	// Deleting a user removes it from its groups.
	if err := b.DeleteServiceUser(ctx, "default", "b"); err != nil {
		t.Fatal(err)
	}
	if g := must(b.GetGroup(ctx, "default", "ops")); len(g.Members) != 0 {
		t.Fatalf("deleted user still a member: %v", g.Members)
	}
	var details []string
	for _, ev := range must(b.ListAudit(ctx, "default", backend.AuditFilter{Action: "group:*", Target: "kw:default:group/ops"})) {
		details = append(details, ev.Action+" "+ev.Detail)
	}
	want := "group:remove kw:default:serviceuser/a,group:add kw:default:serviceuser/b,group:add kw:default:serviceuser/a,group:create "
	if got := strings.Join(details, ","); got != want {
		t.Fatalf("audit = %q, want %q", got, want)
	}
}

func testGroupRequired(t *testing.T, b backend.Backend) {
	must3(b.CreateGroup(ctx, "default", backend.CreateGroupInput{Name: "ops"}))
	must3(b.CreateGroup(ctx, "default", backend.CreateGroupInput{Name: "dev"}))
	must(b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "legacy"}))
	must(b.UpdateTenant(ctx, "default", backend.UpdateTenantInput{Settings: domain.TenantSettingsPatch{RequireGroup: ptr(true)}}))

	_, err := b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "bot"})
	wantField(t, err, "groups")
	_, err = b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "bot", Groups: []string{"ghost"}})
	wantCode(t, err, domain.CodeNotFound)
	_, err = b.GetServiceUser(ctx, "default", "bot")
	wantCode(t, err, domain.CodeNotFound)
	must(b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "bot", Groups: []string{"ops"}}))

	n := auditCount(t, b, "default")
	_, err = b.RemoveGroupMembers(ctx, "default", "ops", []string{"bot"})
	wantCode(t, err, domain.CodeConflict)
	if !strings.Contains(err.Error(), "requireGroup") {
		t.Fatalf("refusal %q does not name the setting", err)
	}
	wantCode(t, b.DeleteGroup(ctx, "default", "ops"), domain.CodeConflict)
	if got := userGroups(t, b, "default", "bot"); got != "ops" || auditCount(t, b, "default") != n {
		t.Fatalf("refused removals changed something: groups %q", got)
	}
	// With a second group, the first may go.
	must(b.AddGroupMembers(ctx, "default", "dev", []string{"bot"}))
	must(b.RemoveGroupMembers(ctx, "default", "ops", []string{"bot"}))
	if err := b.DeleteGroup(ctx, "default", "ops"); err != nil {
		t.Fatal(err)
	}
	if got := userGroups(t, b, "default", "bot"); got != "dev" {
		t.Fatalf("groups = %q", got)
	}
	// Users from before the setting keep working; removing a group they are not in is no change.
	must(b.RemoveGroupMembers(ctx, "default", "dev", []string{"legacy"}))
}

func testServiceUserCreateWithPoliciesAndGroups(t *testing.T, b backend.Backend) {
	createPolicy(t, b, "default", "deploy", stmt("allow", "deploy:*", "*"))
	must3(b.CreateGroup(ctx, "default", backend.CreateGroupInput{Name: "ops"}))
	before := auditCount(t, b, "default")
	_, err := b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "bot", Policies: []string{"deploy", "ghost"}})
	wantCode(t, err, domain.CodeNotFound)
	_, err = b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "bot", Groups: []string{"ops", "ghost"}})
	wantCode(t, err, domain.CodeNotFound)
	if len(must(b.ListServiceUsers(ctx, "default", backend.ListServiceUsersFilter{}))) != 0 || auditCount(t, b, "default") != before {
		t.Fatal("a refused create wrote something")
	}
	res := must(b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "bot", Policies: []string{"deploy", "ReadOnly", "deploy"}, Groups: []string{"ops"}, NoKey: true}))
	if strings.Join(res.Policies, ",") != "ReadOnly,deploy" || strings.Join(res.Groups, ",") != "ops" {
		t.Fatalf("created = %+v", res.ServiceUser)
	}
	var got []string
	for _, ev := range must(b.ListAudit(ctx, "default", backend.AuditFilter{})) {
		got = append(got, ev.Action+" "+ev.Target)
	}
	want := "group:add kw:default:group/ops,policy:attach kw:default:policy/deploy,policy:attach kw:default:policy/ReadOnly,serviceuser:create kw:default:serviceuser/bot"
	if strings.Join(got[:4], ",") != want {
		t.Fatalf("audit = %v", got)
	}
	if p := must(b.GetPolicy(ctx, "default", "deploy")); strings.Join(p.AttachedUsers, ",") != "bot" {
		t.Fatalf("policy attachments = %v", p.AttachedUsers)
	}
}
