package credentials

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/credentials/credentialstest"
	"github.com/keyward/keyward/internal/credstore"
	"github.com/zalando/go-keyring"
)

// These tests use go-keyring's in-memory mock (keyring.MockInit), which
// replaces the OS keyring for the whole test binary: the tests against the
// real keyring live in ./realkeyring.

var epoch = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// clock is a settable clock shared by the fake server and the Source.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// env is a fake environment for the Resolver.
type env map[string]string

func (e env) get(k string) string { return e[k] }

// fixture is a fake token server, a mock keyring, an insecure file and a
// fake environment on one clock.
type fixture struct {
	t       *testing.T
	clock   *clock
	server  *credentialstest.Server
	env     env
	store   *credstore.Resolver
	profile string
	warns   []string
}

func newFixture(t *testing.T, opts credentialstest.Options) *fixture {
	t.Helper()
	// credstore refuses early when no session bus is configured; the mock
	// provider never dials this address.
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/keyward-mock-keyring")
	keyring.MockInit()
	f := &fixture{t: t, clock: &clock{now: epoch}, env: env{}, profile: "prod"}
	if opts.Now == nil {
		opts.Now = f.clock.Now
	}
	f.server = credentialstest.NewServer(t, opts)
	f.store = &credstore.Resolver{
		Keyring: credstore.NewKeyring(),
		File:    credstore.NewFile(filepath.Join(t.TempDir(), "state", "keyward", "credentials.json")),
		Getenv:  f.env.get,
	}
	return f
}

func (f *fixture) config() Config {
	return Config{
		Target: Target{Profile: f.profile, Server: f.server.URL, AccessKeyID: f.server.KeyID, CAFile: f.server.CAFile},
		Store:  f.store,
		Now:    f.clock.Now,
		Warn:   func(s string) { f.warns = append(f.warns, s) },
	}
}

// source returns a new Source, as a new keyward process would make.
func (f *fixture) source() *Source {
	f.t.Helper()
	s, err := New(context.Background(), f.config())
	if err != nil {
		f.t.Fatal(err)
	}
	return s
}

// login stores the server's secret for the profile in the keyring.
func (f *fixture) login() {
	f.t.Helper()
	if err := f.store.Keyring.Set(credstore.SecretAccount(f.profile), f.server.Secret); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) token(s *Source) string {
	f.t.Helper()
	tok, err := s.Token()
	if err != nil {
		f.t.Fatalf("Token: %v", err)
	}
	return tok.AccessToken
}

func (f *fixture) cached() string {
	f.t.Helper()
	v, err := f.store.Keyring.Get(credstore.TokenAccount(f.profile))
	if err != nil {
		return ""
	}
	return v
}

// assertNoSecret fails when err's message contains the secret or a token.
func assertNoSecret(t *testing.T, err error, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(err.Error(), s) {
			t.Fatalf("error contains a secret or token: %v", err)
		}
	}
}
