package service

import (
	"context"
	"strings"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/store/boltstore"
)

// ListAudit implements backend.Audit.
func (s *Service) ListAudit(ctx context.Context, tenant string, f backend.AuditFilter) ([]domain.AuditEvent, error) {
	if f.Limit < 0 {
		return nil, domain.Invalid("limit", "must not be negative")
	}
	out := []domain.AuditEvent{}
	err := s.view(func(tx *boltstore.Tx) error {
		if !tx.Initialized() {
			return nil
		}
		if _, err := requireTenant(tx, tenant); err != nil {
			return err
		}
		return tx.ForEachAuditReverse(func(ev domain.AuditEvent) (bool, error) {
			if !f.Since.IsZero() && ev.Time.Before(f.Since) {
				return false, nil
			}
			if ev.Tenant == tenant && matchPattern(f.Action, ev.Action) && matchPattern(f.Target, ev.Target) {
				out = append(out, ev)
			}
			return f.Limit == 0 || len(out) < f.Limit, nil
		})
	})
	return out, err
}

// matchPattern matches exactly, or by prefix when pattern ends in "*"; an
// empty pattern matches everything.
func matchPattern(pattern, s string) bool {
	if pattern == "" {
		return true
	}
	if p, ok := strings.CutSuffix(pattern, "*"); ok {
		return strings.HasPrefix(s, p)
	}
	return pattern == s
}
