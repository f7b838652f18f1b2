package client

import (
	"context"
	"net/http"
	"net/url"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
)

// CreateServiceUser implements backend.ServiceUsers.
func (c *Client) CreateServiceUser(ctx context.Context, tenant string, in backend.CreateServiceUserInput) (backend.CreateServiceUserResult, error) {
	var res backend.CreateServiceUserResult
	status, err := c.call(ctx, http.MethodPost, tenantPath(tenant, "serviceusers"), nil, in, &res)
	res.Created = status == http.StatusCreated
	return res, err
}

// ListServiceUsers implements backend.ServiceUsers.
func (c *Client) ListServiceUsers(ctx context.Context, tenant string, f backend.ListServiceUsersFilter) ([]domain.ServiceUser, error) {
	q := url.Values{}
	if f.Status != "" {
		q.Set("status", string(f.Status))
	}
	if f.Search != "" {
		q.Set("search", f.Search)
	}
	out := []domain.ServiceUser{}
	_, err := c.call(ctx, http.MethodGet, tenantPath(tenant, "serviceusers"), q, nil, &out)
	return out, err
}

// GetServiceUser implements backend.ServiceUsers.
func (c *Client) GetServiceUser(ctx context.Context, tenant, id string) (domain.ServiceUser, error) {
	var u domain.ServiceUser
	_, err := c.call(ctx, http.MethodGet, tenantPath(tenant, "serviceusers", id), nil, nil, &u)
	return u, err
}

// UpdateServiceUser implements backend.ServiceUsers.
func (c *Client) UpdateServiceUser(ctx context.Context, tenant, id string, in backend.UpdateServiceUserInput) (domain.ServiceUser, error) {
	var u domain.ServiceUser
	_, err := c.call(ctx, http.MethodPatch, tenantPath(tenant, "serviceusers", id), nil, in, &u)
	return u, err
}

// SetServiceUserStatus implements backend.ServiceUsers.
func (c *Client) SetServiceUserStatus(ctx context.Context, tenant, id string, status domain.UserStatus) (domain.ServiceUser, error) {
	var u domain.ServiceUser
	in := struct {
		Status domain.UserStatus `json:"status"`
	}{status}
	_, err := c.call(ctx, http.MethodPut, tenantPath(tenant, "serviceusers", id, "status"), nil, in, &u)
	return u, err
}

// DeleteServiceUser implements backend.ServiceUsers.
func (c *Client) DeleteServiceUser(ctx context.Context, tenant, id string) error {
	_, err := c.call(ctx, http.MethodDelete, tenantPath(tenant, "serviceusers", id), nil, nil, nil)
	return err
}
