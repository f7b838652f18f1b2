package server

import (
	"net/http"

	"github.com/keyward/keyward/internal/authz"
)

// rotateSigningKey: POST /v1/db/signing-keys/rotate (signingkey:rotate on
// kw:system:db: a system Administrator). The new key signs from the next
// request; the retired one stays in the JWKS and keeps verifying until its
// tokens have expired.
func (s *Server) rotateSigningKey(w http.ResponseWriter, r *http.Request, c *caller) error {
	if err := s.allow(c, authz.DatabaseResource()); err != nil {
		return err
	}
	rotation, err := s.svc.RotateSigningKey(c.ctx)
	if err != nil {
		return err
	}
	if err := s.reloadSigningKeys(c.ctx); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rotation)
	return nil
}
