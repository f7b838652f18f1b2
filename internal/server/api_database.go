package server

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/keyward/keyward/internal/authz"
)

// backupDatabase: GET /v1/db/backup. The consistent copy of the database,
// as application/octet-stream (db:backup on kw:system:db: a system
// Administrator). It holds the pepper and the signing keys.
func (s *Server) backupDatabase(w http.ResponseWriter, r *http.Request, c *caller) error {
	if err := s.allow(c, authz.DatabaseResource()); err != nil {
		return err
	}
	// Buffered so that a failure is an error answer, not a truncated file
	// with status 200.
	var buf bytes.Buffer
	if _, err := s.svc.Backup(c.ctx, &buf); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Disposition", `attachment; filename="keyward.db"`)
	w.WriteHeader(http.StatusOK)
	_, _ = buf.WriteTo(w)
	return nil
}
