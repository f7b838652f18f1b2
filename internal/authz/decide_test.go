package authz

import (
	"strings"
	"testing"
)

// mustCompile compiles a policy from YAML or fails the test.
func mustCompile(t testing.TB, tenant, name, src string) *Policy {
	t.Helper()
	doc, err := ParseDocument([]byte(src))
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	p, err := Compile(tenant, name, doc)
	if err != nil {
		t.Fatalf("compile %s: %v", name, err)
	}
	return p
}

func mustManaged(t testing.TB, tenant, name string) *Policy {
	t.Helper()
	p, err := ManagedPolicy(tenant, name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// fixture is tenant acme's policies and principals used by the evaluation
// table.
type fixture struct {
	user, keyOfType, keyWithDenyScope, admin, readOnly, sysAdmin, sysReadOnly,
	sysCustomAll, adminWithDeny, groupDeny, sysKey *Principal
}

func newFixture(t testing.TB) fixture {
	keys := mustCompile(t, "acme", "keys-manager", `
description: manage keys of every service user but admin's
statements:
  - effect: allow
    actions: ["key:*"]
    resources: ["serviceuser/*"]
  - effect: deny
    actions: [key:revoke, key:purge]
    resources: ["serviceuser/admin", "serviceuser/admin/*"]
`)
	reader := mustCompile(t, "acme", "reader", `
statements:
  - effect: allow
    actions: ["*:read"]
    resources: ["*"]
`)
	orders := mustCompile(t, "acme", "orders", `
statements:
  - effect: allow
    actions: ["orders:*"]
    resources: ["orders/*"]
  - effect: deny
    actions: [orders:delete]
    resources: ["*"]
`)
	groups := mustCompile(t, "acme", "groups-admin", `
statements:
  - effect: allow
    actions: ["group:*", "key:*activate"]
    resources: ["kw:acme:group/*", "kw:*/key/*"]
`)
	noDelete := mustCompile(t, "acme", "no-delete", `
statements:
  - effect: deny
    actions: ["*:delete"]
    resources: ["kw:*"]
`)
	monitoring := mustCompile(t, "acme", "monitoring-scope", `
statements:
  - effect: allow
    actions: [key:read, serviceuser:read, "orders:*"]
    resources: ["*"]
`)
	guarded := mustCompile(t, "acme", "guarded-scope", `
statements:
  - effect: allow
    actions: ["key:*"]
    resources: ["*"]
  - effect: deny
    actions: [key:read]
    resources: ["serviceuser/secret/*"]
`)
	sysAll := mustCompile(t, "system", "everything", `
statements:
  - effect: allow
    actions: ["*"]
    resources: ["*", "kw:*"]
`)
	sysScope := mustCompile(t, "system", "system-scope", `
statements:
  - effect: allow
    actions: ["*"]
    resources: ["*"]
`)
	// The user holds keys-manager itself and gets reader, orders and
	// groups-admin from its groups.
	user := NewPrincipal("acme", keys, reader, orders, groups, reader)
	sysAdmin := NewPrincipal("system", mustManaged(t, "system", AdministratorPolicy))
	return fixture{
		user:             user,
		keyOfType:        user.WithKeyType("MONITORING", monitoring),
		keyWithDenyScope: user.WithKeyType("KEYS", guarded),
		admin:            NewPrincipal("acme", mustManaged(t, "acme", AdministratorPolicy)),
		readOnly:         NewPrincipal("acme", mustManaged(t, "acme", ReadOnlyPolicy)),
		sysAdmin:         sysAdmin,
		sysReadOnly:      NewPrincipal("system", mustManaged(t, "system", ReadOnlyPolicy)),
		sysCustomAll:     NewPrincipal("system", sysAll),
		adminWithDeny:    NewPrincipal("acme", mustManaged(t, "acme", AdministratorPolicy), noDelete),
		groupDeny:        NewPrincipal("acme", reader, orders, noDelete),
		sysKey:           sysAdmin.WithKeyType("SYSTEM", sysScope),
	}
}

func TestDecide(t *testing.T) {
	f := newFixture(t)
	const (
		defaultDeny = "no statement allows it (default deny)"
		keysAllow   = `allowed by policy "keys-manager" statements[0] (allow)`
		keysDeny    = `denied by policy "keys-manager" statements[1] (deny)`
		readerAllow = `allowed by policy "reader" statements[0] (allow)`
		sysAdmin    = `allowed by policy "Administrator" of the system tenant statements[0] (allow)`
		acmeAdmin   = `allowed by policy "Administrator" statements[0] (allow)`
		readOnly    = `allowed by policy "ReadOnly" statements[0] (allow)`
		monScope    = `, within key type "MONITORING" (scope policy "monitoring-scope" statements[0] (allow))`
	)
	tests := []struct {
		name      string
		who       *Principal
		action    string
		resource  string
		allowed   bool
		reason    Reason
		explained string
	}{
		// Own policy, wildcard actions and resources.
		{"wildcard action and resource", f.user, "key:rotate", KeyResource("acme", "bot", "kwk_1"), true, AllowedByStatement, keysAllow},
		{"relative resource", f.user, "key:rotate", "serviceuser/bot/key/kwk_1", true, AllowedByStatement, keysAllow},
		{"wildcard resource covers the user itself", f.user, "key:generate", ServiceUserResource("acme", "bot"), true, AllowedByStatement, keysAllow},
		{"deny over allow", f.user, "key:revoke", KeyResource("acme", "admin", "kwk_1"), false, DeniedByStatement, keysDeny},
		{"deny over allow, second resource pattern", f.user, "key:purge", ServiceUserResource("acme", "admin"), false, DeniedByStatement, keysDeny},
		{"deny is exact: other user", f.user, "key:revoke", KeyResource("acme", "administrator", "k"), true, AllowedByStatement, keysAllow},
		{"deny is exact: other action", f.user, "key:rotate", KeyResource("acme", "admin", "k"), true, AllowedByStatement, keysAllow},
		{"action outside every policy", f.user, "tenant:update", TenantResource("acme"), false, DefaultDeny, defaultDeny},
		{"resource outside the pattern", f.user, "key:rotate", PolicyResource("acme", "p"), false, DefaultDeny, defaultDeny},
		{"service wildcard *:read on keyward action", f.user, "policy:read", PolicyResource("acme", "p"), true, AllowedByStatement, readerAllow},
		{"*:read does not match a write", f.user, "policy:update", PolicyResource("acme", "p"), false, DefaultDeny, defaultDeny},
		{"*:read on a downstream action", f.user, "orders:read", "orders/1", true, AllowedByStatement, readerAllow},
		{"middle wildcard in action, resource outside", f.user, "key:deactivate", PolicyResource("acme", "p"), false, DefaultDeny, defaultDeny},
		{"middle wildcard in action and resource", f.user, "key:deactivate", "kw:acme:serviceuser/x/key/y", true, AllowedByStatement, keysAllow},
		// Group inheritance: the union of the groups' policies.
		{"group policy allows", f.user, "group:add", GroupResource("acme", "devs"), true, AllowedByStatement, `allowed by policy "groups-admin" statements[0] (allow)`},
		{"group policy downstream allow", f.user, "orders:create", "kw:acme:orders/7", true, AllowedByStatement, `allowed by policy "orders" statements[0] (allow)`},
		{"group policy downstream deny", f.user, "orders:delete", "orders/7", false, DeniedByStatement, `denied by policy "orders" statements[1] (deny)`},
		{"deny in one group beats allow in another", f.groupDeny, "orders:delete", "orders/7", false, DeniedByStatement, `denied by policy "orders" statements[1] (deny)`},
		{"deny with wildcard service", f.groupDeny, "group:delete", GroupResource("acme", "g"), false, DeniedByStatement, `denied by policy "no-delete" statements[0] (deny)`},
		{"downstream resource outside pattern", f.user, "orders:create", "invoices/7", false, DefaultDeny, defaultDeny},
		{"unknown downstream action", f.user, "billing:charge", "orders/7", false, DefaultDeny, defaultDeny},
		// Tenant pinning.
		{"cross-tenant resource", f.user, "key:rotate", KeyResource("other", "bot", "k"), false, DefaultDeny, defaultDeny},
		{"cross-tenant via * pattern", f.user, "serviceuser:read", ServiceUserResource("other", "bot"), false, DefaultDeny, defaultDeny},
		{"cross-tenant via kw:* pattern", f.user, "key:activate", KeyResource("other", "bot", "k"), false, DefaultDeny, defaultDeny},
		{"tenant admin in its tenant", f.admin, "tenant:delete", TenantResource("acme"), true, AllowedByStatement, acmeAdmin},
		{"tenant admin on a downstream action", f.admin, "orders:refund", "orders/9", true, AllowedByStatement, acmeAdmin},
		{"tenant admin in another tenant", f.admin, "key:rotate", KeyResource("other", "bot", "k"), false, DefaultDeny, defaultDeny},
		{"tenant admin on the database", f.admin, "db:backup", DatabaseResource(), false, DefaultDeny, defaultDeny},
		{"tenant admin creating another tenant", f.admin, "tenant:create", TenantResource("newco"), false, DefaultDeny, defaultDeny},
		{"admin with custom deny", f.adminWithDeny, "policy:delete", PolicyResource("acme", "p"), false, DeniedByStatement, `denied by policy "no-delete" statements[0] (deny)`},
		{"admin with custom deny, other action", f.adminWithDeny, "policy:update", PolicyResource("acme", "p"), true, AllowedByStatement, acmeAdmin},
		// The system tenant.
		{"system admin in another tenant", f.sysAdmin, "key:rotate", KeyResource("acme", "bot", "k"), true, AllowedByStatement, sysAdmin},
		{"system admin creating a tenant", f.sysAdmin, "tenant:create", TenantResource("newco"), true, AllowedByStatement, sysAdmin},
		{"system admin on the database", f.sysAdmin, "db:backup", DatabaseResource(), true, AllowedByStatement, sysAdmin},
		{"system admin downstream in another tenant", f.sysAdmin, "orders:delete", "kw:acme:orders/1", true, AllowedByStatement, sysAdmin},
		{"system admin, relative resource is its own tenant", f.sysAdmin, "signingkey:rotate", "db", true, AllowedByStatement, sysAdmin},
		{"system ReadOnly stays in the system tenant", f.sysReadOnly, "tenant:read", TenantResource("acme"), false, DefaultDeny, defaultDeny},
		{"system ReadOnly reads the database info", f.sysReadOnly, "db:info", DatabaseResource(), true, AllowedByStatement, readOnly},
		{"system ReadOnly may not back up", f.sysReadOnly, "db:backup", DatabaseResource(), false, DefaultDeny, defaultDeny},
		{"system custom allow-all stays in the system tenant", f.sysCustomAll, "key:read", KeyResource("acme", "bot", "k"), false, DefaultDeny, defaultDeny},
		{"system custom allow-all in the system tenant", f.sysCustomAll, "key:read", KeyResource("system", "bot", "k"), true, AllowedByStatement, `allowed by policy "everything" statements[0] (allow)`},
		// Key types: the intersection with the scope.
		{"key of a type: both allow", f.keyOfType, "key:read", KeyResource("acme", "bot", "k"), true, AllowedByStatement, keysAllow + monScope},
		{"key of a type: outside the scope", f.keyOfType, "key:rotate", KeyResource("acme", "bot", "k"), false, OutsideScope,
			`outside key type "MONITORING": no statement of its scope policy "monitoring-scope" allows it (default deny)`},
		{"key of a type: scope allows, user does not", f.keyOfType, "orders:create", "invoices/1", false, DefaultDeny, defaultDeny},
		{"key of a type: user deny wins", f.keyOfType, "orders:delete", "orders/1", false, DeniedByStatement, `denied by policy "orders" statements[1] (deny)`},
		{"key of a type: scope deny", f.keyWithDenyScope, "key:read", KeyResource("acme", "secret", "k"), false, DeniedByScope,
			`denied by key type "KEYS": its scope policy "guarded-scope" statements[1] (deny)`},
		{"key of a type: scope allow elsewhere", f.keyWithDenyScope, "key:read", KeyResource("acme", "bot", "k"), true, AllowedByStatement,
			keysAllow + `, within key type "KEYS" (scope policy "guarded-scope" statements[0] (allow))`},
		{"system admin's key is pinned by its scope", f.sysKey, "key:read", KeyResource("acme", "bot", "k"), false, OutsideScope,
			`outside key type "SYSTEM": no statement of its scope policy "system-scope" allows it (default deny)`},
		{"system admin's key in the system tenant", f.sysKey, "db:info", DatabaseResource(), true, AllowedByStatement,
			sysAdmin + `, within key type "SYSTEM" (scope policy "system-scope" statements[0] (allow))`},
		// Requests with wildcards ask about everything they cover.
		{"whole tenant: no single allow covers it", f.user, "key:rotate", AllResources("acme"), false, DefaultDeny, defaultDeny},
		{"whole tenant: covered", f.user, "serviceuser:read", AllResources("acme"), true, AllowedByStatement, readerAllow},
		{"collection overlapping a deny", f.user, "key:revoke", ServiceUserResource("acme", "*"), false, DeniedByStatement, keysDeny},
		{"collection without a deny", f.user, "key:rotate", KeyResource("acme", "*", "*"), true, AllowedByStatement, keysAllow},
		{"action pattern overlapping a deny", f.user, "key:*", "serviceuser/bot/key/*", true, AllowedByStatement, keysAllow},
		{"action pattern overlapping a deny on admin", f.user, "key:*", "serviceuser/*", false, DeniedByStatement, keysDeny},
		{"admin on the whole tenant", f.admin, "*", AllResources("acme"), true, AllowedByStatement, acmeAdmin},
		// Malformed requests.
		{"typo in a keyward action", f.admin, "key:rotat", KeyResource("acme", "bot", "k"), false, InvalidAction,
			`invalid action: unknown keyward action "key:rotat"; did you mean "key:rotate"?`},
		{"action without service", f.admin, "rotate", KeyResource("acme", "bot", "k"), false, InvalidAction, `invalid action: "rotate" has no ':'`},
		{"keyward namespace in capitals", f.admin, "Key:rotate", KeyResource("acme", "bot", "k"), false, InvalidAction,
			`invalid action: "Key:rotate" is not a keyward action: actions are case-sensitive; did you mean "key:rotate"?`},
		{"resource without path", f.admin, "key:read", "kw:acme", false, InvalidResource, `invalid resource "kw:acme"`},
		{"empty resource", f.admin, "key:read", "", false, InvalidResource, `invalid resource "kw:acme:"`},
		{"resource with bad tenant", f.sysAdmin, "key:read", "kw:ACME:serviceuser/x", false, InvalidResource, `invalid resource`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.who.Decide(tt.action, tt.resource)
			if d.Allowed != tt.allowed || d.Reason != tt.reason {
				t.Errorf("Decide(%q, %q) = allowed %v reason %v (%s), want allowed %v reason %v",
					tt.action, tt.resource, d.Allowed, d.Reason, d, tt.allowed, tt.reason)
			}
			if got := d.String(); !strings.HasPrefix(got, tt.explained) {
				t.Errorf("explanation %q, want it to start with %q", got, tt.explained)
			}
			if (d.Err() == nil) != tt.allowed {
				t.Errorf("Err() = %v for allowed %v", d.Err(), tt.allowed)
			}
		})
	}
}

// exampleResource fills an action's resource template with concrete names.
func exampleResource(a Action, tenant string) string {
	r := strings.NewReplacer("<t>", tenant, "<id>", "bot", "<keyid>", "kwk_1", "<name>", "thing").Replace(a.Resource)
	return r
}

// TestReadOnlyFollowsTheCatalog iterates the catalog, so a new write action
// cannot slip into ReadOnly, nor a new read action out of it.
func TestReadOnlyFollowsTheCatalog(t *testing.T) {
	for _, tenant := range []string{"acme", SystemTenant} {
		ro := NewPrincipal(tenant, mustManaged(t, tenant, ReadOnlyPolicy))
		admin := NewPrincipal(tenant, mustManaged(t, tenant, AdministratorPolicy))
		for _, a := range Actions() {
			res := exampleResource(a, tenant)
			if rt, _ := ResourceTenant(res); rt != tenant {
				continue // kw:system:db, seen from the system tenant
			}
			d := ro.Decide(a.Name, res)
			switch a.Access {
			case Write:
				if d.Allowed || d.Reason != DefaultDeny {
					t.Errorf("%s: ReadOnly of %s: %s on %s: %s, want default deny", a.Access, tenant, a.Name, res, d)
				}
			case Read:
				if !d.Allowed || d.Statement.Policy != ReadOnlyPolicy {
					t.Errorf("%s: ReadOnly of %s: %s on %s: %s, want allowed", a.Access, tenant, a.Name, res, d)
				}
			}
			if d := admin.Decide(a.Name, res); !d.Allowed {
				t.Errorf("Administrator of %s: %s on %s: %s, want allowed", tenant, a.Name, res, d)
			}
		}
	}
	// Downstream reads are not catalog reads.
	if d := NewPrincipal("acme", mustManaged(t, "acme", ReadOnlyPolicy)).Decide("orders:read", "orders/1"); d.Allowed {
		t.Errorf("ReadOnly allowed a downstream read: %s", d)
	}
}

func TestDecisionErr(t *testing.T) {
	f := newFixture(t)
	err := f.user.Decide("tenant:update", "tenant").Err()
	want := "tenant:update on kw:acme:tenant is denied: no statement allows it (default deny)"
	if err == nil || err.Error() != want {
		t.Errorf("Err() = %v, want %q", err, want)
	}
	if err := f.user.Decide("key:rotat", "x").Err(); err == nil || !strings.Contains(err.Error(), "action: unknown keyward action") {
		t.Errorf("Err() = %v, want an invalid action", err)
	}
}

func TestDecideDoesNotAllocate(t *testing.T) {
	f := newFixture(t)
	requests := [][2]string{
		{"key:rotate", KeyResource("acme", "bot", "kwk_1")},
		{"key:revoke", KeyResource("acme", "admin", "kwk_1")},
		{"orders:create", "kw:acme:orders/7"},
		{"billing:charge", "kw:acme:orders/7"},
		{"tenant:update", TenantResource("other")},
	}
	for _, who := range []*Principal{f.user, f.keyOfType, f.sysAdmin} {
		for _, r := range requests {
			if n := testing.AllocsPerRun(100, func() { who.Decide(r[0], r[1]) }); n != 0 {
				t.Errorf("Decide(%q, %q) allocates %v times", r[0], r[1], n)
			}
		}
	}
}
