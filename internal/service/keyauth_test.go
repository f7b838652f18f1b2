package service_test

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/service"
)

var ctx = context.Background()

// netipAny is the zero address: it passes only empty CIDR allow lists.
var netipAny netip.Addr

// mustDo returns v, or panics (failing the test with a stack) on err. It
// takes no *testing.T so that it can wrap a call returning (T, error).
func mustDo[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func wantUnauthenticated(t *testing.T, err error, contains string) {
	t.Helper()
	if domain.CodeOf(err) != domain.CodeUnauthenticated || !strings.Contains(err.Error(), contains) {
		t.Fatalf("got %v, want unauthenticated %q", err, contains)
	}
}

func TestAuthenticateFollowsWrites(t *testing.T) {
	clock := &testClock{now: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}
	s := newService(t, clock)
	defer s.Close()
	res := mustDo(s.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "bot"}))
	k := res.AccessKey
	ip := netip.MustParseAddr("10.1.2.3")

	auth := mustDo(s.Authenticate(ctx, k.ID, k.Secret, ip))
	if auth.KeyID != k.ID || auth.Tenant != "default" || auth.ServiceUser != "bot" || !auth.ValidUntil.Equal(*k.ExpiresAt) {
		t.Fatalf("auth = %+v", auth)
	}
	// Cached now; every write that matters must show at once.
	mustDo(s.RestrictKey(ctx, "default", k.ID, backend.RestrictKeyInput{Set: &[]string{"192.0.2.0/24"}}))
	_, err := s.Authenticate(ctx, k.ID, k.Secret, ip)
	wantUnauthenticated(t, err, "not in the CIDR allow list of access key")
	mustDo(s.Authenticate(ctx, k.ID, k.Secret, netip.MustParseAddr("::ffff:192.0.2.9")))
	mustDo(s.RestrictKey(ctx, "default", k.ID, backend.RestrictKeyInput{Set: &[]string{}}))

	mustDo(s.UpdateServiceUser(ctx, "default", "bot", backend.UpdateServiceUserInput{CIDRAllowList: &[]string{"172.16.0.0/12"}}))
	_, err = s.Authenticate(ctx, k.ID, k.Secret, ip)
	wantUnauthenticated(t, err, `CIDR allow list of service user "bot"`)
	mustDo(s.UpdateServiceUser(ctx, "default", "bot", backend.UpdateServiceUserInput{CIDRAllowList: &[]string{}}))

	mustDo(s.SetServiceUserStatus(ctx, "default", "bot", domain.UserDisabled))
	auth, err = s.Authenticate(ctx, k.ID, k.Secret, ip)
	wantUnauthenticated(t, err, "disabled")
	if auth.Tenant != "default" {
		t.Fatalf("a denial of a known key names no tenant: %+v", auth)
	}
	mustDo(s.SetServiceUserStatus(ctx, "default", "bot", domain.UserActive))
	mustDo(s.Authenticate(ctx, k.ID, k.Secret, ip))

	mustDo(s.SetKeyStatus(ctx, "default", k.ID, domain.KeyInactive))
	_, err = s.Authenticate(ctx, k.ID, k.Secret, ip)
	wantUnauthenticated(t, err, "inactive")
	mustDo(s.SetKeyStatus(ctx, "default", k.ID, domain.KeyActive))

	// Rotation with grace: both work until revokeAt, then only the successor.
	next := mustDo(s.RotateKey(ctx, "default", k.ID, backend.RotateKeyInput{Grace: "1h"}))
	mustDo(s.Authenticate(ctx, k.ID, k.Secret, ip))
	auth = mustDo(s.Authenticate(ctx, next.ID, next.Secret, ip))
	if !auth.ValidUntil.Equal(*next.ExpiresAt) {
		t.Fatalf("successor valid until %v", auth.ValidUntil)
	}
	old := mustDo(s.Authenticate(ctx, k.ID, k.Secret, ip))
	if !old.ValidUntil.Equal(clock.Now().Add(time.Hour).Truncate(time.Second)) {
		t.Fatalf("old key valid until %v, want the end of its grace", old.ValidUntil)
	}
	clock.Advance(time.Hour)
	_, err = s.Authenticate(ctx, k.ID, k.Secret, ip)
	wantUnauthenticated(t, err, "invalid access key id or secret")
	mustDo(s.Authenticate(ctx, next.ID, next.Secret, ip))

	mustDo(s.RevokeKey(ctx, "default", next.ID))
	_, err = s.Authenticate(ctx, next.ID, next.Secret, ip)
	wantUnauthenticated(t, err, "invalid access key id or secret")
	_, err = s.VerifySecret(ctx, next.Secret, ip)
	wantUnauthenticated(t, err, "unknown secret")
}

func TestAuthenticateExpiryAndDelete(t *testing.T) {
	clock := &testClock{now: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}
	s := newService(t, clock)
	defer s.Close()
	res := mustDo(s.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "bot", Key: &backend.GenerateKeyInput{Expires: "2h"}}))
	k := res.AccessKey
	var any netip.Addr // no address: only lists that are empty pass
	mustDo(s.Authenticate(ctx, k.ID, k.Secret, any))
	clock.Advance(2 * time.Hour)
	_, err := s.Authenticate(ctx, k.ID, k.Secret, any)
	wantUnauthenticated(t, err, "expired at")
	mustDo(s.UpdateKey(ctx, "default", k.ID, backend.UpdateKeyInput{Expires: ptrTo("1d")}))
	mustDo(s.Authenticate(ctx, k.ID, k.Secret, any))
	if err := s.DeleteServiceUser(ctx, "default", "bot"); err != nil {
		t.Fatal(err)
	}
	_, err = s.Authenticate(ctx, k.ID, k.Secret, any)
	wantUnauthenticated(t, err, "invalid access key id or secret")
}

func TestAuthenticateRefusals(t *testing.T) {
	clock := &testClock{now: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}
	s := newService(t, clock)
	defer s.Close()
	a := mustDo(s.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "a"})).AccessKey
	b := mustDo(s.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "b"})).AccessKey
	var ip netip.Addr
	// Another key's id with a valid secret: refused without saying which is wrong.
	_, err := s.Authenticate(ctx, b.ID, a.Secret, ip)
	wantUnauthenticated(t, err, "invalid access key id or secret")
	_, err = s.Authenticate(ctx, "kwk_aaaaaaaaaaaaaaaaaaaa", a.Secret, ip)
	wantUnauthenticated(t, err, "invalid access key id or secret")
	bad := a.Secret[:20] + "x" + a.Secret[21:]
	if bad == a.Secret {
		bad = a.Secret[:20] + "y" + a.Secret[21:]
	}
	_, err = s.Authenticate(ctx, a.ID, bad, ip)
	wantUnauthenticated(t, err, "not a keyward secret: checksum mismatch")
	if strings.Contains(err.Error(), bad[4:]) {
		t.Fatal("error quotes the secret")
	}
	_, err = s.Authenticate(ctx, a.ID, "", ip)
	wantUnauthenticated(t, err, "not a keyward secret")
	// A secret of a database that was never written.
	empty := service.New(openEmpty(t), service.Options{Now: clock.Now})
	defer empty.Close()
	_, err = empty.Authenticate(ctx, a.ID, a.Secret, ip)
	wantUnauthenticated(t, err, "invalid access key id or secret")
}

// TestAuthenticateConcurrentWrites runs authentications against writes that
// flip the key's state; with -race it checks the cache's locking, and the
// final state must be seen by every later authentication.
func TestAuthenticateConcurrentWrites(t *testing.T) {
	clock := &testClock{now: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}
	s := newService(t, clock)
	defer s.Close()
	k := mustDo(s.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "bot"})).AccessKey
	ip := netip.MustParseAddr("10.0.0.1")
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				_, err := s.Authenticate(ctx, k.ID, k.Secret, ip)
				if err != nil && domain.CodeOf(err) != domain.CodeUnauthenticated {
					t.Error(err)
					return
				}
			}
		}()
	}
	for i := range 50 {
		status := []domain.KeyStatus{domain.KeyInactive, domain.KeyActive}[i%2]
		mustDo(s.SetKeyStatus(ctx, "default", k.ID, status))
	}
	mustDo(s.SetKeyStatus(ctx, "default", k.ID, domain.KeyInactive))
	close(stop)
	wg.Wait()
	_, err := s.Authenticate(ctx, k.ID, k.Secret, ip)
	wantUnauthenticated(t, err, "inactive")
}

func TestRecordKeyUse(t *testing.T) {
	clock := &testClock{now: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}
	s := newService(t, clock)
	defer s.Close()
	k := mustDo(s.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "bot"})).AccessKey
	auditBefore := len(mustDo(s.ListAudit(ctx, "default", backend.AuditFilter{})))
	t0 := clock.Now()
	err := s.RecordKeyUse(ctx, []service.KeyUse{
		{KeyID: k.ID, At: t0.Add(time.Minute), IP: netip.MustParseAddr("::ffff:10.0.0.1")},
		{KeyID: k.ID, At: t0.Add(2 * time.Minute), IP: netip.MustParseAddr("10.0.0.2")},
		{KeyID: k.ID, At: t0, IP: netip.MustParseAddr("10.0.0.3")},
		{KeyID: "kwk_aaaaaaaaaaaaaaaaaaaa", At: t0},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := mustDo(s.GetKey(ctx, "default", k.ID))
	if got.LastUsedAt == nil || !got.LastUsedAt.Equal(t0.Add(2*time.Minute)) || got.LastUsedIP == nil || *got.LastUsedIP != "10.0.0.2" {
		t.Fatalf("last use = %v %v", got.LastUsedAt, got.LastUsedIP)
	}
	// An older batch never replaces a newer use.
	if err := s.RecordKeyUse(ctx, []service.KeyUse{{KeyID: k.ID, At: t0, IP: netip.MustParseAddr("10.0.0.9")}}); err != nil {
		t.Fatal(err)
	}
	if got := mustDo(s.GetKey(ctx, "default", k.ID)); *got.LastUsedIP != "10.0.0.2" {
		t.Fatalf("older use replaced the newer: %s", *got.LastUsedIP)
	}
	if n := len(mustDo(s.ListAudit(ctx, "default", backend.AuditFilter{}))); n != auditBefore {
		t.Fatalf("recording uses wrote %d audit events", n-auditBefore)
	}
	// Purge ages keys by their last use.
	clock.Advance(24 * time.Hour)
	if got := mustDo(s.PurgeKeys(ctx, "default", backend.PurgeKeysInput{UnusedFor: "1d", DryRun: true})); len(got) != 0 {
		t.Fatalf("used key counted as unused: %+v", got)
	}
	clock.Advance(time.Hour)
	if got := mustDo(s.PurgeKeys(ctx, "default", backend.PurgeKeysInput{UnusedFor: "1d", DryRun: true})); len(got) != 1 {
		t.Fatalf("unused key not found: %+v", got)
	}
	if !errors.Is(s.RecordKeyUse(ctx, nil), nil) {
		t.Fatal("empty batch failed")
	}
}

func ptrTo[T any](v T) *T { return &v }
