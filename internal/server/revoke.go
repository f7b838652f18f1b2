package server

import (
	"net/http"
)

// handleRevoke serves POST /oauth/revoke (RFC 7009): an authenticated client
// revokes one of its own tokens; the token stops working on the next
// request. An unknown, malformed or expired token is answered 200 like a
// revoked one, as §2.2 requires; a token issued to another key is refused.
func (s *Server) handleRevoke(w http.ResponseWriter, r *http.Request) {
	s.serveOAuth(w, r, func(w http.ResponseWriter, r *http.Request) error {
		if err := parseOAuthForm(r); err != nil {
			return err
		}
		raw := r.PostForm.Get("token")
		if raw == "" {
			return &oauthError{status: http.StatusBadRequest, code: "invalid_request", description: "token is missing"}
		}
		cred, _, err := s.authenticateClient(w, r, s.clientIP(r), "token:revoke")
		if err != nil {
			return err
		}
		claims, err := s.verifier.Verify(raw)
		if err == nil {
			if claims.ClientID != cred.keyID {
				return &oauthError{status: http.StatusBadRequest, code: "unauthorized_client",
					description: "the token was not issued to this access key"}
			}
			s.revoked.add(claims.ID, claims.ExpiresAt)
		}
		w.Header()["Cache-Control"] = noStore
		w.WriteHeader(http.StatusOK)
		return nil
	})
}
