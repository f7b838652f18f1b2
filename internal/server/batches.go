package server

import (
	"context"
	"log/slog"
	"net/netip"
	"sync"
	"time"

	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/service"
)

// maxPendingDenied bounds the denied-request events waiting for a flush; a
// flood beyond it is counted and logged, not stored.
const maxPendingDenied = 10000

// keyUseBatch collects the last use of each key between flushes: a request
// costs a map write, never a database write.
type keyUseBatch struct {
	mu      sync.Mutex
	pending map[string]service.KeyUse
}

func (b *keyUseBatch) record(keyID string, at time.Time, ip netip.Addr) {
	b.mu.Lock()
	if b.pending == nil {
		b.pending = make(map[string]service.KeyUse)
	}
	b.pending[keyID] = service.KeyUse{KeyID: keyID, At: at, IP: ip}
	b.mu.Unlock()
}

func (b *keyUseBatch) take() []service.KeyUse {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.pending) == 0 {
		return nil
	}
	out := make([]service.KeyUse, 0, len(b.pending))
	for _, u := range b.pending {
		out = append(out, u)
	}
	clear(b.pending)
	return out
}

// deniedBatch collects audit events of refused requests between flushes.
type deniedBatch struct {
	mu      sync.Mutex
	pending []domain.AuditEvent
	dropped int
}

func (b *deniedBatch) add(ev domain.AuditEvent) {
	b.mu.Lock()
	if len(b.pending) < maxPendingDenied {
		b.pending = append(b.pending, ev)
	} else {
		b.dropped++
	}
	b.mu.Unlock()
}

func (b *deniedBatch) take() ([]domain.AuditEvent, int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	out, dropped := b.pending, b.dropped
	b.pending, b.dropped = nil, 0
	return out, dropped
}

// denied queues the audit event of a refused token request or API call.
// tenant and user are empty when the key is unknown.
func (s *Server) denied(tenant, user string, ip netip.Addr, action, target, reason string) {
	actor := "anonymous"
	if user != "" {
		actor = "serviceuser:" + tenant + "/" + user
	}
	s.deniedEvents.add(domain.AuditEvent{
		Time: s.now(), Actor: actor, Tenant: tenant, Action: action, Target: target,
		Detail: "from " + ip.String() + ": " + reason,
	})
}

// flush writes the pending batches and removes retired signing keys and
// token revocations whose tokens have all expired.
func (s *Server) flush(ctx context.Context) error {
	var firstErr error
	if uses := s.keyUse.take(); len(uses) > 0 {
		if err := s.svc.RecordKeyUse(ctx, uses); err != nil {
			s.log.LogAttrs(ctx, slog.LevelError, "record key use", slog.Int("keys", len(uses)), slog.String("error", err.Error()))
			firstErr = err
		}
	}
	if err := s.pruneSigningKeys(ctx, s.now()); err != nil && firstErr == nil {
		firstErr = err
	}
	if err := s.pruneRevokedTokens(ctx, s.now()); err != nil && firstErr == nil {
		firstErr = err
	}
	events, dropped := s.deniedEvents.take()
	if dropped > 0 {
		s.log.LogAttrs(ctx, slog.LevelWarn, "denied-request audit events dropped", slog.Int("dropped", dropped))
	}
	if len(events) > 0 {
		if err := s.svc.RecordDenied(ctx, events); err != nil {
			s.log.LogAttrs(ctx, slog.LevelError, "record denied requests", slog.Int("events", len(events)), slog.String("error", err.Error()))
			if firstErr == nil {
				firstErr = err
			}
		}
	}
	return firstErr
}

// flushLoop flushes every interval until stop is closed.
func (s *Server) flushLoop(interval time.Duration, stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			_ = s.flush(context.Background())
			now := s.now()
			s.ipLimits.sweep(now)
			s.keyLimits.sweep(now)
			s.lockouts.sweep(now)
		case <-stop:
			return
		}
	}
}
