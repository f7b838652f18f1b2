package server

import (
	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/backend"
)

// authorizeGroupChange authorizes a Group change as the single endpoints
// would authorize the same effect, on kw:<t>:group/<name>:
//   - delete: group:delete;
//   - put of a new group: group:create, and policy:attach on each policy
//     it declares (as POST .../groups with policies);
//   - put of an existing group: group:update when its description
//     changes (PATCH), policy:attach / policy:detach on each policy added
//     or removed (POST / DELETE .../policies/{name}/attachments), and
//     group:update when it changes nothing.
func authorizeGroupChange(a *changeAuth, ch backend.Change) error {
	tenant := ch.Ref.Tenant
	resource := authz.GroupResource(tenant, ch.Ref.ID)
	if ch.Op == backend.OpDelete {
		return a.allow("group:delete", resource)
	}
	spec := ch.Spec.(*backend.GroupSpec)
	policies := membership{
		want: declaredList(spec.Policies), add: "policy:attach", remove: "policy:detach",
		resourceOfEntry: func(n string) string { return authz.PolicyResource(tenant, n) },
	}
	cur, err := a.s.svc.GetGroup(a.c.ctx, tenant, ch.Ref.ID)
	if err != nil {
		if err := a.allow("group:create", resource); err != nil {
			return err
		}
		return a.allowMembership(policies)
	}
	fields, merged, ok := changedFields(backend.GroupSpecOf(cur), spec)
	if !ok {
		return a.allow("group:update", resource)
	}
	if fields["description"] || len(fields) == 0 {
		if err := a.allow("group:update", resource); err != nil {
			return err
		}
	}
	policies.have, policies.want = cur.Policies, *merged.(*backend.GroupSpec).Policies
	return a.allowMembership(policies)
}
