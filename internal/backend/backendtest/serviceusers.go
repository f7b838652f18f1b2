package backendtest

import (
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
)

func testServiceUserLifecycle(t *testing.T, b backend.Backend) {
	res := must(b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "ci-bot", Email: "ci@example.com", Description: "builds"}))
	u := res.ServiceUser
	if !res.Created || u.ID != "ci-bot" || u.DisplayName != "ci-bot" || u.Email == nil || *u.Email != "ci@example.com" ||
		u.Status != domain.UserActive || u.Tenant != "default" || u.CreatedAt.IsZero() || u.CreatedBy == "" {
		t.Fatalf("created = %+v", u)
	}
	if u.Policies == nil || u.Groups == nil || u.Owners == nil || u.CIDRAllowList == nil || u.AccessKeys == nil || u.AllowedKeyTypes == nil {
		t.Fatalf("created user has nil lists: %+v", u)
	}
	again := must(b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "ci-bot", DisplayName: "other", IfNotExists: true}))
	if again.Created || again.DisplayName != "ci-bot" {
		t.Fatalf("if-not-exists changed or re-created: %+v", again)
	}
	_, err := b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "ci-bot"})
	wantCode(t, err, domain.CodeConflict)

	up := must(b.UpdateServiceUser(ctx, "default", "ci-bot", backend.UpdateServiceUserInput{DisplayName: ptr("CI bot"), Email: ptr("")}))
	if up.DisplayName != "CI bot" || up.Email != nil || up.Description != "builds" {
		t.Fatalf("updated = %+v", up)
	}
	dis := must(b.SetServiceUserStatus(ctx, "default", "ci-bot", domain.UserDisabled))
	if dis.Status != domain.UserDisabled {
		t.Fatalf("status = %s", dis.Status)
	}
	n := auditCount(t, b, "default")
	must(b.SetServiceUserStatus(ctx, "default", "ci-bot", domain.UserDisabled))
	if auditCount(t, b, "default") != n {
		t.Fatal("disabling a disabled user wrote an audit event")
	}
	if got := must(b.GetServiceUser(ctx, "default", "ci-bot")); got.Status != domain.UserDisabled || got.DisplayName != "CI bot" {
		t.Fatalf("get = %+v", got)
	}
	must(b.SetServiceUserStatus(ctx, "default", "ci-bot", domain.UserActive))
	if err := b.DeleteServiceUser(ctx, "default", "ci-bot"); err != nil {
		t.Fatal(err)
	}
	_, err = b.GetServiceUser(ctx, "default", "ci-bot")
	wantCode(t, err, domain.CodeNotFound)
}

func testServiceUserValidation(t *testing.T, b backend.Backend) {
	for _, tc := range []struct {
		name  string
		in    backend.CreateServiceUserInput
		field string
	}{
		{"upper case", backend.CreateServiceUserInput{ID: "CiBot"}, "id"},
		{"space", backend.CreateServiceUserInput{ID: "ci bot"}, "id"},
		{"empty", backend.CreateServiceUserInput{ID: ""}, "id"},
		{"64 chars", backend.CreateServiceUserInput{ID: strings.Repeat("a", 64)}, "id"},
		{"underscore", backend.CreateServiceUserInput{ID: "ci_bot"}, "id"},
		{"bad email", backend.CreateServiceUserInput{ID: "x", Email: "not-an-email"}, "email"},
		{"email with name", backend.CreateServiceUserInput{ID: "x", Email: "Bot <bot@example.com>"}, "email"},
		{"control char", backend.CreateServiceUserInput{ID: "x", Description: "a\nb"}, "description"},
		{"long name", backend.CreateServiceUserInput{ID: "x", DisplayName: strings.Repeat("n", 129)}, "displayName"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := b.CreateServiceUser(ctx, "default", tc.in)
			wantField(t, err, tc.field)
		})
	}
	if got := must(b.ListServiceUsers(ctx, "default", backend.ListServiceUsersFilter{})); len(got) != 0 {
		t.Fatalf("refused creates left users: %v", got)
	}
	_, err := b.CreateServiceUser(ctx, "nope", backend.CreateServiceUserInput{ID: "x"})
	wantCode(t, err, domain.CodeNotFound)
	_, err = b.ListServiceUsers(ctx, "default", backend.ListServiceUsersFilter{Status: "gone"})
	wantField(t, err, "status")
	// requireEmail
	must(b.UpdateTenant(ctx, "default", backend.UpdateTenantInput{Settings: domain.TenantSettingsPatch{RequireEmail: ptr(true)}}))
	_, err = b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "x"})
	wantField(t, err, "email")
	must(b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "x", Email: "x@example.com"}))
	_, err = b.UpdateServiceUser(ctx, "default", "x", backend.UpdateServiceUserInput{Email: ptr("")})
	wantField(t, err, "email")
}

func testServiceUserEmail(t *testing.T, b backend.Backend) {
	must(b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "a", Email: "shared@example.com"}))
	_, err := b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "b", Email: "SHARED@example.com"})
	wantCode(t, err, domain.CodeConflict)
	must(b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "b", Email: "b@example.com"}))
	_, err = b.UpdateServiceUser(ctx, "default", "b", backend.UpdateServiceUserInput{Email: ptr("shared@example.com")})
	wantCode(t, err, domain.CodeConflict)
	// Another tenant may use the same address.
	must3(b.CreateTenant(ctx, backend.CreateTenantInput{ID: "other"}))
	must(b.CreateServiceUser(ctx, "other", backend.CreateServiceUserInput{ID: "a", Email: "shared@example.com"}))
	// Changing a's address frees the old one.
	must(b.UpdateServiceUser(ctx, "default", "a", backend.UpdateServiceUserInput{Email: ptr("a@example.com")}))
	must(b.UpdateServiceUser(ctx, "default", "b", backend.UpdateServiceUserInput{Email: ptr("shared@example.com")}))
	// Deleting a user frees its address.
	if err := b.DeleteServiceUser(ctx, "default", "a"); err != nil {
		t.Fatal(err)
	}
	must(b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "c", Email: "a@example.com"}))
}

func testServiceUserListFilters(t *testing.T, b backend.Backend) {
	for _, in := range []backend.CreateServiceUserInput{
		{ID: "billing-sync", DisplayName: "Billing Sync", Email: "billing@example.com"},
		{ID: "ci-bot", Description: "runs the BUILD"},
		{ID: "monitor"},
	} {
		must(b.CreateServiceUser(ctx, "default", in))
	}
	must(b.SetServiceUserStatus(ctx, "default", "monitor", domain.UserDisabled))
	for _, tc := range []struct {
		filter backend.ListServiceUsersFilter
		want   string
	}{
		{backend.ListServiceUsersFilter{}, "billing-sync,ci-bot,monitor"},
		{backend.ListServiceUsersFilter{Status: domain.UserActive}, "billing-sync,ci-bot"},
		{backend.ListServiceUsersFilter{Status: domain.UserDisabled}, "monitor"},
		{backend.ListServiceUsersFilter{Search: "build"}, "ci-bot"},
		{backend.ListServiceUsersFilter{Search: "EXAMPLE.COM"}, "billing-sync"},
		{backend.ListServiceUsersFilter{Search: "sync", Status: domain.UserDisabled}, ""},
	} {
		var ids []string
		for _, u := range must(b.ListServiceUsers(ctx, "default", tc.filter)) {
			ids = append(ids, u.ID)
		}
		if got := strings.Join(ids, ","); got != tc.want {
			t.Errorf("filter %+v = %q, want %q", tc.filter, got, tc.want)
		}
	}
}

func testServiceUserNotFound(t *testing.T, b backend.Backend) {
	_, err := b.GetServiceUser(ctx, "default", "ghost")
	wantCode(t, err, domain.CodeNotFound)
	_, err = b.UpdateServiceUser(ctx, "default", "ghost", backend.UpdateServiceUserInput{DisplayName: ptr("x")})
	wantCode(t, err, domain.CodeNotFound)
	_, err = b.SetServiceUserStatus(ctx, "default", "ghost", domain.UserDisabled)
	wantCode(t, err, domain.CodeNotFound)
	wantCode(t, b.DeleteServiceUser(ctx, "default", "ghost"), domain.CodeNotFound)
	_, err = b.GetServiceUser(ctx, "no-tenant", "ghost")
	wantCode(t, err, domain.CodeNotFound)
	if !strings.Contains(err.Error(), "tenant") {
		t.Fatalf("missing tenant error %q does not name the tenant", err)
	}
}

func testAuditOnlyOnSuccess(t *testing.T, b backend.Backend) {
	before := auditCount(t, b, "default")
	must(b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "a", Email: "a@example.com", NoKey: true}))
	_, _ = b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "a"})                         // conflict
	_, _ = b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "b", Email: "a@example.com"}) // conflict
	_, _ = b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "B"})                         // invalid
	_ = b.DeleteServiceUser(ctx, "default", "ghost")                                                            // not found
	events := must(b.ListAudit(ctx, "default", backend.AuditFilter{}))
	if len(events) != before+1 {
		t.Fatalf("got %d new audit events, want 1: %+v", len(events)-before, events)
	}
	ev := events[0]
	if ev.Action != "serviceuser:create" || ev.Target != "kw:default:serviceuser/a" || ev.Outcome != domain.OutcomeSuccess || ev.Actor == "" || ev.Time.IsZero() {
		t.Fatalf("event = %+v", ev)
	}
	must(b.UpdateServiceUser(ctx, "default", "a", backend.UpdateServiceUserInput{Description: ptr("x")}))
	if got := must(b.ListAudit(ctx, "default", backend.AuditFilter{Action: "serviceuser:update"})); len(got) != 1 {
		t.Fatalf("action filter: %+v", got)
	}
	if got := must(b.ListAudit(ctx, "default", backend.AuditFilter{Target: "kw:default:serviceuser/*"})); len(got) != 2 {
		t.Fatalf("target prefix filter: %+v", got)
	}
	if got := must(b.ListAudit(ctx, "default", backend.AuditFilter{Limit: 1})); len(got) != 1 || got[0].Action != "serviceuser:update" {
		t.Fatalf("limit: %+v", got)
	}
}
