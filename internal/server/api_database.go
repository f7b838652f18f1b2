package server

import (
	"net/http"
	"time"

	"github.com/keyward/keyward/internal/authz"
)

// backupDatabase: GET /v1/db/backup. The consistent copy of the database,
// streamed as application/octet-stream (db:backup on kw:system:db: a system
// Administrator). It holds the pepper and the signing keys.
//
// The copy is streamed, not held in memory. An error before the first byte
// is an ordinary error answer; one after it aborts the connection, so the
// client sees a failed download rather than a short file with status 200.
func (s *Server) backupDatabase(w http.ResponseWriter, r *http.Request, c *caller) error {
	if err := s.allow(c, authz.DatabaseResource()); err != nil {
		return err
	}
	// A large database takes longer than the server's write timeout.
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(backupWriteTimeout))
	out := &lazyDownload{w: w}
	if _, err := s.svc.Backup(c.ctx, out); err != nil {
		if !out.started {
			return err
		}
		s.log.Error("database backup failed while streaming", "error", err.Error())
		panic(http.ErrAbortHandler)
	}
	if !out.started {
		out.start()
	}
	return nil
}

// backupWriteTimeout bounds the download of a backup.
const backupWriteTimeout = 30 * time.Minute

// lazyDownload sends the download headers with the first byte.
type lazyDownload struct {
	w       http.ResponseWriter
	started bool
}

func (d *lazyDownload) start() {
	h := d.w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Disposition", `attachment; filename="keyward.db"`)
	d.w.WriteHeader(http.StatusOK)
	d.started = true
}

func (d *lazyDownload) Write(p []byte) (int, error) {
	if !d.started {
		d.start()
	}
	return d.w.Write(p)
}
