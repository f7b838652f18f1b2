package service

import (
	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
)

func init() {
	registerApply(backend.KindTenant, applyHandler{put: putTenant, delete: deleteTenantByApply})
}

func putTenant(a *applyTx, spec backend.Spec, _ any) (backend.Action, error) {
	ref := spec.Ref()
	cur, exists, err := a.tx.Tenant(ref.ID)
	if err != nil {
		return "", err
	}
	kind, _ := backend.LookupKind(backend.KindTenant)
	base := kind.Default(ref)
	if exists {
		base = backend.TenantSpecOf(cur)
	}
	if err := spec.Validate(); err != nil {
		return "", err
	}
	merged, err := spec.Merge(base)
	if err != nil {
		return "", err
	}
	want, err := merged.(*backend.TenantSpec).Tenant()
	if err != nil {
		return "", err
	}
	if !exists {
		t, err := a.s.insertTenant(a.ctx, a.tx, want)
		a.tenants[t.ID] = t
		return backend.ActionCreate, err
	}
	if len(backend.DiffSpecs(base, merged)) == 0 {
		return backend.ActionUnchanged, nil
	}
	cur.Name, cur.Settings = want.Name, want.Settings
	t, err := a.s.storeTenant(a.ctx, a.tx, cur)
	a.tenants[t.ID] = t
	return backend.ActionUpdate, err
}

// deleteTenantByApply deletes an empty tenant; one with service users is a
// conflict (apply has no --force), the system tenant is refused.
func deleteTenantByApply(a *applyTx, ref backend.Ref) (backend.Action, error) {
	if ref.ID == domain.SystemTenant {
		return "", domain.Invalid("tenant", "the system tenant is reserved and cannot be deleted")
	}
	if _, ok, err := a.tx.Tenant(ref.ID); err != nil || !ok {
		return backend.ActionUnchanged, err
	}
	if n := a.tx.UserCount(ref.ID); n > 0 {
		return "", domain.Conflict("tenant %q has %s", ref.ID, plural(n, "service user")).
			WithHint("delete it with `keyward tenant delete %s --force`", ref.ID)
	}
	if err := a.tx.DeleteTenant(ref.ID); err != nil {
		return "", err
	}
	if _, err := authzChanged(a.tx); err != nil {
		return "", err
	}
	delete(a.tenants, ref.ID)
	return backend.ActionDelete, a.s.audit(a.ctx, a.tx, domain.SystemTenant, "tenant:delete", tenantResource(ref.ID))
}
