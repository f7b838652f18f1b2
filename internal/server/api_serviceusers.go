package server

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
)

// createServiceUser: POST /v1/tenants/{tenant}/serviceusers. 201 with the
// user (and its first key with the secret), or 200 with the existing user
// when ifNotExists found it.
func (s *Server) createServiceUser(w http.ResponseWriter, r *http.Request, c *caller) error {
	tenant := r.PathValue("tenant")
	var in backend.CreateServiceUserInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.allow(c, authz.ServiceUserResource(tenant, in.ID)); err != nil {
		return err
	}
	// Policies and groups given at creation need the rights the attach and
	// add routes need; serviceuser:create alone must not grant a policy.
	for _, p := range in.Policies {
		if err := s.allowAction(c, "policy:attach", authz.PolicyResource(tenant, p)); err != nil {
			return err
		}
	}
	for _, g := range in.Groups {
		if err := s.allowAction(c, "group:add", authz.GroupResource(tenant, g)); err != nil {
			return err
		}
	}
	res, err := s.svc.CreateServiceUser(c.ctx, tenant, in)
	if err != nil {
		return err
	}
	writeJSON(w, createdStatus(res.Created), res)
	return nil
}

// listServiceUsers: GET /v1/tenants/{tenant}/serviceusers?status=&search=.
func (s *Server) listServiceUsers(w http.ResponseWriter, r *http.Request, c *caller) error {
	tenant := r.PathValue("tenant")
	q := r.URL.Query()
	filter := backend.ListServiceUsersFilter{Status: domain.UserStatus(q.Get("status")), Search: q.Get("search")}
	if err := s.allow(c, authz.ServiceUserResource(tenant, "*")); err != nil {
		return err
	}
	users, err := s.svc.ListServiceUsers(c.ctx, tenant, filter)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, users)
	return nil
}

// getServiceUser: GET /v1/tenants/{tenant}/serviceusers/{id}.
func (s *Server) getServiceUser(w http.ResponseWriter, r *http.Request, c *caller) error {
	tenant, id := r.PathValue("tenant"), r.PathValue("id")
	if err := s.allow(c, authz.ServiceUserResource(tenant, id)); err != nil {
		return err
	}
	// The hottest read: served from memory until the next write, or until a
	// key of the user expires (its status is derived from the time).
	key := "serviceuser\x00" + tenant + "\x00" + id
	now, generation := s.now(), s.svc.Generation()
	if body, ok := s.reads.get(key, generation, now); ok {
		writeRawJSON(w, http.StatusOK, body)
		return nil
	}
	u, err := s.svc.GetServiceUser(c.ctx, tenant, id)
	if err != nil {
		return err
	}
	body, err := json.Marshal(u)
	if err != nil {
		return err
	}
	body = append(body, '\n')
	changes := make([]*time.Time, 0, 2*len(u.AccessKeys))
	for _, k := range u.AccessKeys {
		changes = append(changes, k.ExpiresAt, k.RevokeAt)
	}
	s.reads.put(key, cachedRead{generation: generation, validUntil: earliestAfter(now, changes...), body: body})
	writeRawJSON(w, http.StatusOK, body)
	return nil
}

// updateServiceUser: PATCH /v1/tenants/{tenant}/serviceusers/{id}.
func (s *Server) updateServiceUser(w http.ResponseWriter, r *http.Request, c *caller) error {
	tenant, id := r.PathValue("tenant"), r.PathValue("id")
	var in backend.UpdateServiceUserInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.allow(c, authz.ServiceUserResource(tenant, id)); err != nil {
		return err
	}
	u, err := s.svc.UpdateServiceUser(c.ctx, tenant, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

// StatusInput is the body of PUT .../serviceusers/{id}/status.
type StatusInput struct {
	Status domain.UserStatus `json:"status"`
}

// setServiceUserStatus: PUT /v1/tenants/{tenant}/serviceusers/{id}/status
// {"status":"active"|"disabled"}, authorized as serviceuser:enable or
// serviceuser:disable.
func (s *Server) setServiceUserStatus(w http.ResponseWriter, r *http.Request, c *caller) error {
	tenant, id := r.PathValue("tenant"), r.PathValue("id")
	var in StatusInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	// Any other status is refused by the service before it changes anything;
	// it is authorized as the stronger of the two actions.
	if err := s.allowAction(c, statusAction(in.Status), authz.ServiceUserResource(tenant, id)); err != nil {
		return err
	}
	u, err := s.svc.SetServiceUserStatus(c.ctx, tenant, id, in.Status)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

// deleteServiceUser: DELETE /v1/tenants/{tenant}/serviceusers/{id}. 204.
func (s *Server) deleteServiceUser(w http.ResponseWriter, r *http.Request, c *caller) error {
	tenant, id := r.PathValue("tenant"), r.PathValue("id")
	if err := s.allow(c, authz.ServiceUserResource(tenant, id)); err != nil {
		return err
	}
	if err := s.svc.DeleteServiceUser(c.ctx, tenant, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
