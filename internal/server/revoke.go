package server

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/keyward/keyward/internal/service"
	"github.com/keyward/keyward/internal/token"
)

// handleRevoke serves POST /oauth/revoke (RFC 7009): an authenticated client
// revokes one of its own tokens; the token stops working on the next
// request, and after a restart (the revocation is stored and audited
// before the answer). An unknown, malformed or expired token is answered
// 200 like a revoked one, as §2.2 requires, and writes nothing; a token
// issued to another key is refused. A revocation that cannot be stored is
// 503 (§2.2.1: the client must assume the token is still valid and retry).
func (s *Server) handleRevoke(w http.ResponseWriter, r *http.Request) {
	s.serveOAuth(w, r, func(w http.ResponseWriter, r *http.Request) error {
		if err := parseOAuthForm(r); err != nil {
			return err
		}
		raw := r.PostForm.Get("token")
		if raw == "" {
			return &oauthError{status: http.StatusBadRequest, code: "invalid_request", description: "token is missing"}
		}
		cred, _, err := s.authenticateClient(w, r, s.clientIP(r), "token:revoke")
		if err != nil {
			return err
		}
		claims, err := s.verifier.Verify(raw)
		if err == nil {
			if claims.ClientID != cred.keyID {
				return &oauthError{status: http.StatusBadRequest, code: "unauthorized_client",
					description: "the token was not issued to this access key"}
			}
			if err := s.revokeToken(service.WithActor(r.Context(), cred.actor), claims); err != nil {
				s.log.LogAttrs(r.Context(), slog.LevelError, "store token revocation", slog.String("key", cred.keyID), slog.String("error", err.Error()))
				return &oauthError{status: http.StatusServiceUnavailable, code: "temporarily_unavailable",
					description: "the revocation could not be stored; retry later"}
			}
		}
		w.Header()["Cache-Control"] = noStore
		w.WriteHeader(http.StatusOK)
		return nil
	})
}

// revokeToken stores the revocation of a verified token, then holds its id
// in memory until it expires. A token already held is not stored again.
func (s *Server) revokeToken(ctx context.Context, claims token.Claims) error {
	if s.revoked.has(claims.ID) {
		return nil
	}
	if _, err := s.svc.RevokeToken(ctx, claims); err != nil {
		return err
	}
	s.revoked.add(claims.ID, claims.ExpiresAt)
	return nil
}

// loadRevokedTokens deletes the stored revocations of expired tokens and
// holds the others in memory: a restart does not make a revoked token
// valid again.
func (s *Server) loadRevokedTokens(ctx context.Context) error {
	if _, err := s.svc.PurgeRevokedTokens(ctx); err != nil {
		return err
	}
	stored, err := s.svc.RevokedTokens(ctx)
	if err != nil {
		return err
	}
	for _, r := range stored {
		s.revoked.add(r.ID, r.ExpiresAt)
	}
	return nil
}

// pruneRevokedTokens forgets, in memory and in the database, the revoked
// tokens that have expired by now: they fail verification anyway.
func (s *Server) pruneRevokedTokens(ctx context.Context, now time.Time) error {
	s.revoked.prune(now)
	if _, err := s.svc.PurgeRevokedTokens(ctx); err != nil {
		s.log.LogAttrs(ctx, slog.LevelError, "purge expired token revocations", slog.String("error", err.Error()))
		return err
	}
	return nil
}
