package client

import (
	"context"
	"io"
	"net/http"

	"github.com/keyward/keyward/internal/backend"
)

// Backup implements backend.Database: it streams the server's copy of the
// database into w.
func (c *Client) Backup(ctx context.Context, w io.Writer) (int64, error) {
	return c.download(ctx, http.MethodGet, "/v1/db/backup", w)
}

// RotateSigningKey implements backend.Database.
func (c *Client) RotateSigningKey(ctx context.Context) (backend.SigningKeyRotation, error) {
	var out backend.SigningKeyRotation
	_, err := c.call(ctx, http.MethodPost, "/v1/db/signing-keys/rotate", nil, nil, &out)
	return out, err
}
