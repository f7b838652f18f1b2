package service

import (
	"github.com/keyward/keyward/internal/backend"
)

func init() {
	registerApply(backend.KindKeyType, applyHandler{put: putKeyType, delete: deleteKeyTypeByApply})
}

// putKeyType creates or updates a key type as `keytype create|update` do.
func putKeyType(a *applyTx, spec backend.Spec, _ any) (backend.Action, error) {
	if err := spec.Validate(); err != nil {
		return "", err
	}
	ref := spec.Ref()
	if _, err := a.tenant(ref.Tenant); err != nil {
		return "", err
	}
	cur, exists, err := a.tx.KeyType(ref.Tenant, ref.ID)
	if err != nil {
		return "", err
	}
	kind, _ := backend.LookupKind(backend.KindKeyType)
	base := kind.Default(ref)
	if exists {
		base = backend.KeyTypeSpecOf(cur)
	}
	merged, err := spec.Merge(base)
	if err != nil {
		return "", err
	}
	want := merged.(*backend.KeyTypeSpec)
	if !exists {
		_, err := a.s.insertKeyType(a.ctx, a.tx, ref.Tenant, backend.CreateKeyTypeInput{
			Name: ref.ID, DisplayName: *want.DisplayName, Description: *want.Description, Scope: *want.Scope})
		return backend.ActionCreate, err
	}
	if len(backend.DiffSpecs(base, merged)) == 0 {
		return backend.ActionUnchanged, nil
	}
	_, err = a.s.storeKeyType(a.ctx, a.tx, cur, backend.UpdateKeyTypeInput{DisplayName: want.DisplayName, Description: want.Description, Scope: want.Scope})
	return backend.ActionUpdate, err
}

// deleteKeyTypeByApply deletes a key type as `keytype delete` does: one
// that keys still have is a conflict.
func deleteKeyTypeByApply(a *applyTx, ref backend.Ref) (backend.Action, error) {
	if _, ok, err := a.tx.KeyType(ref.Tenant, ref.ID); err != nil || !ok {
		return backend.ActionUnchanged, err
	}
	return backend.ActionDelete, a.s.removeKeyType(a.ctx, a.tx, ref.Tenant, ref.ID)
}
