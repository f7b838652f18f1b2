package server

import (
	"slices"

	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
)

// authorizeServiceUserChange authorizes a ServiceUser change as the single
// endpoints would authorize the same effect, on kw:<t>:serviceuser/<id>
// unless said otherwise:
//   - delete: serviceuser:delete;
//   - put of a new user: serviceuser:create (POST .../serviceusers), and
//     serviceuser:disable when it is declared disabled (which its creator,
//     made its owner, has);
//   - put of an existing user: serviceuser:update when its display name,
//     e-mail, description or CIDR allow list change (PATCH), or when it
//     changes nothing; serviceuser:enable or serviceuser:disable when its
//     status changes (PUT .../status);
//   - and for both, each policy attached or detached needs policy:attach /
//     policy:detach on kw:<t>:policy/<name>, each group joined or left
//     group:add / group:remove on kw:<t>:group/<name>, each owner added or
//     removed owner:add / owner:remove. Without this, serviceuser:update
//     alone would let a caller grant any policy.
//
// The caller needs no owner:add to be named an owner of a user it
// creates in its own tenant: POST .../serviceusers makes it one anyway.
// What the caller will own once the change is made is remembered, so that
// a later change of the same call (generating a key for the new user) is
// authorized as it would be after this one.
func authorizeServiceUserChange(a *changeAuth, ch backend.Change) error {
	ref := ch.Ref
	resource := authz.ServiceUserResource(ref.Tenant, ref.ID)
	if ch.Op == backend.OpDelete {
		if err := a.allow("serviceuser:delete", resource); err != nil {
			return err
		}
		a.c.setPendingOwnership(ref.Tenant, ref.ID, false)
		return nil
	}
	spec := ch.Spec.(*backend.ServiceUserSpec)
	lists := userLists(spec, resource)
	cur, err := a.s.svc.GetServiceUser(a.c.ctx, ref.Tenant, ref.ID)
	if err != nil {
		if err := a.allow("serviceuser:create", resource); err != nil {
			return err
		}
		// The service makes the creator an owner unless the entry lists the
		// owners itself; an owner may then disable the user, as after POST
		// .../serviceusers.
		creator := a.c.cred.tenant == ref.Tenant && a.c.cred.user != ref.ID
		a.c.setPendingOwnership(ref.Tenant, ref.ID, creator && (spec.Owners == nil || slices.Contains(*spec.Owners, a.c.cred.user)))
		if spec.Status != nil && *spec.Status != domain.UserActive {
			if err := a.allow("serviceuser:disable", resource); err != nil {
				return err
			}
		}
		lists[2].exempt = func(owner string) bool { return creator && owner == a.c.cred.user }
		return a.allowLists(lists)
	}
	fields, mergedSpec, ok := changedFields(backend.ServiceUserSpecOf(cur), spec)
	if !ok {
		return a.allow("serviceuser:update", resource)
	}
	merged := mergedSpec.(*backend.ServiceUserSpec)
	var actions []string
	for field := range fields {
		switch field {
		case "status":
			actions = append(actions, statusAction(*merged.Status))
		case "policies", "groups", "owners":
		default:
			actions = append(actions, "serviceuser:update")
		}
	}
	if len(fields) == 0 {
		actions = append(actions, "serviceuser:update")
	}
	if err := a.allowEach(actions, resource); err != nil {
		return err
	}
	lists[0].have, lists[0].want = cur.Policies, *merged.Policies
	lists[1].have, lists[1].want = cur.Groups, *merged.Groups
	lists[2].have, lists[2].want = cur.Owners, *merged.Owners
	if err := a.allowLists(lists); err != nil {
		return err
	}
	if spec.Owners != nil {
		a.c.setPendingOwnership(ref.Tenant, ref.ID, slices.Contains(*merged.Owners, a.c.cred.user))
	}
	return nil
}

// userLists are the memberships a user spec declares, as wanted of a new
// user: its policies, groups and owners, in that order.
func userLists(spec *backend.ServiceUserSpec, resource string) [3]membership {
	return [3]membership{
		{want: declaredList(spec.Policies), add: "policy:attach", remove: "policy:detach",
			resourceOfEntry: func(n string) string { return authz.PolicyResource(spec.Tenant, n) }},
		{want: declaredList(spec.Groups), add: "group:add", remove: "group:remove",
			resourceOfEntry: func(n string) string { return authz.GroupResource(spec.Tenant, n) }},
		{want: declaredList(spec.Owners), add: "owner:add", remove: "owner:remove",
			resourceOfEntry: func(string) string { return resource }},
	}
}

func (a *changeAuth) allowLists(lists [3]membership) error {
	for _, m := range lists {
		if err := a.allowMembership(m); err != nil {
			return err
		}
	}
	return nil
}

// statusAction is the action that sets a service user's status (any
// status but active as serviceuser:disable, the stronger).
func statusAction(status domain.UserStatus) string {
	if status == domain.UserActive {
		return "serviceuser:enable"
	}
	return "serviceuser:disable"
}
