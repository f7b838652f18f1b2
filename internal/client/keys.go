package client

import (
	"context"
	"net/http"
	"net/url"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
)

// GenerateKey implements backend.AccessKeys.
func (c *Client) GenerateKey(ctx context.Context, tenant, user string, in backend.GenerateKeyInput) (domain.NewAccessKey, error) {
	var k domain.NewAccessKey
	_, err := c.call(ctx, http.MethodPost, tenantPath(tenant, "serviceusers", user, "keys"), nil, in, &k)
	return k, err
}

// ListKeys implements backend.AccessKeys.
func (c *Client) ListKeys(ctx context.Context, tenant string, f backend.ListKeysFilter) ([]domain.AccessKey, error) {
	q := url.Values{}
	if f.ServiceUser != "" {
		q.Set("serviceUser", f.ServiceUser)
	}
	if f.Status != "" {
		q.Set("status", string(f.Status))
	}
	if f.Expiring != "" {
		q.Set("expiring", f.Expiring)
	}
	out := []domain.AccessKey{}
	_, err := c.call(ctx, http.MethodGet, tenantPath(tenant, "keys"), q, nil, &out)
	return out, err
}

// GetKey implements backend.AccessKeys.
func (c *Client) GetKey(ctx context.Context, tenant, ref string) (domain.AccessKey, error) {
	var k domain.AccessKey
	err := c.keyCall(ctx, http.MethodGet, tenant, ref, "", nil, &k)
	return k, err
}

// UpdateKey implements backend.AccessKeys.
func (c *Client) UpdateKey(ctx context.Context, tenant, ref string, in backend.UpdateKeyInput) (domain.AccessKey, error) {
	var k domain.AccessKey
	err := c.keyCall(ctx, http.MethodPatch, tenant, ref, "", in, &k)
	return k, err
}

// RotateKey implements backend.AccessKeys.
func (c *Client) RotateKey(ctx context.Context, tenant, ref string, in backend.RotateKeyInput) (domain.NewAccessKey, error) {
	var k domain.NewAccessKey
	err := c.keyCall(ctx, http.MethodPost, tenant, ref, "rotate", in, &k)
	return k, err
}

// RevokeKey implements backend.AccessKeys.
func (c *Client) RevokeKey(ctx context.Context, tenant, ref string) (domain.AccessKey, error) {
	var k domain.AccessKey
	err := c.keyCall(ctx, http.MethodDelete, tenant, ref, "", nil, &k)
	return k, err
}

// RevokeUserKeys implements backend.AccessKeys.
func (c *Client) RevokeUserKeys(ctx context.Context, tenant, user string) ([]domain.AccessKey, error) {
	out := []domain.AccessKey{}
	_, err := c.call(ctx, http.MethodDelete, tenantPath(tenant, "serviceusers", user, "keys"), nil, nil, &out)
	return out, err
}

// SetKeyStatus implements backend.AccessKeys.
func (c *Client) SetKeyStatus(ctx context.Context, tenant, ref string, status domain.KeyStatus) (domain.AccessKey, error) {
	var k domain.AccessKey
	in := struct {
		Status domain.KeyStatus `json:"status"`
	}{status}
	err := c.keyCall(ctx, http.MethodPut, tenant, ref, "status", in, &k)
	return k, err
}

// RestrictKey implements backend.AccessKeys.
func (c *Client) RestrictKey(ctx context.Context, tenant, ref string, in backend.RestrictKeyInput) (domain.AccessKey, error) {
	var k domain.AccessKey
	err := c.keyCall(ctx, http.MethodPost, tenant, ref, "restrict", in, &k)
	return k, err
}

// VerifyKey implements backend.AccessKeys. The secret travels in the body,
// never in the URL.
func (c *Client) VerifyKey(ctx context.Context, in backend.VerifyKeyInput) (domain.KeyVerification, error) {
	var v domain.KeyVerification
	_, err := c.call(ctx, http.MethodPost, "/v1/keys/verify", nil, in, &v)
	return v, err
}

// PurgeKeys implements backend.AccessKeys.
func (c *Client) PurgeKeys(ctx context.Context, tenant string, in backend.PurgeKeysInput) ([]domain.AccessKey, error) {
	out := []domain.AccessKey{}
	_, err := c.call(ctx, http.MethodPost, tenantPath(tenant, "keys", "purge"), nil, in, &out)
	return out, err
}

// keyCall calls the key named by ref (a key id or USER/NAME), or the sub
// resource action of it when action is not empty. A secret given as ref is
// refused here, so it never goes into a URL.
func (c *Client) keyCall(ctx context.Context, method, tenant, ref, action string, in, out any) error {
	if err := backend.RefuseSecretAsKeyRef(ref); err != nil {
		return err
	}
	elems := []string{"keys", ref}
	if action != "" {
		elems = append(elems, action)
	}
	_, err := c.call(ctx, method, tenantPath(tenant, elems...), nil, in, out)
	return err
}
