package server

import (
	"net/http"
	"strconv"

	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/backend"
)

// changedHeader tells a client whether an idempotent change (attach,
// detach, add or remove an owner) changed anything: "true" or "false".
const changedHeader = "Keyward-Changed"

func writeChanged(w http.ResponseWriter, changed bool, v any) {
	w.Header().Set(changedHeader, strconv.FormatBool(changed))
	writeJSON(w, http.StatusOK, v)
}

// createPolicy: POST /v1/tenants/{tenant}/policies. 201, or 200 with the
// existing policy when ifNotExists found it.
func (s *Server) createPolicy(w http.ResponseWriter, r *http.Request, c *caller) error {
	tenant := r.PathValue("tenant")
	var in backend.CreatePolicyInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.allow(c, authz.PolicyResource(tenant, in.Name)); err != nil {
		return err
	}
	p, created, err := s.svc.CreatePolicy(c.ctx, tenant, in)
	if err != nil {
		return err
	}
	writeJSON(w, createdStatus(created), p)
	return nil
}

// listPolicies: GET /v1/tenants/{tenant}/policies.
func (s *Server) listPolicies(w http.ResponseWriter, r *http.Request, c *caller) error {
	tenant := r.PathValue("tenant")
	if err := s.allow(c, authz.PolicyResource(tenant, "*")); err != nil {
		return err
	}
	ps, err := s.svc.ListPolicies(c.ctx, tenant)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ps)
	return nil
}

// getPolicy: GET /v1/tenants/{tenant}/policies/{name}.
func (s *Server) getPolicy(w http.ResponseWriter, r *http.Request, c *caller) error {
	tenant, name := r.PathValue("tenant"), r.PathValue("name")
	if err := s.allow(c, authz.PolicyResource(tenant, name)); err != nil {
		return err
	}
	p, err := s.svc.GetPolicy(c.ctx, tenant, name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

// updatePolicy: PATCH /v1/tenants/{tenant}/policies/{name}. A rename needs
// policy:update on the new name too.
func (s *Server) updatePolicy(w http.ResponseWriter, r *http.Request, c *caller) error {
	tenant, name := r.PathValue("tenant"), r.PathValue("name")
	var in backend.UpdatePolicyInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.allow(c, authz.PolicyResource(tenant, name)); err != nil {
		return err
	}
	if in.Name != nil && *in.Name != name {
		if err := s.allow(c, authz.PolicyResource(tenant, *in.Name)); err != nil {
			return err
		}
	}
	p, err := s.svc.UpdatePolicy(c.ctx, tenant, name, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

// deletePolicy: DELETE /v1/tenants/{tenant}/policies/{name}?force=true. 204.
func (s *Server) deletePolicy(w http.ResponseWriter, r *http.Request, c *caller) error {
	tenant, name := r.PathValue("tenant"), r.PathValue("name")
	force, err := queryBool(r, "force")
	if err != nil {
		return err
	}
	if err := s.allow(c, authz.PolicyResource(tenant, name)); err != nil {
		return err
	}
	if err := s.svc.DeletePolicy(c.ctx, tenant, name, backend.DeletePolicyOptions{Force: force}); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// attachPolicy: POST /v1/tenants/{tenant}/policies/{name}/attachments
// {"user"|"group"}. 200 with the policy; Keyward-Changed says whether it
// was attached now.
func (s *Server) attachPolicy(w http.ResponseWriter, r *http.Request, c *caller) error {
	tenant, name := r.PathValue("tenant"), r.PathValue("name")
	var to backend.PolicyTarget
	if err := decodeJSON(r, &to); err != nil {
		return err
	}
	if err := s.allow(c, authz.PolicyResource(tenant, name)); err != nil {
		return err
	}
	p, changed, err := s.svc.AttachPolicy(c.ctx, tenant, name, to)
	if err != nil {
		return err
	}
	writeChanged(w, changed, p)
	return nil
}

// detachPolicy: DELETE /v1/tenants/{tenant}/policies/{name}/attachments
// ?user=ID or ?group=NAME. 200 with the policy; Keyward-Changed says
// whether it was detached now.
func (s *Server) detachPolicy(w http.ResponseWriter, r *http.Request, c *caller) error {
	tenant, name := r.PathValue("tenant"), r.PathValue("name")
	q := r.URL.Query()
	from := backend.PolicyTarget{User: q.Get("user"), Group: q.Get("group")}
	if err := s.allow(c, authz.PolicyResource(tenant, name)); err != nil {
		return err
	}
	p, changed, err := s.svc.DetachPolicy(c.ctx, tenant, name, from)
	if err != nil {
		return err
	}
	writeChanged(w, changed, p)
	return nil
}

// checkPolicy: POST /v1/tenants/{tenant}/policies/check. A denial is a
// result (200), as locally.
func (s *Server) checkPolicy(w http.ResponseWriter, r *http.Request, c *caller) error {
	tenant := r.PathValue("tenant")
	var in backend.CheckPolicyInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.allow(c, authz.ServiceUserResource(tenant, in.User)); err != nil {
		return err
	}
	res, err := s.svc.CheckPolicy(c.ctx, tenant, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}
