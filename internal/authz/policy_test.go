package authz

import (
	"errors"
	"slices"
	"testing"

	"github.com/keyward/keyward/internal/domain"
)

func TestCompilePinsResourcesToTheTenant(t *testing.T) {
	tests := []struct {
		pattern string
		want    []string
	}{
		{"*", []string{"kw:acme:*"}},
		{"serviceuser/*", []string{"kw:acme:serviceuser/*"}},
		{"kw:*", []string{"kw:acme:*"}},
		{"kw:acme:policy/p", []string{"kw:acme:policy/p"}},
		{"kw:*:serviceuser/*", []string{"kw:acme:*:serviceuser/*", "kw:acme:serviceuser/*"}},
		{"kw:*/key/*", []string{"kw:acme:*/key/*"}},
		{"k*", []string{"kw:acme:k*"}}, // relative: does not start with "kw:"
	}
	for _, tt := range tests {
		p, err := Compile("acme", "p", Document{Statements: []Statement{{Effect: Allow, Actions: []string{"*"}, Resources: []string{tt.pattern}}}})
		if err != nil {
			t.Fatalf("%s: %v", tt.pattern, err)
		}
		var got []string
		for _, g := range p.statements[0].resources {
			got = append(got, g.pattern)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s compiles to %q, want %q", tt.pattern, got, tt.want)
		}
	}
}

func TestCompileRejects(t *testing.T) {
	ok := Document{Statements: []Statement{{Effect: Allow, Actions: []string{"*"}, Resources: []string{"*"}}}}
	other := Document{Statements: []Statement{{Effect: Allow, Actions: []string{"*"}, Resources: []string{"*", "kw:other:serviceuser/*", "kw:b*:x"}}}}
	tests := []struct {
		name         string
		tenant, pol  string
		doc          Document
		fields       map[string]string
		wantNotFound bool
	}{
		{"bad tenant", "Acme", "p", ok, map[string]string{"tenant": "not a tenant id"}, false},
		{"bad name", "acme", "-p", ok, map[string]string{"name": "not a policy name"}, false},
		{"managed name", "acme", AdministratorPolicy, ok, map[string]string{"name": "is a managed policy"}, false},
		{"managed name, ReadOnly", "acme", ReadOnlyPolicy, ok, map[string]string{"name": "is a managed policy"}, false},
		{"invalid document", "acme", "p", Document{}, map[string]string{"statements": "at least one"}, false},
		{"another tenant", "acme", "p", other, map[string]string{
			"statements[0].resources[1]": `"kw:other:serviceuser/*" matches no resource of tenant "acme"`,
			"statements[0].resources[2]": `"kw:b*:x" matches no resource of tenant "acme"`,
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile(tt.tenant, tt.pol, tt.doc)
			checkFields(t, err, tt.fields)
		})
	}
	// A custom policy of the system tenant is pinned like any other.
	if _, err := Compile(SystemTenant, "p", other); err == nil {
		t.Error("system tenant policy naming tenant other compiled")
	}
}

func TestPolicyAccessors(t *testing.T) {
	doc := Document{Description: "d", Statements: []Statement{{Effect: Allow, Actions: []string{"key:read"}, Resources: []string{"*"}}}}
	p, err := Compile("acme", "readers", doc)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name() != "readers" || p.Tenant() != "acme" || p.Managed() {
		t.Errorf("accessors: %q %q %v", p.Name(), p.Tenant(), p.Managed())
	}
	doc.Statements[0].Actions[0] = "key:rotate" // the caller's copy
	got := p.Document()
	got.Statements[0].Resources[0] = "changed"
	if again := p.Document(); again.Statements[0].Actions[0] != "key:read" || again.Statements[0].Resources[0] != "*" {
		t.Errorf("policy document changed through a shared slice: %+v", again)
	}
}

func TestManagedPolicies(t *testing.T) {
	if !slices.Equal(ManagedPolicyNames(), []string{"Administrator", "ReadOnly"}) {
		t.Errorf("ManagedPolicyNames() = %v", ManagedPolicyNames())
	}
	for _, name := range ManagedPolicyNames() {
		doc, ok := ManagedDocument(name)
		if !ok || doc.Validate() != nil {
			t.Errorf("ManagedDocument(%s) = %v, %v", name, ok, doc.Validate())
		}
		p, err := ManagedPolicy("acme", name)
		if err != nil || !p.Managed() || p.Name() != name || !IsManaged(name) {
			t.Errorf("ManagedPolicy(acme, %s) = %v, %v", name, p, err)
		}
	}
	ro, _ := ManagedDocument(ReadOnlyPolicy)
	for _, a := range ro.Statements[0].Actions {
		if got, _ := LookupAction(a); got.Access != Read {
			t.Errorf("ReadOnly lists %s, a %s action", a, got.Access)
		}
	}
	if IsManaged("readonly") || IsManaged("administrator") {
		t.Error("managed names must be case-sensitive")
	}
	if _, err := ManagedPolicy("acme", "Owner"); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("ManagedPolicy(Owner) = %v, want not found", err)
	}
	if _, err := ManagedPolicy("", AdministratorPolicy); !errors.Is(err, domain.ErrInvalid) {
		t.Errorf("ManagedPolicy with empty tenant = %v, want invalid", err)
	}
	if p, _ := ManagedPolicy("acme", AdministratorPolicy); p.allTenants {
		t.Error("acme's Administrator must stay in acme")
	}
	if p, _ := ManagedPolicy(SystemTenant, ReadOnlyPolicy); p.allTenants {
		t.Error("system ReadOnly must stay in the system tenant")
	}
	if p, _ := ManagedPolicy(SystemTenant, AdministratorPolicy); !p.allTenants {
		t.Error("system Administrator must apply in every tenant")
	}
}

func TestResourceNames(t *testing.T) {
	for got, want := range map[string]string{
		TenantResource("acme"):               "kw:acme:tenant",
		ServiceUserResource("acme", "bot"):   "kw:acme:serviceuser/bot",
		KeyResource("acme", "bot", "kwk_1"):  "kw:acme:serviceuser/bot/key/kwk_1",
		PolicyResource("acme", "ops"):        "kw:acme:policy/ops",
		GroupResource("acme", "devs"):        "kw:acme:group/devs",
		KeyTypeResource("acme", "MON"):       "kw:acme:keytype/MON",
		AuditResource("acme"):                "kw:acme:audit",
		DatabaseResource():                   "kw:system:db",
		AllResources("acme"):                 "kw:acme:*",
		ResolveResource("acme", "orders/1"):  "kw:acme:orders/1",
		ResolveResource("acme", "kw:x:y"):    "kw:x:y",
		ServiceUserResource("acme", "*"):     "kw:acme:serviceuser/*",
		KeyResource("acme", "bot", "*"):      "kw:acme:serviceuser/bot/key/*",
		ResolveResource("system", "db"):      "kw:system:db",
		ResolveResource("acme", "kw:acme:*"): "kw:acme:*",
	} {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
	for res, want := range map[string]string{"kw:acme:x": "acme", "kw:system:db": "system", "kw:a-1:x:y": "a-1"} {
		if got, ok := ResourceTenant(res); !ok || got != want {
			t.Errorf("ResourceTenant(%q) = %q, %v", res, got, ok)
		}
	}
	for _, res := range []string{"", "kw:", "kw:acme", "kw:acme:", "kw::x", "kw:Acme:x", "kw:-a:x", "acme:x", "kw:*:x"} {
		if got, ok := ResourceTenant(res); ok {
			t.Errorf("ResourceTenant(%q) = %q, want not ok", res, got)
		}
	}
}
