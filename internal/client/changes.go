package client

import (
	"context"
	"net/http"

	"github.com/keyward/keyward/internal/backend"
)

// ApplyChanges implements backend.Changes.
func (c *Client) ApplyChanges(ctx context.Context, changes []backend.Change) ([]backend.ChangeResult, error) {
	out := []backend.ChangeResult{}
	_, err := c.call(ctx, http.MethodPost, "/v1/changes", nil, changes, &out)
	return out, err
}
