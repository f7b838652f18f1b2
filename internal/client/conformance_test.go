package client_test

import (
	"sync"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/backend/backendtest"
	"github.com/keyward/keyward/internal/client"
	"github.com/keyward/keyward/internal/server/servertest"
)

// testClock is the one clock of the service and the server under test.
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

// TestConformance runs the backend conformance suite against the remote
// client talking to a real server, as a system Administrator: local and
// remote must behave the same, errors included.
func TestConformance(t *testing.T) {
	clock := &testClock{now: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}
	backendtest.Run(t, backendtest.Harness{
		New: func(t *testing.T) backend.Backend {
			env := servertest.Start(t, servertest.Options{Now: clock.Now})
			c, err := client.New(client.Options{Server: env.URL, AccessKeyID: env.AdminKeyID, Secret: env.AdminSecret})
			if err != nil {
				t.Fatal(err)
			}
			return c
		},
		Advance: clock.Advance,
	})
}
