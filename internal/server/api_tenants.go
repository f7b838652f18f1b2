package server

import (
	"net/http"

	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
)

// createTenant: POST /v1/tenants. 201 with the new tenant, or 200 with the
// existing one when ifNotExists found it.
func (s *Server) createTenant(w http.ResponseWriter, r *http.Request, c *caller) error {
	var in backend.CreateTenantInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.allow(c, authz.TenantResource(in.ID)); err != nil {
		return err
	}
	t, created, err := s.svc.CreateTenant(c.ctx, in)
	if err != nil {
		return err
	}
	writeJSON(w, createdStatus(created), t)
	return nil
}

// listTenants: GET /v1/tenants. The tenants the caller may read: its own,
// or every tenant for a system Administrator.
func (s *Server) listTenants(w http.ResponseWriter, r *http.Request, c *caller) error {
	if err := s.allow(c, authz.TenantResource(c.cred.tenant)); err != nil {
		return err
	}
	all, err := s.svc.ListTenants(c.ctx)
	if err != nil {
		return err
	}
	visible := make([]domain.Tenant, 0, len(all))
	for _, t := range all {
		if s.authorize(c.ctx, c, "tenant:read", authz.TenantResource(t.ID)) == nil {
			visible = append(visible, t)
		}
	}
	writeJSON(w, http.StatusOK, visible)
	return nil
}

// getTenant: GET /v1/tenants/{tenant}.
func (s *Server) getTenant(w http.ResponseWriter, r *http.Request, c *caller) error {
	id := r.PathValue("tenant")
	if err := s.allow(c, authz.TenantResource(id)); err != nil {
		return err
	}
	t, err := s.svc.GetTenant(c.ctx, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

// updateTenant: PATCH /v1/tenants/{tenant}.
func (s *Server) updateTenant(w http.ResponseWriter, r *http.Request, c *caller) error {
	id := r.PathValue("tenant")
	var in backend.UpdateTenantInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.allow(c, authz.TenantResource(id)); err != nil {
		return err
	}
	t, err := s.svc.UpdateTenant(c.ctx, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

// deleteTenant: DELETE /v1/tenants/{tenant}?force=true. 204.
func (s *Server) deleteTenant(w http.ResponseWriter, r *http.Request, c *caller) error {
	id := r.PathValue("tenant")
	force, err := queryBool(r, "force")
	if err != nil {
		return err
	}
	if err := s.allow(c, authz.TenantResource(id)); err != nil {
		return err
	}
	if err := s.svc.DeleteTenant(c.ctx, id, backend.DeleteTenantOptions{Force: force}); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// createdStatus is 201 for a created object, 200 for an existing one
// returned by ifNotExists.
func createdStatus(created bool) int {
	if created {
		return http.StatusCreated
	}
	return http.StatusOK
}
