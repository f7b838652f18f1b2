package service

import (
	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
)

func init() {
	registerApply(backend.KindServiceUser, applyHandler{prepare: prepareServiceUser, put: putServiceUser, delete: deleteServiceUserByApply})
}

// preparedUser is a service user spec checked, and encoded as it would be
// created, ahead of the transaction.
type preparedUser struct {
	err     error
	user    domain.ServiceUser // as created
	encoded *encodedUser
}

func prepareServiceUser(p prepareContext, spec backend.Spec) any {
	out := &preparedUser{}
	if out.err = spec.Validate(); out.err != nil {
		return out
	}
	out.user, out.err = newServiceUser(spec)
	if out.err == nil {
		out.encoded, out.err = encodeNewUser(&out.user, p.now, p.actor)
	}
	return out
}

// newServiceUser returns the user a validated spec creates.
func newServiceUser(spec backend.Spec) (domain.ServiceUser, error) {
	kind, _ := backend.LookupKind(backend.KindServiceUser)
	m, err := spec.Merge(kind.Default(spec.Ref()))
	if err != nil {
		return domain.ServiceUser{}, err
	}
	want := m.(*backend.ServiceUserSpec)
	u := domain.ServiceUser{ID: want.ID, Tenant: want.Tenant, DisplayName: *want.DisplayName, Description: *want.Description, Status: *want.Status}
	if *want.Email != "" {
		u.Email = want.Email
	}
	return u, nil
}

func putServiceUser(a *applyTx, spec backend.Spec, prepared any) (backend.Action, error) {
	pu, _ := prepared.(*preparedUser)
	if pu == nil {
		if err := spec.Validate(); err != nil {
			return "", err
		}
	} else if pu.err != nil {
		return "", pu.err
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
	if !exists {
		if pu != nil {
			_, err := a.s.insertUser(a.ctx, a.tx, t, pu.user, newUserOptions{encoded: pu.encoded})
			return backend.ActionCreate, err
		}
		u, err := newServiceUser(spec)
		if err != nil {
			return "", err
		}
		_, err = a.s.insertUser(a.ctx, a.tx, t, u, newUserOptions{})
		return backend.ActionCreate, err
	}
	base := backend.ServiceUserSpecOf(cur)
	m, err := spec.Merge(base)
	if err != nil {
		return "", err
	}
	want := m.(*backend.ServiceUserSpec)
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
