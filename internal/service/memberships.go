package service

import (
	"context"

	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/store/boltstore"
)

// setInitialMemberships gives new user u of tenant t the policies and groups
// it is created with (`serviceuser create --policy --group`), each of which
// must exist; with the setting requireGroup, at least one group.
func setInitialMemberships(tx *boltstore.Tx, t domain.Tenant, u *domain.ServiceUser, policies, groups []string) error {
	if len(groups) == 0 && t.Settings.RequireGroup {
		return domain.Invalid("groups", "at least one group is required in tenant %q (setting requireGroup)", t.ID).
			WithHint("pass --group; see `keyward group list -t %s`", t.ID)
	}
	var err error
	if u.Policies, err = requirePolicies(tx, t.ID, policies); err != nil {
		return err
	}
	u.Groups = sortedSet(groups)
	for _, g := range u.Groups {
		if _, err := requireGroup(tx, t.ID, g); err != nil {
			return err
		}
	}
	return nil
}

// auditInitialMemberships records the policies attached to and the groups
// joined by new user u, one event each, and bumps the authorization
// generation.
func (s *Service) auditInitialMemberships(ctx context.Context, tx *boltstore.Tx, u domain.ServiceUser) error {
	if _, err := authzChanged(tx); err != nil {
		return err
	}
	target := authz.ServiceUserResource(u.Tenant, u.ID)
	for _, p := range u.Policies {
		if err := s.auditDetail(ctx, tx, u.Tenant, "policy:attach", authz.PolicyResource(u.Tenant, p), target); err != nil {
			return err
		}
	}
	for _, g := range u.Groups {
		if err := s.auditDetail(ctx, tx, u.Tenant, "group:add", authz.GroupResource(u.Tenant, g), target); err != nil {
			return err
		}
	}
	return nil
}
