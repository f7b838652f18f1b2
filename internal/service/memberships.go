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

// setUserLists brings the policies, groups and owners of user u of tenant t
// to the lists given (nil: left as they are), each change as the single
// commands make it — policy attach|detach, group add|remove, serviceuser
// owner add|remove — with their audit events and rules: what is added must
// exist, a user cannot own itself, and with the setting requireGroup a
// user keeps at least one group. It reports whether anything changed; u is
// changed but not stored.
func (s *Service) setUserLists(ctx context.Context, tx *boltstore.Tx, t domain.Tenant, u *domain.ServiceUser, policies, groups, owners *[]string) (bool, error) {
	user := authz.ServiceUserResource(u.Tenant, u.ID)
	changed := false
	if policies != nil {
		added, removed := listChanges(u.Policies, *policies)
		if _, err := requirePolicies(tx, t.ID, added); err != nil {
			return false, err
		}
		for _, p := range added {
			if err := s.auditDetail(ctx, tx, t.ID, "policy:attach", authz.PolicyResource(t.ID, p), user); err != nil {
				return false, err
			}
		}
		for _, p := range removed {
			if err := s.auditDetail(ctx, tx, t.ID, "policy:detach", authz.PolicyResource(t.ID, p), user); err != nil {
				return false, err
			}
		}
		u.Policies = sortedSet(*policies)
		changed = changed || len(added)+len(removed) > 0
	}
	if groups != nil {
		if len(*groups) == 0 && t.Settings.RequireGroup {
			return false, domain.Invalid("groups", "at least one group is required in tenant %q (setting requireGroup)", t.ID)
		}
		added, removed := listChanges(u.Groups, *groups)
		for _, g := range added {
			if _, err := requireGroup(tx, t.ID, g); err != nil {
				return false, err
			}
			if err := s.auditDetail(ctx, tx, t.ID, "group:add", authz.GroupResource(t.ID, g), user); err != nil {
				return false, err
			}
		}
		for _, g := range removed {
			if err := s.auditDetail(ctx, tx, t.ID, "group:remove", authz.GroupResource(t.ID, g), user); err != nil {
				return false, err
			}
		}
		u.Groups = sortedSet(*groups)
		changed = changed || len(added)+len(removed) > 0
	}
	if owners != nil {
		added, removed := listChanges(u.Owners, *owners)
		for _, o := range added {
			if o == u.ID {
				return false, domain.Invalid("owners", "a service user cannot own itself")
			}
			if _, err := requireUser(tx, t.ID, o); err != nil {
				return false, err
			}
			if err := s.auditDetail(ctx, tx, t.ID, "owner:add", user, authz.ServiceUserResource(t.ID, o)); err != nil {
				return false, err
			}
		}
		for _, o := range removed {
			if err := s.auditDetail(ctx, tx, t.ID, "owner:remove", user, authz.ServiceUserResource(t.ID, o)); err != nil {
				return false, err
			}
		}
		u.Owners = sortedSet(*owners)
		changed = changed || len(added)+len(removed) > 0
	}
	if changed {
		if _, err := authzChanged(tx); err != nil {
			return false, err
		}
	}
	return changed, nil
}
