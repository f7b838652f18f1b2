package backendtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/store/boltstore"
)

func init() {
	register("ApplyChanges", testApplyChanges)
	register("Backup", testBackup)
}

func put(spec backend.Spec) backend.Change {
	return backend.Change{Op: backend.OpPut, Ref: spec.Ref(), Spec: spec}
}

func del(kind, tenant, id string) backend.Change {
	return backend.Change{Op: backend.OpDelete, Ref: backend.Ref{Kind: kind, Tenant: tenant, ID: id}}
}

func user(tenant, id string, set func(*backend.ServiceUserSpec)) *backend.ServiceUserSpec {
	u := &backend.ServiceUserSpec{Tenant: tenant, ID: id}
	if set != nil {
		set(u)
	}
	return u
}

// actions joins the actions of results: "create,update".
func actions(rs []backend.ChangeResult) string {
	var out []string
	for _, r := range rs {
		out = append(out, string(r.Action))
	}
	return strings.Join(out, ",")
}

func testApplyChanges(t *testing.T, h Harness) {
	for _, tc := range []struct {
		name string
		fn   func(*testing.T, backend.Backend)
	}{
		{"CreateUpdateUnchanged", testApplyCreateUpdateUnchanged},
		{"AllOrNothing", testApplyAllOrNothing},
		{"Rules", testApplyRules},
		{"Delete", testApplyDelete},
		{"Refused", testApplyRefused},
		{"JSON", testApplyJSON},
		{"Large", testApplyLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer failOnMust(t)
			b := h.New(t)
			t.Cleanup(func() { b.Close() })
			tc.fn(t, b)
		})
	}
}

func testApplyCreateUpdateUnchanged(t *testing.T, b backend.Backend) {
	before := auditCount(t, b, "default")
	rs := must(b.ApplyChanges(ctx, []backend.Change{
		put(&backend.TenantSpec{ID: "acme", Name: ptr("Acme"), Settings: domain.TenantSettingsPatch{RequireEmail: ptr(true), KeyTTLMax: ptr("4320h")}}),
		put(user("acme", "ci-bot", func(u *backend.ServiceUserSpec) {
			u.Email, u.DisplayName, u.Status = ptr("ci@example.com"), ptr("CI bot"), ptr(domain.UserDisabled)
		})),
		put(user("default", "local", nil)),
	}))
	if got := actions(rs); got != "create,create,create" {
		t.Fatalf("actions = %s", got)
	}
	acme := must(b.GetTenant(ctx, "acme"))
	if acme.Name != "Acme" || !acme.Settings.RequireEmail || acme.Settings.KeyTTLMax == nil || acme.Settings.KeyTTLMax.String() != "180d" {
		t.Fatalf("tenant = %+v", acme)
	}
	u := must(b.GetServiceUser(ctx, "acme", "ci-bot"))
	if u.DisplayName != "CI bot" || u.Email == nil || *u.Email != "ci@example.com" || u.Status != domain.UserDisabled || u.CreatedBy == "" {
		t.Fatalf("user = %+v", u)
	}
	if l := must(b.GetServiceUser(ctx, "default", "local")); l.DisplayName != "local" || l.Email != nil || l.Status != domain.UserActive {
		t.Fatalf("defaults = %+v", l)
	}
	if n := auditCount(t, b, "default"); n != before+1 {
		t.Fatalf("default tenant audit events: %d new, want 1", n-before)
	}
	if got := len(must(b.ListAudit(ctx, "acme", backend.AuditFilter{}))); got != 2 {
		t.Fatalf("acme audit events = %d, want tenant:create and serviceuser:create", got)
	}

	// The same declarations again: nothing written, nothing audited.
	rs = must(b.ApplyChanges(ctx, []backend.Change{
		put(&backend.TenantSpec{ID: "acme", Settings: domain.TenantSettingsPatch{KeyTTLMax: ptr("180d")}}),
		put(user("acme", "ci-bot", func(u *backend.ServiceUserSpec) { u.Email = ptr("ci@example.com") })),
	}))
	if got := actions(rs); got != "unchanged,unchanged" {
		t.Fatalf("re-apply actions = %s", got)
	}
	if got := len(must(b.ListAudit(ctx, "acme", backend.AuditFilter{}))); got != 2 {
		t.Fatalf("re-apply audited: %d events", got)
	}
	if again := must(b.GetServiceUser(ctx, "acme", "ci-bot")); !again.UpdatedAt.Equal(u.UpdatedAt) {
		t.Fatal("re-apply rewrote the user")
	}

	// Only the fields given change.
	rs = must(b.ApplyChanges(ctx, []backend.Change{
		put(user("acme", "ci-bot", func(u *backend.ServiceUserSpec) { u.Description = ptr("builds"); u.Status = ptr(domain.UserActive) })),
	}))
	if got := actions(rs); got != "update" {
		t.Fatalf("update actions = %s", got)
	}
	u = must(b.GetServiceUser(ctx, "acme", "ci-bot"))
	if u.Description != "builds" || u.Status != domain.UserActive || u.DisplayName != "CI bot" || u.Email == nil {
		t.Fatalf("updated user = %+v", u)
	}
	for _, action := range []string{"serviceuser:update", "serviceuser:enable"} {
		if got := must(b.ListAudit(ctx, "acme", backend.AuditFilter{Action: action})); len(got) != 1 {
			t.Errorf("%s events = %d, want 1", action, len(got))
		}
	}
}

func testApplyAllOrNothing(t *testing.T, b backend.Backend) {
	before := auditCount(t, b, "default")
	_, err := b.ApplyChanges(ctx, []backend.Change{
		put(user("default", "first", nil)),
		put(user("default", "second", func(u *backend.ServiceUserSpec) { u.Email = ptr("not-an-email") })),
	})
	wantField(t, err, "email")
	if !strings.Contains(err.Error(), "ServiceUser default/second") {
		t.Fatalf("error %q does not name the object", err)
	}
	if got := must(b.ListServiceUsers(ctx, "default", backend.ListServiceUsersFilter{})); len(got) != 0 {
		t.Fatalf("a refused chunk left users: %+v", got)
	}
	if auditCount(t, b, "default") != before {
		t.Fatal("a refused chunk wrote audit events")
	}
}

func testApplyRules(t *testing.T, b backend.Backend) {
	must(b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "owner", Email: "shared@example.com"}))
	_, err := b.ApplyChanges(ctx, []backend.Change{put(user("default", "other", func(u *backend.ServiceUserSpec) { u.Email = ptr("SHARED@example.com") }))})
	wantCode(t, err, domain.CodeConflict)

	// A tenant created in the same call, with requireEmail, applies to the users after it.
	_, err = b.ApplyChanges(ctx, []backend.Change{
		put(&backend.TenantSpec{ID: "strict", Settings: domain.TenantSettingsPatch{RequireEmail: ptr(true)}}),
		put(user("strict", "no-mail", nil)),
	})
	wantField(t, err, "email")
	_, err = b.GetTenant(ctx, "strict")
	wantCode(t, err, domain.CodeNotFound)

	// An e-mail moves from one user to another within a call.
	rs := must(b.ApplyChanges(ctx, []backend.Change{
		put(user("default", "owner", func(u *backend.ServiceUserSpec) { u.Email = ptr("") })),
		put(user("default", "other", func(u *backend.ServiceUserSpec) { u.Email = ptr("shared@example.com") })),
	}))
	if got := actions(rs); got != "update,create" {
		t.Fatalf("actions = %s", got)
	}
	if o := must(b.GetServiceUser(ctx, "default", "owner")); o.Email != nil {
		t.Fatalf("owner kept its address: %+v", o)
	}

	_, err = b.ApplyChanges(ctx, []backend.Change{put(user("nowhere", "x", nil))})
	wantCode(t, err, domain.CodeNotFound)
	_, err = b.ApplyChanges(ctx, []backend.Change{put(&backend.TenantSpec{ID: "system", Name: ptr("mine")})})
	wantField(t, err, "name")
	_, err = b.ApplyChanges(ctx, []backend.Change{put(&backend.TenantSpec{ID: "acme", Settings: domain.TenantSettingsPatch{TokenTTL: ptr("5s")}})})
	wantField(t, err, "settings.tokenTtl")
}

func testApplyDelete(t *testing.T, b backend.Backend) {
	must(b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "gone", Email: "gone@example.com"}))
	rs := must(b.ApplyChanges(ctx, []backend.Change{
		del(backend.KindServiceUser, "default", "gone"),
		del(backend.KindServiceUser, "default", "never-was"),
	}))
	if got := actions(rs); got != "delete,unchanged" {
		t.Fatalf("actions = %s", got)
	}
	_, err := b.GetServiceUser(ctx, "default", "gone")
	wantCode(t, err, domain.CodeNotFound)
	// The address is free again.
	must(b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "new", Email: "gone@example.com"}))
	if got := must(b.ListAudit(ctx, "default", backend.AuditFilter{Action: "serviceuser:delete"})); len(got) != 1 {
		t.Fatalf("delete events = %d", len(got))
	}
	// Tenants: an empty one goes, one with users needs `tenant delete --force`, system never.
	must3(b.CreateTenant(ctx, backend.CreateTenantInput{ID: "empty"}))
	must(b.ApplyChanges(ctx, []backend.Change{del(backend.KindTenant, "", "empty")}))
	_, err = b.ApplyChanges(ctx, []backend.Change{del(backend.KindTenant, "", "default")})
	wantCode(t, err, domain.CodeConflict)
	_, err = b.ApplyChanges(ctx, []backend.Change{del(backend.KindTenant, "", "system")})
	wantCode(t, err, domain.CodeInvalid)
}

func testApplyRefused(t *testing.T, b backend.Backend) {
	too := make([]backend.Change, backend.MaxChangesPerCall+1)
	for i := range too {
		too[i] = del(backend.KindServiceUser, "default", "x")
	}
	_, err := b.ApplyChanges(ctx, too)
	wantField(t, err, "changes")
	_, err = b.ApplyChanges(ctx, []backend.Change{{Op: "upsert", Ref: backend.Ref{Kind: backend.KindServiceUser, Tenant: "default", ID: "x"}}})
	wantField(t, err, "op")
	_, err = b.ApplyChanges(ctx, []backend.Change{{Op: backend.OpPut, Ref: backend.Ref{Kind: "Widget", ID: "x"}}})
	wantField(t, err, "kind")
	_, err = b.ApplyChanges(ctx, []backend.Change{{Op: backend.OpPut, Ref: backend.Ref{Kind: backend.KindServiceUser, Tenant: "default", ID: "a"}, Spec: user("default", "b", nil)}})
	wantField(t, err, "spec")
	if rs := must(b.ApplyChanges(ctx, nil)); len(rs) != 0 {
		t.Fatalf("no changes gave %v", rs)
	}
}

// testApplyJSON: changes survive the JSON a remote client sends.
func testApplyJSON(t *testing.T, b backend.Backend) {
	in := []backend.Change{
		put(&backend.TenantSpec{ID: "acme", Settings: domain.TenantSettingsPatch{KeyTTLMax: ptr("")}}),
		put(user("acme", "bot", func(u *backend.ServiceUserSpec) { u.Email = ptr(""); u.Status = ptr(domain.UserDisabled) })),
		del(backend.KindServiceUser, "acme", "old"),
	}
	raw := must(json.Marshal(in))
	var out []backend.Change
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	if got := actions(must(b.ApplyChanges(ctx, out))); got != "create,create,unchanged" {
		t.Fatalf("actions = %s (json %s)", got, raw)
	}
	if u := must(b.GetServiceUser(ctx, "acme", "bot")); u.Status != domain.UserDisabled || u.Email != nil {
		t.Fatalf("user = %+v", u)
	}
}

// testApplyLarge: a call of many changes (the local service prepares big
// calls ahead, on other goroutines) behaves exactly like a small one.
func testApplyLarge(t *testing.T, b backend.Backend) {
	must(b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "u0450", Email: "old@example.com"}))
	changes := make([]backend.Change, 0, 1000)
	for i := range 1000 {
		id := fmt.Sprintf("u%04d", i)
		changes = append(changes, put(user("default", id, func(u *backend.ServiceUserSpec) { u.Email = ptr(id + "@example.com") })))
	}
	// One bad spec near the end refuses the whole call.
	bad := append([]backend.Change(nil), changes...)
	bad[900] = put(user("default", "u0900", func(u *backend.ServiceUserSpec) { u.Email = ptr("nope") }))
	_, err := b.ApplyChanges(ctx, bad)
	wantField(t, err, "email")
	if !strings.Contains(err.Error(), "u0900") {
		t.Fatalf("error %q does not name u0900", err)
	}
	// So does a conflict found only in the transaction.
	conflict := append([]backend.Change(nil), changes...)
	conflict[700] = put(user("default", "u0700", func(u *backend.ServiceUserSpec) { u.Email = ptr("u0100@example.com") }))
	_, err = b.ApplyChanges(ctx, conflict)
	wantCode(t, err, domain.CodeConflict)
	if got := must(b.ListServiceUsers(ctx, "default", backend.ListServiceUsersFilter{})); len(got) != 1 {
		t.Fatalf("refused calls left %d users", len(got))
	}
	before := auditCount(t, b, "default")
	rs := must(b.ApplyChanges(ctx, changes))
	counts := map[backend.Action]int{}
	for _, r := range rs {
		counts[r.Action]++
	}
	if counts[backend.ActionCreate] != 999 || counts[backend.ActionUpdate] != 1 || rs[450].Action != backend.ActionUpdate {
		t.Fatalf("actions %v", counts)
	}
	if got := auditCount(t, b, "default") - before; got != 1000 {
		t.Fatalf("%d audit events, want 1000", got)
	}
	u := must(b.GetServiceUser(ctx, "default", "u0999"))
	if u.Email == nil || *u.Email != "u0999@example.com" || u.CreatedAt.IsZero() || u.CreatedBy == "" || u.DisplayName != "u0999" {
		t.Fatalf("user = %+v", u)
	}
	ev := must(b.ListAudit(ctx, "default", backend.AuditFilter{Limit: 1}))[0]
	if ev.Action != "serviceuser:create" || ev.Target != "kw:default:serviceuser/u0999" || ev.Actor == "" || ev.Time.IsZero() || ev.Outcome != domain.OutcomeSuccess {
		t.Fatalf("last event = %+v", ev)
	}
	if got := must(b.ListAudit(ctx, "default", backend.AuditFilter{Target: "kw:default:serviceuser/u0450"})); len(got) != 2 || got[0].Action != "serviceuser:update" {
		t.Fatalf("u0450 events = %+v", got)
	}
	// Addresses are indexed: a duplicate is refused.
	_, err = b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "dup", Email: "u0123@example.com"})
	wantCode(t, err, domain.CodeConflict)
}

func testBackup(t *testing.T, h Harness) {
	b := h.New(t)
	t.Cleanup(func() { b.Close() })
	must(b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "ci-bot", Email: "ci@example.com"}))
	var buf bytes.Buffer
	n := must(b.Backup(ctx, &buf))
	if n != int64(buf.Len()) || n == 0 {
		t.Fatalf("backup reported %d bytes, wrote %d", n, buf.Len())
	}
	path := filepath.Join(t.TempDir(), "backup.db")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	db := must(boltstore.Open(path, boltstore.Options{ReadOnly: true}))
	defer db.Close()
	if problems := must(db.Check()); len(problems) != 0 {
		t.Fatalf("backup has problems: %+v", problems)
	}
	err := db.View(func(tx *boltstore.Tx) error {
		if _, ok, err := tx.User("default", "ci-bot"); err != nil || !ok {
			t.Fatalf("backup lacks the user (%v)", err)
		}
		if owner, ok := tx.EmailOwner("default", "ci@example.com"); !ok || owner != "ci-bot" {
			t.Fatal("backup lacks the e-mail index")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
