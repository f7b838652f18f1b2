package credentials

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/credentials/credentialstest"
	"github.com/keyward/keyward/internal/credstore"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/token"
	"github.com/zalando/go-keyring"
)

func TestTokenIsExchangedOnceAndCachedInTheKeyring(t *testing.T) {
	f := newFixture(t, credentialstest.Options{})
	f.login()

	first := f.token(f.source())
	if f.server.Issued() != 1 || f.server.LastAuth() != "basic" {
		t.Fatalf("issued %d tokens, auth %q; want 1 by HTTP Basic", f.server.Issued(), f.server.LastAuth())
	}
	if f.cached() != first {
		t.Fatal("the new token is not cached under <profile>:token")
	}
	// A later command (a new Source) reuses the cached token.
	f.clock.Advance(30 * time.Minute)
	s := f.source()
	if got := f.token(s); got != first || f.server.Issued() != 1 {
		t.Fatalf("second command exchanged again (issued %d)", f.server.Issued())
	}
	if got := f.token(s); got != first {
		t.Fatal("second call in one command returned another token")
	}
	where, err := s.Origin()
	if err != nil || where.Kind != credstore.SourceKeyring {
		t.Fatalf("Origin = %v, %v; want keyring", where, err)
	}
}

func TestTokenIsRefreshedShortlyBeforeExpiry(t *testing.T) {
	for _, tc := range []struct {
		ttl, reusedAt, refreshedAt time.Duration
	}{
		{ttl: time.Hour, reusedAt: 58*time.Minute + 59*time.Second, refreshedAt: 59 * time.Minute},
		// Short lifetimes: a quarter of the lifetime, not a minute.
		{ttl: time.Minute, reusedAt: 44 * time.Second, refreshedAt: 45 * time.Second},
	} {
		t.Run(tc.ttl.String(), func(t *testing.T) {
			f := newFixture(t, credentialstest.Options{TTL: tc.ttl})
			f.login()
			first := f.token(f.source())

			f.clock.Advance(tc.reusedAt)
			if got := f.token(f.source()); got != first {
				t.Fatalf("refreshed at %s, before the margin", tc.reusedAt)
			}
			f.clock.Advance(tc.refreshedAt - tc.reusedAt)
			second := f.token(f.source())
			if second == first || f.server.Issued() != 2 {
				t.Fatalf("not refreshed at %s (issued %d)", tc.refreshedAt, f.server.Issued())
			}
			if f.cached() != second {
				t.Fatal("the refreshed token replaced nothing in the keyring")
			}
		})
	}
}

func TestExpiredCachedTokenIsReplacedInTheSameSource(t *testing.T) {
	f := newFixture(t, credentialstest.Options{TTL: 2 * time.Minute})
	f.login()
	s := f.source()
	first := f.token(s)
	f.clock.Advance(3 * time.Minute) // a long-running command outlives its token
	if got := f.token(s); got == first {
		t.Fatal("an expired token was returned again")
	}
	tok, err := s.Token()
	if err != nil || !tok.Expiry.Equal(f.clock.Now().Add(2*time.Minute)) {
		t.Fatalf("Expiry = %v, %v; want the JWT's exp", tok.Expiry, err)
	}
}

func TestCachedTokenOfAnotherKeyIsNotUsed(t *testing.T) {
	f := newFixture(t, credentialstest.Options{})
	f.login()
	foreign := credentialstest.NewServer(t, credentialstest.Options{Now: f.clock.Now})
	tok, err := Exchange(WithHTTPClient(t.Context(), nil), Target{Server: foreign.URL}, foreign.KeyID, foreign.Secret)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.Keyring.Set(credstore.TokenAccount(f.profile), tok.AccessToken); err != nil {
		t.Fatal(err)
	}
	if got := f.token(f.source()); got == tok.AccessToken || f.server.Issued() != 1 {
		t.Fatal("a token issued to another access key was sent")
	}
}

func TestEnvTokenWinsAndTouchesNothing(t *testing.T) {
	f := newFixture(t, credentialstest.Options{})
	keyring.MockInitWithError(errors.New("keyring must not be called"))
	tok, err := Exchange(WithHTTPClient(t.Context(), nil), Target{Server: f.server.URL}, f.server.KeyID, f.server.Secret)
	if err != nil {
		t.Fatal(err)
	}
	f.env[credstore.EnvToken] = tok.AccessToken
	f.env[credstore.EnvAccessKeyID] = "kwk_ignoredbecausetokenwins"
	f.env[credstore.EnvSecret] = "kws_ignored"
	s := f.source()
	if got := f.token(s); got != tok.AccessToken {
		t.Fatal("KEYWARD_TOKEN was not used")
	}
	if f.server.Issued() != 1 {
		t.Fatal("an exchange happened despite KEYWARD_TOKEN")
	}
	if _, err := s.Issue(); domain.CodeOf(err) != domain.CodeInvalid || !strings.Contains(err.Error(), "KEYWARD_TOKEN") {
		t.Fatalf("Issue with KEYWARD_TOKEN = %v; want an invalid-input error naming it", err)
	}
	s.Invalidate()
	if got := f.token(s); got != tok.AccessToken {
		t.Fatal("Invalidate dropped KEYWARD_TOKEN")
	}

	// Expired: refused before any request, without quoting it.
	f.clock.Advance(2 * time.Hour)
	_, err = f.source().Token()
	if domain.CodeOf(err) != domain.CodeUnauthenticated || !strings.Contains(err.Error(), "KEYWARD_TOKEN expired 1h0m ago") {
		t.Fatalf("expired KEYWARD_TOKEN: %v", err)
	}
	assertNoSecret(t, err, tok.AccessToken)
}

func TestEnvKeyAndSecretAreExchangedButNeverStored(t *testing.T) {
	f := newFixture(t, credentialstest.Options{})
	keyring.MockInitWithError(errors.New("keyring must not be called"))
	f.env[credstore.EnvAccessKeyID] = f.server.KeyID
	f.env[credstore.EnvSecret] = f.server.Secret
	cfg := f.config()
	cfg.AccessKeyID = "kwk_profilekeyisoverridden"
	s, err := New(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	first := f.token(s)
	if got := f.token(s); got != first || f.server.Issued() != 1 {
		t.Fatal("a fresh token was not reused within the process")
	}
	issued, err := s.Issue()
	if err != nil {
		t.Fatal(err)
	}
	if issued.CachedIn.Kind != credstore.SourceEnv {
		t.Errorf("CachedIn = %v; want env (nothing written)", issued.CachedIn)
	}
	if f.warns != nil {
		t.Errorf("warnings: %q", f.warns)
	}
}

func TestEnvWithoutProfile(t *testing.T) {
	f := newFixture(t, credentialstest.Options{})
	f.login() // the profile's secret must not be used for a bare --server
	f.profile = ""
	_, err := f.source().Token()
	if domain.CodeOf(err) != domain.CodeUnauthenticated || !strings.Contains(err.Error(), "no credentials for server "+f.server.URL) {
		t.Fatalf("no env and no profile: %v", err)
	}
	f.env[credstore.EnvAccessKeyID] = f.server.KeyID
	f.env[credstore.EnvSecret] = f.server.Secret
	f.token(f.source())
}

func TestNoCredentials(t *testing.T) {
	f := newFixture(t, credentialstest.Options{})
	_, err := f.source().Token()
	if domain.CodeOf(err) != domain.CodeUnauthenticated {
		t.Fatalf("code = %s: %v", domain.CodeOf(err), err)
	}
	for _, want := range []string{`no credentials for remote profile "prod"`, "keyward profile login prod", "KEYWARD_TOKEN", "KEYWARD_ACCESS_KEY_ID and KEYWARD_SECRET"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestOnlyAnExpiredTokenIsStored(t *testing.T) {
	f := newFixture(t, credentialstest.Options{})
	f.login()
	f.token(f.source())
	if err := f.store.Keyring.Delete(credstore.SecretAccount(f.profile)); err != nil {
		t.Fatal(err)
	}
	f.token(f.source()) // still fresh: no secret needed
	f.clock.Advance(time.Hour)
	_, err := f.source().Token()
	if domain.CodeOf(err) != domain.CodeUnauthenticated || !strings.Contains(err.Error(), "has expired and no secret is stored") {
		t.Fatalf("expired token, no secret: %v", err)
	}
}

func TestWrongSecretIsUnauthenticatedAndNotQuoted(t *testing.T) {
	f := newFixture(t, credentialstest.Options{})
	wrong := "kws_wrongwrongwrong"
	if err := f.store.Keyring.Set(credstore.SecretAccount(f.profile), wrong); err != nil {
		t.Fatal(err)
	}
	_, err := f.source().Token()
	if domain.CodeOf(err) != domain.CodeUnauthenticated {
		t.Fatalf("code = %s: %v", domain.CodeOf(err), err)
	}
	want := "server " + f.server.URL + " refused access key " + f.server.KeyID + ": invalid client credentials"
	if !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), "keyward profile login prod") {
		t.Fatalf("error = %q; want it to start with %q and hint at login", err, want)
	}
	assertNoSecret(t, err, wrong)
}

func TestRateLimited(t *testing.T) {
	f := newFixture(t, credentialstest.Options{})
	f.login()
	f.server.RateLimit(7)
	_, err := f.source().Token()
	if domain.CodeOf(err) != domain.CodeRateLimited || !strings.HasSuffix(err.Error(), "retry in 7s") {
		t.Fatalf("rate limited: %v", err)
	}
}

func TestUnreachableServer(t *testing.T) {
	f := newFixture(t, credentialstest.Options{})
	f.login()
	cfg := f.config()
	cfg.Server = "http://127.0.0.1:1"
	s, err := New(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Token()
	if err == nil || !strings.HasPrefix(err.Error(), "cannot reach keyward server http://127.0.0.1:1: ") {
		t.Fatalf("unreachable: %v", err)
	}
	assertNoSecret(t, err, f.server.Secret)
}

func TestIssueAlwaysExchangesAndCaches(t *testing.T) {
	f := newFixture(t, credentialstest.Options{})
	f.login()
	first := f.token(f.source())
	issued, err := f.source().Issue()
	if err != nil {
		t.Fatal(err)
	}
	if issued.Token.AccessToken == first || f.server.Issued() != 2 {
		t.Fatal("Issue returned the cached token")
	}
	if issued.CachedIn.Kind != credstore.SourceKeyring || f.cached() != issued.Token.AccessToken {
		t.Fatalf("issued token not cached in the keyring (%v)", issued.CachedIn)
	}
	d, err := token.Decode(issued.Token.AccessToken)
	if err != nil || d.Claims["client_id"] != f.server.KeyID {
		t.Fatalf("issued token: %v %v", d.Claims, err)
	}
}

func TestClearAndCurrent(t *testing.T) {
	f := newFixture(t, credentialstest.Options{})
	f.login()
	s := f.source()
	if _, _, err := s.Current(); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatalf("Current with nothing cached: %v", err)
	}
	raw := f.token(s)
	f.clock.Advance(2 * time.Hour)
	got, where, err := f.source().Current()
	if err != nil || got != raw || where.Kind != credstore.SourceKeyring {
		t.Fatalf("Current returns the cached token even when expired: %v %v", where, err)
	}
	cleared, err := f.source().Clear()
	if err != nil || !cleared || f.cached() != "" {
		t.Fatalf("Clear = %v, %v", cleared, err)
	}
	if cleared, err := f.source().Clear(); err != nil || cleared {
		t.Fatalf("Clear twice = %v, %v; want false, nil", cleared, err)
	}
	if _, err := f.store.Keyring.Get(credstore.SecretAccount(f.profile)); err != nil {
		t.Fatalf("Clear removed the secret: %v", err)
	}
}

func TestInvalidateForcesAnExchange(t *testing.T) {
	f := newFixture(t, credentialstest.Options{})
	f.login()
	s := f.source()
	first := f.token(s)
	s.Invalidate()
	if got := f.token(s); got == first || f.cached() != got {
		t.Fatal("Invalidate did not lead to a new, cached token")
	}
}

func TestCacheFailureIsAWarningForTokenAndAnErrorForIssue(t *testing.T) {
	f := newFixture(t, credentialstest.Options{})
	f.login()
	// The keyring answers reads but refuses writes.
	f.store.Keyring = &readOnlyStore{f.store.Keyring}
	f.token(f.source())
	if len(f.warns) != 1 || !strings.HasPrefix(f.warns[0], "warning: could not cache the new token: ") {
		t.Fatalf("warnings = %q", f.warns)
	}
	if _, err := f.source().Issue(); err == nil || !strings.Contains(err.Error(), "could not cache it") {
		t.Fatalf("Issue = %v; want an error", err)
	}
}

type readOnlyStore struct{ credstore.Store }

func (readOnlyStore) Set(string, string) error { return errors.New("read-only keyring") }

func TestKeyringFailureNamesTheAlternatives(t *testing.T) {
	f := newFixture(t, credentialstest.Options{})
	keyring.MockInitWithError(errors.New("dbus: connection refused"))
	f.store.File = nil // no insecure file to fall back to
	_, err := f.source().Token()
	if !errors.Is(err, credstore.ErrUnavailable) || !strings.HasSuffix(err.Error(), credstore.Alternatives) {
		t.Fatalf("keyring failure: %v", err)
	}
}

func TestInsecureFileIsReadAndCachesTheToken(t *testing.T) {
	f := newFixture(t, credentialstest.Options{})
	keyring.MockInitWithError(errors.New("dbus: connection refused"))
	if err := f.store.File.Set(credstore.SecretAccount(f.profile), f.server.Secret); err != nil {
		t.Fatal(err)
	}
	s := f.source()
	raw := f.token(s)
	where, _ := s.Origin()
	if where.Kind != credstore.SourceInsecureFile {
		t.Fatalf("Origin = %v", where)
	}
	if got, _ := f.store.File.Get(credstore.TokenAccount(f.profile)); got != raw {
		t.Fatal("token not cached in the insecure file")
	}
}

func TestNewRefusesBadSettings(t *testing.T) {
	for _, tc := range []struct {
		server, caFile, want string
	}{
		{"keyward.example.com", "", "server: must be an absolute URL such as https://keyward.example.com:8443"},
		{"ftp://keyward.example.com", "", `server: must be an http or https URL, not "ftp"`},
		{"https://keyward.example.com/?a=b", "", "server: must not have a query or fragment"},
		{"https://user:pw@keyward.example.com", "", "server: must not contain a user name or password"},
		{"https://keyward.example.com", "/nonexistent/ca.pem", "ca-file: cannot read /nonexistent/ca.pem: no such file or directory"},
	} {
		_, err := New(t.Context(), Config{Target: Target{Server: tc.server, CAFile: tc.caFile}})
		if err == nil || err.Error() != tc.want || domain.CodeOf(err) != domain.CodeInvalid {
			t.Errorf("New(%q, %q) = %v; want %q", tc.server, tc.caFile, err, tc.want)
		}
	}
}

func TestEndpointsKeepThePathPrefix(t *testing.T) {
	target := Target{Server: "https://example.com/keyward/"}
	if got := target.TokenURL(); got != "https://example.com/keyward/oauth/token" {
		t.Errorf("TokenURL = %q", got)
	}
	if got := target.RevokeURL(); got != "https://example.com/keyward/oauth/revoke" {
		t.Errorf("RevokeURL = %q", got)
	}
}

func TestIsPlainHTTP(t *testing.T) {
	for raw, want := range map[string]bool{
		"http://keyward.example.com": true, "http://10.0.0.1:8443": true,
		"http://127.0.0.1:8443": false, "http://[::1]:8443": false, "http://localhost:8443": false,
		"https://keyward.example.com": false,
	} {
		if got := IsPlainHTTP(raw); got != want {
			t.Errorf("IsPlainHTTP(%q) = %v", raw, got)
		}
	}
}

func TestClearWithoutAKeyringIsNothingCached(t *testing.T) {
	f := newFixture(t, credentialstest.Options{})
	keyring.MockInitWithError(errors.New("dbus: connection refused"))
	f.store.File = nil // a headless machine: credentials come from the environment only
	f.env[credstore.EnvAccessKeyID] = f.server.KeyID
	f.env[credstore.EnvSecret] = f.server.Secret
	if cleared, err := f.source().Clear(); err != nil || cleared {
		t.Fatalf("Clear = %v, %v; want false, nil (nothing can be cached)", cleared, err)
	}
}
