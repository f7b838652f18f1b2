// Package servertest runs a real keyward server over a fresh database for
// tests: the conformance suite of the remote client, the server's own
// tests, and the CLI scenarios against a live server.
package servertest

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/server"
	"github.com/keyward/keyward/internal/service"
	"github.com/keyward/keyward/internal/store/boltstore"
)

// Options configure Start.
type Options struct {
	// Now is the clock of the service and the server; nil means time.Now.
	Now func() time.Time
	// Logger receives the server's logs; nil discards them.
	Logger *slog.Logger
	// DBPath is the database file; empty means a new file in t.TempDir().
	DBPath string
	// Issuer is the tokens' iss; empty means the server's URL. Set it to
	// restart a server on the same database (on another port) and keep
	// its tokens valid.
	Issuer string
	// FlushInterval is how often the server writes its batches in the
	// background (server.Config); 0 means the server's default. Tests that
	// count database writes set it long and call Server.Flush themselves.
	FlushInterval time.Duration
	// TrustedProxies, RateLimitIP and RateLimitKey are passed to the server
	// (server.Config); the zero values trust no proxy and set no limit.
	TrustedProxies []netip.Prefix
	RateLimitIP    int
	RateLimitKey   int
}

// Env is a running server with a system Administrator.
type Env struct {
	// URL is the server's base URL (http://127.0.0.1:port).
	URL     string
	Service *service.Service
	Server  *server.Server
	HTTP    *httptest.Server
	// AdminKeyID and AdminSecret are the access key of service user
	// system/admin, which holds the system tenant's Administrator policy.
	AdminKeyID, AdminSecret string
}

// Start bootstraps a database as an operator would (a system Administrator
// with an access key, created locally), then serves it on a loopback port
// until the test ends.
func Start(t testing.TB, opts Options) *Env {
	t.Helper()
	if opts.DBPath == "" {
		opts.DBPath = filepath.Join(t.TempDir(), "keyward.db")
	}
	env, err := Run(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := env.Close(); err != nil {
			t.Errorf("server close: %v", err)
		}
	})
	return env
}

// Run is Start without a test: the caller closes the Env.
func Run(opts Options) (*Env, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	svc, err := Bootstrap(opts.DBPath, opts.Now)
	if err != nil {
		return nil, err
	}
	env := &Env{Service: svc}
	if env.AdminKeyID, env.AdminSecret, err = NewIdentity(svc, domain.SystemTenant, "admin", authz.AdministratorPolicy); err != nil {
		svc.Close()
		return nil, err
	}
	ts := httptest.NewUnstartedServer(nil)
	env.URL = "http://" + ts.Listener.Addr().String()
	issuer := opts.Issuer
	if issuer == "" {
		issuer = env.URL
	}
	srv, err := server.New(context.Background(), server.Config{
		Service: svc, Issuer: issuer, Now: opts.Now, Logger: opts.Logger, FlushInterval: opts.FlushInterval,
		TrustedProxies: opts.TrustedProxies, RateLimitIP: opts.RateLimitIP, RateLimitKey: opts.RateLimitKey,
	})
	if err != nil {
		ts.Close()
		svc.Close()
		return nil, err
	}
	ts.Config.Handler = srv.Handler()
	ts.Start()
	env.Server, env.HTTP = srv, ts
	return env, nil
}

// Close stops the server, flushes its batches and closes the database.
func (e *Env) Close() error {
	e.HTTP.Close()
	err := e.Server.Close()
	return errors.Join(err, e.Service.Close())
}

// Bootstrap opens (creating) the database at path as the local operator
// would, and initialises it.
func Bootstrap(path string, now func() time.Time) (*service.Service, error) {
	db, err := boltstore.Open(path, boltstore.Options{})
	if err != nil {
		return nil, err
	}
	svc := service.New(db, service.Options{Now: now, Actor: "local:operator"})
	if _, _, err := svc.CreateTenant(context.Background(), backend.CreateTenantInput{ID: domain.DefaultTenant, IfNotExists: true}); err != nil {
		svc.Close()
		return nil, err
	}
	return svc, nil
}

// Identity is NewIdentity for tests.
func Identity(t testing.TB, svc *service.Service, tenant, id string, policies ...string) (keyID, sec string) {
	t.Helper()
	keyID, sec, err := NewIdentity(svc, tenant, id, policies...)
	if err != nil {
		t.Fatal(err)
	}
	return keyID, sec
}

// NewIdentity creates service user id in tenant (if missing) holding the
// policies given, with a new active access key that never expires, and
// returns the key's id and secret.
func NewIdentity(svc *service.Service, tenant, id string, policies ...string) (keyID, sec string, err error) {
	ctx := context.Background()
	never := backend.GenerateKeyInput{Expires: "never"}
	res, err := svc.CreateServiceUser(ctx, tenant, backend.CreateServiceUserInput{ID: id, IfNotExists: true, Policies: policies, Key: &never})
	if err != nil {
		return "", "", err
	}
	if res.AccessKey != nil {
		return res.AccessKey.ID, res.AccessKey.Secret, nil
	}
	for _, p := range policies {
		if _, _, err := svc.AttachPolicy(ctx, tenant, p, backend.PolicyTarget{User: id}); err != nil {
			return "", "", err
		}
	}
	k, err := svc.GenerateKey(ctx, tenant, id, never)
	if err != nil {
		return "", "", err
	}
	return k.ID, k.Secret, nil
}
