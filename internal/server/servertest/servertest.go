// Package servertest runs a real keyward server over a fresh database for
// tests: the conformance suite of the remote client, the server's own
// tests, and the CLI scenarios against a live server.
package servertest

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/secret"
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
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	db, err := boltstore.Open(opts.DBPath, boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	svc := service.New(db, service.Options{Now: opts.Now, Actor: "local:operator"})
	env := &Env{Service: svc}
	env.AdminKeyID, env.AdminSecret = Identity(t, svc, domain.SystemTenant, "admin", authz.AdministratorPolicy)

	ts := httptest.NewUnstartedServer(nil)
	env.URL = "http://" + ts.Listener.Addr().String()
	srv, err := server.New(context.Background(), server.Config{Service: svc, Issuer: env.URL, Now: opts.Now, Logger: opts.Logger})
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = srv.Handler()
	ts.Start()
	env.Server, env.HTTP = srv, ts
	t.Cleanup(func() {
		ts.Close()
		if err := srv.Close(); err != nil {
			t.Errorf("server close: %v", err)
		}
		svc.Close()
	})
	return env
}

// Identity creates service user id in tenant (if missing) holding the
// managed policies given, with a new active access key that never expires,
// and returns the key's id and secret.
func Identity(t testing.TB, svc *service.Service, tenant, id string, policies ...string) (keyID, sec string) {
	t.Helper()
	ctx := context.Background()
	if _, err := svc.CreateServiceUser(ctx, tenant, backend.CreateServiceUserInput{ID: id, IfNotExists: true}); err != nil {
		t.Fatal(err)
	}
	// Until policies and access keys have service methods, attach and
	// generate through the store, then touch the user through the service so
	// that a running server reads the new state.
	hasher, err := svc.SecretHasher()
	if err != nil {
		t.Fatal(err)
	}
	if keyID, err = secret.NewKeyID(); err != nil {
		t.Fatal(err)
	}
	if sec, err = secret.NewSecret(); err != nil {
		t.Fatal(err)
	}
	err = svc.DB().Update(func(tx *boltstore.Tx) error {
		u, _, err := tx.User(tenant, id)
		if err != nil {
			return err
		}
		u.Policies = append(u.Policies, policies...)
		if err := tx.PutUser(u); err != nil {
			return err
		}
		hash := hasher.Hash(sec)
		return tx.PutKey(boltstore.KeyRecord{
			AccessKey: domain.AccessKey{
				ID: keyID, Tenant: tenant, ServiceUser: id, Name: keyID, Status: domain.KeyActive,
				Hint: secret.Hint(sec), CreatedAt: time.Now().UTC().Truncate(time.Second), CreatedBy: "local:operator",
			},
			SecretHash: hash[:],
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.UpdateServiceUser(ctx, tenant, id, backend.UpdateServiceUserInput{}); err != nil {
		t.Fatal(err)
	}
	return keyID, sec
}
