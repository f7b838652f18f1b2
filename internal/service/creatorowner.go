package service

import (
	"context"
	"strings"

	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/store/boltstore"
)

// ServiceUserActor is the actor of requests a server makes on behalf of a
// service user: "serviceuser:<tenant>/<id>" (pass it to WithActor).
func ServiceUserActor(tenant, id string) string { return "serviceuser:" + tenant + "/" + id }

// creatorOwner returns the service user of tenant that is creating user
// newID, when the request came from one over the API (actor
// "serviceuser:<tenant>/<id>" of the same tenant, other than the new user,
// still existing): SPEC makes it an owner of the user it creates. The local
// CLI (actor local:…) and callers from other tenants (a system
// Administrator) own nothing.
func (s *Service) creatorOwner(ctx context.Context, tx *boltstore.Tx, tenant, newID string) (string, error) {
	rest, ok := strings.CutPrefix(s.actorOf(ctx), "serviceuser:")
	if !ok {
		return "", nil
	}
	actorTenant, id, ok := strings.Cut(rest, "/")
	if !ok || actorTenant != tenant || id == newID {
		return "", nil
	}
	_, exists, err := tx.User(tenant, id)
	if err != nil || !exists {
		return "", err
	}
	return id, nil
}

// auditCreatorOwner records that the creator became an owner of u.
func (s *Service) auditCreatorOwner(ctx context.Context, tx *boltstore.Tx, u domain.ServiceUser, owner string) error {
	return s.auditDetail(ctx, tx, u.Tenant, "owner:add", authz.ServiceUserResource(u.Tenant, u.ID), authz.ServiceUserResource(u.Tenant, owner))
}
