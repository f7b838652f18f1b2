package server

import (
	"context"
	"log/slog"
	"time"

	"github.com/keyward/keyward/internal/token"
)

// reloadSigningKeys loads the signing keys from the database into the key
// set the issuer and verifier share, after a rotation. Tokens handed out
// again under tokenReuse are dropped, so every new answer carries a token
// signed by the new key.
func (s *Server) reloadSigningKeys(ctx context.Context) error {
	keys, err := s.svc.SigningKeys(ctx)
	if err != nil {
		return err
	}
	if err := s.keys.Set(keys...); err != nil {
		return err
	}
	s.signingEpoch.Add(1)
	return nil
}

// pruneSigningKeys drops the retired signing keys whose tokens have all
// expired, from the JWKS and from the database.
func (s *Server) pruneSigningKeys(ctx context.Context, now time.Time) error {
	removed := s.keys.Prune(now, token.MaxTokenTTL)
	if len(removed) == 0 {
		return nil
	}
	if _, err := s.svc.DeleteRetiredSigningKeys(ctx, removed); err != nil {
		s.log.LogAttrs(ctx, slog.LevelError, "delete retired signing keys", slog.Any("kids", removed), slog.String("error", err.Error()))
		return err
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "retired signing keys removed", slog.Any("kids", removed))
	return nil
}
