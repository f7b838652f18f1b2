package service

import (
	"context"
	"time"

	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/store/boltstore"
	"github.com/keyward/keyward/internal/token"
)

// RevokedToken is a token revoked by its id (jti) until it expires.
type RevokedToken = boltstore.RevokedToken

// RevokeToken records that the token with claims is revoked, for the
// server's /oauth/revoke: the caller has verified the token and that the
// client asking may revoke it. The entry (jti and expiry, never the token)
// and a token:revoke audit event on the token's access key, by the
// context's actor, commit in one transaction. It reports whether the token
// was newly revoked: a token already recorded, or expired by the service's
// clock, writes nothing. It does not move Generation: no key, user or
// policy changes.
func (s *Service) RevokeToken(ctx context.Context, claims token.Claims) (bool, error) {
	v := domain.Validation{}
	if claims.ID == "" {
		v.Add("jti", "is missing")
	}
	if claims.Tenant == "" || claims.Subject == "" || claims.ClientID == "" {
		v.Add("token", "names no tenant, service user or access key")
	}
	if err := v.Err(); err != nil {
		return false, err
	}
	exp := claims.ExpiresAt.UTC().Truncate(time.Second)
	if !s.clock().Before(exp) {
		return false, nil
	}
	revoked := false
	err := s.db.Update(func(tx *boltstore.Tx) error {
		var err error
		revoked, err = tx.PutRevokedToken(RevokedToken{ID: claims.ID, ExpiresAt: exp})
		if err != nil || !revoked {
			return err
		}
		return s.auditDetail(ctx, tx, claims.Tenant, "token:revoke",
			authz.KeyResource(claims.Tenant, claims.Subject, claims.ClientID),
			"jti "+claims.ID+", expires "+exp.Format(time.RFC3339))
	})
	if err != nil {
		return false, err
	}
	return revoked, nil
}

// RevokedTokens returns the revoked tokens that have not expired by the
// service's clock, earliest expiry first, for the server to hold in memory.
func (s *Service) RevokedTokens(ctx context.Context) ([]RevokedToken, error) {
	out := []RevokedToken{}
	err := s.view(func(tx *boltstore.Tx) error {
		return tx.ForEachRevokedToken(s.clock(), func(r RevokedToken) error {
			out = append(out, r)
			return nil
		})
	})
	return out, err
}

// PurgeRevokedTokens deletes the revoked tokens that have expired by the
// service's clock (they fail verification anyway) and returns how many. It
// opens a write transaction only when there is something to delete, so
// the server can call it every second. Housekeeping: not audited, and it
// does not move Generation.
func (s *Service) PurgeRevokedTokens(ctx context.Context) (int, error) {
	now := s.clock()
	due := false
	if err := s.view(func(tx *boltstore.Tx) error {
		due = tx.HasExpiredRevokedTokens(now)
		return nil
	}); err != nil || !due {
		return 0, err
	}
	n := 0
	err := s.db.Update(func(tx *boltstore.Tx) error {
		var err error
		n, err = tx.DeleteExpiredRevokedTokens(now)
		return err
	})
	return n, err
}
