package authz

import (
	"errors"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/domain"
)

func TestAllowedKeyType(t *testing.T) {
	user := NewPrincipal("acme",
		mustCompile(t, "acme", "provisioning", `
statements:
  - effect: allow
    actions: ["serviceuser:*", "key:*", "orders:*"]
    resources: ["serviceuser/*", "orders/*"]
  - effect: deny
    actions: [key:purge]
    resources: ["serviceuser/admin*"]
`),
		mustCompile(t, "acme", "reader", `
statements:
  - effect: allow
    actions: ["*:read"]
    resources: ["*"]
`))
	tests := []struct {
		name, scope string
		allowed     bool
		why         string
	}{
		{"subset of one allow", `[{effect: allow, actions: ["key:read", "key:rotate"], resources: ["serviceuser/*"]}]`, true, ""},
		{"subset of the other allow", `[{effect: allow, actions: ["*:read"], resources: ["*"]}]`, true, ""},
		{"narrower resource and action patterns", `[{effect: allow, actions: ["key:r*"], resources: ["kw:acme:serviceuser/team-*/key/*"]}]`, true, ""},
		{"absolute kw:* is the tenant", `[{effect: allow, actions: ["policy:read"], resources: ["kw:*"]}]`, true, ""},
		{"downstream subset", `[{effect: allow, actions: ["orders:list"], resources: ["orders/7"]}]`, true, ""},
		{"deny statements of the scope do not matter", `[{effect: allow, actions: [key:read], resources: ["*"]}, {effect: deny, actions: ["*"], resources: ["*"]}]`, true, ""},
		{"action beyond the user", `[{effect: allow, actions: ["policy:*"], resources: ["serviceuser/*"]}]`, false,
			`scope policy "scope" statements[0] allows policy:* on kw:acme:serviceuser/*, beyond the service user's permissions: no statement of the user's policies allows all of it`},
		{"resource beyond the user", `[{effect: allow, actions: ["key:rotate"], resources: ["*"]}]`, false, "allows key:rotate on kw:acme:*"},
		{"overlaps a deny", `[{effect: allow, actions: ["key:*"], resources: ["serviceuser/*"]}]`, false,
			`denied by policy "provisioning" statements[1] (deny)`},
		{"overlaps a deny through the resource only", `[{effect: allow, actions: ["key:purge"], resources: ["serviceuser/ad*"]}]`, false, "denied by"},
		{"avoids the deny", `[{effect: allow, actions: ["key:purge"], resources: ["serviceuser/bot"]}]`, true, ""},
		{"each pair may be covered by a different statement", `[{effect: allow, actions: ["serviceuser:read", "orders:create"], resources: ["orders/*"]}]`, true, ""},
		{"every allow must be contained", `[{effect: allow, actions: [key:read], resources: ["*"]}, {effect: allow, actions: [tenant:update], resources: [tenant]}]`, false, "statements[1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			scope := mustCompile(t, "acme", "scope", "statements: "+tt.scope)
			err := CheckKeyType(user, scope)
			if got := AllowedKeyType(user, scope); got != tt.allowed || (err == nil) != tt.allowed {
				t.Fatalf("AllowedKeyType = %v, CheckKeyType = %v; want %v", got, err, tt.allowed)
			}
			if err != nil && (!errors.Is(err, domain.ErrDenied) || !strings.Contains(err.Error(), tt.why)) {
				t.Errorf("CheckKeyType = %v, want a denied error containing %q", err, tt.why)
			}
		})
	}
}

func TestAllowedKeyTypeAcrossTenants(t *testing.T) {
	scope := mustCompile(t, "acme", "scope", `statements: [{effect: allow, actions: ["key:read"], resources: ["*"]}]`)
	if !AllowedKeyType(NewPrincipal("acme", mustManaged(t, "acme", AdministratorPolicy)), scope) {
		t.Error("acme Administrator may not hold an acme key type")
	}
	if !AllowedKeyType(NewPrincipal("system", mustManaged(t, "system", AdministratorPolicy)), scope) {
		t.Error("system Administrator may not hold an acme key type")
	}
	if AllowedKeyType(NewPrincipal("other", mustManaged(t, "other", AdministratorPolicy)), scope) {
		t.Error("other's Administrator may hold an acme key type")
	}
	if AllowedKeyType(NewPrincipal("acme", mustManaged(t, "acme", ReadOnlyPolicy)), mustCompile(t, "acme", "w", `statements: [{effect: allow, actions: ["key:rotate"], resources: ["*"]}]`)) {
		t.Error("ReadOnly may hold a key type that rotates keys")
	}
	// The user's own key-type limit does not narrow the question.
	limited := NewPrincipal("acme", mustManaged(t, "acme", AdministratorPolicy)).WithKeyType("NONE", nil)
	if !AllowedKeyType(limited, scope) {
		t.Error("a principal's key type changed AllowedKeyType")
	}
	if err := CheckKeyType(limited, nil); !errors.Is(err, domain.ErrInvalid) {
		t.Errorf("CheckKeyType(nil scope) = %v", err)
	}
	if d := limited.Decide("key:read", "serviceuser/x/key/y"); d.Reason != OutsideScope {
		t.Errorf("a key type without scope allowed %s", d)
	}
}
