package client

import (
	"context"
	"net/http"
	"net/url"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
)

// CreatePolicy implements backend.Policies.
func (c *Client) CreatePolicy(ctx context.Context, tenant string, in backend.CreatePolicyInput) (domain.Policy, bool, error) {
	var p domain.Policy
	status, err := c.call(ctx, http.MethodPost, tenantPath(tenant, "policies"), nil, in, &p)
	return p, status == http.StatusCreated, err
}

// ListPolicies implements backend.Policies.
func (c *Client) ListPolicies(ctx context.Context, tenant string) ([]domain.Policy, error) {
	out := []domain.Policy{}
	_, err := c.call(ctx, http.MethodGet, tenantPath(tenant, "policies"), nil, nil, &out)
	return out, err
}

// GetPolicy implements backend.Policies.
func (c *Client) GetPolicy(ctx context.Context, tenant, name string) (domain.Policy, error) {
	var p domain.Policy
	_, err := c.call(ctx, http.MethodGet, tenantPath(tenant, "policies", name), nil, nil, &p)
	return p, err
}

// UpdatePolicy implements backend.Policies.
func (c *Client) UpdatePolicy(ctx context.Context, tenant, name string, in backend.UpdatePolicyInput) (domain.Policy, error) {
	var p domain.Policy
	_, err := c.call(ctx, http.MethodPatch, tenantPath(tenant, "policies", name), nil, in, &p)
	return p, err
}

// DeletePolicy implements backend.Policies.
func (c *Client) DeletePolicy(ctx context.Context, tenant, name string, opts backend.DeletePolicyOptions) error {
	var q url.Values
	if opts.Force {
		q = url.Values{"force": {"true"}}
	}
	_, err := c.call(ctx, http.MethodDelete, tenantPath(tenant, "policies", name), q, nil, nil)
	return err
}

// AttachPolicy implements backend.Policies.
func (c *Client) AttachPolicy(ctx context.Context, tenant, name string, to backend.PolicyTarget) (domain.Policy, bool, error) {
	var p domain.Policy
	changed, err := c.callChanged(ctx, http.MethodPost, tenantPath(tenant, "policies", name, "attachments"), nil, to, &p)
	return p, changed, err
}

// DetachPolicy implements backend.Policies.
func (c *Client) DetachPolicy(ctx context.Context, tenant, name string, from backend.PolicyTarget) (domain.Policy, bool, error) {
	q := url.Values{}
	if from.User != "" {
		q.Set("user", from.User)
	}
	if from.Group != "" {
		q.Set("group", from.Group)
	}
	var p domain.Policy
	changed, err := c.callChanged(ctx, http.MethodDelete, tenantPath(tenant, "policies", name, "attachments"), q, nil, &p)
	return p, changed, err
}

// CheckPolicy implements backend.Policies.
func (c *Client) CheckPolicy(ctx context.Context, tenant string, in backend.CheckPolicyInput) (backend.PolicyCheck, error) {
	var out backend.PolicyCheck
	_, err := c.call(ctx, http.MethodPost, tenantPath(tenant, "policies", "check"), nil, in, &out)
	return out, err
}
