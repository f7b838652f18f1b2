package client

import (
	"context"
	"net/http"

	"github.com/keyward/keyward/internal/domain"
)

// AddOwner implements backend.Owners.
func (c *Client) AddOwner(ctx context.Context, tenant, user, owner string) (domain.ServiceUser, bool, error) {
	var u domain.ServiceUser
	changed, err := c.callChanged(ctx, http.MethodPut, tenantPath(tenant, "serviceusers", user, "owners", owner), nil, nil, &u)
	return u, changed, err
}

// RemoveOwner implements backend.Owners.
func (c *Client) RemoveOwner(ctx context.Context, tenant, user, owner string) (domain.ServiceUser, bool, error) {
	var u domain.ServiceUser
	changed, err := c.callChanged(ctx, http.MethodDelete, tenantPath(tenant, "serviceusers", user, "owners", owner), nil, nil, &u)
	return u, changed, err
}

// ListOwners implements backend.Owners.
func (c *Client) ListOwners(ctx context.Context, tenant, user string) ([]domain.ServiceUser, error) {
	out := []domain.ServiceUser{}
	_, err := c.call(ctx, http.MethodGet, tenantPath(tenant, "serviceusers", user, "owners"), nil, nil, &out)
	return out, err
}
