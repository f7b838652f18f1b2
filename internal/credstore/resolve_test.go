package credstore

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/domain"
)

// env is a fake environment for Resolver.Getenv.
type env map[string]string

func (e env) get(name string) string { return e[name] }

// deadKeyring is a Keyring with no session bus.
func deadKeyring(t *testing.T) *Keyring {
	return &Keyring{backend: untouchedBackend{t}, checkBus: func() error { return errors.New("no D-Bus session bus") }}
}

// hungKeyring is a Keyring whose every call times out.
func hungKeyring(t *testing.T) *Keyring {
	return &Keyring{Timeout: 10 * time.Millisecond, backend: newHungBackend(t), checkBus: busFound}
}

func TestResolvePrecedence(t *testing.T) {
	type stores struct{ keyring, file map[string]string }
	full := map[string]string{"prod": "kws_stored", "prod:token": "eyJ.stored"}
	tests := []struct {
		name     string
		env      env
		stores   stores
		keyring  func(*testing.T) *Keyring // nil: the mock keyring holding stores.keyring
		noFile   bool                      // --insecure-storage not given
		want     Credentials
		wantFile bool // want.Source is the insecure file
	}{
		{name: "env token beats keyring and file",
			env: env{EnvToken: "eyJ.env"}, stores: stores{full, full},
			want: Credentials{Source: Source{Kind: SourceEnv}, Token: "eyJ.env"}},
		{name: "env key pair beats keyring",
			env: env{EnvAccessKeyID: "kwk_env", EnvSecret: "kws_env"}, stores: stores{keyring: full},
			want: Credentials{Source: Source{Kind: SourceEnv}, AccessKeyID: "kwk_env", Secret: "kws_env"}},
		{name: "env token and key pair together",
			env:  env{EnvToken: "eyJ.env", EnvAccessKeyID: "kwk_env", EnvSecret: "kws_env"},
			want: Credentials{Source: Source{Kind: SourceEnv}, Token: "eyJ.env", AccessKeyID: "kwk_env", Secret: "kws_env"}},
		{name: "keyring secret and token",
			stores: stores{keyring: full},
			want:   Credentials{Source: Source{Kind: SourceKeyring}, Secret: "kws_stored", Token: "eyJ.stored"}},
		{name: "keyring token only",
			stores: stores{keyring: map[string]string{"prod:token": "eyJ.stored"}},
			want:   Credentials{Source: Source{Kind: SourceKeyring}, Token: "eyJ.stored"}},
		{name: "keyring beats file",
			stores: stores{keyring: map[string]string{"prod": "kws_keyring"}, file: full},
			want:   Credentials{Source: Source{Kind: SourceKeyring}, Secret: "kws_keyring"}},
		{name: "other profile's entries do not count",
			stores: stores{keyring: map[string]string{"staging": "kws_other", "staging:token": "eyJ.other"}},
			want:   Credentials{Source: Source{Kind: SourceNone}}},
		{name: "file when keyring lacks the profile",
			stores: stores{file: full}, wantFile: true,
			want: Credentials{Secret: "kws_stored", Token: "eyJ.stored"}},
		{name: "file when there is no keyring",
			keyring: deadKeyring, stores: stores{file: full}, wantFile: true,
			want: Credentials{Secret: "kws_stored", Token: "eyJ.stored"}},
		{name: "file when the keyring hangs",
			keyring: hungKeyring, stores: stores{file: full}, wantFile: true,
			want: Credentials{Secret: "kws_stored", Token: "eyJ.stored"}},
		{name: "hung keyring and empty file is none",
			keyring: hungKeyring,
			want:    Credentials{Source: Source{Kind: SourceNone}}},
		{name: "file is not read without --insecure-storage",
			stores: stores{file: full}, noFile: true,
			want: Credentials{Source: Source{Kind: SourceNone}}},
		{name: "nothing anywhere",
			want: Credentials{Source: Source{Kind: SourceNone}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newTestResolver(t, tt.env, tt.stores.keyring, tt.stores.file, tt.keyring, tt.noFile)
			want := tt.want
			if tt.wantFile {
				want.Source = Source{Kind: SourceInsecureFile, Path: r.File.Path()}
			}
			got, err := r.Resolve("prod")
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			if got != want {
				t.Errorf("Resolve =\n %+v, want\n %+v", got, want)
			}
			if got.Found() != (want.Source.Kind != SourceNone) {
				t.Errorf("Found() = %v", got.Found())
			}
		})
	}
}

func TestResolveErrors(t *testing.T) {
	tests := []struct {
		name    string
		env     env
		keyring func(*testing.T) *Keyring
		want    error
		message string
	}{
		{name: "key id without secret", env: env{EnvAccessKeyID: "kwk_env"},
			want: domain.ErrInvalid, message: "KEYWARD_SECRET: not set, but KEYWARD_ACCESS_KEY_ID is; set both or neither"},
		{name: "secret without key id", env: env{EnvSecret: "kws_env_secret"},
			want: domain.ErrInvalid, message: "KEYWARD_ACCESS_KEY_ID: not set, but KEYWARD_SECRET is; set both or neither"},
		{name: "no keyring and no insecure file", keyring: deadKeyring,
			want: ErrUnavailable, message: "no OS keyring available (no D-Bus session bus); " + Alternatives},
		{name: "hung keyring and no insecure file", keyring: hungKeyring,
			want: ErrTimeout, message: "OS keyring did not answer within 10ms (is it locked or missing?); " + Alternatives},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newTestResolver(t, tt.env, nil, nil, tt.keyring, true)
			got, err := r.Resolve("prod")
			if !errors.Is(err, tt.want) {
				t.Fatalf("Resolve = %+v, %v; want %v", got, err, tt.want)
			}
			if err.Error() != tt.message {
				t.Errorf("message\n got %q\nwant %q", err, tt.message)
			}
			if got.Found() || got.Token != "" || got.Secret != "" {
				t.Errorf("credentials returned with the error: %+v", got)
			}
		})
	}
}

func TestResolverSet(t *testing.T) {
	t.Run("keyring", func(t *testing.T) {
		r := newTestResolver(t, nil, nil, nil, nil, false)
		where, err := r.Set("prod", "kws_secret")
		if err != nil || where.Kind != SourceKeyring {
			t.Fatalf("Set = %v, %v; want the keyring", where, err)
		}
		mustGet(t, r.Keyring, "prod", "kws_secret")
		assertNotFound(t, r.File.Delete("prod"))
	})
	t.Run("insecure file when no keyring", func(t *testing.T) {
		r := newTestResolver(t, nil, nil, nil, deadKeyring, false)
		where, err := r.Set("prod", "kws_secret")
		if err != nil || where.String() != "insecure file "+r.File.Path() {
			t.Fatalf("Set = %v, %v; want the insecure file", where, err)
		}
		mustGet(t, r.File, "prod", "kws_secret")
	})
	t.Run("no keyring and no insecure file", func(t *testing.T) {
		r := newTestResolver(t, nil, nil, nil, deadKeyring, true)
		_, err := r.Set("prod", "kws_secret")
		if !errors.Is(err, ErrUnavailable) || !strings.HasSuffix(err.Error(), Alternatives) {
			t.Fatalf("Set = %v, want ErrUnavailable naming the alternatives", err)
		}
		if strings.Contains(err.Error(), "kws_secret") {
			t.Errorf("error contains the secret: %v", err)
		}
	})
	t.Run("no store at all", func(t *testing.T) {
		_, err := (&Resolver{}).Set("prod", "kws_secret")
		if err == nil || !strings.HasSuffix(err.Error(), Alternatives) {
			t.Fatalf("Set = %v, want an error naming the alternatives", err)
		}
	})
}

func TestResolverDelete(t *testing.T) {
	both := map[string]string{"prod": "kws_secret"}
	t.Run("from keyring and file", func(t *testing.T) {
		r := newTestResolver(t, nil, both, both, nil, false)
		if err := r.Delete("prod"); err != nil {
			t.Fatal(err)
		}
		_, err := r.Keyring.Get("prod")
		assertNotFound(t, err)
		_, err = r.File.Get("prod")
		assertNotFound(t, err)
		assertNotFound(t, r.Delete("prod"))
	})
	t.Run("file when no keyring", func(t *testing.T) {
		r := newTestResolver(t, nil, nil, both, deadKeyring, false)
		if err := r.Delete("prod"); err != nil {
			t.Fatal(err)
		}
		assertNotFound(t, r.Delete("prod"))
	})
	t.Run("no keyring and no insecure file", func(t *testing.T) {
		r := newTestResolver(t, nil, nil, nil, deadKeyring, true)
		if err := r.Delete("prod"); !errors.Is(err, ErrUnavailable) {
			t.Fatalf("Delete = %v, want ErrUnavailable", err)
		}
	})
}

func TestResolverForget(t *testing.T) {
	both := map[string]string{"prod": "kws_secret"}
	r := newTestResolver(t, nil, both, both, nil, false)
	if deleted, err := r.Forget("prod"); !deleted || err != nil {
		t.Fatalf("Forget = %v, %v; want true, nil", deleted, err)
	}
	if deleted, err := r.Forget("prod"); deleted || err != nil {
		t.Fatalf("Forget of nothing stored = %v, %v; want false, nil", deleted, err)
	}
	r = newTestResolver(t, nil, nil, nil, deadKeyring, true)
	if deleted, err := r.Forget("prod"); deleted || err != nil {
		t.Fatalf("Forget without a keyring = %v, %v; want false, nil", deleted, err)
	}
}

func TestSourceString(t *testing.T) {
	tests := map[Source]string{
		{Kind: SourceEnv}:     "env",
		{Kind: SourceKeyring}: "keyring",
		{Kind: SourceInsecureFile, Path: "/s/keyward/credentials.json"}: "insecure file /s/keyward/credentials.json",
		{Kind: SourceNone}: "none",
		{}:                 "none",
	}
	for source, want := range tests {
		if got := source.String(); got != want {
			t.Errorf("%#v.String() = %q, want %q", source, got, want)
		}
	}
}

// newTestResolver builds a Resolver over the mock keyring (or the keyring
// newKeyring makes) and a fresh insecure file, both filled with the given
// accounts; noFile leaves the file out as if --insecure-storage were absent.
func newTestResolver(t *testing.T, e env, keyringAccounts, fileAccounts map[string]string, newKeyring func(*testing.T) *Keyring, noFile bool) *Resolver {
	t.Helper()
	k := mockKeyring(t)
	for account, value := range keyringAccounts {
		mustSet(t, k, account, value)
	}
	if newKeyring != nil {
		k = newKeyring(t)
	}
	f := newTestFile(t)
	for account, value := range fileAccounts {
		mustSet(t, f, account, value)
	}
	r := &Resolver{Keyring: k, File: f, Getenv: e.get}
	if noFile {
		r.File = nil
	}
	return r
}
