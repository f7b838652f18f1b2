package server

import (
	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
)

// authorizeAccessKeyChange authorizes an AccessKey change (its id is
// USER/NAME) as the single endpoints would authorize the same effect:
//   - put of a key the user does not have: key:generate on
//     kw:<t>:serviceuser/<user> (POST .../serviceusers/{id}/keys; its
//     type, expiry, CIDRs and an inactive status are part of generating);
//   - put of an existing key, on kw:<t>:serviceuser/<user>/key/<keyid>:
//     key:update when its description or expiresAt change (PATCH),
//     key:restrict when its CIDR allow list does (POST .../restrict),
//     key:activate or key:deactivate when its status does (PUT
//     .../status), and key:update when it changes nothing;
//   - delete: key:revoke on the key (DELETE .../keys/{key}).
//
// Owners of the user are allowed these as on the single endpoints.
func authorizeAccessKeyChange(a *changeAuth, ch backend.Change) error {
	tenant := ch.Ref.Tenant
	if ch.Op == backend.OpDelete {
		return a.allow("key:revoke", a.s.keyResource(a.c, tenant, ch.Ref.ID))
	}
	k, err := a.s.svc.GetKey(a.c.ctx, tenant, ch.Ref.ID)
	if err != nil {
		user, _ := backend.SplitKeyID(ch.Ref.ID)
		return a.allow("key:generate", authz.ServiceUserResource(tenant, user))
	}
	resource := authz.KeyResource(tenant, k.ServiceUser, k.ID)
	fields, merged, ok := changedFields(backend.AccessKeySpecOf(k), ch.Spec)
	if !ok {
		return a.allow("key:update", resource)
	}
	var actions []string
	for field := range fields {
		switch field {
		case "cidrAllowList":
			actions = append(actions, "key:restrict")
		case "status":
			actions = append(actions, keyStatusAction(*merged.(*backend.AccessKeySpec).Status))
		default: // description, expiresAt (a type never changes)
			actions = append(actions, "key:update")
		}
	}
	if len(fields) == 0 {
		actions = append(actions, "key:update")
	}
	return a.allowEach(actions, resource)
}

// keyStatusAction is the action that sets an access key's status.
func keyStatusAction(status domain.KeyStatus) string {
	if status == domain.KeyActive {
		return "key:activate"
	}
	return "key:deactivate"
}
