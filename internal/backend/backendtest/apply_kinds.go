package backendtest

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
)

func init() {
	register("ApplyKinds", func(t *testing.T, h Harness) {
		for _, tc := range []struct {
			name string
			fn   func(*testing.T, backend.Backend)
		}{
			{"PolicyGroupKeyType", testApplyPolicyGroupKeyType},
			{"PolicyGroupKeyTypeRules", testApplyPolicyGroupKeyTypeRules},
			{"ServiceUserLists", testApplyServiceUserLists},
			{"AccessKeyGenerate", testApplyAccessKeyGenerate},
			{"AccessKeyUpdate", testApplyAccessKeyUpdate},
			{"AccessKeyRules", testApplyAccessKeyRules},
		} {
			t.Run(tc.name, func(t *testing.T) {
				defer failOnMust(t)
				b := h.New(t)
				t.Cleanup(func() { b.Close() })
				tc.fn(t, b)
			})
		}
	})
}

func policySpec(tenant, name string, actions ...string) *backend.PolicySpec {
	st := []domain.PolicyStatement{{Effect: "allow", Actions: actions, Resources: []string{"*"}}}
	return &backend.PolicySpec{Tenant: tenant, Name: name, Statements: &st}
}

func names(list ...string) *[]string { return &list }

func keySpec(tenant, user, name string, set func(*backend.AccessKeySpec)) *backend.AccessKeySpec {
	k := &backend.AccessKeySpec{Tenant: tenant, ServiceUser: user, Name: name}
	if set != nil {
		set(k)
	}
	return k
}

// auditActions returns the actions of tenant's events, oldest first.
func auditActions(t *testing.T, b backend.Backend, tenant string) []string {
	t.Helper()
	var out []string
	for _, e := range must(b.ListAudit(ctx, tenant, backend.AuditFilter{})) {
		out = append([]string{e.Action}, out...)
	}
	return out
}

func testApplyPolicyGroupKeyType(t *testing.T, b backend.Backend) {
	rs := must(b.ApplyChanges(ctx, []backend.Change{
		put(policySpec("default", "deployer", "shop:deploy", "key:read")),
		put(&backend.GroupSpec{Tenant: "default", Name: "ci", Description: ptr("build machines"), Policies: names("deployer", "ReadOnly")}),
		put(&backend.KeyTypeSpec{Tenant: "default", Name: "DEPLOY", Scope: ptr("deployer")}),
	}))
	if got := actions(rs); got != "create,create,create" {
		t.Fatalf("actions = %s", got)
	}
	p := must(b.GetPolicy(ctx, "default", "deployer"))
	if p.Version != 1 || len(p.Statements) != 1 || !slices.Equal(p.Statements[0].Actions, []string{"shop:deploy", "key:read"}) || !slices.Equal(p.AttachedGroups, []string{"ci"}) {
		t.Fatalf("policy = %+v", p)
	}
	g := must(b.GetGroup(ctx, "default", "ci"))
	if g.Description != "build machines" || !slices.Equal(g.Policies, []string{"ReadOnly", "deployer"}) {
		t.Fatalf("group = %+v", g)
	}
	kt := must(b.GetKeyType(ctx, "default", "DEPLOY"))
	if kt.Scope != "deployer" || kt.DisplayName != "DEPLOY" {
		t.Fatalf("key type = %+v", kt)
	}
	events := len(auditActions(t, b, "default"))

	// The same declarations again: nothing written.
	rs = must(b.ApplyChanges(ctx, []backend.Change{
		put(policySpec("default", "deployer", "shop:deploy", "key:read")),
		put(&backend.GroupSpec{Tenant: "default", Name: "ci", Policies: names("ReadOnly", "deployer", "deployer")}),
		put(&backend.KeyTypeSpec{Tenant: "default", Name: "DEPLOY", Scope: ptr("deployer"), DisplayName: ptr("DEPLOY")}),
	}))
	if got := actions(rs); got != "unchanged,unchanged,unchanged" {
		t.Fatalf("re-apply actions = %s", got)
	}
	if n := len(auditActions(t, b, "default")); n != events {
		t.Fatalf("re-apply audited %d events", n-events)
	}

	// Changes, each audited as its single command.
	rs = must(b.ApplyChanges(ctx, []backend.Change{
		put(policySpec("default", "reader", "shop:read")),
		put(policySpec("default", "deployer", "shop:deploy")),
		put(&backend.GroupSpec{Tenant: "default", Name: "ci", Description: ptr("CI"), Policies: names("deployer", "reader")}),
		put(&backend.KeyTypeSpec{Tenant: "default", Name: "DEPLOY", Scope: ptr("reader"), Description: ptr("read only now")}),
	}))
	if got := actions(rs); got != "create,update,update,update" {
		t.Fatalf("update actions = %s", got)
	}
	if p := must(b.GetPolicy(ctx, "default", "deployer")); p.Version != 2 || !slices.Equal(p.Statements[0].Actions, []string{"shop:deploy"}) {
		t.Fatalf("updated policy = %+v", p)
	}
	if g := must(b.GetGroup(ctx, "default", "ci")); g.Description != "CI" || !slices.Equal(g.Policies, []string{"deployer", "reader"}) {
		t.Fatalf("updated group = %+v", g)
	}
	if kt := must(b.GetKeyType(ctx, "default", "DEPLOY")); kt.Scope != "reader" || kt.Description != "read only now" {
		t.Fatalf("updated key type = %+v", kt)
	}
	got := strings.Join(auditActions(t, b, "default")[events:], ",")
	if want := "policy:create,policy:update,group:update,policy:attach,policy:detach,keytype:update"; got != want {
		t.Fatalf("audit = %s, want %s", got, want)
	}

	// Deletes: the key type, then the group, then its policies.
	rs = must(b.ApplyChanges(ctx, []backend.Change{
		del(backend.KindKeyType, "default", "DEPLOY"),
		del(backend.KindGroup, "default", "ci"),
		del(backend.KindPolicy, "default", "deployer"),
		del(backend.KindPolicy, "default", "reader"),
		del(backend.KindPolicy, "default", "never-was"),
	}))
	if got := actions(rs); got != "delete,delete,delete,delete,unchanged" {
		t.Fatalf("delete actions = %s", got)
	}
	if ps := must(b.ListPolicies(ctx, "default")); len(ps) != 2 {
		t.Fatalf("policies left: %+v", ps)
	}
}

func testApplyPolicyGroupKeyTypeRules(t *testing.T, b backend.Backend) {
	// A policy document is checked as `policy create` checks it.
	bad := []domain.PolicyStatement{{Effect: "allow", Actions: []string{"shop:deploy"}, Resources: []string{"*"}}, {Effect: "permit", Actions: []string{"x:y"}, Resources: []string{"*"}}}
	_, err := b.ApplyChanges(ctx, []backend.Change{put(&backend.PolicySpec{Tenant: "default", Name: "p", Statements: &bad})})
	wantField(t, err, "statements[1].effect")
	if !strings.Contains(err.Error(), "Policy default/p") {
		t.Fatalf("error %q does not name the object", err)
	}
	_, err = b.ApplyChanges(ctx, []backend.Change{put(&backend.PolicySpec{Tenant: "default", Name: "p", Description: ptr("no statements")})})
	wantField(t, err, "statements")
	// Managed policies are keyward's.
	_, err = b.ApplyChanges(ctx, []backend.Change{put(policySpec("default", "ReadOnly", "shop:read"))})
	wantField(t, err, "name")
	_, err = b.ApplyChanges(ctx, []backend.Change{del(backend.KindPolicy, "default", "Administrator")})
	wantField(t, err, "name")
	// References must exist.
	_, err = b.ApplyChanges(ctx, []backend.Change{put(&backend.GroupSpec{Tenant: "default", Name: "g", Policies: names("ghost")})})
	wantCode(t, err, domain.CodeNotFound)
	_, err = b.ApplyChanges(ctx, []backend.Change{put(&backend.KeyTypeSpec{Tenant: "default", Name: "K", Scope: ptr("ghost")})})
	wantCode(t, err, domain.CodeNotFound)
	_, err = b.ApplyChanges(ctx, []backend.Change{put(&backend.KeyTypeSpec{Tenant: "default", Name: "K"})})
	wantField(t, err, "scope")

	// Deleting what is still used is refused as `policy delete` (without
	// --force) and `keytype delete` refuse it.
	must(b.ApplyChanges(ctx, []backend.Change{
		put(policySpec("default", "p", "shop:read")),
		put(&backend.GroupSpec{Tenant: "default", Name: "g", Policies: names("p")}),
		put(&backend.KeyTypeSpec{Tenant: "default", Name: "K", Scope: ptr("ReadOnly")}),
		put(&backend.ServiceUserSpec{Tenant: "default", ID: "bot", Policies: names("ReadOnly"), Groups: names("g")}),
		put(keySpec("default", "bot", "k", func(k *backend.AccessKeySpec) { k.Type = ptr("K") })),
	}))
	_, err = b.ApplyChanges(ctx, []backend.Change{del(backend.KindPolicy, "default", "p")})
	wantCode(t, err, domain.CodeConflict)
	_, err = b.ApplyChanges(ctx, []backend.Change{del(backend.KindKeyType, "default", "K")})
	wantCode(t, err, domain.CodeConflict)
	// A group's delete takes its members out of it.
	must(b.ApplyChanges(ctx, []backend.Change{del(backend.KindGroup, "default", "g")}))
	if u := must(b.GetServiceUser(ctx, "default", "bot")); len(u.Groups) != 0 {
		t.Fatalf("member kept a deleted group: %+v", u.Groups)
	}
}

func testApplyServiceUserLists(t *testing.T, b backend.Backend) {
	must(b.ApplyChanges(ctx, []backend.Change{
		put(policySpec("default", "deployer", "shop:deploy")),
		put(&backend.GroupSpec{Tenant: "default", Name: "ci"}),
		put(&backend.GroupSpec{Tenant: "default", Name: "ops"}),
		put(user("default", "owner", nil)),
	}))
	before := len(auditActions(t, b, "default"))
	rs := must(b.ApplyChanges(ctx, []backend.Change{
		put(user("default", "bot", func(u *backend.ServiceUserSpec) {
			u.Policies, u.Groups, u.Owners = names("deployer"), names("ci"), names("owner")
			u.CIDRAllowList = names("10.0.0.7", "10.0.0.0/8")
		})),
	}))
	if got := actions(rs); got != "create" || rs[0].AccessKey != nil {
		t.Fatalf("actions = %s (key %v)", got, rs[0].AccessKey)
	}
	u := must(b.GetServiceUser(ctx, "default", "bot"))
	if !slices.Equal(u.Policies, []string{"deployer"}) || !slices.Equal(u.Groups, []string{"ci"}) || !slices.Equal(u.Owners, []string{"owner"}) ||
		!slices.Equal(u.CIDRAllowList, []string{"10.0.0.0/8", "10.0.0.7/32"}) || len(u.AccessKeys) != 0 {
		t.Fatalf("user = %+v", u)
	}
	got := strings.Join(auditActions(t, b, "default")[before:], ",")
	if want := "serviceuser:create,policy:attach,group:add,owner:add"; got != want {
		t.Fatalf("create audit = %s, want %s", got, want)
	}
	// The lists, given, are the whole list.
	before = len(auditActions(t, b, "default"))
	rs = must(b.ApplyChanges(ctx, []backend.Change{
		put(user("default", "bot", func(u *backend.ServiceUserSpec) {
			u.Policies, u.Groups, u.Owners, u.CIDRAllowList = names(), names("ops"), names(), names()
		})),
	}))
	if got := actions(rs); got != "update" {
		t.Fatalf("actions = %s", got)
	}
	u = must(b.GetServiceUser(ctx, "default", "bot"))
	if len(u.Policies)+len(u.Owners)+len(u.CIDRAllowList) != 0 || !slices.Equal(u.Groups, []string{"ops"}) {
		t.Fatalf("updated user = %+v", u)
	}
	got = strings.Join(auditActions(t, b, "default")[before:], ",")
	if want := "policy:detach,group:add,group:remove,owner:remove,serviceuser:update"; got != want {
		t.Fatalf("update audit = %s, want %s", got, want)
	}
	if got := actions(must(b.ApplyChanges(ctx, []backend.Change{put(user("default", "bot", func(u *backend.ServiceUserSpec) { u.Groups = names("ops") }))}))); got != "unchanged" {
		t.Fatalf("re-apply = %s", got)
	}

	// Rules of the single commands.
	_, err := b.ApplyChanges(ctx, []backend.Change{put(user("default", "bot", func(u *backend.ServiceUserSpec) { u.Groups = names("ghost") }))})
	wantCode(t, err, domain.CodeNotFound)
	_, err = b.ApplyChanges(ctx, []backend.Change{put(user("default", "bot", func(u *backend.ServiceUserSpec) { u.Owners = names("bot") }))})
	wantField(t, err, "owners[0]")
	_, err = b.ApplyChanges(ctx, []backend.Change{put(user("default", "bot", func(u *backend.ServiceUserSpec) { u.Owners = names("nobody") }))})
	wantCode(t, err, domain.CodeNotFound)
	_, err = b.ApplyChanges(ctx, []backend.Change{
		put(&backend.TenantSpec{ID: "strict", Settings: domain.TenantSettingsPatch{RequireGroup: ptr(true)}}),
		put(user("strict", "lonely", nil)),
	})
	wantField(t, err, "groups")
	rs = must(b.ApplyChanges(ctx, []backend.Change{
		put(&backend.TenantSpec{ID: "strict", Settings: domain.TenantSettingsPatch{RequireGroup: ptr(true)}}),
		put(&backend.GroupSpec{Tenant: "strict", Name: "team"}),
		put(user("strict", "member", func(u *backend.ServiceUserSpec) { u.Groups = names("team") })),
	}))
	if got := actions(rs); got != "create,create,create" {
		t.Fatalf("strict actions = %s", got)
	}
	_, err = b.ApplyChanges(ctx, []backend.Change{put(user("strict", "member", func(u *backend.ServiceUserSpec) { u.Groups = names() }))})
	wantField(t, err, "groups")
}

func testApplyAccessKeyGenerate(t *testing.T, b backend.Backend) {
	must(b.ApplyChanges(ctx, []backend.Change{put(user("default", "bot", nil))}))
	rs := must(b.ApplyChanges(ctx, []backend.Change{
		put(keySpec("default", "bot", "deploy", func(k *backend.AccessKeySpec) {
			k.Description, k.Expires, k.CIDRAllowList = ptr("pushes releases"), ptr("30d"), names("192.0.2.7")
		})),
		put(keySpec("default", "bot", "spare", func(k *backend.AccessKeySpec) { k.Status = ptr(domain.KeyInactive); k.ExpiresAt = ptr("") })),
	}))
	if got := actions(rs); got != "create,create" {
		t.Fatalf("actions = %s", got)
	}
	k := rs[0].AccessKey
	if k == nil || k.Secret == "" || !strings.HasPrefix(k.ID, "kwk_") || k.Name != "deploy" || k.ServiceUser != "bot" {
		t.Fatalf("generated key = %+v", k)
	}
	if v := verify(t, b, k.Secret, "192.0.2.7"); !v.Authenticated || v.Key.ID != k.ID {
		t.Fatalf("the secret does not authenticate: %+v", v)
	}
	shown := must(b.GetKey(ctx, "default", "bot/deploy"))
	if shown.Description != "pushes releases" || shown.ExpiresAt == nil || !slices.Equal(shown.CIDRAllowList, []string{"192.0.2.7/32"}) || shown.Status != domain.KeyActive {
		t.Fatalf("key = %+v", shown)
	}
	if spare := must(b.GetKey(ctx, "default", "bot/spare")); spare.Status != domain.KeyInactive || spare.ExpiresAt != nil || rs[1].AccessKey == nil {
		t.Fatalf("spare = %+v", spare)
	}
	// The result carries the key across JSON, as a server returns it.
	raw := must(json.Marshal(rs))
	var decoded []backend.ChangeResult
	if err := json.Unmarshal(raw, &decoded); err != nil || decoded[0].AccessKey == nil || decoded[0].AccessKey.Secret != k.Secret {
		t.Fatalf("result JSON %s (%v)", raw, err)
	}
	// An existing key is never re-created and its secret never returned;
	// `expires` (a lifetime at generation) is not compared.
	events := len(auditActions(t, b, "default"))
	rs = must(b.ApplyChanges(ctx, []backend.Change{
		put(keySpec("default", "bot", "deploy", func(k *backend.AccessKeySpec) { k.Expires = ptr("1d"); k.Description = ptr("pushes releases") })),
	}))
	if got := actions(rs); got != "unchanged" || rs[0].AccessKey != nil {
		t.Fatalf("re-apply = %s (key %+v)", got, rs[0].AccessKey)
	}
	if n := len(auditActions(t, b, "default")); n != events {
		t.Fatal("re-apply audited")
	}
	if keys := must(b.ListKeys(ctx, "default", backend.ListKeysFilter{ServiceUser: "bot"})); len(keys) != 2 {
		t.Fatalf("keys = %d", len(keys))
	}
	// No audit event or later read holds the secret.
	for _, e := range must(b.ListAudit(ctx, "default", backend.AuditFilter{})) {
		if strings.Contains(e.Target+e.Detail, k.Secret) {
			t.Fatal("the secret is in the audit log")
		}
	}
	// A delete revokes the key.
	rs = must(b.ApplyChanges(ctx, []backend.Change{del(backend.KindAccessKey, "default", "bot/deploy"), del(backend.KindAccessKey, "default", "bot/none")}))
	if got := actions(rs); got != "delete,unchanged" {
		t.Fatalf("delete = %s", got)
	}
	_, err := b.VerifyKey(ctx, backend.VerifyKeyInput{Secret: k.Secret})
	wantCode(t, err, domain.CodeUnauthenticated)
	if got := must(b.ListAudit(ctx, "default", backend.AuditFilter{Action: "key:revoke"})); len(got) != 1 {
		t.Fatalf("revoke events = %d", len(got))
	}
}

func testApplyAccessKeyUpdate(t *testing.T, b backend.Backend) {
	must(b.ApplyChanges(ctx, []backend.Change{
		put(&backend.TenantSpec{ID: "default", Settings: domain.TenantSettingsPatch{MaxActiveKeysPerUser: ptr(1)}}),
		put(user("default", "bot", nil)),
		put(keySpec("default", "bot", "main", nil)),
	}))
	before := len(auditActions(t, b, "default"))
	rs := must(b.ApplyChanges(ctx, []backend.Change{
		put(keySpec("default", "bot", "main", func(k *backend.AccessKeySpec) {
			k.Description, k.ExpiresAt, k.CIDRAllowList, k.Status = ptr("main key"), ptr("2027-01-31"), names("10.0.0.0/8"), ptr(domain.KeyInactive)
		})),
	}))
	if got := actions(rs); got != "update" || rs[0].AccessKey != nil {
		t.Fatalf("actions = %s", got)
	}
	k := must(b.GetKey(ctx, "default", "bot/main"))
	if k.Description != "main key" || k.ExpiresAt == nil || k.ExpiresAt.Format("2006-01-02T15:04:05Z") != "2027-01-31T00:00:00Z" ||
		!slices.Equal(k.CIDRAllowList, []string{"10.0.0.0/8"}) || k.Status != domain.KeyInactive {
		t.Fatalf("key = %+v", k)
	}
	got := strings.Join(auditActions(t, b, "default")[before:], ",")
	if want := "key:update,key:restrict,key:deactivate"; got != want {
		t.Fatalf("audit = %s, want %s", got, want)
	}
	// The slot is free: a second key, then activating the first is refused
	// as `key activate` refuses it.
	must(b.ApplyChanges(ctx, []backend.Change{put(keySpec("default", "bot", "second", nil))}))
	_, err := b.ApplyChanges(ctx, []backend.Change{put(keySpec("default", "bot", "main", func(k *backend.AccessKeySpec) { k.Status = ptr(domain.KeyActive) }))})
	wantCode(t, err, domain.CodeConflict)
	// expiresAt null is never; the type of a key cannot change.
	must(b.ApplyChanges(ctx, []backend.Change{put(keySpec("default", "bot", "main", func(k *backend.AccessKeySpec) { k.ExpiresAt = ptr("") }))}))
	if k := must(b.GetKey(ctx, "default", "bot/main")); k.ExpiresAt != nil {
		t.Fatalf("expiry = %v, want never", k.ExpiresAt)
	}
	_, err = b.ApplyChanges(ctx, []backend.Change{put(keySpec("default", "bot", "main", func(k *backend.AccessKeySpec) { k.Type = ptr("MONITORING") }))})
	wantField(t, err, "type")
}

func testApplyAccessKeyRules(t *testing.T, b backend.Backend) {
	must(b.ApplyChanges(ctx, []backend.Change{
		put(&backend.TenantSpec{ID: "acme", Settings: domain.TenantSettingsPatch{KeyTTLDefault: ptr("7d"), KeyTTLMax: ptr("30d"), OneKeyPerType: ptr(true)}}),
		put(policySpec("acme", "mon", "metrics:read")),
		put(&backend.KeyTypeSpec{Tenant: "acme", Name: "MONITORING", Scope: ptr("mon")}),
		put(user("acme", "bot", func(u *backend.ServiceUserSpec) { u.Policies = names("mon") })),
		put(user("acme", "plain", nil)),
	}))
	// The tenant's key lifetime rules, named by the file's field.
	_, err := b.ApplyChanges(ctx, []backend.Change{put(keySpec("acme", "bot", "k", func(k *backend.AccessKeySpec) { k.ExpiresAt = ptr("") }))})
	wantField(t, err, "expiresAt")
	_, err = b.ApplyChanges(ctx, []backend.Change{put(keySpec("acme", "bot", "k", func(k *backend.AccessKeySpec) { k.Expires = ptr("90d") }))})
	wantField(t, err, "expires")
	// Key types: the user must hold the scope; one active key per type.
	_, err = b.ApplyChanges(ctx, []backend.Change{put(keySpec("acme", "plain", "k", func(k *backend.AccessKeySpec) { k.Type = ptr("MONITORING") }))})
	wantCode(t, err, domain.CodeDenied)
	rs := must(b.ApplyChanges(ctx, []backend.Change{put(keySpec("acme", "bot", "m1", func(k *backend.AccessKeySpec) { k.Type = ptr("MONITORING") }))}))
	if k := must(b.GetKey(ctx, "acme", "bot/m1")); k.Type == nil || *k.Type != "MONITORING" || rs[0].AccessKey == nil {
		t.Fatalf("typed key = %+v", k)
	}
	_, err = b.ApplyChanges(ctx, []backend.Change{put(keySpec("acme", "bot", "m2", func(k *backend.AccessKeySpec) { k.Type = ptr("MONITORING") }))})
	wantCode(t, err, domain.CodeConflict)
	// The key limit (2 by default) counts keys the same call generates;
	// an inactive key takes no slot.
	_, err = b.ApplyChanges(ctx, []backend.Change{
		put(keySpec("acme", "bot", "a", nil)),
		put(keySpec("acme", "bot", "b", nil)),
	})
	wantCode(t, err, domain.CodeConflict)
	if keys := must(b.ListKeys(ctx, "acme", backend.ListKeysFilter{ServiceUser: "bot"})); len(keys) != 1 {
		t.Fatalf("a refused call left %d keys", len(keys))
	}
	must(b.ApplyChanges(ctx, []backend.Change{
		put(keySpec("acme", "bot", "a", nil)),
		put(keySpec("acme", "bot", "b", func(k *backend.AccessKeySpec) { k.Status = ptr(domain.KeyInactive) })),
	}))
	// A key of a missing user.
	_, err = b.ApplyChanges(ctx, []backend.Change{put(keySpec("acme", "ghost", "k", nil))})
	wantCode(t, err, domain.CodeNotFound)
}
