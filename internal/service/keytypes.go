package service

import (
	"context"
	"errors"

	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/store/boltstore"
)

func keyTypeNotFound(tenant, name string) error {
	return domain.NotFound("key type %q not found in tenant %q", name, tenant).
		WithHint("see `keyward keytype list -t %s`; names are case-sensitive", tenant)
}

// requireKeyType returns key type name of tenant or CodeNotFound (naming
// the tenant when that is what is missing).
func requireKeyType(tx *boltstore.Tx, tenant, name string) (domain.KeyType, error) {
	k, ok, err := tx.KeyType(tenant, name)
	if err != nil || ok {
		return k, err
	}
	if _, err := requireTenant(tx, tenant); err != nil {
		return k, err
	}
	return k, keyTypeNotFound(tenant, name)
}

// keyTypeAllowed is the permission rule of a key of type typeName for u:
// the key type exists in u's tenant (else CodeNotFound) and u's own and
// groups' policies cover its scope (else CodeDenied naming the scope
// statement at fault). `key generate --type` and `key rotate` call it; the
// limit rule (setting oneKeyPerType) is checkKeySlot's, with the other
// slot limits.
func (s *Service) keyTypeAllowed(tx *boltstore.Tx, u domain.ServiceUser, typeName string) error {
	kt, err := requireKeyType(tx, u.Tenant, typeName)
	if err != nil {
		return err
	}
	principal, err := s.principalOf(tx, u)
	if err != nil {
		return err
	}
	scope, _, err := s.compiledPolicy(tx, u.Tenant, kt.Scope)
	if err != nil {
		return err
	}
	if scope == nil {
		return domain.Denied("key type %q has no usable scope policy (%q); no key of it can be generated", typeName, kt.Scope)
	}
	if err := authz.CheckKeyType(principal, scope); err != nil {
		return domain.Denied("service user %q may not hold keys of type %q: %s", u.ID, typeName, reasonOf(err)).
			WithHint("attach a policy that covers the scope %q, or choose another type (allowed types: `keyward serviceuser show %s`)", kt.Scope, u.ID)
	}
	return nil
}

// reasonOf is the message of a domain error without its code framing.
func reasonOf(err error) string {
	var de *domain.Error
	if errors.As(err, &de) {
		return de.Message
	}
	return err.Error()
}

// allowedKeyTypes returns the names of the key types of u's tenant whose
// scope u's own and groups' policies cover (authz.AllowedKeyType).
func (s *Service) allowedKeyTypes(tx *boltstore.Tx, u domain.ServiceUser) ([]string, error) {
	out := []string{}
	var principal *authz.Principal
	err := tx.ForEachKeyType(u.Tenant, func(kt domain.KeyType) error {
		scope, _, err := s.compiledPolicy(tx, u.Tenant, kt.Scope)
		if err != nil || scope == nil {
			return err
		}
		if principal == nil {
			if principal, err = s.principalOf(tx, u); err != nil {
				return err
			}
		}
		if authz.AllowedKeyType(principal, scope) {
			out = append(out, kt.Name)
		}
		return nil
	})
	return out, err
}

// checkKeyTypeText validates the free-text fields of a key type given.
func checkKeyTypeText(v *domain.Validation, displayName, description *string) {
	if displayName != nil {
		v.AddError("displayName", domain.CheckText("displayName", *displayName, 128))
		if *displayName == "" {
			v.Add("displayName", "must not be empty")
		}
	}
	if description != nil {
		v.AddError("description", domain.CheckText("description", *description, 1024))
	}
}

// requireScope checks that scope names a policy of tenant.
func requireScope(tx *boltstore.Tx, tenant, scope string) error {
	if scope == "" {
		return domain.Invalid("scope", "is required: name the policy that bounds what keys of the type may do")
	}
	_, err := requirePolicy(tx, tenant, scope)
	return err
}

// CreateKeyType implements backend.KeyTypes.
func (s *Service) CreateKeyType(ctx context.Context, tenant string, in backend.CreateKeyTypeInput) (domain.KeyType, bool, error) {
	var v domain.Validation
	v.AddError("name", domain.CheckName("name", in.Name))
	if in.DisplayName == "" {
		in.DisplayName = in.Name
	}
	checkKeyTypeText(&v, &in.DisplayName, &in.Description)
	if in.Scope == "" {
		v.Add("scope", "is required: name the policy that bounds what keys of the type may do")
	}
	if err := v.Err(); err != nil {
		return domain.KeyType{}, false, err
	}
	var (
		out     domain.KeyType
		created bool
	)
	err := s.update(func(tx *boltstore.Tx) error {
		if _, err := requireTenant(tx, tenant); err != nil {
			return err
		}
		if existing, ok, err := tx.KeyType(tenant, in.Name); err != nil {
			return err
		} else if ok {
			if in.IfNotExists {
				out = existing
				return nil
			}
			return domain.Conflict("key type %q already exists in tenant %q", in.Name, tenant)
		}
		k, err := s.insertKeyType(ctx, tx, tenant, in)
		out, created = k, err == nil
		return err
	})
	return out, created, err
}

// insertKeyType stores a new key type of tenant (its name checked free,
// its text validated) whose scope policy must exist, audited as
// keytype:create.
func (s *Service) insertKeyType(ctx context.Context, tx *boltstore.Tx, tenant string, in backend.CreateKeyTypeInput) (domain.KeyType, error) {
	if err := requireScope(tx, tenant, in.Scope); err != nil {
		return domain.KeyType{}, err
	}
	if _, err := authzChanged(tx); err != nil {
		return domain.KeyType{}, err
	}
	now := s.clock()
	k := domain.KeyType{Name: in.Name, Tenant: tenant, DisplayName: in.DisplayName, Description: in.Description,
		Scope: in.Scope, CreatedAt: now, CreatedBy: s.actorOf(ctx), UpdatedAt: now}
	if err := tx.PutKeyType(k); err != nil {
		return k, err
	}
	return k, s.auditDetail(ctx, tx, tenant, "keytype:create", authz.KeyTypeResource(tenant, in.Name), "scope "+authz.PolicyResource(tenant, in.Scope))
}

// ListKeyTypes implements backend.KeyTypes.
func (s *Service) ListKeyTypes(ctx context.Context, tenant string) ([]domain.KeyType, error) {
	out := []domain.KeyType{}
	err := s.view(func(tx *boltstore.Tx) error {
		if !tx.Initialized() {
			return nil
		}
		if _, err := requireTenant(tx, tenant); err != nil {
			return err
		}
		return tx.ForEachKeyType(tenant, func(k domain.KeyType) error {
			out = append(out, k)
			return nil
		})
	})
	return out, err
}

// GetKeyType implements backend.KeyTypes.
func (s *Service) GetKeyType(ctx context.Context, tenant, name string) (domain.KeyType, error) {
	var out domain.KeyType
	err := s.view(func(tx *boltstore.Tx) error {
		var err error
		out, err = requireKeyType(tx, tenant, name)
		return err
	})
	return out, err
}

// UpdateKeyType implements backend.KeyTypes.
func (s *Service) UpdateKeyType(ctx context.Context, tenant, name string, in backend.UpdateKeyTypeInput) (domain.KeyType, error) {
	var v domain.Validation
	checkKeyTypeText(&v, in.DisplayName, in.Description)
	if err := v.Err(); err != nil {
		return domain.KeyType{}, err
	}
	var out domain.KeyType
	err := s.update(func(tx *boltstore.Tx) error {
		k, err := requireKeyType(tx, tenant, name)
		if err != nil {
			return err
		}
		out, err = s.storeKeyType(ctx, tx, k, in)
		return err
	})
	return out, err
}

// storeKeyType changes the fields of k that in gives (text validated; a
// new scope must exist), audited as keytype:update.
func (s *Service) storeKeyType(ctx context.Context, tx *boltstore.Tx, k domain.KeyType, in backend.UpdateKeyTypeInput) (domain.KeyType, error) {
	detail := ""
	if in.Scope != nil {
		if err := requireScope(tx, k.Tenant, *in.Scope); err != nil {
			return k, err
		}
		if *in.Scope != k.Scope {
			detail = "scope " + authz.PolicyResource(k.Tenant, *in.Scope)
		}
		k.Scope = *in.Scope
	}
	if in.DisplayName != nil {
		k.DisplayName = *in.DisplayName
	}
	if in.Description != nil {
		k.Description = *in.Description
	}
	k.UpdatedAt = s.clock()
	if err := tx.PutKeyType(k); err != nil {
		return k, err
	}
	if _, err := authzChanged(tx); err != nil {
		return k, err
	}
	return k, s.auditDetail(ctx, tx, k.Tenant, "keytype:update", authz.KeyTypeResource(k.Tenant, k.Name), detail)
}

// DeleteKeyType implements backend.KeyTypes.
func (s *Service) DeleteKeyType(ctx context.Context, tenant, name string) error {
	return s.update(func(tx *boltstore.Tx) error {
		if _, err := requireKeyType(tx, tenant, name); err != nil {
			return err
		}
		return s.removeKeyType(ctx, tx, tenant, name)
	})
}

// removeKeyType deletes key type name of tenant, which exists, audited as
// keytype:delete; refused while keys of the type exist.
func (s *Service) removeKeyType(ctx context.Context, tx *boltstore.Tx, tenant, name string) error {
	n := 0
	if err := tx.ForEachKey(tenant, func(k boltstore.KeyRecord) error {
		if k.Type != nil && *k.Type == name {
			n++
		}
		return nil
	}); err != nil {
		return err
	}
	if n > 0 {
		return domain.Conflict("key type %q still has %s", name, plural(n, "access key")).
			WithHint("revoke them first (`keyward key list` shows each key's type)")
	}
	if _, err := authzChanged(tx); err != nil {
		return err
	}
	if err := tx.DeleteKeyType(tenant, name); err != nil {
		return err
	}
	return s.audit(ctx, tx, tenant, "keytype:delete", authz.KeyTypeResource(tenant, name))
}
