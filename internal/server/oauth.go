package server

import (
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/secret"
	"github.com/keyward/keyward/internal/token"
)

// issuedToken is a token handed out for a key, kept for tokenReuse.
type issuedToken struct {
	raw    string
	claims token.Claims
	epoch  uint64 // Server.signingEpoch when it was signed
}

// oauthError is an RFC 6749 §5.2 error response.
type oauthError struct {
	status      int
	code        string // error
	description string // error_description
	// retryAfter, when positive, is sent as Retry-After (seconds).
	retryAfter int
}

func (e *oauthError) Error() string { return e.code + ": " + e.description }

// invalidClient is the answer to any failed client authentication. Unknown
// key and wrong secret get the same words, so the endpoint does not tell
// whether a key id exists.
var invalidClient = &oauthError{status: http.StatusUnauthorized, code: "invalid_client", description: "invalid client credentials"}

// rateLimited is the 429 answer of a request over a rate limit.
func rateLimited(who string, retryAfter int) *oauthError {
	return &oauthError{status: http.StatusTooManyRequests, code: "rate_limited",
		description: "too many token requests from " + who + "; retry after " + strconv.Itoa(retryAfter) + "s", retryAfter: retryAfter}
}

// handleToken serves POST /oauth/token: the client_credentials grant with
// the access key id as client_id and its secret as client_secret, by HTTP
// Basic (client_secret_basic) or form fields (client_secret_post).
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	s.serveOAuth(w, r, s.issueToken)
}

// serveOAuth runs an OAuth endpoint and writes its error the RFC 6749 §5.2
// way.
func (s *Server) serveOAuth(w http.ResponseWriter, r *http.Request, endpoint func(http.ResponseWriter, *http.Request) error) {
	err := endpoint(w, r)
	if err == nil {
		return
	}
	var oe *oauthError
	if !errors.As(err, &oe) {
		s.log.LogAttrs(r.Context(), slog.LevelError, "oauth endpoint", slog.String("path", r.URL.Path), slog.String("error", err.Error()))
		oe = &oauthError{status: http.StatusInternalServerError, code: "server_error", description: "internal error"}
	}
	writeOAuthError(w, oe)
}

// issueToken authenticates the client and writes the token response.
func (s *Server) issueToken(w http.ResponseWriter, r *http.Request) error {
	if err := parseOAuthForm(r); err != nil {
		return err
	}
	if gt := r.PostForm.Get("grant_type"); gt != "client_credentials" {
		if gt == "" {
			return &oauthError{status: http.StatusBadRequest, code: "invalid_request", description: "grant_type is missing"}
		}
		return &oauthError{status: http.StatusBadRequest, code: "unsupported_grant_type",
			description: "only the client_credentials grant is supported"}
	}
	ip := s.clientIP(r)
	if ok, wait := s.ipLimits.allow(sourceKey(ip), s.now()); !ok {
		return rateLimited("this address", wait)
	}
	cred, now, err := s.authenticateClient(w, r, ip, "token:issue")
	if err != nil {
		return err
	}
	// The per-key limit counts authenticated requests only: a stranger who
	// knows a key id must not be able to use up its owner's budget.
	if ok, wait := s.keyLimits.allow(cred.keyID, now); !ok {
		return rateLimited("this access key", wait)
	}
	t := s.tokenFor(cred, now)
	if t == nil {
		epoch := s.signingEpoch.Load()
		raw, claims, err := s.issuer.Issue(token.Request{
			Subject: cred.user, ClientID: cred.keyID, Tenant: cred.tenant, TTL: cred.tokenTTL,
			NotAfter: []*time.Time{cred.expiresAt, cred.revokeAt},
		})
		if err != nil {
			var de *domain.Error
			if errors.As(err, &de) && de.Code == domain.CodeUnauthenticated {
				return &oauthError{status: http.StatusUnauthorized, code: "invalid_client", description: de.Message}
			}
			return err
		}
		t = &issuedToken{raw: raw, claims: claims, epoch: epoch}
		if cred.tokenReuse {
			cred.reusable.Store(t)
		}
	}
	writeTokenResponse(w, t, now)
	return nil
}

// parseOAuthForm reads the form body of an OAuth endpoint.
func parseOAuthForm(r *http.Request) error {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		return &oauthError{status: http.StatusBadRequest, code: "invalid_request",
			description: "the body must be application/x-www-form-urlencoded"}
	}
	if err := r.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return &oauthError{status: http.StatusRequestEntityTooLarge, code: "invalid_request", description: bodyTooLarge(tooLarge.Limit).Message}
		}
		return &oauthError{status: http.StatusBadRequest, code: "invalid_request", description: "the form body is malformed"}
	}
	return nil
}

// authenticateClient checks the client credentials of an OAuth request
// (parsed form), sent from ip, against the key's current state and the
// lockout of the (key, ip) pair, and records the key's use.
// action names the endpoint in denied-request audit events. The time of the
// check is returned for the response.
func (s *Server) authenticateClient(w http.ResponseWriter, r *http.Request, ip netip.Addr, action string) (*credential, time.Time, error) {
	keyID, sec, err := clientCredentials(r, r.PostForm)
	responseLog(w).setKeyID(keyID)
	if err != nil {
		return nil, time.Time{}, err
	}
	now := s.now()
	var cred *credential
	if secret.ValidKeyID(keyID) { // anything else names no key: no lookup, no lockout
		if cred, err = s.creds.get(r.Context(), keyID); err != nil {
			return nil, time.Time{}, err
		}
		if wait := s.lockouts.locked(keyID, ip, now); wait > 0 {
			s.deniedClient(action, keyID, cred, ip, "locked out after "+strconv.Itoa(lockoutFailures)+" failed secrets from this address")
			return nil, time.Time{}, &oauthError{status: http.StatusUnauthorized, code: "invalid_client",
				description: "too many failed attempts from this address; retry later", retryAfter: wait}
		}
	}
	if cred == nil {
		s.failedSecret(action, keyID, nil, ip, now, "unknown access key")
		return nil, time.Time{}, invalidClient
	}
	if err := secret.Parse(sec); err != nil {
		s.failedSecret(action, keyID, cred, ip, now, "wrong secret ("+err.Error()+")")
		return nil, time.Time{}, invalidClient
	}
	got := s.hasher.Hash(sec)
	if subtle.ConstantTimeCompare(got[:], cred.secretHash[:]) != 1 {
		s.failedSecret(action, keyID, cred, ip, now, "wrong secret")
		return nil, time.Time{}, invalidClient
	}
	s.lockouts.succeed(keyID, ip)
	if err := cred.usable(now, ip); err != nil {
		s.deniedClient(action, keyID, cred, ip, err.Error())
		return nil, time.Time{}, &oauthError{status: http.StatusUnauthorized, code: "invalid_client", description: err.Error()}
	}
	s.keyUse.record(keyID, now, ip)
	return cred, now, nil
}

// failedSecret audits a refused client secret and counts it towards the
// lockout of the (key, address) pair. Unknown but well-formed key ids count
// too, so the lockout does not tell which key ids exist.
func (s *Server) failedSecret(action, keyID string, cred *credential, ip netip.Addr, now time.Time, reason string) {
	if secret.ValidKeyID(keyID) && s.lockouts.fail(keyID, ip, now) {
		reason += "; address locked out for " + lockoutDuration.String() + " after " + strconv.Itoa(lockoutFailures) + " failures"
	}
	s.deniedClient(action, keyID, cred, ip, reason)
}

// tokenFor returns the token to hand out again under tokenReuse: the last
// one issued for the key while it has at least half its life left.
func (s *Server) tokenFor(cred *credential, now time.Time) *issuedToken {
	if !cred.tokenReuse {
		return nil
	}
	t := cred.reusable.Load()
	if t == nil || !t.claims.Reusable(now) || t.epoch != s.signingEpoch.Load() || s.revoked.has(t.claims.ID) {
		return nil
	}
	return t
}

// clientCredentials returns the client id and secret of a token request:
// HTTP Basic (RFC 6749 §2.3.1: each part form-urlencoded) or the form
// fields client_id and client_secret, not both.
func clientCredentials(r *http.Request, form url.Values) (string, string, error) {
	formID, formSecret := form.Get("client_id"), form.Get("client_secret")
	h := r.Header.Get("Authorization")
	if h == "" {
		if formID == "" || formSecret == "" {
			return formID, "", invalidClient
		}
		return formID, formSecret, nil
	}
	if formSecret != "" {
		return formID, "", &oauthError{status: http.StatusBadRequest, code: "invalid_request",
			description: "send the client credentials by HTTP Basic or in the form, not both"}
	}
	scheme, enc, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Basic") {
		return "", "", invalidClient
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(enc))
	if err != nil {
		return "", "", invalidClient
	}
	id, sec, ok := strings.Cut(string(raw), ":")
	if !ok {
		return "", "", invalidClient
	}
	if id, err = url.QueryUnescape(id); err != nil {
		return "", "", invalidClient
	}
	if sec, err = url.QueryUnescape(sec); err != nil {
		return id, "", invalidClient
	}
	if formID != "" && formID != id {
		return id, "", &oauthError{status: http.StatusBadRequest, code: "invalid_request", description: "client_id differs from the HTTP Basic user"}
	}
	return id, sec, nil
}

// writeTokenResponse writes the RFC 6749 §5.1 response without reflection:
// the token endpoint is the hottest path of the server.
func writeTokenResponse(w http.ResponseWriter, t *issuedToken, now time.Time) {
	expiresIn := int64(t.claims.ExpiresAt.Sub(now) / time.Second)
	buf := make([]byte, 0, len(t.raw)+80)
	buf = append(buf, `{"access_token":"`...)
	buf = append(buf, t.raw...) // base64url and dots: nothing to escape
	buf = append(buf, `","token_type":"Bearer","expires_in":`...)
	buf = strconv.AppendInt(buf, expiresIn, 10)
	buf = append(buf, "}\n"...)
	h := w.Header()
	h["Cache-Control"] = noStore
	h["Pragma"] = noCache
	writeRawJSON(w, http.StatusOK, buf)
}

var (
	noStore = []string{"no-store"}
	noCache = []string{"no-cache"}
)

// writeOAuthError writes an RFC 6749 §5.2 error; invalid_client carries the
// Basic challenge (§5.2 requires it when the client used Basic; keyward
// always sends it so clients learn the scheme).
func writeOAuthError(w http.ResponseWriter, e *oauthError) {
	h := w.Header()
	h["Cache-Control"] = noStore
	h["Pragma"] = noCache
	if e.status == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", `Basic realm="keyward"`)
	}
	if e.retryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(e.retryAfter))
	}
	writeJSON(w, e.status, struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}{e.code, e.description})
}

// deniedClient queues the audit event of a refused OAuth client. The key id
// is recorded only when it is well-formed: a client that swapped id and
// secret must not get its secret into the audit log.
func (s *Server) deniedClient(action, keyID string, cred *credential, ip netip.Addr, reason string) {
	if cred != nil {
		s.denied(cred.tenant, cred.user, ip, action, authz.KeyResource(cred.tenant, cred.user, keyID), reason)
		return
	}
	target := ""
	if secret.ValidKeyID(keyID) {
		target = "key/" + keyID
	}
	s.denied("", "", ip, action, target, reason)
}
