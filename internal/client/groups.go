package client

import (
	"context"
	"net/http"
	"net/url"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
)

// CreateGroup implements backend.Groups.
func (c *Client) CreateGroup(ctx context.Context, tenant string, in backend.CreateGroupInput) (domain.Group, bool, error) {
	var g domain.Group
	status, err := c.call(ctx, http.MethodPost, tenantPath(tenant, "groups"), nil, in, &g)
	return g, status == http.StatusCreated, err
}

// ListGroups implements backend.Groups.
func (c *Client) ListGroups(ctx context.Context, tenant string) ([]domain.Group, error) {
	out := []domain.Group{}
	_, err := c.call(ctx, http.MethodGet, tenantPath(tenant, "groups"), nil, nil, &out)
	return out, err
}

// GetGroup implements backend.Groups.
func (c *Client) GetGroup(ctx context.Context, tenant, name string) (domain.Group, error) {
	var g domain.Group
	_, err := c.call(ctx, http.MethodGet, tenantPath(tenant, "groups", name), nil, nil, &g)
	return g, err
}

// UpdateGroup implements backend.Groups.
func (c *Client) UpdateGroup(ctx context.Context, tenant, name string, in backend.UpdateGroupInput) (domain.Group, error) {
	var g domain.Group
	_, err := c.call(ctx, http.MethodPatch, tenantPath(tenant, "groups", name), nil, in, &g)
	return g, err
}

// DeleteGroup implements backend.Groups.
func (c *Client) DeleteGroup(ctx context.Context, tenant, name string) error {
	_, err := c.call(ctx, http.MethodDelete, tenantPath(tenant, "groups", name), nil, nil, nil)
	return err
}

// AddGroupMembers implements backend.Groups.
func (c *Client) AddGroupMembers(ctx context.Context, tenant, name string, users []string) (domain.Group, error) {
	var g domain.Group
	in := struct {
		Users []string `json:"users"`
	}{users}
	_, err := c.call(ctx, http.MethodPost, tenantPath(tenant, "groups", name, "members"), nil, in, &g)
	return g, err
}

// RemoveGroupMembers implements backend.Groups.
func (c *Client) RemoveGroupMembers(ctx context.Context, tenant, name string, users []string) (domain.Group, error) {
	var g domain.Group
	q := url.Values{"user": users}
	_, err := c.call(ctx, http.MethodDelete, tenantPath(tenant, "groups", name, "members"), q, nil, &g)
	return g, err
}
