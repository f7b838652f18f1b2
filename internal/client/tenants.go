package client

import (
	"context"
	"net/http"
	"net/url"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
)

// CreateTenant implements backend.Tenants.
func (c *Client) CreateTenant(ctx context.Context, in backend.CreateTenantInput) (domain.Tenant, bool, error) {
	var t domain.Tenant
	status, err := c.call(ctx, http.MethodPost, "/v1/tenants", nil, in, &t)
	return t, status == http.StatusCreated, err
}

// ListTenants implements backend.Tenants.
func (c *Client) ListTenants(ctx context.Context) ([]domain.Tenant, error) {
	out := []domain.Tenant{}
	_, err := c.call(ctx, http.MethodGet, "/v1/tenants", nil, nil, &out)
	return out, err
}

// GetTenant implements backend.Tenants.
func (c *Client) GetTenant(ctx context.Context, id string) (domain.Tenant, error) {
	var t domain.Tenant
	_, err := c.call(ctx, http.MethodGet, tenantPath(id), nil, nil, &t)
	return t, err
}

// UpdateTenant implements backend.Tenants.
func (c *Client) UpdateTenant(ctx context.Context, id string, in backend.UpdateTenantInput) (domain.Tenant, error) {
	var t domain.Tenant
	_, err := c.call(ctx, http.MethodPatch, tenantPath(id), nil, in, &t)
	return t, err
}

// DeleteTenant implements backend.Tenants.
func (c *Client) DeleteTenant(ctx context.Context, id string, opts backend.DeleteTenantOptions) error {
	var q url.Values
	if opts.Force {
		q = url.Values{"force": {"true"}}
	}
	_, err := c.call(ctx, http.MethodDelete, tenantPath(id), q, nil, nil)
	return err
}
