package server

import (
	"net/http"

	"github.com/keyward/keyward/internal/authz"
)

// listOwners: GET /v1/tenants/{tenant}/serviceusers/{id}/owners.
func (s *Server) listOwners(w http.ResponseWriter, r *http.Request, c *caller) error {
	tenant, user := r.PathValue("tenant"), r.PathValue("id")
	if err := s.allow(c, authz.ServiceUserResource(tenant, user)); err != nil {
		return err
	}
	owners, err := s.svc.ListOwners(c.ctx, tenant, user)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, owners)
	return nil
}

// addOwner: PUT /v1/tenants/{tenant}/serviceusers/{id}/owners/{owner}. 200
// with the user; Keyward-Changed says whether the owner was added now.
func (s *Server) addOwner(w http.ResponseWriter, r *http.Request, c *caller) error {
	tenant, user, owner := r.PathValue("tenant"), r.PathValue("id"), r.PathValue("owner")
	if err := s.allow(c, authz.ServiceUserResource(tenant, user)); err != nil {
		return err
	}
	u, changed, err := s.svc.AddOwner(c.ctx, tenant, user, owner)
	if err != nil {
		return err
	}
	writeChanged(w, changed, u)
	return nil
}

// removeOwner: DELETE /v1/tenants/{tenant}/serviceusers/{id}/owners/{owner}.
func (s *Server) removeOwner(w http.ResponseWriter, r *http.Request, c *caller) error {
	tenant, user, owner := r.PathValue("tenant"), r.PathValue("id"), r.PathValue("owner")
	if err := s.allow(c, authz.ServiceUserResource(tenant, user)); err != nil {
		return err
	}
	u, changed, err := s.svc.RemoveOwner(c.ctx, tenant, user, owner)
	if err != nil {
		return err
	}
	writeChanged(w, changed, u)
	return nil
}
