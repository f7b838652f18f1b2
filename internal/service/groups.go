package service

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/store/boltstore"
)

func groupNotFound(tenant, name string) error {
	return domain.NotFound("group %q not found in tenant %q", name, tenant).
		WithHint("see `keyward group list -t %s`", tenant)
}

// requireGroup returns group name of tenant or CodeNotFound (naming the
// tenant when that is what is missing).
func requireGroup(tx *boltstore.Tx, tenant, name string) (domain.Group, error) {
	g, ok, err := tx.Group(tenant, name)
	if err != nil || ok {
		return g, err
	}
	if _, err := requireTenant(tx, tenant); err != nil {
		return g, err
	}
	return g, groupNotFound(tenant, name)
}

// groupMembers indexes the members of every group of tenant by group name.
func groupMembers(tx *boltstore.Tx, tenant string) (map[string][]string, error) {
	members := map[string][]string{}
	err := tx.ForEachUser(tenant, func(u domain.ServiceUser) error {
		for _, g := range u.Groups {
			members[g] = append(members[g], u.ID)
		}
		return nil
	})
	return members, err
}

// groupWithMembers is g with its members, read in tx.
func groupWithMembers(tx *boltstore.Tx, g domain.Group) (domain.Group, error) {
	members, err := groupMembers(tx, g.Tenant)
	g.Members = members[g.Name]
	g.Normalize()
	return g, err
}

// requirePolicies checks that every name is a policy of tenant and returns
// them sorted without repeats.
func requirePolicies(tx *boltstore.Tx, tenant string, names []string) ([]string, error) {
	for _, name := range names {
		if _, err := requirePolicy(tx, tenant, name); err != nil {
			return nil, err
		}
	}
	return sortedSet(names), nil
}

func sortedSet(names []string) []string {
	out := append([]string{}, names...)
	slices.Sort(out)
	return slices.Compact(out)
}

// CreateGroup implements backend.Groups.
func (s *Service) CreateGroup(ctx context.Context, tenant string, in backend.CreateGroupInput) (domain.Group, bool, error) {
	var v domain.Validation
	v.AddError("name", domain.CheckName("name", in.Name))
	v.AddError("description", domain.CheckText("description", in.Description, 1024))
	if err := v.Err(); err != nil {
		return domain.Group{}, false, err
	}
	var (
		out     domain.Group
		created bool
	)
	err := s.update(func(tx *boltstore.Tx) error {
		if _, err := requireTenant(tx, tenant); err != nil {
			return err
		}
		if existing, ok, err := tx.Group(tenant, in.Name); err != nil {
			return err
		} else if ok {
			if in.IfNotExists {
				out, err = groupWithMembers(tx, existing)
				return err
			}
			return domain.Conflict("group %q already exists in tenant %q", in.Name, tenant)
		}
		g, err := s.insertGroup(ctx, tx, tenant, in.Name, in.Description, in.Policies)
		out, created = g, err == nil
		return err
	})
	return out, created, err
}

// insertGroup stores a new group of tenant (its name checked free) holding
// policies, each of which must exist, audited as group:create and one
// policy:attach per policy.
func (s *Service) insertGroup(ctx context.Context, tx *boltstore.Tx, tenant, name, description string, policies []string) (domain.Group, error) {
	policies, err := requirePolicies(tx, tenant, policies)
	if err != nil {
		return domain.Group{}, err
	}
	if _, err := authzChanged(tx); err != nil {
		return domain.Group{}, err
	}
	now := s.clock()
	g := domain.Group{Name: name, Tenant: tenant, Description: description, Policies: policies,
		CreatedAt: now, CreatedBy: s.actorOf(ctx), UpdatedAt: now}
	if err := tx.PutGroup(g); err != nil {
		return g, err
	}
	if err := s.audit(ctx, tx, tenant, "group:create", authz.GroupResource(tenant, g.Name)); err != nil {
		return g, err
	}
	for _, p := range policies {
		if err := s.auditDetail(ctx, tx, tenant, "policy:attach", authz.PolicyResource(tenant, p), authz.GroupResource(tenant, g.Name)); err != nil {
			return g, err
		}
	}
	g.Normalize()
	return g, nil
}

// ListGroups implements backend.Groups.
func (s *Service) ListGroups(ctx context.Context, tenant string) ([]domain.Group, error) {
	out := []domain.Group{}
	err := s.view(func(tx *boltstore.Tx) error {
		if !tx.Initialized() {
			return nil
		}
		if _, err := requireTenant(tx, tenant); err != nil {
			return err
		}
		members, err := groupMembers(tx, tenant)
		if err != nil {
			return err
		}
		return tx.ForEachGroup(tenant, func(g domain.Group) error {
			g.Members = members[g.Name]
			g.Normalize()
			out = append(out, g)
			return nil
		})
	})
	return out, err
}

// GetGroup implements backend.Groups.
func (s *Service) GetGroup(ctx context.Context, tenant, name string) (domain.Group, error) {
	var out domain.Group
	err := s.view(func(tx *boltstore.Tx) error {
		g, err := requireGroup(tx, tenant, name)
		if err != nil {
			return err
		}
		out, err = groupWithMembers(tx, g)
		return err
	})
	return out, err
}

// UpdateGroup implements backend.Groups.
func (s *Service) UpdateGroup(ctx context.Context, tenant, name string, in backend.UpdateGroupInput) (domain.Group, error) {
	var v domain.Validation
	if in.Name != nil {
		v.AddError("name", domain.CheckName("name", *in.Name))
	}
	if in.Description != nil {
		v.AddError("description", domain.CheckText("description", *in.Description, 1024))
	}
	if err := v.Err(); err != nil {
		return domain.Group{}, err
	}
	var out domain.Group
	err := s.update(func(tx *boltstore.Tx) error {
		g, err := requireGroup(tx, tenant, name)
		if err != nil {
			return err
		}
		if g, err = s.storeGroup(ctx, tx, g, in); err != nil {
			return err
		}
		out, err = groupWithMembers(tx, g)
		return err
	})
	return out, err
}

// storeGroup changes the fields of g that in gives, audited as group:update
// (of the new name, after a rename).
func (s *Service) storeGroup(ctx context.Context, tx *boltstore.Tx, g domain.Group, in backend.UpdateGroupInput) (domain.Group, error) {
	detail := ""
	if in.Name != nil && *in.Name != g.Name {
		if err := s.renameGroup(tx, g, *in.Name); err != nil {
			return g, err
		}
		detail = fmt.Sprintf("renamed from %q", g.Name)
		g.Name = *in.Name
	}
	if in.Description != nil {
		g.Description = *in.Description
	}
	g.UpdatedAt = s.clock()
	if err := tx.PutGroup(g); err != nil {
		return g, err
	}
	if _, err := authzChanged(tx); err != nil {
		return g, err
	}
	return g, s.auditDetail(ctx, tx, g.Tenant, "group:update", authz.GroupResource(g.Tenant, g.Name), detail)
}

// renameGroup frees the name of g, whose record the caller then stores
// under to, and moves every member of g to it. A taken name is
// CodeConflict. The group's policies are on its record and move with it.
func (s *Service) renameGroup(tx *boltstore.Tx, g domain.Group, to string) error {
	if _, taken, err := tx.Group(g.Tenant, to); err != nil {
		return err
	} else if taken {
		return domain.Conflict("cannot rename group %q to %q: a group %q already exists in tenant %q", g.Name, to, to, g.Tenant)
	}
	members, err := groupMembers(tx, g.Tenant)
	if err != nil {
		return err
	}
	users, err := loadUsers(tx, g.Tenant, members[g.Name])
	if err != nil {
		return err
	}
	now := s.clock()
	for _, u := range users {
		u.Groups, u.UpdatedAt = renamed(u.Groups, g.Name, to), now
		if err := tx.PutUser(u); err != nil {
			return err
		}
	}
	return tx.DeleteGroup(g.Tenant, g.Name)
}

// DeleteGroup implements backend.Groups.
func (s *Service) DeleteGroup(ctx context.Context, tenant, name string) error {
	return s.update(func(tx *boltstore.Tx) error {
		if _, err := requireGroup(tx, tenant, name); err != nil {
			return err
		}
		return s.removeGroup(ctx, tx, tenant, name)
	})
}

// removeGroup deletes group name of tenant, which exists; its members
// leave it (refused under requireGroup for a member's last group). Audited
// as group:delete.
func (s *Service) removeGroup(ctx context.Context, tx *boltstore.Tx, tenant, name string) error {
	t, err := requireTenant(tx, tenant)
	if err != nil {
		return err
	}
	members, err := groupMembers(tx, tenant)
	if err != nil {
		return err
	}
	users, err := loadUsers(tx, tenant, members[name])
	if err != nil {
		return err
	}
	if err := checkKeepsAGroup(t, users, name); err != nil {
		return err
	}
	if _, err := authzChanged(tx); err != nil {
		return err
	}
	now := s.clock()
	for _, u := range users {
		u.Groups, u.UpdatedAt = without(u.Groups, name), now
		if err := tx.PutUser(u); err != nil {
			return err
		}
	}
	if err := tx.DeleteGroup(tenant, name); err != nil {
		return err
	}
	detail := ""
	if len(users) > 0 {
		detail = fmt.Sprintf("removed %s", plural(len(users), "member"))
	}
	return s.auditDetail(ctx, tx, tenant, "group:delete", authz.GroupResource(tenant, name), detail)
}

// checkKeepsAGroup refuses, under the tenant setting requireGroup, a change
// that takes group away from users whose only group it is.
func checkKeepsAGroup(t domain.Tenant, users []domain.ServiceUser, group string) error {
	if !t.Settings.RequireGroup {
		return nil
	}
	var last []string
	for _, u := range users {
		if len(u.Groups) == 1 && u.Groups[0] == group {
			last = append(last, u.ID)
		}
	}
	if len(last) == 0 {
		return nil
	}
	who := fmt.Sprintf("service user %q", last[0])
	if len(last) > 1 {
		who = "service users " + strings.Join(quoted(last), ", ")
	}
	return domain.Conflict("group %q is the only group of %s, and tenant %q requires at least one (setting requireGroup)", group, who, t.ID).
		WithHint("add them to another group first with `keyward group add`")
}

// loadUsers reads users ids of tenant, each of which must exist.
func loadUsers(tx *boltstore.Tx, tenant string, ids []string) ([]domain.ServiceUser, error) {
	users := make([]domain.ServiceUser, 0, len(ids))
	for _, id := range ids {
		u, err := requireUser(tx, tenant, id)
		if err != nil {
			return nil, err
		}
		users = append(users, u)
	}
	return users, nil
}

func checkMemberList(users []string) error {
	if len(users) == 0 {
		return domain.Invalid("users", "name at least one service user")
	}
	return nil
}

// AddGroupMembers implements backend.Groups.
func (s *Service) AddGroupMembers(ctx context.Context, tenant, name string, ids []string) (domain.Group, error) {
	if err := checkMemberList(ids); err != nil {
		return domain.Group{}, err
	}
	var out domain.Group
	err := s.update(func(tx *boltstore.Tx) error {
		g, err := requireGroup(tx, tenant, name)
		if err != nil {
			return err
		}
		users, err := loadUsers(tx, tenant, sortedSet(ids))
		if err != nil {
			return err
		}
		changed := false
		for _, u := range users {
			var added bool
			if u.Groups, added = withName(u.Groups, name); !added {
				continue
			}
			changed = true
			u.UpdatedAt = s.clock()
			if err := tx.PutUser(u); err != nil {
				return err
			}
			if err := s.auditDetail(ctx, tx, tenant, "group:add", authz.GroupResource(tenant, name), authz.ServiceUserResource(tenant, u.ID)); err != nil {
				return err
			}
		}
		if changed {
			if _, err := authzChanged(tx); err != nil {
				return err
			}
		}
		out, err = groupWithMembers(tx, g)
		return err
	})
	return out, err
}

// RemoveGroupMembers implements backend.Groups.
func (s *Service) RemoveGroupMembers(ctx context.Context, tenant, name string, ids []string) (domain.Group, error) {
	if err := checkMemberList(ids); err != nil {
		return domain.Group{}, err
	}
	var out domain.Group
	err := s.update(func(tx *boltstore.Tx) error {
		g, err := requireGroup(tx, tenant, name)
		if err != nil {
			return err
		}
		t, err := requireTenant(tx, tenant)
		if err != nil {
			return err
		}
		users, err := loadUsers(tx, tenant, sortedSet(ids))
		if err != nil {
			return err
		}
		if err := checkKeepsAGroup(t, users, name); err != nil {
			return err
		}
		changed := false
		for _, u := range users {
			if !slices.Contains(u.Groups, name) {
				continue
			}
			changed = true
			u.Groups, u.UpdatedAt = without(u.Groups, name), s.clock()
			if err := tx.PutUser(u); err != nil {
				return err
			}
			if err := s.auditDetail(ctx, tx, tenant, "group:remove", authz.GroupResource(tenant, name), authz.ServiceUserResource(tenant, u.ID)); err != nil {
				return err
			}
		}
		if changed {
			if _, err := authzChanged(tx); err != nil {
				return err
			}
		}
		out, err = groupWithMembers(tx, g)
		return err
	})
	return out, err
}
