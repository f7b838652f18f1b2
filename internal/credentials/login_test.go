package credentials

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/credentials/credentialstest"
	"github.com/keyward/keyward/internal/credstore"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/secret"
	"github.com/zalando/go-keyring"
)

func TestLoginStoresSecretAndTokenInTheKeyring(t *testing.T) {
	f := newFixture(t, credentialstest.Options{})
	// Entries in the insecure file would be shadowed; login removes them.
	if err := f.store.File.Set(credstore.SecretAccount(f.profile), "kws_old"); err != nil {
		t.Fatal(err)
	}
	res, err := Login(t.Context(), f.config(), f.server.Secret, false)
	if err != nil {
		t.Fatal(err)
	}
	if res.StoredIn.Kind != credstore.SourceKeyring || len(res.Warnings) != 0 {
		t.Fatalf("StoredIn %v, warnings %q", res.StoredIn, res.Warnings)
	}
	if got, _ := f.store.Keyring.Get(credstore.SecretAccount(f.profile)); got != f.server.Secret {
		t.Fatal("secret not in the keyring under account <profile>")
	}
	if f.cached() != res.Token.AccessToken {
		t.Fatal("token not cached under <profile>:token")
	}
	if _, err := os.Stat(f.store.File.Path()); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("old insecure-file entry left behind: %v", err)
	}
	// The next command uses the cached token without an exchange.
	if got := f.token(f.source()); got != res.Token.AccessToken || f.server.Issued() != 1 {
		t.Fatal("the login token was not reused")
	}
}

func TestLoginChecksTheSecretBeforeStoringIt(t *testing.T) {
	f := newFixture(t, credentialstest.Options{})
	other, err := secret.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		secret string
		code   domain.Code
		want   string
	}{
		{"kws_typo", domain.CodeInvalid, "secret: not a keyward secret: too short"},
		{f.server.KeyID, domain.CodeInvalid, "secret: not a keyward secret: does not start with kws_ (this is an access key id, not its secret)"},
		{other, domain.CodeUnauthenticated, "refused access key " + f.server.KeyID},
	} {
		_, err := Login(t.Context(), f.config(), tc.secret, false)
		if domain.CodeOf(err) != tc.code || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Login(%.8s…) = %v; want %s containing %q", tc.secret, err, tc.code, tc.want)
			continue
		}
		assertNoSecret(t, err, tc.secret)
	}
	if _, err := f.store.Keyring.Get(credstore.SecretAccount(f.profile)); !errors.Is(err, credstore.ErrNotFound) {
		t.Fatalf("a refused secret was stored: %v", err)
	}
}

func TestLoginWithoutKeyringNamesTheThreeOptions(t *testing.T) {
	f := newFixture(t, credentialstest.Options{})
	keyring.MockInitWithError(errors.New("The name org.freedesktop.secrets was not provided by any .service files"))
	_, err := Login(t.Context(), f.config(), f.server.Secret, false)
	if !errors.Is(err, credstore.ErrUnavailable) {
		t.Fatalf("Login = %v; want ErrUnavailable", err)
	}
	for _, want := range []string{"KEYWARD_TOKEN", "KEYWARD_ACCESS_KEY_ID+KEYWARD_SECRET", "--insecure-storage"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
	if _, err := os.Stat(f.store.File.Path()); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("the insecure file was written without --insecure-storage")
	}
}

func TestLoginInsecureStorage(t *testing.T) {
	f := newFixture(t, credentialstest.Options{})
	keyring.MockInitWithError(errors.New("no keyring here"))
	res, err := Login(t.Context(), f.config(), f.server.Secret, true)
	if err != nil {
		t.Fatal(err)
	}
	if res.StoredIn.Kind != credstore.SourceInsecureFile || res.StoredIn.Path != f.store.File.Path() {
		t.Fatalf("StoredIn = %v", res.StoredIn)
	}
	if len(res.Warnings) != 1 || res.Warnings[0] != f.store.File.Warning() {
		t.Fatalf("warnings = %q; want exactly the insecure-file warning", res.Warnings)
	}
	info, err := os.Stat(f.store.File.Path())
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("file: %v %v", info, err)
	}
	if got, _ := f.store.File.Get(credstore.SecretAccount(f.profile)); got != f.server.Secret {
		t.Fatal("secret not in the file")
	}
	if got, _ := f.store.File.Get(credstore.TokenAccount(f.profile)); got != res.Token.AccessToken {
		t.Fatal("token not in the file")
	}
	// The next command finds it there.
	s := f.source()
	if got := f.token(s); got != res.Token.AccessToken {
		t.Fatal("the cached token in the file was not reused")
	}
	if where, _ := s.Origin(); where.Kind != credstore.SourceInsecureFile {
		t.Fatalf("Origin = %v", where)
	}
}

func TestLoginInsecureStorageRemovesKeyringEntries(t *testing.T) {
	f := newFixture(t, credentialstest.Options{})
	f.login()
	if _, err := Login(t.Context(), f.config(), f.server.Secret, true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Keyring.Get(credstore.SecretAccount(f.profile)); !errors.Is(err, credstore.ErrNotFound) {
		t.Fatalf("keyring secret would shadow the file: %v", err)
	}
}
