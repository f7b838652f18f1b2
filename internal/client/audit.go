package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
)

// ListAudit implements backend.Audit.
func (c *Client) ListAudit(ctx context.Context, tenant string, f backend.AuditFilter) ([]domain.AuditEvent, error) {
	q := url.Values{}
	if !f.Since.IsZero() {
		q.Set("since", f.Since.UTC().Format(time.RFC3339Nano))
	}
	if f.Action != "" {
		q.Set("action", f.Action)
	}
	if f.Target != "" {
		q.Set("target", f.Target)
	}
	if f.Limit != 0 {
		q.Set("limit", strconv.Itoa(f.Limit))
	}
	out := []domain.AuditEvent{}
	_, err := c.call(ctx, http.MethodGet, tenantPath(tenant, "audit"), q, nil, &out)
	return out, err
}
