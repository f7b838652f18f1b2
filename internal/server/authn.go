package server

import (
	"context"
	"net/http"
	"net/netip"
	"strconv"
	"strings"

	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/token"
)

// caller is the authenticated identity of one API request.
type caller struct {
	cred   *credential
	claims token.Claims
	ip     netip.Addr
	// ctx is the request's context carrying the caller as the service's
	// actor: handlers pass it to the service.
	ctx   context.Context
	route *route
	// authorized is set once the handler has authorized the request.
	authorized bool
	// pendingOwnership, while the changes of an apply are authorized, says
	// for service users of the caller's tenant (by id) whether the caller
	// owns them once the changes authorized so far are made.
	pendingOwnership map[string]bool
}

// setPendingOwnership records whether c owns service user id of tenant
// once the changes authorized so far are made (users of other tenants are
// never owned by c).
func (c *caller) setPendingOwnership(tenant, id string, owns bool) {
	if tenant != c.cred.tenant {
		return
	}
	if c.pendingOwnership == nil {
		c.pendingOwnership = map[string]bool{}
	}
	c.pendingOwnership[id] = owns
}

// authenticate checks the request's bearer token and the current state of
// the key and user it names. Every failure is CodeUnauthenticated.
func (s *Server) authenticate(r *http.Request, ip netip.Addr) (*caller, error) {
	raw, err := bearerToken(r)
	if err != nil {
		return nil, err
	}
	claims, err := s.verifier.Verify(raw)
	if err != nil {
		return nil, err
	}
	if s.revoked.has(claims.ID) {
		return nil, domain.Unauthenticated("invalid bearer token: revoked")
	}
	cred, err := s.creds.get(r.Context(), claims.ClientID)
	if err != nil {
		return nil, err
	}
	if cred == nil {
		return nil, domain.Unauthenticated("invalid bearer token: access key %s no longer exists", claims.ClientID)
	}
	if cred.tenant != claims.Tenant || cred.user != claims.Subject {
		return nil, domain.Unauthenticated("invalid bearer token: it does not match access key %s", claims.ClientID)
	}
	if err := cred.usable(s.now(), ip); err != nil {
		return nil, err
	}
	return &caller{cred: cred, claims: claims, ip: ip}, nil
}

// bearerToken reads the RFC 6750 Authorization header.
func bearerToken(r *http.Request) (string, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "", domain.Unauthenticated("no bearer token").
			WithHint("get one from %s with an access key id and secret", token.TokenPath)
	}
	scheme, raw, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", domain.Unauthenticated("the Authorization header is not a Bearer token")
	}
	return strings.TrimSpace(raw), nil
}

// bearerChallenge is the WWW-Authenticate value of a 401 (RFC 6750 §3): no
// error code when the request carried no token, invalid_token otherwise.
func bearerChallenge(r *http.Request, description string) string {
	if r.Header.Get("Authorization") == "" {
		return `Bearer realm="keyward"`
	}
	return `Bearer realm="keyward", error="invalid_token", error_description=` + strconv.Quote(headerSafe(description))
}

// headerSafe keeps the printable ASCII of s that RFC 6750 allows in
// error_description (no quote or backslash).
func headerSafe(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x20 && c <= 0x7e && c != '"' && c != '\\' {
			b = append(b, c)
		}
	}
	return string(b)
}
