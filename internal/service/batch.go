package service

import (
	"github.com/keyward/keyward/internal/store/boltstore"
)

// batchTx is the write transaction a Batch shares between calls, and the
// first error any of them returned.
type batchTx struct {
	tx  *boltstore.Tx
	err error
}

func (b *batchTx) run(fn func(tx *boltstore.Tx) error) error {
	if b.err != nil {
		return b.err
	}
	if err := fn(b.tx); err != nil {
		b.err = err
		return err
	}
	return nil
}

// Batch runs fn with a service whose calls all join one write transaction,
// for bulk loads (benchmark fills, apply): they commit together when fn
// returns nil, or not at all. Every rule and audit event applies as for
// single calls. fn should return the first error it gets. If it goes on
// instead, a call that failed inside the transaction (it may have written
// part of its change) still fails the whole batch, and every later call
// returns that error; a call refused before touching the database (invalid
// input) wrote nothing and leaves the batch as it was. The batch service is
// valid only inside fn, in one goroutine, and must not be closed.
func (s *Service) Batch(fn func(batch *Service) error) error {
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
		inner := *s
		inner.batch = &batchTx{tx: tx}
		err := fn(&inner)
		changes = tx.Changes()
		if err != nil {
			return err
		}
		return inner.batch.err
	})
	// As update does: the authentication cache forgets what the batch touched.
	s.auth.drop(changes)
	if err == nil {
		s.generation.Add(1)
	}
	return err
}
