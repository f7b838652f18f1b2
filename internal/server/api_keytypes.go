package server

import (
	"net/http"

	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/backend"
)

// createKeyType: POST /v1/tenants/{tenant}/keytypes. 201, or 200 with the
// existing type when ifNotExists found it.
func (s *Server) createKeyType(w http.ResponseWriter, r *http.Request, c *caller) error {
	tenant := r.PathValue("tenant")
	var in backend.CreateKeyTypeInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.allow(c, authz.KeyTypeResource(tenant, in.Name)); err != nil {
		return err
	}
	k, created, err := s.svc.CreateKeyType(c.ctx, tenant, in)
	if err != nil {
		return err
	}
	writeJSON(w, createdStatus(created), k)
	return nil
}

// listKeyTypes: GET /v1/tenants/{tenant}/keytypes.
func (s *Server) listKeyTypes(w http.ResponseWriter, r *http.Request, c *caller) error {
	tenant := r.PathValue("tenant")
	if err := s.allow(c, authz.KeyTypeResource(tenant, "*")); err != nil {
		return err
	}
	ks, err := s.svc.ListKeyTypes(c.ctx, tenant)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ks)
	return nil
}

// getKeyType: GET /v1/tenants/{tenant}/keytypes/{name}.
func (s *Server) getKeyType(w http.ResponseWriter, r *http.Request, c *caller) error {
	tenant, name := r.PathValue("tenant"), r.PathValue("name")
	if err := s.allow(c, authz.KeyTypeResource(tenant, name)); err != nil {
		return err
	}
	k, err := s.svc.GetKeyType(c.ctx, tenant, name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, k)
	return nil
}

// updateKeyType: PATCH /v1/tenants/{tenant}/keytypes/{name}.
func (s *Server) updateKeyType(w http.ResponseWriter, r *http.Request, c *caller) error {
	tenant, name := r.PathValue("tenant"), r.PathValue("name")
	var in backend.UpdateKeyTypeInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.allow(c, authz.KeyTypeResource(tenant, name)); err != nil {
		return err
	}
	k, err := s.svc.UpdateKeyType(c.ctx, tenant, name, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, k)
	return nil
}

// deleteKeyType: DELETE /v1/tenants/{tenant}/keytypes/{name}. 204.
func (s *Server) deleteKeyType(w http.ResponseWriter, r *http.Request, c *caller) error {
	tenant, name := r.PathValue("tenant"), r.PathValue("name")
	if err := s.allow(c, authz.KeyTypeResource(tenant, name)); err != nil {
		return err
	}
	if err := s.svc.DeleteKeyType(c.ctx, tenant, name); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
