package backend

import (
	"context"

	"github.com/keyward/keyward/internal/domain"
)

// Owners manages the owners of service users: other service users of the
// same tenant allowed to manage a user and its keys even without
// tenant-wide rights. Owners are kept on the owned user
// (domain.ServiceUser.Owners); deleting a user removes it from every owner
// list.
type Owners interface {
	// AddOwner makes owner an owner of user. Both must exist (else
	// CodeNotFound); a user cannot own itself (CodeInvalid). Adding an
	// existing owner changes nothing and is no error (changed=false).
	AddOwner(ctx context.Context, tenant, user, owner string) (u domain.ServiceUser, changed bool, err error)
	// RemoveOwner removes owner from user's owners. Removing one that is not
	// an owner changes nothing and is no error (changed=false).
	RemoveOwner(ctx context.Context, tenant, user, owner string) (u domain.ServiceUser, changed bool, err error)
	// ListOwners returns the owners of user, by id.
	ListOwners(ctx context.Context, tenant, user string) ([]domain.ServiceUser, error)
}
