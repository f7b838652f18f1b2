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
	u := domain.ServiceUser{ID: want.ID, Tenant: want.Tenant, DisplayName: *want.DisplayName, Description: *want.Description, Status: *want.Status,
		CIDRAllowList: *want.CIDRAllowList}
	if *want.Email != "" {
		u.Email = want.Email
	}
	return u, nil
}

// newUserLists are the policies, groups and owners a spec gives a new user.
func newUserLists(spec backend.Spec) (policies, groups, owners []string) {
	s := spec.(*backend.ServiceUserSpec)
	if s.Policies != nil {
		policies = *s.Policies
	}
	if s.Groups != nil {
		groups = *s.Groups
	}
	if s.Owners != nil {
		owners = *s.Owners
	}
	return policies, groups, owners
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
		return backend.ActionCreate, a.createServiceUser(t, spec, pu)
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
	var policies, groups, owners *[]string
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
		case "cidrAllowList":
			cur.CIDRAllowList = *want.CIDRAllowList
			fieldsChanged = true
		case "policies":
			policies = want.Policies
		case "groups":
			groups = want.Groups
		case "owners":
			owners = want.Owners
		}
	}
	if _, err := a.s.setUserLists(a.ctx, a.tx, t, &cur, policies, groups, owners); err != nil {
		return "", err
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

// createServiceUser creates the user spec declares in tenant t, as
// `serviceuser create --no-key` with its policies and groups, then gives
// it its owners (`serviceuser owner add`). pu is the user prepared ahead,
// or nil.
//
// Over the API, a user whose entry lists no owners gets the service user
// creating it as its owner, as `serviceuser create` does (creatorOwner);
// an entry that lists its owners gets exactly those, so that applying the
// same file again changes nothing.
func (a *applyTx) createServiceUser(t domain.Tenant, spec backend.Spec, pu *preparedUser) error {
	policies, groups, owners := newUserLists(spec)
	var u domain.ServiceUser
	opts := newUserOptions{policies: policies, groups: groups}
	if pu != nil {
		u, opts.encoded = pu.user, pu.encoded
	} else {
		var err error
		if u, err = newServiceUser(spec); err != nil {
			return err
		}
	}
	u, err := a.s.insertUser(a.ctx, a.tx, t, u, opts)
	if err != nil {
		return err
	}
	if spec.(*backend.ServiceUserSpec).Owners == nil {
		creator, err := a.s.creatorOwner(a.ctx, a.tx, t.ID, u.ID)
		if err != nil || creator == "" {
			return err
		}
		owners = []string{creator}
	}
	if len(owners) == 0 {
		return nil
	}
	if _, err := a.s.setUserLists(a.ctx, a.tx, t, &u, nil, nil, &owners); err != nil {
		return err
	}
	return a.tx.PutUser(u)
}

func deleteServiceUserByApply(a *applyTx, ref backend.Ref) (backend.Action, error) {
	u, ok, err := a.tx.User(ref.Tenant, ref.ID)
	if err != nil || !ok {
		return backend.ActionUnchanged, err
	}
	return backend.ActionDelete, a.s.removeUser(a.ctx, a.tx, u)
}
