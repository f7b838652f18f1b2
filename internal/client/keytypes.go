package client

import (
	"context"
	"net/http"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
)

// CreateKeyType implements backend.KeyTypes.
func (c *Client) CreateKeyType(ctx context.Context, tenant string, in backend.CreateKeyTypeInput) (domain.KeyType, bool, error) {
	var k domain.KeyType
	status, err := c.call(ctx, http.MethodPost, tenantPath(tenant, "keytypes"), nil, in, &k)
	return k, status == http.StatusCreated, err
}

// ListKeyTypes implements backend.KeyTypes.
func (c *Client) ListKeyTypes(ctx context.Context, tenant string) ([]domain.KeyType, error) {
	out := []domain.KeyType{}
	_, err := c.call(ctx, http.MethodGet, tenantPath(tenant, "keytypes"), nil, nil, &out)
	return out, err
}

// GetKeyType implements backend.KeyTypes.
func (c *Client) GetKeyType(ctx context.Context, tenant, name string) (domain.KeyType, error) {
	var k domain.KeyType
	_, err := c.call(ctx, http.MethodGet, tenantPath(tenant, "keytypes", name), nil, nil, &k)
	return k, err
}

// UpdateKeyType implements backend.KeyTypes.
func (c *Client) UpdateKeyType(ctx context.Context, tenant, name string, in backend.UpdateKeyTypeInput) (domain.KeyType, error) {
	var k domain.KeyType
	_, err := c.call(ctx, http.MethodPatch, tenantPath(tenant, "keytypes", name), nil, in, &k)
	return k, err
}

// DeleteKeyType implements backend.KeyTypes.
func (c *Client) DeleteKeyType(ctx context.Context, tenant, name string) error {
	_, err := c.call(ctx, http.MethodDelete, tenantPath(tenant, "keytypes", name), nil, nil, nil)
	return err
}
