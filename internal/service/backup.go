package service

import (
	"context"
	"io"

	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/store/boltstore"
)

// Backup implements backend.Database: a copy of the file taken in one read
// transaction, so writers and other readers carry on meanwhile.
func (s *Service) Backup(ctx context.Context, w io.Writer) (int64, error) {
	var n int64
	err := s.view(func(tx *boltstore.Tx) error {
		if !tx.Initialized() {
			return domain.NotFound("database %s has never been written to; there is nothing to back up", s.db.Path())
		}
		var err error
		n, err = tx.Bolt().WriteTo(&ctxWriter{ctx: ctx, w: w})
		return err
	})
	return n, err
}

// ctxWriter stops a long copy when ctx is cancelled.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c *ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}
