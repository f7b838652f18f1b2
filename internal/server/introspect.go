package server

import (
	"net/http"

	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/token"
)

// handleIntrospect serves POST /oauth/introspect (RFC 7662). The client
// authenticates with its access key; it learns about a token only when the
// token is its own or it may read the token's service user
// (serviceuser:read on kw:<tenant>:serviceuser/<sub>). Anything else —
// unknown, forged, expired, revoked, a key or user no longer valid, or a
// token the client may not see — is {"active":false}.
func (s *Server) handleIntrospect(w http.ResponseWriter, r *http.Request) {
	s.serveOAuth(w, r, func(w http.ResponseWriter, r *http.Request) error {
		if err := parseOAuthForm(r); err != nil {
			return err
		}
		raw := r.PostForm.Get("token")
		if raw == "" {
			return &oauthError{status: http.StatusBadRequest, code: "invalid_request", description: "token is missing"}
		}
		caller, now, err := s.authenticateClient(w, r, s.clientIP(r), "token:introspect")
		if err != nil {
			return err
		}
		w.Header()["Cache-Control"] = noStore
		claims, err := s.verifier.Verify(raw)
		if err != nil || s.revoked.has(claims.ID) {
			writeJSON(w, http.StatusOK, token.Inactive())
			return nil
		}
		if claims.ClientID != caller.keyID {
			d := caller.principal.Decide("serviceuser:read", authz.ServiceUserResource(claims.Tenant, claims.Subject))
			if !d.Allowed {
				writeJSON(w, http.StatusOK, token.Inactive())
				return nil
			}
		}
		holder, err := s.creds.get(r.Context(), claims.ClientID)
		if err != nil {
			return err
		}
		if holder == nil || holder.tenant != claims.Tenant || holder.user != claims.Subject || holder.state(now) != nil {
			writeJSON(w, http.StatusOK, token.Inactive())
			return nil
		}
		writeJSON(w, http.StatusOK, token.IntrospectionOf(claims))
		return nil
	})
}
