package service

import (
	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
)

func init() {
	registerApply(backend.KindServiceUser, applyHandler{put: putServiceUser, delete: deleteServiceUserByApply})
}

func putServiceUser(a *applyTx, spec backend.Spec) (backend.Action, error) {
	if err := spec.Validate(); err != nil {
		return "", err
	}
	ref := spec.Ref()
	t, err := a.tenant(ref.Tenant)
	if err != nil {
		return "", err
	}
	cur, exists, err := a.tx.User(ref.Tenant, ref.ID)
	if err != nil {
		return "", err
	}
	var base backend.Spec
	if exists {
		base = backend.ServiceUserSpecOf(cur)
	} else {
		kind, _ := backend.LookupKind(backend.KindServiceUser)
		base = kind.Default(ref)
	}
	m, err := spec.Merge(base)
	if err != nil {
		return "", err
	}
	want := m.(*backend.ServiceUserSpec)
	if !exists {
		u := domain.ServiceUser{ID: ref.ID, Tenant: ref.Tenant, DisplayName: *want.DisplayName, Description: *want.Description, Status: *want.Status}
		if *want.Email != "" {
			u.Email = want.Email
		}
		_, err := a.s.insertUser(a.ctx, a.tx, t, u)
		return backend.ActionCreate, err
	}
	changes := backend.DiffSpecs(base, want)
	if len(changes) == 0 {
		return backend.ActionUnchanged, nil
	}
	fieldsChanged := false
	for _, c := range changes {
		switch c.Field {
		case "email":
			if err := setUserEmail(a.tx, t, &cur, *want.Email); err != nil {
				return "", err
			}
			fieldsChanged = true
		case "displayName", "description":
			cur.DisplayName, cur.Description = *want.DisplayName, *want.Description
			fieldsChanged = true
		}
	}
	target := userResource(ref.Tenant, ref.ID)
	if fieldsChanged {
		if err := a.s.audit(a.ctx, a.tx, ref.Tenant, "serviceuser:update", target); err != nil {
			return "", err
		}
	}
	if cur.Status != *want.Status {
		cur.Status = *want.Status
		action := map[domain.UserStatus]string{domain.UserActive: "serviceuser:enable", domain.UserDisabled: "serviceuser:disable"}[cur.Status]
		if err := a.s.audit(a.ctx, a.tx, ref.Tenant, action, target); err != nil {
			return "", err
		}
	}
	cur.UpdatedAt = a.s.clock()
	return backend.ActionUpdate, a.tx.PutUser(cur)
}

func deleteServiceUserByApply(a *applyTx, ref backend.Ref) (backend.Action, error) {
	u, ok, err := a.tx.User(ref.Tenant, ref.ID)
	if err != nil || !ok {
		return backend.ActionUnchanged, err
	}
	return backend.ActionDelete, a.s.removeUser(a.ctx, a.tx, u)
}
