package service_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/backend/backendtest"
	"github.com/keyward/keyward/internal/service"
	"github.com/keyward/keyward/internal/store/boltstore"
)

// testClock is a clock tests move by hand.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// newService returns a service over a fresh, initialised database file.
func newService(t testing.TB, clock *testClock) *service.Service {
	t.Helper()
	db, err := boltstore.Open(filepath.Join(t.TempDir(), "keyward.db"), boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := service.New(db, service.Options{Now: clock.Now, Actor: "local:test"})
	// The first write initialises the database (default and system tenants).
	if _, _, err := s.CreateTenant(context.Background(), backend.CreateTenantInput{ID: "default", IfNotExists: true}); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	clock := &testClock{now: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}
	backendtest.Run(t, backendtest.Harness{
		New:     func(t *testing.T) backend.Backend { return newService(t, clock) },
		Advance: clock.Advance,
	})
}

// openEmpty opens a fresh database file that nothing has written to.
func openEmpty(t testing.TB) *boltstore.DB {
	t.Helper()
	db, err := boltstore.Open(filepath.Join(t.TempDir(), "empty.db"), boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return db
}
