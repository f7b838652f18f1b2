package service_test

import (
	"fmt"
	"net/netip"
	"path/filepath"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/secret"
	"github.com/keyward/keyward/internal/service"
	"github.com/keyward/keyward/internal/store/boltstore"
)

// benchKeys is the size of the database the verify benchmarks run on.
const benchKeys = 100_000

// filledService returns a service over a database holding n keys (two per
// service user, some with CIDR lists), written in bulk through the store,
// and the ids and secrets of the keys.
func filledService(b *testing.B, n int) (*service.Service, []string, []string) {
	b.Helper()
	clock := &testClock{now: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}
	path := filepath.Join(b.TempDir(), "keyward.db")
	db, err := boltstore.Open(path, boltstore.Options{})
	if err != nil {
		b.Fatal(err)
	}
	s := service.New(db, service.Options{Now: clock.Now, Actor: "local:bench"})
	mustDo(s.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "init", NoKey: true}))
	var pepper []byte
	db.View(func(tx *boltstore.Tx) error { pepper = tx.Pepper(); return nil })
	hasher, err := secret.NewHasher(pepper)
	if err != nil {
		b.Fatal(err)
	}
	now := clock.Now()
	expires := now.Add(90 * domain.Day)
	ids, secrets := make([]string, n), make([]string, n)
	const batch = 10_000
	for start := 0; start < n; start += batch {
		err := db.Update(func(tx *boltstore.Tx) error {
			for i := start; i < min(start+batch, n); i++ {
				user := fmt.Sprintf("user-%06d", i/2)
				if i%2 == 0 {
					u := domain.ServiceUser{ID: user, Tenant: "default", DisplayName: user, Status: domain.UserActive, CreatedAt: now, UpdatedAt: now}
					if i%10 == 0 {
						u.CIDRAllowList = []string{"10.0.0.0/8"}
					}
					if err := tx.PutUser(u); err != nil {
						return err
					}
				}
				id, err := secret.NewKeyID()
				if err != nil {
					return err
				}
				sec, err := secret.NewSecret()
				if err != nil {
					return err
				}
				hash := hasher.Hash(sec)
				k := boltstore.KeyRecord{AccessKey: domain.AccessKey{
					ID: id, Tenant: "default", ServiceUser: user, Name: fmt.Sprintf("key-%d", i%2+1),
					Status: domain.KeyActive, Hint: secret.Hint(sec), ExpiresAt: &expires, CIDRAllowList: []string{},
					CreatedAt: now, CreatedBy: "local:bench",
				}, SecretHash: hash[:]}
				if i%3 == 0 {
					k.CIDRAllowList = []string{"10.1.0.0/16", "192.0.2.0/24", "2001:db8::/32"}
				}
				if err := tx.PutKey(k); err != nil {
					return err
				}
				ids[i], secrets[i] = id, sec
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.Cleanup(func() { s.Close() })
	return s, ids, secrets
}

// BenchmarkAuthenticate is the token endpoint's verify path on a database
// of 100,000 keys: parse and checksum, HMAC-SHA256, index lookup (the
// in-memory cache, warmed by one pass over every key) and the state checks
// (status, expiry, grace, user enabled, both CIDR lists). Run on one core:
//
//	go test -run '^$' -bench 'Authenticate|VerifyKey' -cpu 1 ./internal/service
func BenchmarkAuthenticate(b *testing.B) {
	s, ids, secrets := filledService(b, benchKeys)
	ip := netip.MustParseAddr("10.1.2.3")
	for i := range ids { // warm the cache: the steady state of a server
		if _, err := s.Authenticate(ctx, ids[i], secrets[i], ip); err != nil {
			b.Fatal(err)
		}
	}
	i := 0
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		j := i % len(ids)
		if _, err := s.Authenticate(ctx, ids[j], secrets[j], ip); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "verifications/s")
}

// BenchmarkAuthenticateCold is the first authentication of each key after
// start: the cache misses and reads the key and its user from the database.
func BenchmarkAuthenticateCold(b *testing.B) {
	s, ids, secrets := filledService(b, benchKeys)
	ip := netip.MustParseAddr("10.1.2.3")
	i := 0
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if i == len(ids) {
			b.StopTimer()
			s, ids, secrets = filledService(b, benchKeys)
			i = 0
			b.StartTimer()
		}
		if _, err := s.Authenticate(ctx, ids[i], secrets[i], ip); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "verifications/s")
}

// BenchmarkVerifyKey is `key verify`: the same checks from the database,
// every time, with the full report.
func BenchmarkVerifyKey(b *testing.B) {
	s, ids, secrets := filledService(b, benchKeys)
	i := 0
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.VerifyKey(ctx, backend.VerifyKeyInput{Secret: secrets[i%len(ids)], IP: "10.1.2.3"}); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "verifications/s")
}

// BenchmarkGenerateKey is `key generate` through the service: id, secret,
// hash, the tenant's rules and one committed (fsynced) transaction each.
//
//	go test -run '^$' -bench GenerateKey -cpu 1 ./internal/service
func BenchmarkGenerateKey(b *testing.B) {
	clock := &testClock{now: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}
	s := newService(b, clock)
	defer s.Close()
	max := domain.MaxActiveKeys
	mustDo(s.UpdateTenant(ctx, "default", backend.UpdateTenantInput{Settings: domain.TenantSettingsPatch{MaxActiveKeysPerUser: &max}}))
	i := 0
	user := ""
	b.ResetTimer()
	for b.Loop() {
		if i%max == 0 {
			b.StopTimer()
			user = fmt.Sprintf("user-%d", i/max)
			mustDo(s.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: user, NoKey: true}))
			b.StartTimer()
		}
		if _, err := s.GenerateKey(ctx, "default", user, backend.GenerateKeyInput{}); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "keys/s")
}
