// Package service is keyward's local backend: every rule (validation,
// limits, expiry, uniqueness) and the audit log, over the bbolt store. The
// CLI calls it directly for a local database; the server calls it after
// authenticating and authorizing a remote caller. Rules live here only, so
// both paths enforce them identically.
package service

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/secret"
	"github.com/keyward/keyward/internal/store/boltstore"
)

// Options configure a Service.
type Options struct {
	// Now is the clock; tests inject one. Default time.Now.
	Now func() time.Time
	// Actor names who acts when the context carries no actor (the local
	// CLI: "local:<os user>").
	Actor string
}

// Service implements backend.Backend over a bbolt database. It must be the
// only writer of that database while it is open (bbolt's file lock makes
// it so), because it caches authentication state (see authCache).
type Service struct {
	db    *boltstore.DB
	now   func() time.Time
	actor string
	// authz caches compiled policies and principals (authzstate.go); a
	// Batch shares its parent's.
	authz *authzCache
	// batch, when set, is the one write transaction every call joins (Batch).
	batch *batchTx
	// generation counts committed writes (see Generation); shared with the
	// batch copies of the service.
	generation *atomic.Uint64

	// hashers and auth are shared by a Batch's service and its parent.
	hashers *hasherCache
	auth    *authCache
}

var _ backend.Backend = (*Service)(nil)

// New returns a service over db. The service owns db: Close closes it.
func New(db *boltstore.DB, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Actor == "" {
		opts.Actor = "local:unknown"
	}
	return &Service{db: db, now: opts.Now, actor: opts.Actor, authz: &authzCache{}, generation: new(atomic.Uint64), hashers: &hasherCache{}, auth: newAuthCache()}
}

// Close closes the database.
func (s *Service) Close() error { return s.db.Close() }

// DB returns the underlying store (backup, check, info).
func (s *Service) DB() *boltstore.DB { return s.db }

type actorKey struct{}

// WithActor returns a context whose mutations are audited as actor (the
// server sets the authenticated service user).
func WithActor(ctx context.Context, actor string) context.Context {
	return context.WithValue(ctx, actorKey{}, actor)
}

func (s *Service) actorOf(ctx context.Context) string {
	if a, ok := ctx.Value(actorKey{}).(string); ok && a != "" {
		return a
	}
	return s.actor
}

// clock returns the current time in UTC, to the second: what keyward stores
// and prints.
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Second) }

// view runs fn in a read transaction.
func (s *Service) view(fn func(tx *boltstore.Tx) error) error {
	if s.batch != nil {
		return s.batch.run(fn)
	}
	return s.db.View(fn)
}

// update runs fn in a write transaction after making sure the database is
// initialised and deleting rotated keys whose grace period is over; fn's
// writes and audit events commit together or not at all. Afterwards the
// authentication cache forgets whatever the transaction touched.
func (s *Service) update(fn func(tx *boltstore.Tx) error) error {
	if s.batch != nil {
		return s.batch.run(fn) // Batch counts the generation when it commits
	}
	var changes *boltstore.Changes
	err := s.db.Update(func(tx *boltstore.Tx) error {
		if !tx.Initialized() {
			if err := s.bootstrap(tx); err != nil {
				return err
			}
		}
		if err := s.deleteDueRevocations(tx); err != nil {
			return err
		}
		err := fn(tx)
		changes = tx.Changes()
		return err
	})
	s.auth.drop(changes)
	if err == nil {
		s.generation.Add(1)
	}
	return err
}

// Generation counts the writes this Service has committed. A server that
// keeps state read from the database in memory (keys, users, policies)
// remembers the generation it read them at and reads them again once it has
// moved: every write goes through this process while it holds the file.
func (s *Service) Generation() uint64 { return s.generation.Load() }

// bootstrap fills a fresh database: the default and system tenants and the
// pepper of secret hashes.
func (s *Service) bootstrap(tx *boltstore.Tx) error {
	pepper, err := secret.NewPepper()
	if err != nil {
		return err
	}
	if err := tx.SetPepper(pepper); err != nil {
		return err
	}
	now := s.clock()
	for _, id := range []string{domain.DefaultTenant, domain.SystemTenant} {
		if err := tx.PutTenant(domain.Tenant{ID: id, Name: id, Settings: domain.DefaultSettings(), CreatedAt: now, UpdatedAt: now}); err != nil {
			return err
		}
	}
	for _, hook := range bootstrapHooks {
		if err := hook(s, tx); err != nil {
			return err
		}
	}
	return nil
}

// bootstrapHooks add what other parts of the service need in a fresh
// database (the token signing key); each registers itself in its own file.
var bootstrapHooks []func(*Service, *boltstore.Tx) error

// audit records a successful mutation in tx.
func (s *Service) audit(ctx context.Context, tx *boltstore.Tx, tenant, action, target string) error {
	return s.auditDetail(ctx, tx, tenant, action, target, "")
}

// auditDetail is audit with a short, secret-free detail, e.g. the user a
// policy was attached to.
func (s *Service) auditDetail(ctx context.Context, tx *boltstore.Tx, tenant, action, target, detail string) error {
	return tx.AppendAudit(&domain.AuditEvent{
		Time: s.clock(), Actor: s.actorOf(ctx), Tenant: tenant, Action: action, Target: target,
		Outcome: domain.OutcomeSuccess, Detail: detail,
	})
}
