package backendtest

import (
	"slices"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
)

func init() {
	register("PolicyLifecycle", withBackend(testPolicyLifecycle))
	register("PolicyValidation", withBackend(testPolicyValidation))
	register("PolicyManagedImmutable", withBackend(testPolicyManagedImmutable))
	register("PolicyAttach", withBackend(testPolicyAttach))
	register("PolicyRename", withBackend(testPolicyRename))
	register("PolicyDeleteAttached", withBackend(testPolicyDeleteAttached))
	register("PolicyCheck", withBackend(testPolicyCheck))
	register("PolicyCheckSystemAdministrator", withBackend(testPolicyCheckSystemAdministrator))
}

// stmt builds a statement: effect, comma-separated actions and resources.
func stmt(effect, actions, resources string) domain.PolicyStatement {
	return domain.PolicyStatement{Effect: effect, Actions: strings.Split(actions, ","), Resources: strings.Split(resources, ",")}
}

func createPolicy(t *testing.T, b backend.Backend, tenant, name string, statements ...domain.PolicyStatement) domain.Policy {
	t.Helper()
	return must3(b.CreatePolicy(ctx, tenant, backend.CreatePolicyInput{Name: name, Statements: statements}))
}

func policyNames(ps []domain.Policy) string {
	var names []string
	for _, p := range ps {
		names = append(names, p.Name)
	}
	return strings.Join(names, ",")
}

func testPolicyLifecycle(t *testing.T, b backend.Backend) {
	ps := must(b.ListPolicies(ctx, "default"))
	if policyNames(ps) != "Administrator,ReadOnly" || !ps[0].Managed || !ps[1].Managed || ps[0].Version != 0 || ps[0].CreatedAt != nil {
		t.Fatalf("fresh tenant policies = %+v", ps)
	}
	in := backend.CreatePolicyInput{Name: "ci-keys", Description: "CI keys", Statements: []domain.PolicyStatement{
		stmt("allow", "key:*,serviceuser:read", "serviceuser/ci-*"),
		stmt("deny", "key:revoke", "serviceuser/ci-admin/*"),
	}}
	p, created, err := b.CreatePolicy(ctx, "default", in)
	if err != nil || !created {
		t.Fatalf("create: %v, created=%v", err, created)
	}
	if p.Name != "ci-keys" || p.Tenant != "default" || p.Managed || p.Version != 1 || p.Description != "CI keys" ||
		len(p.Statements) != 2 || p.Statements[1].Effect != "deny" || p.CreatedAt == nil || p.CreatedBy == nil || *p.CreatedBy == "" {
		t.Fatalf("created = %+v", p)
	}
	if p.AttachedUsers == nil || p.AttachedGroups == nil || p.KeyTypes == nil {
		t.Fatalf("created policy has nil lists: %+v", p)
	}
	again, created, err := b.CreatePolicy(ctx, "default", backend.CreatePolicyInput{Name: "ci-keys", Statements: []domain.PolicyStatement{stmt("allow", "*", "*")}, IfNotExists: true})
	if err != nil || created || again.Description != "CI keys" || again.Version != 1 {
		t.Fatalf("if-not-exists: %+v, created=%v, %v", again, created, err)
	}
	_, _, err = b.CreatePolicy(ctx, "default", in)
	wantCode(t, err, domain.CodeConflict)
	// Names are case-sensitive: CI-keys is another policy.
	createPolicy(t, b, "default", "CI-keys", stmt("allow", "key:read", "*"))
	if got := policyNames(must(b.ListPolicies(ctx, "default"))); got != "Administrator,ReadOnly,CI-keys,ci-keys" {
		t.Fatalf("list = %s", got)
	}

	up := must(b.UpdatePolicy(ctx, "default", "ci-keys", backend.UpdatePolicyInput{Description: ptr("only reads")}))
	if up.Version != 2 || up.Description != "only reads" || len(up.Statements) != 2 {
		t.Fatalf("updated description = %+v", up)
	}
	up = must(b.UpdatePolicy(ctx, "default", "ci-keys", backend.UpdatePolicyInput{Statements: &[]domain.PolicyStatement{stmt("allow", "key:read", "*")}}))
	if up.Version != 3 || up.Description != "only reads" || len(up.Statements) != 1 || up.Statements[0].Actions[0] != "key:read" {
		t.Fatalf("updated statements = %+v", up)
	}
	if got := must(b.GetPolicy(ctx, "default", "ci-keys")); got.Version != 3 {
		t.Fatalf("get = %+v", got)
	}
	if got := must(b.GetPolicy(ctx, "default", "ReadOnly")); !got.Managed || len(got.Statements) != 1 || !slices.Contains(got.Statements[0].Actions, "key:read") {
		t.Fatalf("ReadOnly = %+v", got)
	}
	if err := b.DeletePolicy(ctx, "default", "ci-keys", backend.DeletePolicyOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err = b.GetPolicy(ctx, "default", "ci-keys")
	wantCode(t, err, domain.CodeNotFound)
	wantCode(t, b.DeletePolicy(ctx, "default", "ci-keys", backend.DeletePolicyOptions{}), domain.CodeNotFound)
	_, err = b.ListPolicies(ctx, "nowhere")
	wantCode(t, err, domain.CodeNotFound)

	// Every change was audited against the policy's resource.
	events := must(b.ListAudit(ctx, "default", backend.AuditFilter{Target: "kw:default:policy/ci-keys"}))
	var actions []string
	for _, ev := range events {
		actions = append(actions, ev.Action)
	}
	if got := strings.Join(actions, ","); got != "policy:delete,policy:update,policy:update,policy:create" {
		t.Fatalf("audit = %s", got)
	}
}

func testPolicyValidation(t *testing.T, b backend.Backend) {
	before := auditCount(t, b, "default")
	for _, tc := range []struct {
		name   string
		in     backend.CreatePolicyInput
		field  string
		phrase string
	}{
		{"no statements", backend.CreatePolicyInput{Name: "p"}, "statements", "at least one statement"},
		{"bad effect", backend.CreatePolicyInput{Name: "p", Statements: []domain.PolicyStatement{stmt("Allow", "key:read", "*")}}, "statements[0].effect", `"allow" or "deny"`},
		{"unknown verb", backend.CreatePolicyInput{Name: "p", Statements: []domain.PolicyStatement{stmt("allow", "key:read", "*"), stmt("allow", "key:rotat", "*")}}, "statements[1].actions[0]", `did you mean "key:rotate"`},
		{"no actions", backend.CreatePolicyInput{Name: "p", Statements: []domain.PolicyStatement{{Effect: "allow", Resources: []string{"*"}}}}, "statements[0].actions", "at least one action"},
		{"no resources", backend.CreatePolicyInput{Name: "p", Statements: []domain.PolicyStatement{{Effect: "deny", Actions: []string{"*"}}}}, "statements[0].resources", "at least one resource"},
		{"other tenant", backend.CreatePolicyInput{Name: "p", Statements: []domain.PolicyStatement{stmt("allow", "*", "kw:other:serviceuser/*")}}, "statements[0].resources[0]", "own tenant"},
		{"bad name", backend.CreatePolicyInput{Name: "my policy", Statements: []domain.PolicyStatement{stmt("allow", "*", "*")}}, "name", "not a policy name"},
		{"managed name", backend.CreatePolicyInput{Name: "ReadOnly", Statements: []domain.PolicyStatement{stmt("allow", "*", "*")}}, "name", "managed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := b.CreatePolicy(ctx, "default", tc.in)
			wantField(t, err, tc.field)
			if !strings.Contains(err.Error(), tc.phrase) {
				t.Fatalf("error %q does not say %q", err, tc.phrase)
			}
		})
	}
	if got := policyNames(must(b.ListPolicies(ctx, "default"))); got != "Administrator,ReadOnly" {
		t.Fatalf("refused creates left policies: %s", got)
	}
	if auditCount(t, b, "default") != before {
		t.Fatal("refused creates wrote audit events")
	}
	_, _, err := b.CreatePolicy(ctx, "nowhere", backend.CreatePolicyInput{Name: "p", Statements: []domain.PolicyStatement{stmt("allow", "*", "*")}})
	wantCode(t, err, domain.CodeNotFound)

	createPolicy(t, b, "default", "ok", stmt("allow", "key:read", "*"))
	_, err = b.UpdatePolicy(ctx, "default", "ok", backend.UpdatePolicyInput{Statements: &[]domain.PolicyStatement{}})
	wantField(t, err, "statements")
	_, err = b.UpdatePolicy(ctx, "default", "ok", backend.UpdatePolicyInput{Statements: &[]domain.PolicyStatement{stmt("permit", "key:read", "*")}})
	wantField(t, err, "statements[0].effect")
	if got := must(b.GetPolicy(ctx, "default", "ok")); got.Version != 1 {
		t.Fatalf("refused update changed the policy: %+v", got)
	}
	_, err = b.UpdatePolicy(ctx, "default", "ghost", backend.UpdatePolicyInput{Description: ptr("x")})
	wantCode(t, err, domain.CodeNotFound)
}

func testPolicyManagedImmutable(t *testing.T, b backend.Backend) {
	before := auditCount(t, b, "default")
	for _, name := range []string{"Administrator", "ReadOnly"} {
		_, err := b.UpdatePolicy(ctx, "default", name, backend.UpdatePolicyInput{Description: ptr("mine")})
		wantField(t, err, "name")
		_, err = b.UpdatePolicy(ctx, "default", name, backend.UpdatePolicyInput{Name: ptr("Mine")})
		wantField(t, err, "name")
		if !strings.Contains(err.Error(), "renamed") {
			t.Fatalf("rename refusal %q does not say renamed", err)
		}
		err = b.DeletePolicy(ctx, "default", name, backend.DeletePolicyOptions{Force: true})
		wantField(t, err, "name")
		if !strings.Contains(err.Error(), "managed") {
			t.Fatalf("delete refusal %q does not say managed", err)
		}
	}
	if auditCount(t, b, "default") != before {
		t.Fatal("refused changes to managed policies wrote audit events")
	}
	if got := must(b.GetPolicy(ctx, "default", "ReadOnly")); got.Description == "mine" {
		t.Fatal("ReadOnly changed")
	}
	// Renaming a custom policy onto a managed name is refused too.
	createPolicy(t, b, "default", "mine", stmt("allow", "key:read", "*"))
	_, err := b.UpdatePolicy(ctx, "default", "mine", backend.UpdatePolicyInput{Name: ptr("Administrator")})
	wantField(t, err, "name")
}

func testPolicyAttach(t *testing.T, b backend.Backend) {
	must(b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "ci-bot"}))
	must3(b.CreateGroup(ctx, "default", backend.CreateGroupInput{Name: "ops"}))
	createPolicy(t, b, "default", "keys", stmt("allow", "key:*", "*"))

	p, changed, err := b.AttachPolicy(ctx, "default", "keys", backend.PolicyTarget{User: "ci-bot"})
	if err != nil || !changed || strings.Join(p.AttachedUsers, ",") != "ci-bot" {
		t.Fatalf("attach: %+v, changed=%v, %v", p, changed, err)
	}
	n := auditCount(t, b, "default")
	p, changed, err = b.AttachPolicy(ctx, "default", "keys", backend.PolicyTarget{User: "ci-bot"})
	if err != nil || changed || strings.Join(p.AttachedUsers, ",") != "ci-bot" {
		t.Fatalf("attach twice: %+v, changed=%v, %v", p, changed, err)
	}
	if auditCount(t, b, "default") != n {
		t.Fatal("attaching twice wrote an audit event")
	}
	if u := must(b.GetServiceUser(ctx, "default", "ci-bot")); strings.Join(u.Policies, ",") != "keys" {
		t.Fatalf("user policies = %v", u.Policies)
	}
	// Managed policies attach like any other; a user's policies are sorted.
	must3(b.AttachPolicy(ctx, "default", "ReadOnly", backend.PolicyTarget{User: "ci-bot"}))
	if u := must(b.GetServiceUser(ctx, "default", "ci-bot")); strings.Join(u.Policies, ",") != "ReadOnly,keys" {
		t.Fatalf("user policies = %v", u.Policies)
	}
	p = must3(b.AttachPolicy(ctx, "default", "keys", backend.PolicyTarget{Group: "ops"}))
	if strings.Join(p.AttachedGroups, ",") != "ops" {
		t.Fatalf("attached groups = %v", p.AttachedGroups)
	}
	if g := must(b.GetGroup(ctx, "default", "ops")); strings.Join(g.Policies, ",") != "keys" {
		t.Fatalf("group policies = %v", g.Policies)
	}
	ev := must(b.ListAudit(ctx, "default", backend.AuditFilter{Action: "policy:attach", Limit: 1}))[0]
	if ev.Target != "kw:default:policy/keys" || ev.Detail != "kw:default:group/ops" {
		t.Fatalf("attach event = %+v", ev)
	}

	n = auditCount(t, b, "default")
	_, _, err = b.AttachPolicy(ctx, "default", "ghost", backend.PolicyTarget{User: "ci-bot"})
	wantCode(t, err, domain.CodeNotFound)
	_, _, err = b.AttachPolicy(ctx, "default", "readonly", backend.PolicyTarget{User: "ci-bot"})
	wantCode(t, err, domain.CodeNotFound)
	_, _, err = b.AttachPolicy(ctx, "default", "keys", backend.PolicyTarget{User: "ghost"})
	wantCode(t, err, domain.CodeNotFound)
	_, _, err = b.AttachPolicy(ctx, "default", "keys", backend.PolicyTarget{Group: "ghost"})
	wantCode(t, err, domain.CodeNotFound)
	_, _, err = b.AttachPolicy(ctx, "default", "keys", backend.PolicyTarget{})
	wantField(t, err, "target")
	_, _, err = b.AttachPolicy(ctx, "default", "keys", backend.PolicyTarget{User: "ci-bot", Group: "ops"})
	wantField(t, err, "target")
	if auditCount(t, b, "default") != n {
		t.Fatal("refused attaches wrote audit events")
	}

	p, changed, err = b.DetachPolicy(ctx, "default", "keys", backend.PolicyTarget{User: "ci-bot"})
	if err != nil || !changed || len(p.AttachedUsers) != 0 {
		t.Fatalf("detach: %+v, changed=%v, %v", p, changed, err)
	}
	n = auditCount(t, b, "default")
	_, changed, err = b.DetachPolicy(ctx, "default", "keys", backend.PolicyTarget{User: "ci-bot"})
	if err != nil || changed {
		t.Fatalf("detach twice: changed=%v, %v", changed, err)
	}
	if auditCount(t, b, "default") != n {
		t.Fatal("a detach that changed nothing wrote an audit event")
	}
	_, _, err = b.DetachPolicy(ctx, "default", "ghost", backend.PolicyTarget{User: "ci-bot"})
	wantCode(t, err, domain.CodeNotFound)
	_, _, err = b.DetachPolicy(ctx, "default", "keys", backend.PolicyTarget{User: "ghost"})
	wantCode(t, err, domain.CodeNotFound)
	must3(b.DetachPolicy(ctx, "default", "keys", backend.PolicyTarget{Group: "ops"}))
	if ev := must(b.ListAudit(ctx, "default", backend.AuditFilter{Limit: 1}))[0]; ev.Action != "policy:detach" ||
		ev.Target != "kw:default:policy/keys" || ev.Detail != "kw:default:group/ops" {
		t.Fatalf("group detach event = %+v", ev)
	}
	if u := must(b.GetServiceUser(ctx, "default", "ci-bot")); strings.Join(u.Policies, ",") != "ReadOnly" {
		t.Fatalf("user policies after detach = %v", u.Policies)
	}
	if g := must(b.GetGroup(ctx, "default", "ops")); len(g.Policies) != 0 {
		t.Fatalf("group policies after detach = %v", g.Policies)
	}
}

func testPolicyRename(t *testing.T, b backend.Backend) {
	createPolicy(t, b, "default", "old", stmt("allow", "metrics:read,serviceuser:read", "*"))
	createPolicy(t, b, "default", "taken", stmt("allow", "key:read", "*"))
	must3(b.CreateGroup(ctx, "default", backend.CreateGroupInput{Name: "ops", Policies: []string{"old"}}))
	must(b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "bot", Policies: []string{"old", "taken"}}))
	must3(b.CreateKeyType(ctx, "default", backend.CreateKeyTypeInput{Name: "MON", Scope: "old"}))

	_, err := b.UpdatePolicy(ctx, "default", "old", backend.UpdatePolicyInput{Name: ptr("taken")})
	wantCode(t, err, domain.CodeConflict)
	_, err = b.UpdatePolicy(ctx, "default", "old", backend.UpdatePolicyInput{Name: ptr("bad name")})
	wantField(t, err, "name")

	p := must(b.UpdatePolicy(ctx, "default", "old", backend.UpdatePolicyInput{Name: ptr("new")}))
	if p.Name != "new" || p.Version != 2 || strings.Join(p.AttachedUsers, ",") != "bot" ||
		strings.Join(p.AttachedGroups, ",") != "ops" || strings.Join(p.KeyTypes, ",") != "MON" {
		t.Fatalf("renamed = %+v", p)
	}
	_, err = b.GetPolicy(ctx, "default", "old")
	wantCode(t, err, domain.CodeNotFound)
	if u := must(b.GetServiceUser(ctx, "default", "bot")); strings.Join(u.Policies, ",") != "new,taken" ||
		strings.Join(u.AllowedKeyTypes, ",") != "MON" {
		t.Fatalf("user after rename = %+v", u)
	}
	if g := must(b.GetGroup(ctx, "default", "ops")); strings.Join(g.Policies, ",") != "new" {
		t.Fatalf("group after rename = %+v", g)
	}
	if k := must(b.GetKeyType(ctx, "default", "MON")); k.Scope != "new" {
		t.Fatalf("key type after rename = %+v", k)
	}
	ev := must(b.ListAudit(ctx, "default", backend.AuditFilter{Limit: 1}))[0]
	if ev.Action != "policy:update" || ev.Target != "kw:default:policy/new" || !strings.Contains(ev.Detail, `renamed from "old"`) {
		t.Fatalf("rename event = %+v", ev)
	}
}

func testPolicyDeleteAttached(t *testing.T, b backend.Backend) {
	createPolicy(t, b, "default", "keys", stmt("allow", "key:*", "*"))
	must3(b.CreateGroup(ctx, "default", backend.CreateGroupInput{Name: "ops", Policies: []string{"keys"}}))
	must(b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "a", Policies: []string{"keys"}}))
	must(b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "b", Policies: []string{"keys", "ReadOnly"}}))

	n := auditCount(t, b, "default")
	err := b.DeletePolicy(ctx, "default", "keys", backend.DeletePolicyOptions{})
	wantCode(t, err, domain.CodeConflict)
	if !strings.Contains(err.Error(), "2 service users (a, b) and 1 group (ops)") || !strings.Contains(err.Error(), "force") {
		t.Fatalf("refusal %q does not say where it is attached and how to force", err)
	}
	if auditCount(t, b, "default") != n {
		t.Fatal("refused delete wrote audit events")
	}
	if err := b.DeletePolicy(ctx, "default", "keys", backend.DeletePolicyOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	if u := must(b.GetServiceUser(ctx, "default", "b")); strings.Join(u.Policies, ",") != "ReadOnly" {
		t.Fatalf("user b policies = %v", u.Policies)
	}
	if g := must(b.GetGroup(ctx, "default", "ops")); len(g.Policies) != 0 {
		t.Fatalf("group policies = %v", g.Policies)
	}
	if got := len(must(b.ListAudit(ctx, "default", backend.AuditFilter{Action: "policy:detach"}))); got != 3 {
		t.Fatalf("forced delete wrote %d detach events, want 3", got)
	}

	// A key type's scope cannot be deleted, even with force.
	createPolicy(t, b, "default", "scope", stmt("allow", "metrics:read", "*"))
	must3(b.CreateKeyType(ctx, "default", backend.CreateKeyTypeInput{Name: "MON", Scope: "scope"}))
	err = b.DeletePolicy(ctx, "default", "scope", backend.DeletePolicyOptions{Force: true})
	wantCode(t, err, domain.CodeConflict)
	if !strings.Contains(err.Error(), `key type "MON"`) {
		t.Fatalf("refusal %q does not name the key type", err)
	}
}

func testPolicyCheck(t *testing.T, b backend.Backend) {
	createPolicy(t, b, "default", "ci", stmt("allow", "key:*,orders:*", "serviceuser/ci-*,orders/*"), stmt("deny", "key:revoke", "serviceuser/ci-admin/*"))
	must3(b.CreateGroup(ctx, "default", backend.CreateGroupInput{Name: "readers", Policies: []string{"ReadOnly"}}))
	must(b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "ci-bot", Policies: []string{"ci"}, Groups: []string{"readers"}}))
	must(b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "admin", Policies: []string{"Administrator"}}))

	check := func(user, action, resource string) backend.PolicyCheck {
		t.Helper()
		return must(b.CheckPolicy(ctx, "default", backend.CheckPolicyInput{User: user, Action: action, Resource: resource}))
	}
	for _, tc := range []struct {
		user, action, resource string
		decision, reason       string
		policy                 string
		index                  int
		resolved               string
	}{
		{"ci-bot", "key:rotate", "serviceuser/ci-bot/key/kwk_a", "allow", "allowed", "ci", 0, "kw:default:serviceuser/ci-bot/key/kwk_a"},
		{"ci-bot", "key:revoke", "kw:default:serviceuser/ci-admin/key/kwk_b", "deny", "denied", "ci", 1, ""},
		{"ci-bot", "key:revoke", "serviceuser/ci-bot/key/kwk_a", "allow", "allowed", "ci", 0, ""},
		{"ci-bot", "tenant:update", "tenant", "deny", "default_deny", "", 0, ""},
		{"ci-bot", "tenant:read", "tenant", "allow", "allowed", "ReadOnly", 0, ""}, // from its group
		{"ci-bot", "orders:ship", "orders/42", "allow", "allowed", "ci", 0, ""},
		{"ci-bot", "key:rotate", "kw:other:serviceuser/ci-bot/key/kwk_a", "deny", "default_deny", "", 0, ""},
		{"ci-bot", "serviceuser:read", "", "allow", "allowed", "ReadOnly", 0, "kw:default:*"},
		{"ci-bot", "key:rotate", "", "deny", "default_deny", "", 0, "kw:default:*"},
		{"admin", "tenant:delete", "", "allow", "allowed", "Administrator", 0, ""},
		{"admin", "billing:charge", "kw:other:invoices/1", "deny", "default_deny", "", 0, ""},
	} {
		got := check(tc.user, tc.action, tc.resource)
		if got.Decision != tc.decision || got.Allowed != (tc.decision == "allow") || got.Reason != tc.reason || got.Explanation == "" {
			t.Errorf("%s %s %s = %+v, want %s (%s)", tc.user, tc.action, tc.resource, got, tc.decision, tc.reason)
			continue
		}
		switch {
		case tc.policy == "" && got.Statement != nil:
			t.Errorf("%s %s: default deny names a statement %+v", tc.user, tc.action, got.Statement)
		case tc.policy != "" && (got.Statement == nil || got.Statement.Policy != tc.policy || got.Statement.Index != tc.index):
			t.Errorf("%s %s %s: statement %+v, want %s[%d]", tc.user, tc.action, tc.resource, got.Statement, tc.policy, tc.index)
		}
		if tc.resolved != "" && got.Resource != tc.resolved {
			t.Errorf("%s %s: resource %q, want %q", tc.user, tc.action, got.Resource, tc.resolved)
		}
		if got.KeyID != nil || got.KeyType != nil || got.ServiceUser != tc.user || got.Tenant != "default" {
			t.Errorf("%s %s: %+v", tc.user, tc.action, got)
		}
	}
	_, err := b.CheckPolicy(ctx, "default", backend.CheckPolicyInput{User: "ci-bot", Action: "key:rotat"})
	wantField(t, err, "action")
	if !strings.Contains(err.Error(), `did you mean "key:rotate"`) {
		t.Fatalf("invalid action error %q has no suggestion", err)
	}
	_, err = b.CheckPolicy(ctx, "default", backend.CheckPolicyInput{User: "ci-bot", Action: "key:rotate", Resource: "kw:Bad Tenant:x"})
	wantField(t, err, "resource")
	_, err = b.CheckPolicy(ctx, "default", backend.CheckPolicyInput{User: "ghost", Action: "key:rotate"})
	wantCode(t, err, domain.CodeNotFound)
	_, err = b.CheckPolicy(ctx, "default", backend.CheckPolicyInput{User: "ci-bot"})
	wantField(t, err, "action")
	_, err = b.CheckPolicy(ctx, "default", backend.CheckPolicyInput{User: "ci-bot", Action: "key:rotate", KeyID: "kwk_aaaaaaaaaaaaaaaaaaaa"})
	wantCode(t, err, domain.CodeNotFound)

	// A change to a policy shows at once.
	must(b.UpdatePolicy(ctx, "default", "ci", backend.UpdatePolicyInput{Statements: &[]domain.PolicyStatement{stmt("deny", "*", "*")}}))
	if got := check("ci-bot", "tenant:read", "tenant"); got.Allowed || got.Reason != "denied" {
		t.Fatalf("after update: %+v", got)
	}
}

func testPolicyCheckSystemAdministrator(t *testing.T, b backend.Backend) {
	must3(b.CreateTenant(ctx, backend.CreateTenantInput{ID: "acme"}))
	must(b.CreateServiceUser(ctx, "system", backend.CreateServiceUserInput{ID: "root-bot", Policies: []string{"Administrator"}}))
	must(b.CreateServiceUser(ctx, "acme", backend.CreateServiceUserInput{ID: "acme-admin", Policies: []string{"Administrator"}}))
	for _, tc := range []struct {
		tenant, user, resource string
		allowed                bool
	}{
		{"system", "root-bot", "kw:acme:serviceuser/x", true},
		{"system", "root-bot", "kw:system:db", true},
		{"acme", "acme-admin", "kw:acme:serviceuser/x", true},
		{"acme", "acme-admin", "kw:default:serviceuser/x", false},
		{"acme", "acme-admin", "kw:system:db", false},
	} {
		got := must(b.CheckPolicy(ctx, tc.tenant, backend.CheckPolicyInput{User: tc.user, Action: "serviceuser:delete", Resource: tc.resource}))
		if got.Allowed != tc.allowed {
			t.Errorf("%s/%s on %s: %+v, want allowed=%v", tc.tenant, tc.user, tc.resource, got, tc.allowed)
		}
	}
}
