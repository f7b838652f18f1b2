package server

import (
	"net/http"

	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/backend"
)

// createGroup: POST /v1/tenants/{tenant}/groups. 201, or 200 with the
// existing group when ifNotExists found it. Policies given at creation
// need policy:attach on each, as the attach route: group:create alone must
// not grant a policy to the group's members.
func (s *Server) createGroup(w http.ResponseWriter, r *http.Request, c *caller) error {
	tenant := r.PathValue("tenant")
	var in backend.CreateGroupInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.allow(c, authz.GroupResource(tenant, in.Name)); err != nil {
		return err
	}
	for _, p := range in.Policies {
		if err := s.allowAction(c, "policy:attach", authz.PolicyResource(tenant, p)); err != nil {
			return err
		}
	}
	g, created, err := s.svc.CreateGroup(c.ctx, tenant, in)
	if err != nil {
		return err
	}
	writeJSON(w, createdStatus(created), g)
	return nil
}

// listGroups: GET /v1/tenants/{tenant}/groups.
func (s *Server) listGroups(w http.ResponseWriter, r *http.Request, c *caller) error {
	tenant := r.PathValue("tenant")
	if err := s.allow(c, authz.GroupResource(tenant, "*")); err != nil {
		return err
	}
	gs, err := s.svc.ListGroups(c.ctx, tenant)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, gs)
	return nil
}

// getGroup: GET /v1/tenants/{tenant}/groups/{name}.
func (s *Server) getGroup(w http.ResponseWriter, r *http.Request, c *caller) error {
	tenant, name := r.PathValue("tenant"), r.PathValue("name")
	if err := s.allow(c, authz.GroupResource(tenant, name)); err != nil {
		return err
	}
	g, err := s.svc.GetGroup(c.ctx, tenant, name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, g)
	return nil
}

// updateGroup: PATCH /v1/tenants/{tenant}/groups/{name}.
func (s *Server) updateGroup(w http.ResponseWriter, r *http.Request, c *caller) error {
	tenant, name := r.PathValue("tenant"), r.PathValue("name")
	var in backend.UpdateGroupInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.allow(c, authz.GroupResource(tenant, name)); err != nil {
		return err
	}
	g, err := s.svc.UpdateGroup(c.ctx, tenant, name, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, g)
	return nil
}

// deleteGroup: DELETE /v1/tenants/{tenant}/groups/{name}. 204.
func (s *Server) deleteGroup(w http.ResponseWriter, r *http.Request, c *caller) error {
	tenant, name := r.PathValue("tenant"), r.PathValue("name")
	if err := s.allow(c, authz.GroupResource(tenant, name)); err != nil {
		return err
	}
	if err := s.svc.DeleteGroup(c.ctx, tenant, name); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// MembersInput is the body of POST .../groups/{name}/members.
type MembersInput struct {
	Users []string `json:"users"`
}

// addGroupMembers: POST /v1/tenants/{tenant}/groups/{name}/members
// {"users":[...]}.
func (s *Server) addGroupMembers(w http.ResponseWriter, r *http.Request, c *caller) error {
	tenant, name := r.PathValue("tenant"), r.PathValue("name")
	var in MembersInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.allow(c, authz.GroupResource(tenant, name)); err != nil {
		return err
	}
	g, err := s.svc.AddGroupMembers(c.ctx, tenant, name, in.Users)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, g)
	return nil
}

// removeGroupMembers: DELETE /v1/tenants/{tenant}/groups/{name}/members
// ?user=a&user=b.
func (s *Server) removeGroupMembers(w http.ResponseWriter, r *http.Request, c *caller) error {
	tenant, name := r.PathValue("tenant"), r.PathValue("name")
	users := r.URL.Query()["user"]
	if err := s.allow(c, authz.GroupResource(tenant, name)); err != nil {
		return err
	}
	g, err := s.svc.RemoveGroupMembers(c.ctx, tenant, name, users)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, g)
	return nil
}
