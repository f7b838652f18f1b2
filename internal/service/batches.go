package service

import (
	"context"
	"time"

	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/store/boltstore"
)

// KeyUse is one observed use of an access key: when and from where.
type KeyUse struct {
	KeyID string
	At    time.Time
	IP    string
}

// RecordKeyUses stores the last use of each key in one transaction, for the
// server's batches (never a write per request). Keys deleted meanwhile are
// skipped, and a use older than the one stored does not replace it. It is
// not audited. Like every write it moves Generation (lastUsedAt shows in
// reads a server may cache).
func (s *Service) RecordKeyUses(ctx context.Context, uses []KeyUse) error {
	if len(uses) == 0 {
		return nil
	}
	return s.update(func(tx *boltstore.Tx) error {
		for _, u := range uses {
			k, ok, err := tx.Key(u.KeyID)
			if err != nil {
				return err
			}
			at := u.At.UTC().Truncate(time.Second)
			if !ok || (k.LastUsedAt != nil && k.LastUsedAt.After(at)) {
				continue
			}
			ip := u.IP
			k.LastUsedAt, k.LastUsedIP = &at, &ip
			if err := tx.PutKey(k); err != nil {
				return err
			}
		}
		return nil
	})
}

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
