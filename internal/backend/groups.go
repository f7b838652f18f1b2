package backend

import (
	"context"

	"github.com/keyward/keyward/internal/domain"
)

// Groups manages groups: named sets of service users whose members hold the
// group's policies. Membership is kept on the users; every change keeps both
// sides consistent in one transaction.
//
// With the tenant setting requireGroup, a change that would leave a user in
// no group (removing its last group, deleting that group) is CodeConflict.
type Groups interface {
	// CreateGroup creates a group, with policies attached (each must exist:
	// else CodeNotFound). An existing name is CodeConflict, or with
	// IfNotExists the existing group unchanged and created=false.
	CreateGroup(ctx context.Context, tenant string, in CreateGroupInput) (g domain.Group, created bool, err error)
	// ListGroups returns the groups of tenant by name, with their members.
	ListGroups(ctx context.Context, tenant string) ([]domain.Group, error)
	// GetGroup returns one group with its members, or CodeNotFound.
	GetGroup(ctx context.Context, tenant, name string) (domain.Group, error)
	// UpdateGroup changes the fields given. Name renames the group: its
	// members and its policies follow, in the same transaction, audited as
	// one group:update of the new name ("renamed from ..."). A taken name is
	// CodeConflict; an invalid one CodeInvalid (field "name"). Policy
	// statements whose resources name the group are not rewritten.
	UpdateGroup(ctx context.Context, tenant, name string, in UpdateGroupInput) (domain.Group, error)
	// DeleteGroup deletes a group; its members leave it.
	DeleteGroup(ctx context.Context, tenant, name string) error
	// AddGroupMembers adds service users to a group. Users already in it are
	// left as they are; an unknown user is CodeNotFound and adds no one.
	AddGroupMembers(ctx context.Context, tenant, name string, users []string) (domain.Group, error)
	// RemoveGroupMembers removes service users from a group. Users not in it
	// are left as they are; an unknown user is CodeNotFound and removes no one.
	RemoveGroupMembers(ctx context.Context, tenant, name string, users []string) (domain.Group, error)
}

// CreateGroupInput describes a new group.
type CreateGroupInput struct {
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Policies    []string `json:"policies,omitempty"`
	IfNotExists bool     `json:"ifNotExists,omitempty"`
}

// UpdateGroupInput changes a group; nil fields stay as they are.
type UpdateGroupInput struct {
	Name        *string `json:"name,omitempty"`
	Description *string `json:"description,omitempty"`
}
