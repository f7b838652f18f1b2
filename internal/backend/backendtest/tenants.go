package backendtest

import (
	"testing"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
)

func testTenantLifecycle(t *testing.T, b backend.Backend) {
	tn, created, err := b.CreateTenant(ctx, backend.CreateTenantInput{ID: "acme", Name: "Acme Corp",
		Settings: domain.TenantSettingsPatch{MaxActiveKeysPerUser: ptr(3), KeyTTLMax: ptr("180d"), RequireEmail: ptr(true)}})
	if err != nil || !created {
		t.Fatalf("create: %v created=%v", err, created)
	}
	if tn.Name != "Acme Corp" || tn.Settings.MaxActiveKeysPerUser != 3 || tn.Settings.KeyTTLMax == nil ||
		tn.Settings.KeyTTLMax.String() != "180d" || !tn.Settings.RequireEmail || tn.Settings.TokenTTL.String() != "1h" {
		t.Fatalf("created tenant = %+v", tn)
	}
	again, created, err := b.CreateTenant(ctx, backend.CreateTenantInput{ID: "acme", Name: "Other", IfNotExists: true})
	if err != nil || created || again.Name != "Acme Corp" {
		t.Fatalf("if-not-exists: %v created=%v name=%q", err, created, again.Name)
	}
	_, _, err = b.CreateTenant(ctx, backend.CreateTenantInput{ID: "acme"})
	wantCode(t, err, domain.CodeConflict)

	list := must(b.ListTenants(ctx))
	ids := []string{}
	for _, x := range list {
		ids = append(ids, x.ID)
	}
	if len(ids) != 3 || ids[0] != "acme" || ids[1] != "default" || ids[2] != "system" {
		t.Fatalf("list = %v, want [acme default system]", ids)
	}
	up := must(b.UpdateTenant(ctx, "acme", backend.UpdateTenantInput{Name: ptr("Acme"), Settings: domain.TenantSettingsPatch{KeyTTLMax: ptr("none"), TokenTTL: ptr("15m")}}))
	if up.Name != "Acme" || up.Settings.KeyTTLMax != nil || up.Settings.TokenTTL.String() != "15m" || up.Settings.MaxActiveKeysPerUser != 3 {
		t.Fatalf("updated = %+v", up)
	}
	got := must(b.GetTenant(ctx, "acme"))
	if got.Name != "Acme" || got.Settings != up.Settings {
		t.Fatalf("get after update = %+v", got)
	}
	if err := b.DeleteTenant(ctx, "acme", backend.DeleteTenantOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err = b.GetTenant(ctx, "acme")
	wantCode(t, err, domain.CodeNotFound)
	wantCode(t, b.DeleteTenant(ctx, "acme", backend.DeleteTenantOptions{}), domain.CodeNotFound)
}

func testTenantValidation(t *testing.T, b backend.Backend) {
	for _, tc := range []struct {
		name  string
		in    backend.CreateTenantInput
		field string
	}{
		{"upper case id", backend.CreateTenantInput{ID: "Acme"}, "id"},
		{"empty id", backend.CreateTenantInput{ID: ""}, "id"},
		{"space in id", backend.CreateTenantInput{ID: "a b"}, "id"},
		{"leading dash", backend.CreateTenantInput{ID: "-a"}, "id"},
		{"64 characters", backend.CreateTenantInput{ID: "a123456789012345678901234567890123456789012345678901234567890123"}, "id"},
		{"keys 0", backend.CreateTenantInput{ID: "x", Settings: domain.TenantSettingsPatch{MaxActiveKeysPerUser: ptr(0)}}, "settings.maxActiveKeysPerUser"},
		{"keys 11", backend.CreateTenantInput{ID: "x", Settings: domain.TenantSettingsPatch{MaxActiveKeysPerUser: ptr(11)}}, "settings.maxActiveKeysPerUser"},
		{"token ttl 59s", backend.CreateTenantInput{ID: "x", Settings: domain.TenantSettingsPatch{TokenTTL: ptr("59s")}}, "settings.tokenTtl"},
		{"token ttl 25h", backend.CreateTenantInput{ID: "x", Settings: domain.TenantSettingsPatch{TokenTTL: ptr("25h")}}, "settings.tokenTtl"},
		{"token ttl unitless", backend.CreateTenantInput{ID: "x", Settings: domain.TenantSettingsPatch{TokenTTL: ptr("60")}}, "settings.tokenTtl"},
		{"key ttl garbage", backend.CreateTenantInput{ID: "x", Settings: domain.TenantSettingsPatch{KeyTTLDefault: ptr("ninety days")}}, "settings.keyTtlDefault"},
		{"default above max", backend.CreateTenantInput{ID: "x", Settings: domain.TenantSettingsPatch{KeyTTLMax: ptr("30d")}}, "settings.keyTtlDefault"},
		{"never with expiry required", backend.CreateTenantInput{ID: "x", Settings: domain.TenantSettingsPatch{KeyTTLDefault: ptr("never"), RequireKeyExpiry: ptr(true)}}, "settings.keyTtlDefault"},
		{"max never", backend.CreateTenantInput{ID: "x", Settings: domain.TenantSettingsPatch{KeyTTLMax: ptr("never")}}, "settings.keyTtlMax"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := b.CreateTenant(ctx, tc.in)
			wantField(t, err, tc.field)
		})
	}
	_, err := b.UpdateTenant(ctx, domain.DefaultTenant, backend.UpdateTenantInput{Settings: domain.TenantSettingsPatch{MaxActiveKeysPerUser: ptr(42)}})
	wantField(t, err, "settings.maxActiveKeysPerUser")
	if got := must(b.GetTenant(ctx, domain.DefaultTenant)); got.Settings != domain.DefaultSettings() {
		t.Fatalf("refused update changed settings: %+v", got.Settings)
	}
	if n := len(must(b.ListTenants(ctx))); n != 2 {
		t.Fatalf("refused creates left %d tenants, want 2", n)
	}
	_, err = b.UpdateTenant(ctx, "nope", backend.UpdateTenantInput{Name: ptr("x")})
	wantCode(t, err, domain.CodeNotFound)
}

func testTenantReserved(t *testing.T, b backend.Backend) {
	wantField(t, b.DeleteTenant(ctx, domain.SystemTenant, backend.DeleteTenantOptions{Force: true}), "tenant")
	_, err := b.UpdateTenant(ctx, domain.SystemTenant, backend.UpdateTenantInput{Name: ptr("mine")})
	wantField(t, err, "name")
	must(b.GetTenant(ctx, domain.SystemTenant))
}

func testTenantDeleteNeedsForce(t *testing.T, b backend.Backend) {
	must3(b.CreateTenant(ctx, backend.CreateTenantInput{ID: "acme"}))
	must(b.CreateServiceUser(ctx, "acme", backend.CreateServiceUserInput{ID: "bot", Email: "bot@example.com"}))
	wantCode(t, b.DeleteTenant(ctx, "acme", backend.DeleteTenantOptions{}), domain.CodeConflict)
	must(b.GetServiceUser(ctx, "acme", "bot"))
	if err := b.DeleteTenant(ctx, "acme", backend.DeleteTenantOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	// The id and the e-mail are free again.
	must3(b.CreateTenant(ctx, backend.CreateTenantInput{ID: "acme"}))
	must(b.CreateServiceUser(ctx, "acme", backend.CreateServiceUserInput{ID: "bot", Email: "bot@example.com"}))
}
