package server

import (
	"net/http"

	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/backend"
)

// listAudit: GET /v1/tenants/{tenant}/audit?since=&action=&target=&limit=.
func (s *Server) listAudit(w http.ResponseWriter, r *http.Request, c *caller) error {
	tenant := r.PathValue("tenant")
	q := r.URL.Query()
	filter := backend.AuditFilter{Action: q.Get("action"), Target: q.Get("target")}
	var err error
	if filter.Since, err = queryTime(r, "since"); err != nil {
		return err
	}
	if filter.Limit, err = queryInt(r, "limit"); err != nil {
		return err
	}
	if err := s.allow(c, authz.AuditResource(tenant)); err != nil {
		return err
	}
	events, err := s.svc.ListAudit(c.ctx, tenant, filter)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, events)
	return nil
}
