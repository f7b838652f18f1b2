package realkeyring

import (
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/credstore"
)

// requireEnv makes a missing keyring a failure instead of a skip.
const requireEnv = "KEYWARD_TEST_REQUIRE_KEYRING"

// The profile whose entries stay in the keyring for CI to read back.
const (
	probeProfile = "keyward-ci-probe"
	probeSecret  = "kws_ci-probe-secret"
	probeToken   = "ci-probe-token"
)

// helperEnv asks TestMain to run one of helpers, as a child process of a
// test, instead of running the tests.
const helperEnv = "KEYWARD_CREDSTORE_TEST_HELPER"

var helpers = map[string]func(){}

func TestMain(m *testing.M) {
	if helper, ok := helpers[os.Getenv(helperEnv)]; ok {
		helper()
		return
	}
	os.Exit(m.Run())
}

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

// uniqueProfile names a profile no other run uses, so tests never touch a
// developer's real entries.
func uniqueProfile(t *testing.T) string {
	return fmt.Sprintf("keyward-test-%s-%s", strings.ReplaceAll(t.Name(), "/", "-"), rand.Text()[:8])
}

func TestSecretAndTokenRoundTrip(t *testing.T) {
	k := osKeyring(t)
	profile := uniqueProfile(t)
	secretAccount, tokenAccount := credstore.SecretAccount(profile), credstore.TokenAccount(profile)
	t.Cleanup(func() {
		_ = k.Delete(secretAccount)
		_ = k.Delete(tokenAccount)
	})

	set(t, k, secretAccount, "kws_real-keyring-secret")
	set(t, k, tokenAccount, "eyJ.first")
	get(t, k, secretAccount, "kws_real-keyring-secret")
	get(t, k, tokenAccount, "eyJ.first")

	set(t, k, tokenAccount, "eyJ.refreshed") // a refresh replaces, never duplicates
	get(t, k, tokenAccount, "eyJ.refreshed")

	if err := k.Delete(tokenAccount); err != nil {
		t.Fatalf("Delete token: %v", err)
	}
	if _, err := k.Get(tokenAccount); !errors.Is(err, credstore.ErrNotFound) {
		t.Fatalf("Get deleted token: %v, want ErrNotFound", err)
	}
	if err := k.Delete(tokenAccount); !errors.Is(err, credstore.ErrNotFound) {
		t.Fatalf("Delete deleted token: %v, want ErrNotFound", err)
	}
	get(t, k, secretAccount, "kws_real-keyring-secret")
}

func TestResolveReadsTheKeyring(t *testing.T) {
	k := osKeyring(t)
	profile := uniqueProfile(t)
	r := &credstore.Resolver{Keyring: k, Getenv: func(string) string { return "" }}
	t.Cleanup(func() {
		_ = r.Delete(credstore.SecretAccount(profile))
		_ = r.Delete(credstore.TokenAccount(profile))
	})

	where, err := r.Set(credstore.SecretAccount(profile), "kws_resolved")
	if err != nil || where.String() != "keyring" {
		t.Fatalf("Set = %v, %v; want keyring", where, err)
	}
	if _, err := r.Set(credstore.TokenAccount(profile), "eyJ.resolved"); err != nil {
		t.Fatal(err)
	}
	creds, err := r.Resolve(profile)
	if err != nil {
		t.Fatal(err)
	}
	if creds.Source.String() != "keyring" || creds.Secret != "kws_resolved" || creds.Token != "eyJ.resolved" {
		t.Errorf("Resolve = source %s, secret ok %v, token ok %v", creds.Source,
			creds.Secret == "kws_resolved", creds.Token == "eyJ.resolved")
	}
}

// TestProbeEntriesForCI stores entries that stay behind, so CI can check with
// secret-tool that go-keyring really wrote to the Secret Service.
func TestProbeEntriesForCI(t *testing.T) {
	if os.Getenv(requireEnv) != "1" {
		t.Skipf("skipping: leaves entries in the keyring; runs only with %s=1 (CI)", requireEnv)
	}
	k := osKeyring(t)
	set(t, k, credstore.SecretAccount(probeProfile), probeSecret)
	set(t, k, credstore.TokenAccount(probeProfile), probeToken)
	get(t, k, credstore.SecretAccount(probeProfile), probeSecret)
	get(t, k, credstore.TokenAccount(probeProfile), probeToken)
}

func set(t *testing.T, k credstore.Store, account, value string) {
	t.Helper()
	if err := k.Set(account, value); err != nil {
		t.Fatalf("Set(%q): %v", account, err)
	}
}

func get(t *testing.T, k credstore.Store, account, want string) {
	t.Helper()
	got, err := k.Get(account)
	if err != nil {
		t.Fatalf("Get(%q): %v", account, err)
	}
	if got != want {
		t.Fatalf("Get(%q) returned a different value", account)
	}
}
