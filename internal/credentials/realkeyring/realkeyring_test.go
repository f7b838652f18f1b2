package realkeyring

import (
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/credentials"
	"github.com/keyward/keyward/internal/credentials/credentialstest"
	"github.com/keyward/keyward/internal/credstore"
)

// requireEnv makes a missing keyring a failure instead of a skip.
const requireEnv = "KEYWARD_TEST_REQUIRE_KEYRING"

// osKeyring returns the real keyring, or skips (fails under
// KEYWARD_TEST_REQUIRE_KEYRING=1) when it cannot be used.
func osKeyring(t *testing.T) *credstore.Keyring {
	t.Helper()
	k := credstore.NewKeyring()
	_, err := k.Get(uniqueProfile(t) + ":availability-probe")
	if err == nil || errors.Is(err, credstore.ErrNotFound) {
		return k
	}
	if os.Getenv(requireEnv) == "1" {
		t.Fatalf("%s=1 but the OS keyring is not usable: %v", requireEnv, err)
	}
	t.Skipf("skipping: OS keyring not usable (%v); run inside .ci/keyring-session.sh, or set %s=1 to fail instead", err, requireEnv)
	return nil
}

func uniqueProfile(t *testing.T) string {
	return fmt.Sprintf("keyward-test-credentials-%s-%s", strings.ToLower(t.Name()), strings.ToLower(rand.Text()[:8]))
}

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

func TestLoginThenTokensThroughTheRealKeyring(t *testing.T) {
	k := osKeyring(t)
	profile := uniqueProfile(t)
	t.Cleanup(func() {
		_ = k.Delete(credstore.SecretAccount(profile))
		_ = k.Delete(credstore.TokenAccount(profile))
	})
	clk := &clock{now: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}
	server := credentialstest.NewServer(t, credentialstest.Options{Now: clk.Now})
	store := &credstore.Resolver{Keyring: k, Getenv: func(string) string { return "" }}
	cfg := credentials.Config{
		Target: credentials.Target{Profile: profile, Server: server.URL, AccessKeyID: server.KeyID},
		Store:  store,
		Now:    clk.Now,
		Warn:   func(w string) { t.Errorf("warning: %s", w) },
	}

	res, err := credentials.Login(t.Context(), cfg, server.Secret, false)
	if err != nil {
		t.Fatal(err)
	}
	if res.StoredIn.Kind != credstore.SourceKeyring {
		t.Fatalf("StoredIn = %v", res.StoredIn)
	}
	if got, err := k.Get(credstore.SecretAccount(profile)); err != nil || got != server.Secret {
		t.Fatalf("secret in the keyring: %v", err)
	}
	if got, err := k.Get(credstore.TokenAccount(profile)); err != nil || got != res.Token.AccessToken {
		t.Fatalf("token in the keyring: %v", err)
	}

	// A later command reads both from the keyring and reuses the token.
	src, err := credentials.New(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := src.Token()
	if err != nil || tok.AccessToken != res.Token.AccessToken || server.Issued() != 1 {
		t.Fatalf("Token = %v (issued %d); want the cached login token", err, server.Issued())
	}

	// Near expiry, a new one replaces it in the keyring.
	clk.Advance(59*time.Minute + 30*time.Second)
	src, err = credentials.New(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := src.Token()
	if err != nil || fresh.AccessToken == res.Token.AccessToken {
		t.Fatalf("no refresh near expiry: %v", err)
	}
	if got, _ := k.Get(credstore.TokenAccount(profile)); got != fresh.AccessToken {
		t.Fatal("the refreshed token did not replace the cached one in the keyring")
	}

	if cleared, err := src.Clear(); err != nil || !cleared {
		t.Fatalf("Clear = %v, %v", cleared, err)
	}
	if _, err := k.Get(credstore.TokenAccount(profile)); !errors.Is(err, credstore.ErrNotFound) {
		t.Fatalf("token still in the keyring after Clear: %v", err)
	}
	if _, err := k.Get(credstore.SecretAccount(profile)); err != nil {
		t.Fatalf("Clear removed the secret: %v", err)
	}
}
