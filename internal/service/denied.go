package service

import (
	"context"
	"time"

	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/store/boltstore"
)

// RecordDenied appends audit events of refused requests (failed
// authentication or authorization) in one transaction, for the server's
// batches: they are written after the request was answered, never on its
// path. Each event's outcome is set to denied. It does not move Generation.
func (s *Service) RecordDenied(ctx context.Context, events []domain.AuditEvent) error {
	if len(events) == 0 {
		return nil
	}
	return s.db.Update(func(tx *boltstore.Tx) error {
		for i := range events {
			ev := events[i]
			ev.Outcome = domain.OutcomeDenied
			ev.Time = ev.Time.UTC().Truncate(time.Second)
			if ev.Tenant == "" {
				ev.Tenant = domain.SystemTenant
			}
			if err := tx.AppendAudit(&ev); err != nil {
				return err
			}
		}
		return nil
	})
}
