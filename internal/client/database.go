package client

import (
	"context"
	"io"
	"net/http"
)

// Backup implements backend.Database: it streams the server's copy of the
// database into w.
func (c *Client) Backup(ctx context.Context, w io.Writer) (int64, error) {
	return c.download(ctx, http.MethodGet, "/v1/db/backup", w)
}
