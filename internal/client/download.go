package client

import (
	"context"
	"io"
	"net/http"
)

// download sends a request whose 2xx answer is a byte stream, copied into
// w; it returns the bytes copied. Errors are as for call.
func (c *Client) download(ctx context.Context, method, path string, w io.Writer) (int64, error) {
	for attempt := 0; ; attempt++ {
		tok, err := c.bearer(ctx)
		if err != nil {
			return 0, err
		}
		req, err := http.NewRequestWithContext(ctx, method, c.base+path, nil)
		if err != nil {
			return 0, err
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("User-Agent", c.userAgent)
		// A large download outlasts the client's per-exchange timeout;
		// ctx bounds it instead.
		long := *c.http
		long.Timeout = 0
		resp, err := long.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return 0, ctx.Err()
			}
			return 0, unreachable(c.base, err)
		}
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
			resp.Body.Close()
			if c.retryRefused(attempt, resp.StatusCode, resp.Header, tok) {
				continue
			}
			return 0, decodeError(resp.StatusCode, raw)
		}
		n, err := io.Copy(w, resp.Body)
		resp.Body.Close()
		if err != nil {
			return n, unreachable(c.base, err)
		}
		return n, nil
	}
}
