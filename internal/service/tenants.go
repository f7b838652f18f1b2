package service

import (
	"context"
	"fmt"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/store/boltstore"
)

func tenantResource(id string) string { return "kw:" + id + ":tenant" }

func tenantNotFound(id string) error {
	return domain.NotFound("tenant %q not found", id).WithHint("see `keyward tenant list`")
}

// requireTenant returns the tenant or CodeNotFound.
func requireTenant(tx *boltstore.Tx, id string) (domain.Tenant, error) {
	t, ok, err := tx.Tenant(id)
	if err != nil {
		return t, err
	}
	if !ok {
		return t, tenantNotFound(id)
	}
	return t, nil
}

// CreateTenant implements backend.Tenants.
func (s *Service) CreateTenant(ctx context.Context, in backend.CreateTenantInput) (domain.Tenant, bool, error) {
	var v domain.Validation
	v.AddError("id", domain.CheckSlug("id", in.ID))
	if in.Name == "" {
		in.Name = in.ID
	}
	v.AddError("name", domain.CheckText("name", in.Name, domain.MaxDisplayNameLen))
	settings, err := in.Settings.Apply(domain.DefaultSettings())
	v.AddError("settings", err)
	if err := v.Err(); err != nil {
		return domain.Tenant{}, false, err
	}
	var out domain.Tenant
	created := false
	err = s.update(func(tx *boltstore.Tx) error {
		existing, ok, err := tx.Tenant(in.ID)
		if err != nil {
			return err
		}
		if ok {
			if in.IfNotExists {
				out = existing
				return nil
			}
			return domain.Conflict("tenant %q already exists", in.ID)
		}
		out, err = s.insertTenant(ctx, tx, domain.Tenant{ID: in.ID, Name: in.Name, Settings: settings})
		created = err == nil
		return err
	})
	return out, created, err
}

// insertTenant stores a new, validated tenant with its audit event and
// returns it with its times set.
func (s *Service) insertTenant(ctx context.Context, tx *boltstore.Tx, t domain.Tenant) (domain.Tenant, error) {
	now := s.clock()
	t.CreatedAt, t.UpdatedAt = now, now
	if err := tx.PutTenant(t); err != nil {
		return t, err
	}
	return t, s.audit(ctx, tx, t.ID, "tenant:create", tenantResource(t.ID))
}

// storeTenant writes a changed tenant with its audit event.
func (s *Service) storeTenant(ctx context.Context, tx *boltstore.Tx, t domain.Tenant) (domain.Tenant, error) {
	t.UpdatedAt = s.clock()
	if err := tx.PutTenant(t); err != nil {
		return t, err
	}
	return t, s.audit(ctx, tx, t.ID, "tenant:update", tenantResource(t.ID))
}

// ListTenants implements backend.Tenants.
func (s *Service) ListTenants(ctx context.Context) ([]domain.Tenant, error) {
	var out []domain.Tenant
	err := s.view(func(tx *boltstore.Tx) error {
		var err error
		out, err = tx.Tenants()
		return err
	})
	if out == nil {
		out = []domain.Tenant{}
	}
	return out, err
}

// GetTenant implements backend.Tenants.
func (s *Service) GetTenant(ctx context.Context, id string) (domain.Tenant, error) {
	var out domain.Tenant
	err := s.view(func(tx *boltstore.Tx) error {
		var err error
		out, err = requireTenant(tx, id)
		return err
	})
	return out, err
}

// UpdateTenant implements backend.Tenants.
func (s *Service) UpdateTenant(ctx context.Context, id string, in backend.UpdateTenantInput) (domain.Tenant, error) {
	if in.Name != nil {
		if err := domain.CheckText("name", *in.Name, domain.MaxDisplayNameLen); err != nil {
			return domain.Tenant{}, err
		}
		if *in.Name == "" {
			return domain.Tenant{}, domain.Invalid("name", "must not be empty")
		}
	}
	var out domain.Tenant
	err := s.update(func(tx *boltstore.Tx) error {
		t, err := requireTenant(tx, id)
		if err != nil {
			return err
		}
		if in.Name != nil && *in.Name != t.Name {
			if id == domain.SystemTenant {
				return domain.Invalid("name", "the system tenant is reserved and cannot be renamed")
			}
			t.Name = *in.Name
		}
		if t.Settings, err = in.Settings.Apply(t.Settings); err != nil {
			return err
		}
		out, err = s.storeTenant(ctx, tx, t)
		return err
	})
	return out, err
}

// DeleteTenant implements backend.Tenants.
func (s *Service) DeleteTenant(ctx context.Context, id string, opts backend.DeleteTenantOptions) error {
	if id == domain.SystemTenant {
		return domain.Invalid("tenant", "the system tenant is reserved and cannot be deleted")
	}
	return s.update(func(tx *boltstore.Tx) error {
		if _, err := requireTenant(tx, id); err != nil {
			return err
		}
		if n := tx.UserCount(id); n > 0 && !opts.Force {
			return domain.Conflict("tenant %q has %s", id, plural(n, "service user")).
				WithHint("pass --force to delete the tenant and everything in it")
		}
		if err := tx.DeleteTenant(id); err != nil {
			return err
		}
		if _, err := authzChanged(tx); err != nil {
			return err
		}
		// Recorded in the system tenant's log, which outlives the deleted tenant.
		return s.audit(ctx, tx, domain.SystemTenant, "tenant:delete", tenantResource(id))
	})
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
