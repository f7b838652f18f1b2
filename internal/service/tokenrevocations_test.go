package service_test

import (
	"context"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/service"
	"github.com/keyward/keyward/internal/token"
)

// A revoked token is stored with its expiry and audited once, by the
// context's actor on the token's key; an expired or already revoked token
// writes nothing; expired entries are purged by the clock.
func TestRevokeToken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := &testClock{now: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}
	s := newService(t, clock)
	defer s.Close()
	claims := token.Claims{
		ID: "jti-1", Subject: "ci-bot", Tenant: "default", ClientID: "kwk_aaaaaaaaaaaaaaaaaaaa",
		ExpiresAt: clock.Now().Add(time.Hour),
	}
	actorCtx := service.WithActor(ctx, service.ServiceUserActor("default", "ci-bot"))
	gen := s.Generation()
	if revoked, err := s.RevokeToken(actorCtx, claims); err != nil || !revoked {
		t.Fatalf("RevokeToken = %v, %v", revoked, err)
	}
	if revoked, err := s.RevokeToken(actorCtx, claims); err != nil || revoked {
		t.Fatalf("RevokeToken again = %v, %v", revoked, err)
	}
	expired := claims
	expired.ID, expired.ExpiresAt = "jti-expired", clock.Now()
	if revoked, err := s.RevokeToken(actorCtx, expired); err != nil || revoked {
		t.Fatalf("RevokeToken of an expired token = %v, %v", revoked, err)
	}
	if _, err := s.RevokeToken(actorCtx, token.Claims{ExpiresAt: claims.ExpiresAt}); domain.CodeOf(err) != domain.CodeInvalid {
		t.Fatalf("RevokeToken without a jti: %v", err)
	}
	if s.Generation() != gen {
		t.Error("RevokeToken moved the generation")
	}
	events, err := s.ListAudit(ctx, "default", backend.AuditFilter{Action: "token:revoke"})
	if err != nil {
		t.Fatal(err)
	}
	want := domain.AuditEvent{
		Time: clock.Now(), Actor: "serviceuser:default/ci-bot", Tenant: "default", Action: "token:revoke",
		Target:  authz.KeyResource("default", "ci-bot", claims.ClientID),
		Outcome: domain.OutcomeSuccess, Detail: "jti jti-1, expires 2026-11-23T13:00:00Z",
	}
	if len(events) != 1 || events[0].Time != want.Time || events[0].Actor != want.Actor || events[0].Target != want.Target ||
		events[0].Outcome != want.Outcome || events[0].Detail != want.Detail || events[0].Tenant != want.Tenant {
		t.Fatalf("audit = %+v, want %+v", events, want)
	}

	list := func() []service.RevokedToken {
		t.Helper()
		got, err := s.RevokedTokens(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := list(); len(got) != 1 || got[0].ID != "jti-1" || !got[0].ExpiresAt.Equal(claims.ExpiresAt) {
		t.Fatalf("RevokedTokens = %+v", got)
	}
	if n, err := s.PurgeRevokedTokens(ctx); err != nil || n != 0 {
		t.Fatalf("purge before expiry = %d, %v", n, err)
	}
	clock.Advance(time.Hour)
	if got := list(); len(got) != 0 {
		t.Fatalf("RevokedTokens after expiry = %+v", got)
	}
	if n, err := s.PurgeRevokedTokens(ctx); err != nil || n != 1 {
		t.Fatalf("purge after expiry = %d, %v", n, err)
	}
	if n, err := s.PurgeRevokedTokens(ctx); err != nil || n != 0 {
		t.Fatalf("purge again = %d, %v", n, err)
	}
	if problems, err := s.DB().Check(); err != nil || len(problems) != 0 {
		t.Fatalf("check: %+v, %v", problems, err)
	}
}
