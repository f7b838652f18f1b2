package server

import (
	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/backend"
)

// Tenants, policies and key types are authorized as a whole, as their
// single endpoints are: a put needs <ns>:create when the object does not
// exist (POST) and <ns>:update when it does (PATCH, whatever it changes);
// a delete needs <ns>:delete. A key type's scope policy needs nothing more
// than keytype:create or keytype:update, as with `keytype create|update`:
// a scope only ever narrows what keys of the type may do.

// authorizeTenantChange: tenant:create|update|delete on kw:<id>:tenant.
func authorizeTenantChange(a *changeAuth, ch backend.Change) error {
	return a.allowWhole(ch, "tenant", authz.TenantResource(ch.Ref.ID), func() bool {
		_, err := a.s.svc.GetTenant(a.c.ctx, ch.Ref.ID)
		return err == nil
	})
}

// authorizePolicyChange: policy:create|update|delete on
// kw:<t>:policy/<name>.
func authorizePolicyChange(a *changeAuth, ch backend.Change) error {
	return a.allowWhole(ch, "policy", authz.PolicyResource(ch.Ref.Tenant, ch.Ref.ID), func() bool {
		_, err := a.s.svc.GetPolicy(a.c.ctx, ch.Ref.Tenant, ch.Ref.ID)
		return err == nil
	})
}

// authorizeKeyTypeChange: keytype:create|update|delete on
// kw:<t>:keytype/<name>.
func authorizeKeyTypeChange(a *changeAuth, ch backend.Change) error {
	return a.allowWhole(ch, "keytype", authz.KeyTypeResource(ch.Ref.Tenant, ch.Ref.ID), func() bool {
		_, err := a.s.svc.GetKeyType(a.c.ctx, ch.Ref.Tenant, ch.Ref.ID)
		return err == nil
	})
}

// allowWhole authorizes <namespace>:delete for a delete, and for a put
// <namespace>:update when exists reports the object, <namespace>:create
// otherwise.
func (a *changeAuth) allowWhole(ch backend.Change, namespace, resource string, exists func() bool) error {
	action := namespace + ":delete"
	if ch.Op == backend.OpPut {
		action = namespace + ":create"
		if exists() {
			action = namespace + ":update"
		}
	}
	return a.allow(action, resource)
}
