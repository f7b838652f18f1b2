// Package client is the remote implementation of backend.Backend: an HTTP
// client of a keyward server's /v1 API. It exchanges an access key id and
// secret for a bearer token (OAuth 2.0 client_credentials, with
// golang.org/x/oauth2/clientcredentials), refreshes the token before it
// expires, and turns error responses back into the *domain.Error the
// server's service returned — same code, message and fields — so a command
// prints the same output and exits with the same code locally and remotely.
package client

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
)

// Options configure a Client.
type Options struct {
	// Server is the server's base URL, e.g. https://keyward.example.com:8443.
	Server string
	// AccessKeyID and Secret are exchanged for tokens at the server's token
	// endpoint. Either both, or Token.
	AccessKeyID string
	Secret      string
	// Token is a ready bearer token (KEYWARD_TOKEN); it is used as given and
	// not refreshed.
	Token string
	// Tokens, when set, supplies the tokens instead (a profile's cached and
	// refreshed token); if it has an Invalidate method, a token the server
	// refuses is invalidated and the request retried once.
	Tokens oauth2.TokenSource
	// HTTPClient carries the transport (TLS roots); nil means a client with
	// DefaultTimeout.
	HTTPClient *http.Client
	// UserAgent is sent with every request.
	UserAgent string
}

// DefaultTimeout bounds one HTTP exchange.
const DefaultTimeout = 30 * time.Second

// tokenEarly is how long before its expiry a token is replaced.
const tokenEarly = 10 * time.Second

// Client talks to one keyward server. It is safe for concurrent use.
type Client struct {
	base      string
	http      *http.Client
	userAgent string

	static string                    // Options.Token
	creds  *clientcredentials.Config // set with a key id and secret
	tokens oauth2.TokenSource        // Options.Tokens

	mu    sync.Mutex
	token *oauth2.Token
}

var _ backend.Backend = (*Client)(nil)

// New returns a client of opts.Server. It checks the options only; the
// first call fetches a token.
func New(opts Options) (*Client, error) {
	u, err := url.Parse(opts.Server)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, domain.Invalid("server", "%q is not a server URL; use https://host:port", opts.Server)
	}
	c := &Client{base: strings.TrimRight(u.String(), "/"), http: opts.HTTPClient, userAgent: opts.UserAgent, static: opts.Token}
	if c.http == nil {
		c.http = &http.Client{Timeout: DefaultTimeout}
	}
	if c.userAgent == "" {
		c.userAgent = "keyward"
	}
	switch {
	case opts.Tokens != nil:
		c.tokens = opts.Tokens
	case opts.Token != "":
	case opts.AccessKeyID != "" && opts.Secret != "":
		c.creds = &clientcredentials.Config{
			ClientID: opts.AccessKeyID, ClientSecret: opts.Secret,
			TokenURL:  c.base + "/oauth/token",
			AuthStyle: oauth2.AuthStyleInHeader,
		}
	default:
		return nil, domain.Unauthenticated("no credentials for server %s", c.base).
			WithHint("set KEYWARD_ACCESS_KEY_ID and KEYWARD_SECRET, or KEYWARD_TOKEN")
	}
	return c, nil
}

// Close releases idle connections.
func (c *Client) Close() error {
	c.http.CloseIdleConnections()
	return nil
}

// bearer returns the token to send: the static one, or a cached token that
// is not about to expire, else a fresh one from the token endpoint.
func (c *Client) bearer(ctx context.Context) (string, error) {
	if c.tokens != nil {
		t, err := c.tokens.Token()
		if err != nil {
			return "", tokenError(c.base, err)
		}
		return t.AccessToken, nil
	}
	if c.creds == nil {
		return c.static, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token != nil && time.Until(c.token.Expiry) > tokenEarly {
		return c.token.AccessToken, nil
	}
	t, err := c.creds.Token(context.WithValue(ctx, oauth2.HTTPClient, c.http))
	if err != nil {
		return "", tokenError(c.base, err)
	}
	c.token = t
	return t.AccessToken, nil
}

// canRefresh reports whether a refused token can be replaced by another.
func (c *Client) canRefresh() bool {
	if c.tokens != nil {
		_, ok := c.tokens.(interface{ Invalidate() })
		return ok
	}
	return c.creds != nil
}

// retryRefused reports whether the answer to attempt (0 for the first) is
// the server refusing token tok (expired early, revoked, or the server's
// keys changed) and another can be fetched; then tok is forgotten and the
// request is to be sent once more.
func (c *Client) retryRefused(attempt, status int, header http.Header, tok string) bool {
	if attempt > 0 || status != http.StatusUnauthorized || !c.canRefresh() ||
		!strings.Contains(header.Get("WWW-Authenticate"), `error="invalid_token"`) {
		return false
	}
	c.forgetToken(tok)
	return true
}

// forgetToken drops the cached token after the server refused it.
func (c *Client) forgetToken(refused string) {
	if inv, ok := c.tokens.(interface{ Invalidate() }); ok {
		inv.Invalidate()
		return
	}
	c.mu.Lock()
	if c.token != nil && c.token.AccessToken == refused {
		c.token = nil
	}
	c.mu.Unlock()
}

// tokenError turns a failed token request into keyward's error: the
// server's RFC 6749 error as the matching code with its description.
func tokenError(server string, err error) error {
	var de *domain.Error
	if errors.As(err, &de) {
		return de
	}
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return unreachable(server, err)
	}
	msg := re.ErrorDescription
	if msg == "" {
		msg = "the token endpoint refused the access key (" + re.ErrorCode + ")"
	}
	code := domain.CodeUnauthenticated
	switch {
	case re.Response != nil && re.Response.StatusCode == http.StatusTooManyRequests:
		code = domain.CodeRateLimited
	case re.ErrorCode == "invalid_request", re.ErrorCode == "unsupported_grant_type":
		code = domain.CodeInvalid
	case re.ErrorCode == "invalid_client" || re.ErrorCode == "unauthorized_client":
	case re.Response != nil && re.Response.StatusCode >= 500:
		code = domain.CodeInternal
	}
	return &domain.Error{Code: code, Message: msg}
}

// unreachable is the error of a request that got no answer. A server
// certificate of an unknown CA gets the hint how to trust it.
func unreachable(server string, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var unknownCA x509.UnknownAuthorityError
	if errors.As(err, &unknownCA) {
		return (&domain.Error{Code: domain.CodeInternal, Message: fmt.Sprintf("cannot reach keyward server %s: %v", server, err)}).
			WithHint("trust the server's CA with --ca-file FILE or a profile's ca-file")
	}
	return fmt.Errorf("cannot reach keyward server %s: %w", server, err)
}

// call sends one API request and decodes a 2xx JSON answer into out (when
// not nil). It returns the status; an error answer becomes the server's
// *domain.Error. A refused token is fetched again once.
func (c *Client) call(ctx context.Context, method, path string, query url.Values, in, out any) (int, error) {
	status, _, err := c.exchange(ctx, method, path, query, in, out)
	return status, err
}

// callChanged is call for the idempotent changes whose answer says, in the
// Keyward-Changed header, whether anything changed.
func (c *Client) callChanged(ctx context.Context, method, path string, query url.Values, in, out any) (bool, error) {
	_, header, err := c.exchange(ctx, method, path, query, in, out)
	return header.Get("Keyward-Changed") == "true", err
}

func (c *Client) exchange(ctx context.Context, method, path string, query url.Values, in, out any) (int, http.Header, error) {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return 0, nil, err
		}
	}
	for attempt := 0; ; attempt++ {
		tok, err := c.bearer(ctx)
		if err != nil {
			return 0, nil, err
		}
		status, header, raw, err := c.send(ctx, method, path, query, body, tok)
		if err != nil {
			return 0, nil, err
		}
		if c.retryRefused(attempt, status, header, tok) {
			continue
		}
		if status < 200 || status > 299 {
			return status, header, decodeError(status, raw)
		}
		if out != nil && status != http.StatusNoContent {
			if err := json.Unmarshal(raw, out); err != nil {
				return status, header, fmt.Errorf("server answered %s %s with unreadable JSON: %w", method, path, err)
			}
		}
		return status, header, nil
	}
}

// send makes one HTTP exchange and returns the status, the headers and the
// body.
func (c *Client) send(ctx context.Context, method, path string, query url.Values, body []byte, tok string) (int, http.Header, []byte, error) {
	u := c.base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return 0, nil, nil, ctx.Err()
		}
		return 0, nil, nil, unreachable(c.base, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return 0, nil, nil, unreachable(c.base, err)
	}
	return resp.StatusCode, resp.Header, raw, nil
}

// errorBody is the server's error JSON.
type errorBody struct {
	Code    domain.Code       `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"validationMessages"`
}

// decodeError rebuilds the *domain.Error of an error answer. The message
// already holds the hint, as the CLI prints it.
func decodeError(status int, raw []byte) error {
	var eb errorBody
	if err := json.Unmarshal(raw, &eb); err != nil || eb.Code == "" || eb.Message == "" {
		return &domain.Error{Code: codeOfStatus(status), Message: fmt.Sprintf("server answered %d %s", status, http.StatusText(status))}
	}
	if len(eb.Fields) == 0 {
		eb.Fields = nil
	}
	return &domain.Error{Code: eb.Code, Message: eb.Message, Fields: eb.Fields}
}

// codeOfStatus guesses the code of an answer without keyward's error body
// (a proxy's error page).
func codeOfStatus(status int) domain.Code {
	switch status {
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge:
		return domain.CodeInvalid
	case http.StatusUnauthorized:
		return domain.CodeUnauthenticated
	case http.StatusForbidden:
		return domain.CodeDenied
	case http.StatusNotFound:
		return domain.CodeNotFound
	case http.StatusConflict:
		return domain.CodeConflict
	case http.StatusLocked:
		return domain.CodeLocked
	case http.StatusTooManyRequests:
		return domain.CodeRateLimited
	}
	return domain.CodeInternal
}

// seg escapes one path segment.
func seg(s string) string { return url.PathEscape(s) }

// tenantPath is /v1/tenants/<tenant> followed by more segments.
func tenantPath(tenant string, more ...string) string {
	var b strings.Builder
	b.WriteString("/v1/tenants/")
	b.WriteString(seg(tenant))
	for _, m := range more {
		b.WriteByte('/')
		b.WriteString(seg(m))
	}
	return b.String()
}
