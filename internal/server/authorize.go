package server

import (
	"context"
	"slices"
	"strings"

	"github.com/keyward/keyward/internal/authz"
)

// ownerActions are what an owner of a service user may do to it and its keys
// without tenant-wide rights (SPEC: owners manage the user and its keys).
// Granting policies, groups or further owners is not among them: an owner
// cannot raise the rights of the user it owns.
var ownerActions = map[string]bool{
	"serviceuser:read": true, "serviceuser:update": true, "serviceuser:disable": true,
	"serviceuser:enable": true, "serviceuser:delete": true, "owner:read": true,
	"key:generate": true, "key:read": true, "key:update": true, "key:rotate": true,
	"key:revoke": true, "key:activate": true, "key:deactivate": true,
	"key:restrict": true, "key:verify": true, "key:purge": true,
}

// authorize decides whether c may perform action on resource (absolute),
// and returns the denied error naming the deciding reason when it may not.
//
// The policy engine decides first. A request no statement allows or denies
// (default deny) is then allowed when c owns the service user the resource
// names, for the actions owners have; an explicit deny is never overridden.
func (s *Server) authorize(ctx context.Context, c *caller, action, resource string) error {
	d := c.cred.principal.Decide(action, resource)
	if d.Allowed {
		return nil
	}
	if d.Reason == authz.DefaultDeny && ownerActions[action] && s.ownsTarget(ctx, c, resource) {
		return nil
	}
	return d.Err()
}

// ownsTarget reports whether c is an owner of the service user resource
// names (kw:<t>:serviceuser/<id>[/key/<keyid>]) in c's own tenant — or,
// while an apply's changes are authorized, will be one once the changes
// before are made (caller.pendingOwnership).
func (s *Server) ownsTarget(ctx context.Context, c *caller, resource string) bool {
	prefix := authz.ServiceUserResource(c.cred.tenant, "")
	rest, ok := strings.CutPrefix(resource, prefix)
	if !ok {
		return false
	}
	id, _, _ := strings.Cut(rest, "/")
	if id == "" || id == "*" || id == c.cred.user {
		return false
	}
	if owns, ok := c.pendingOwnership[id]; ok {
		return owns
	}
	u, err := s.svc.GetServiceUser(ctx, c.cred.tenant, id)
	return err == nil && slices.Contains(u.Owners, c.cred.user)
}
