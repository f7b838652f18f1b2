package credentials

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/keyward/keyward/internal/credstore"
	"github.com/keyward/keyward/internal/domain"
)

// Revoke asks the server to revoke the access token raw (RFC 7009 §2.1):
// POST token=raw&token_type_hint=access_token to the revocation endpoint,
// with the access key id and secret in HTTP Basic when both are given (else
// unauthenticated, which a server may refuse). HTTP 200 means the token is
// revoked or was unknown (§2.2); anything else is an error. The HTTP client
// is the one ctx carries ([WithHTTPClient]).
func Revoke(ctx context.Context, t Target, raw, keyID, secret string) error {
	form := url.Values{"token": {raw}, "token_type_hint": {"access_token"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.RevokeURL(), strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if keyID != "" && secret != "" {
		// RFC 6749 §2.3.1: each part form-encoded before Basic encoding.
		req.SetBasicAuth(url.QueryEscape(keyID), url.QueryEscape(secret))
	}
	resp, err := httpClientFrom(ctx).Do(req)
	if err != nil {
		return serverError(ctx, t, keyID, t.RevokeURL(), err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	var oe struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	_ = json.Unmarshal(body, &oe)
	switch {
	case resp.StatusCode == http.StatusServiceUnavailable:
		return &domain.Error{Code: domain.CodeInternal,
			Message: fmt.Sprintf("server %s cannot revoke tokens right now (HTTP 503); retry later", t.Server)}
	case resp.StatusCode == http.StatusNotFound, resp.StatusCode == http.StatusMethodNotAllowed:
		return &domain.Error{Code: domain.CodeInternal,
			Message: fmt.Sprintf("server %s has no token revocation endpoint (%s answered HTTP %d)", t.Server, t.RevokeURL(), resp.StatusCode)}
	case oe.Error == "unsupported_token_type":
		return domain.Invalid("token", "server %s does not revoke access tokens", t.Server)
	}
	return oauthError(t, keyID, t.RevokeURL(), resp, oe.Error, oe.Description)
}

// Revoked is the result of [Source.Revoke].
type Revoked struct {
	// Token is the token that was revoked.
	Token string
	// Cleared reports whether it was the cached token and was deleted.
	Cleared bool
}

// Revoke revokes raw, or when raw is empty the current token (KEYWARD_TOKEN
// or the cached one; no token is a CodeNotFound error), authenticating with
// the access key id and secret (without a secret it is a CodeUnauthenticated
// error: keyward's server requires client authentication). A revoked cached
// token is then deleted from its store.
func (s *Source) Revoke(raw string) (Revoked, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.resolve(); err != nil {
		return Revoked{}, err
	}
	if raw == "" {
		raw = s.current
	}
	if raw == "" {
		return Revoked{}, domain.NotFound("no token to revoke for %s", s.describe())
	}
	if s.keyID == "" || s.creds.Secret == "" {
		// keyward's server authenticates revocation requests (RFC 7009 §2.1).
		return Revoked{}, domain.Unauthenticated("revoking a token needs the access key's secret, and %s has none", s.describe()).
			WithHint("log in with `keyward profile login`, or set %s and %s", credstore.EnvAccessKeyID, credstore.EnvSecret)
	}
	if err := Revoke(s.ctx, s.target, raw, s.keyID, s.creds.Secret); err != nil {
		return Revoked{}, err
	}
	res := Revoked{Token: raw}
	if raw == s.current && !s.fromEnvToken() {
		s.current = ""
		if s.target.Profile != "" && s.creds.Source.Kind != credstore.SourceEnv {
			err := s.store.Delete(credstore.TokenAccount(s.target.Profile))
			switch {
			case err == nil:
				res.Cleared = true
			case !errors.Is(err, credstore.ErrNotFound):
				s.warn("warning: the token is revoked but could not be removed from the cache: " + err.Error())
			}
		}
	}
	return res, nil
}

// describe names the target in messages: `remote profile "prod"` or
// `server https://...`.
func (s *Source) describe() string {
	if s.target.Profile == "" {
		return "server " + s.target.Server
	}
	return "remote profile " + quote(s.target.Profile)
}
