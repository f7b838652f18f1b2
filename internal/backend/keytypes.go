package backend

import (
	"context"

	"github.com/keyward/keyward/internal/domain"
)

// KeyTypes manages a tenant's catalog of key types: named scopes, each bound
// to a scope policy (custom or managed) of the same tenant.
type KeyTypes interface {
	// CreateKeyType creates a key type. An unknown scope policy is
	// CodeNotFound. An existing name is CodeConflict, or with IfNotExists
	// the existing type unchanged and created=false.
	CreateKeyType(ctx context.Context, tenant string, in CreateKeyTypeInput) (k domain.KeyType, created bool, err error)
	// ListKeyTypes returns the key types of tenant by name.
	ListKeyTypes(ctx context.Context, tenant string) ([]domain.KeyType, error)
	// GetKeyType returns one key type or CodeNotFound.
	GetKeyType(ctx context.Context, tenant, name string) (domain.KeyType, error)
	// UpdateKeyType changes the fields given. Keys of the type are limited
	// by the new scope from then on.
	UpdateKeyType(ctx context.Context, tenant, name string, in UpdateKeyTypeInput) (domain.KeyType, error)
	// DeleteKeyType deletes a key type. While keys of the type exist it is
	// CodeConflict (revoke them first).
	DeleteKeyType(ctx context.Context, tenant, name string) error
}

// CreateKeyTypeInput describes a new key type. DisplayName defaults to Name.
type CreateKeyTypeInput struct {
	Name        string `json:"name"`
	DisplayName string `json:"displayName,omitempty"`
	Description string `json:"description,omitempty"`
	// Scope names the scope policy.
	Scope       string `json:"scope"`
	IfNotExists bool   `json:"ifNotExists,omitempty"`
}

// UpdateKeyTypeInput changes a key type; nil fields stay as they are.
type UpdateKeyTypeInput struct {
	DisplayName *string `json:"displayName,omitempty"`
	Description *string `json:"description,omitempty"`
	Scope       *string `json:"scope,omitempty"`
}
