package service

import (
	"context"
	"slices"

	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/store/boltstore"
)

// AddOwner implements backend.Owners.
func (s *Service) AddOwner(ctx context.Context, tenant, user, owner string) (domain.ServiceUser, bool, error) {
	if owner == user {
		return domain.ServiceUser{}, false, domain.Invalid("owner", "a service user cannot own itself")
	}
	var (
		out     domain.ServiceUser
		changed bool
	)
	err := s.update(func(tx *boltstore.Tx) error {
		u, err := requireUser(tx, tenant, user)
		if err != nil {
			return err
		}
		if _, err := requireUser(tx, tenant, owner); err != nil {
			return err
		}
		if u.Owners, changed = withName(u.Owners, owner); changed {
			u.UpdatedAt = s.clock()
			if err := tx.PutUser(u); err != nil {
				return err
			}
			if _, err := authzChanged(tx); err != nil {
				return err
			}
			if err := s.auditDetail(ctx, tx, tenant, "owner:add", authz.ServiceUserResource(tenant, user), authz.ServiceUserResource(tenant, owner)); err != nil {
				return err
			}
		}
		out, err = s.withKeys(tx, u)
		return err
	})
	return out, changed, err
}

// RemoveOwner implements backend.Owners.
func (s *Service) RemoveOwner(ctx context.Context, tenant, user, owner string) (domain.ServiceUser, bool, error) {
	var (
		out     domain.ServiceUser
		changed bool
	)
	err := s.update(func(tx *boltstore.Tx) error {
		u, err := requireUser(tx, tenant, user)
		if err != nil {
			return err
		}
		if changed = slices.Contains(u.Owners, owner); changed {
			u.Owners, u.UpdatedAt = without(u.Owners, owner), s.clock()
			if err := tx.PutUser(u); err != nil {
				return err
			}
			if _, err := authzChanged(tx); err != nil {
				return err
			}
			if err := s.auditDetail(ctx, tx, tenant, "owner:remove", authz.ServiceUserResource(tenant, user), authz.ServiceUserResource(tenant, owner)); err != nil {
				return err
			}
		} else if _, err := requireUser(tx, tenant, owner); err != nil {
			return err // a typo is "not found", not a silent no-op
		}
		out, err = s.withKeys(tx, u)
		return err
	})
	return out, changed, err
}

// ListOwners implements backend.Owners.
func (s *Service) ListOwners(ctx context.Context, tenant, user string) ([]domain.ServiceUser, error) {
	out := []domain.ServiceUser{}
	err := s.view(func(tx *boltstore.Tx) error {
		u, err := requireUser(tx, tenant, user)
		if err != nil {
			return err
		}
		for _, id := range u.Owners {
			o, ok, err := tx.User(tenant, id)
			if err != nil {
				return err
			}
			if ok {
				o.Normalize()
				out = append(out, o)
			}
		}
		return nil
	})
	return out, err
}

// removeOwnerEverywhere takes user id off every owner list of tenant (the
// user is being deleted).
func (s *Service) removeOwnerEverywhere(tx *boltstore.Tx, tenant, id string) error {
	var owned []domain.ServiceUser
	if err := tx.ForEachUser(tenant, func(u domain.ServiceUser) error {
		if slices.Contains(u.Owners, id) {
			owned = append(owned, u)
		}
		return nil
	}); err != nil {
		return err
	}
	now := s.clock()
	for _, u := range owned {
		u.Owners, u.UpdatedAt = without(u.Owners, id), now
		if err := tx.PutUser(u); err != nil {
			return err
		}
	}
	return nil
}
