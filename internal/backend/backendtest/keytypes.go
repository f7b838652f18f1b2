package backendtest

import (
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
)

func init() {
	register("KeyTypeLifecycle", withBackend(testKeyTypeLifecycle))
	register("KeyTypeValidation", withBackend(testKeyTypeValidation))
	register("AllowedKeyTypes", withBackend(testAllowedKeyTypes))
}

func testKeyTypeLifecycle(t *testing.T, b backend.Backend) {
	if ks := must(b.ListKeyTypes(ctx, "default")); ks == nil || len(ks) != 0 {
		t.Fatalf("fresh tenant key types = %#v", ks)
	}
	createPolicy(t, b, "default", "monitoring", stmt("allow", "metrics:read", "*"))
	k, created, err := b.CreateKeyType(ctx, "default", backend.CreateKeyTypeInput{Name: "MONITORING", Scope: "monitoring"})
	if err != nil || !created || k.Name != "MONITORING" || k.DisplayName != "MONITORING" || k.Scope != "monitoring" || k.Tenant != "default" || k.CreatedBy == "" {
		t.Fatalf("create: %+v, created=%v, %v", k, created, err)
	}
	again, created, err := b.CreateKeyType(ctx, "default", backend.CreateKeyTypeInput{Name: "MONITORING", Scope: "ReadOnly", IfNotExists: true})
	if err != nil || created || again.Scope != "monitoring" {
		t.Fatalf("if-not-exists: %+v, created=%v, %v", again, created, err)
	}
	_, _, err = b.CreateKeyType(ctx, "default", backend.CreateKeyTypeInput{Name: "MONITORING", Scope: "monitoring"})
	wantCode(t, err, domain.CodeConflict)
	must3(b.CreateKeyType(ctx, "default", backend.CreateKeyTypeInput{Name: "PROVISIONING_READONLY", DisplayName: "Provisioning (read only)", Scope: "ReadOnly"}))
	var names []string
	for _, k := range must(b.ListKeyTypes(ctx, "default")) {
		names = append(names, k.Name)
	}
	if strings.Join(names, ",") != "MONITORING,PROVISIONING_READONLY" {
		t.Fatalf("list = %v", names)
	}
	up := must(b.UpdateKeyType(ctx, "default", "MONITORING", backend.UpdateKeyTypeInput{Scope: ptr("ReadOnly"), DisplayName: ptr("Monitoring")}))
	if up.Scope != "ReadOnly" || up.DisplayName != "Monitoring" {
		t.Fatalf("update = %+v", up)
	}
	_, err = b.UpdateKeyType(ctx, "default", "MONITORING", backend.UpdateKeyTypeInput{Scope: ptr("ghost")})
	wantCode(t, err, domain.CodeNotFound)
	_, err = b.UpdateKeyType(ctx, "default", "MONITORING", backend.UpdateKeyTypeInput{DisplayName: ptr("")})
	wantField(t, err, "displayName")
	if got := must(b.GetKeyType(ctx, "default", "MONITORING")); got.Scope != "ReadOnly" {
		t.Fatalf("get = %+v", got)
	}
	if err := b.DeleteKeyType(ctx, "default", "MONITORING"); err != nil {
		t.Fatal(err)
	}
	_, err = b.GetKeyType(ctx, "default", "MONITORING")
	wantCode(t, err, domain.CodeNotFound)
	wantCode(t, b.DeleteKeyType(ctx, "default", "MONITORING"), domain.CodeNotFound)
	_, err = b.GetKeyType(ctx, "default", "monitoring") // names are case-sensitive
	wantCode(t, err, domain.CodeNotFound)

	var actions []string
	for _, ev := range must(b.ListAudit(ctx, "default", backend.AuditFilter{Target: "kw:default:keytype/MONITORING"})) {
		actions = append(actions, ev.Action)
	}
	if got := strings.Join(actions, ","); got != "keytype:delete,keytype:update,keytype:create" {
		t.Fatalf("audit = %s", got)
	}
}

func testKeyTypeValidation(t *testing.T, b backend.Backend) {
	before := auditCount(t, b, "default")
	_, _, err := b.CreateKeyType(ctx, "default", backend.CreateKeyTypeInput{Name: "MON"})
	wantField(t, err, "scope")
	_, _, err = b.CreateKeyType(ctx, "default", backend.CreateKeyTypeInput{Name: "MON ITOR", Scope: "ReadOnly"})
	wantField(t, err, "name")
	_, _, err = b.CreateKeyType(ctx, "default", backend.CreateKeyTypeInput{Name: "MON", Scope: "ghost"})
	wantCode(t, err, domain.CodeNotFound)
	_, _, err = b.CreateKeyType(ctx, "nowhere", backend.CreateKeyTypeInput{Name: "MON", Scope: "ReadOnly"})
	wantCode(t, err, domain.CodeNotFound)
	if len(must(b.ListKeyTypes(ctx, "default"))) != 0 || auditCount(t, b, "default") != before {
		t.Fatal("refused creates wrote something")
	}
}

func testAllowedKeyTypes(t *testing.T, b backend.Backend) {
	createPolicy(t, b, "default", "monitoring", stmt("allow", "metrics:read,serviceuser:read", "*"))
	createPolicy(t, b, "default", "no-secrets", stmt("allow", "*", "*"), stmt("deny", "metrics:read", "secrets/*"))
	must3(b.CreateKeyType(ctx, "default", backend.CreateKeyTypeInput{Name: "MONITORING", Scope: "monitoring"}))
	must3(b.CreateKeyType(ctx, "default", backend.CreateKeyTypeInput{Name: "READONLY", Scope: "ReadOnly"}))
	must3(b.CreateKeyType(ctx, "default", backend.CreateKeyTypeInput{Name: "ADMIN", Scope: "Administrator"}))
	must3(b.CreateGroup(ctx, "default", backend.CreateGroupInput{Name: "readers", Policies: []string{"ReadOnly"}}))

	allowed := func(id string) string {
		t.Helper()
		return strings.Join(must(b.GetServiceUser(ctx, "default", id)).AllowedKeyTypes, ",")
	}
	res := must(b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "plain"}))
	if res.AllowedKeyTypes == nil || len(res.AllowedKeyTypes) != 0 || allowed("plain") != "" {
		t.Fatalf("no policies: allowed %v", res.AllowedKeyTypes)
	}
	// From a group: ReadOnly covers READONLY only (monitoring needs metrics:read).
	must(b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "reader", Groups: []string{"readers"}}))
	if got := allowed("reader"); got != "READONLY" {
		t.Fatalf("reader: %q", got)
	}
	must3(b.AttachPolicy(ctx, "default", "monitoring", backend.PolicyTarget{User: "reader"}))
	if got := allowed("reader"); got != "MONITORING,READONLY" {
		t.Fatalf("reader + monitoring: %q", got)
	}
	// Administrator covers everything.
	must(b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "admin", Policies: []string{"Administrator"}}))
	if got := allowed("admin"); got != "ADMIN,MONITORING,READONLY" {
		t.Fatalf("admin: %q", got)
	}
	// A deny overlapping the scope rules a type out, though an allow covers it.
	must(b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "guarded", Policies: []string{"no-secrets"}}))
	if got := allowed("guarded"); got != "READONLY" {
		t.Fatalf("guarded: %q", got)
	}
	// Leaving the group takes READONLY away.
	must3(b.DetachPolicy(ctx, "default", "monitoring", backend.PolicyTarget{User: "reader"}))
	must(b.RemoveGroupMembers(ctx, "default", "readers", []string{"reader"}))
	if got := allowed("reader"); got != "" {
		t.Fatalf("reader after leaving: %q", got)
	}
}
