package credentials

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/keyward/keyward/internal/domain"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// Exchange trades an access key id and its secret for a new access token at
// the target's token endpoint: the client_credentials grant with the
// credentials in HTTP Basic (client_secret_basic). The HTTP client is the one
// ctx carries ([WithHTTPClient]), else http.DefaultClient.
//
// A refused key is a CodeUnauthenticated error, a rate limit
// CodeRateLimited; the message names the server and the key id, never the
// secret.
func Exchange(ctx context.Context, t Target, keyID, secret string) (*oauth2.Token, error) {
	cfg := clientcredentials.Config{
		ClientID:     keyID,
		ClientSecret: secret,
		TokenURL:     t.TokenURL(),
		AuthStyle:    oauth2.AuthStyleInHeader,
	}
	tok, err := cfg.Token(ctx)
	if err != nil {
		return nil, serverError(ctx, t, keyID, t.TokenURL(), err)
	}
	if tok.AccessToken == "" {
		return nil, &domain.Error{Code: domain.CodeInternal,
			Message: fmt.Sprintf("token endpoint %s answered without an access token", t.TokenURL())}
	}
	if typ := tok.Type(); !strings.EqualFold(typ, "Bearer") {
		return nil, &domain.Error{Code: domain.CodeInternal,
			Message: fmt.Sprintf("token endpoint %s issued a %q token; keyward needs a Bearer token", t.TokenURL(), typ)}
	}
	return tok, nil
}

// serverError turns a failed request to one of the server's OAuth endpoints
// into a *domain.Error. Only RFC 6749 §5.2 error codes and descriptions are
// quoted from the response, never its body.
func serverError(ctx context.Context, t Target, keyID, endpointURL string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.Response != nil {
		return oauthError(t, keyID, endpointURL, re.Response, re.ErrorCode, re.ErrorDescription)
	}
	return transportError(t, err)
}

// oauthError classifies an OAuth error response (RFC 6749 §5.2, RFC 7009 §2.2.1).
func oauthError(t Target, keyID, endpointURL string, resp *http.Response, code, description string) error {
	status := resp.StatusCode
	switch {
	case status == http.StatusTooManyRequests:
		msg := fmt.Sprintf("server %s is rate limiting requests for access key %s", t.Server, keyID)
		if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && secs > 0 {
			msg += fmt.Sprintf("; retry in %ds", secs)
		}
		return &domain.Error{Code: domain.CodeRateLimited, Message: msg}
	case code == "invalid_client" || status == http.StatusUnauthorized:
		if description == "" {
			description = "invalid client credentials"
		}
		return domain.Unauthenticated("server %s refused access key %s: %s", t.Server, keyID, description)
	case code == "unauthorized_client":
		return domain.Denied("server %s refused access key %s: %s", t.Server, keyID, description)
	case status == http.StatusNotFound:
		return domain.NotFound("no keyward endpoint at %s (HTTP 404)", endpointURL).
			WithHint("check the profile's server URL")
	}
	msg := fmt.Sprintf("%s answered HTTP %d", endpointURL, status)
	if code != "" {
		msg += ": " + code
		if description != "" {
			msg += ": " + description
		}
	}
	return &domain.Error{Code: domain.CodeInternal, Message: msg}
}

// transportError explains why the server could not be asked at all.
func transportError(t Target, err error) error {
	var unknownCA x509.UnknownAuthorityError
	var verify *tls.CertificateVerificationError
	var hostname x509.HostnameError
	var ue *url.Error
	cause := err
	if errors.As(err, &ue) {
		cause = ue.Err // the URL is named below; the operation is always a POST
	}
	switch {
	case errors.As(err, &unknownCA), errors.As(err, &verify):
		return (&domain.Error{Code: domain.CodeInternal,
			Message: fmt.Sprintf("cannot verify the TLS certificate of %s: %v", t.Server, cause)}).
			WithHint("trust the server's CA with --ca-file FILE or a profile's ca-file")
	case errors.As(err, &hostname):
		return &domain.Error{Code: domain.CodeInternal,
			Message: fmt.Sprintf("the TLS certificate of %s does not match its host name: %v", t.Server, cause)}
	case ue != nil && ue.Timeout():
		return &domain.Error{Code: domain.CodeInternal,
			Message: fmt.Sprintf("keyward server %s did not answer within %s", t.Server, RequestTimeout)}
	case ue != nil:
		return &domain.Error{Code: domain.CodeInternal,
			Message: fmt.Sprintf("cannot reach keyward server %s: %v", t.Server, cause)}
	}
	return &domain.Error{Code: domain.CodeInternal,
		Message: fmt.Sprintf("keyward server %s: %v", t.Server, err)}
}
