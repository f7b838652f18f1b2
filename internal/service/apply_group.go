package service

import (
	"slices"

	"github.com/keyward/keyward/internal/backend"
)

func init() {
	registerApply(backend.KindGroup, applyHandler{put: putGroup, delete: deleteGroupByApply})
}

// putGroup creates or updates a group as `group create`, `group update`
// and `policy attach|detach --group` do.
func putGroup(a *applyTx, spec backend.Spec, _ any) (backend.Action, error) {
	if err := spec.Validate(); err != nil {
		return "", err
	}
	ref := spec.Ref()
	if _, err := a.tenant(ref.Tenant); err != nil {
		return "", err
	}
	cur, exists, err := a.tx.Group(ref.Tenant, ref.ID)
	if err != nil {
		return "", err
	}
	kind, _ := backend.LookupKind(backend.KindGroup)
	base := kind.Default(ref)
	if exists {
		base = backend.GroupSpecOf(cur)
	}
	merged, err := spec.Merge(base)
	if err != nil {
		return "", err
	}
	want := merged.(*backend.GroupSpec)
	if !exists {
		_, err := a.s.insertGroup(a.ctx, a.tx, ref.Tenant, ref.ID, *want.Description, *want.Policies)
		return backend.ActionCreate, err
	}
	changes := backend.DiffSpecs(base, merged)
	if len(changes) == 0 {
		return backend.ActionUnchanged, nil
	}
	if *want.Description != cur.Description {
		if cur, err = a.s.storeGroup(a.ctx, a.tx, cur, backend.UpdateGroupInput{Description: want.Description}); err != nil {
			return "", err
		}
	}
	added, removed := listChanges(cur.Policies, *want.Policies)
	if _, err := requirePolicies(a.tx, ref.Tenant, added); err != nil {
		return "", err
	}
	for _, p := range added {
		if _, err := a.s.attachTo(a.ctx, a.tx, ref.Tenant, p, backend.PolicyTarget{Group: ref.ID}); err != nil {
			return "", err
		}
	}
	for _, p := range removed {
		if _, err := a.s.detachFrom(a.ctx, a.tx, ref.Tenant, p, backend.PolicyTarget{Group: ref.ID}); err != nil {
			return "", err
		}
	}
	if len(added)+len(removed) > 0 {
		if _, err := authzChanged(a.tx); err != nil {
			return "", err
		}
	}
	return backend.ActionUpdate, nil
}

// deleteGroupByApply deletes a group as `group delete` does.
func deleteGroupByApply(a *applyTx, ref backend.Ref) (backend.Action, error) {
	if _, ok, err := a.tx.Group(ref.Tenant, ref.ID); err != nil || !ok {
		return backend.ActionUnchanged, err
	}
	return backend.ActionDelete, a.s.removeGroup(a.ctx, a.tx, ref.Tenant, ref.ID)
}

// listChanges returns the names of want that have is not (added) and those
// of have that want is not (removed), each sorted.
func listChanges(have, want []string) (added, removed []string) {
	for _, n := range want {
		if !slices.Contains(have, n) {
			added = append(added, n)
		}
	}
	for _, n := range have {
		if !slices.Contains(want, n) {
			removed = append(removed, n)
		}
	}
	slices.Sort(added)
	slices.Sort(removed)
	return added, removed
}
