package service

import (
	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/backend"
)

func init() {
	registerApply(backend.KindPolicy, applyHandler{put: putPolicy, delete: deletePolicyByApply})
}

// putPolicy creates or updates a custom policy as `policy create` and
// `policy update` do (never renaming it); managed policies are refused.
func putPolicy(a *applyTx, spec backend.Spec, _ any) (backend.Action, error) {
	if err := spec.Validate(); err != nil {
		return "", err
	}
	ref := spec.Ref()
	if _, err := a.tenant(ref.Tenant); err != nil {
		return "", err
	}
	if authz.IsManaged(ref.ID) {
		return "", managedImmutable(ref.ID, "created or replaced")
	}
	rec, exists, err := a.tx.Policy(ref.Tenant, ref.ID)
	if err != nil {
		return "", err
	}
	kind, _ := backend.LookupKind(backend.KindPolicy)
	base := kind.Default(ref)
	if exists {
		base = backend.PolicySpecOf(rec.Policy)
	}
	merged, err := spec.Merge(base)
	if err != nil {
		return "", err
	}
	want := merged.(*backend.PolicySpec)
	compiled, err := authz.Compile(ref.Tenant, ref.ID, toDocument(*want.Description, *want.Statements))
	if err != nil {
		return "", err
	}
	if !exists {
		_, err := a.s.insertPolicy(a.ctx, a.tx, ref.Tenant, compiled)
		return backend.ActionCreate, err
	}
	if len(backend.DiffSpecs(base, merged)) == 0 {
		return backend.ActionUnchanged, nil
	}
	_, err = a.s.storePolicy(a.ctx, a.tx, rec, compiled, "")
	return backend.ActionUpdate, err
}

// deletePolicyByApply deletes a custom policy as `policy delete` without
// --force: one still attached or a key type's scope is a conflict.
func deletePolicyByApply(a *applyTx, ref backend.Ref) (backend.Action, error) {
	if authz.IsManaged(ref.ID) {
		return "", managedImmutable(ref.ID, "deleted")
	}
	if _, ok, err := a.tx.Policy(ref.Tenant, ref.ID); err != nil || !ok {
		return backend.ActionUnchanged, err
	}
	return backend.ActionDelete, a.s.removePolicy(a.ctx, a.tx, ref.Tenant, ref.ID, false)
}
