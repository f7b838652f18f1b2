package credstore

import (
	"errors"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/domain"
	"github.com/zalando/go-keyring"
)

// mockKeyring returns a Keyring over go-keyring's in-memory mock. The mock is
// global to the test binary, so tests using it do not run in parallel.
func mockKeyring(t *testing.T) *Keyring {
	t.Helper()
	keyring.MockInit()
	return &Keyring{checkBus: busFound}
}

func busFound() error { return nil }

// hungBackend never answers, like a keyring waiting for an unlock prompt.
type hungBackend struct{ release chan struct{} }

func newHungBackend(t *testing.T) hungBackend {
	b := hungBackend{release: make(chan struct{})}
	t.Cleanup(func() { close(b.release) }) // let the abandoned goroutines end
	return b
}

func (b hungBackend) Get(string, string) (string, error) { <-b.release; return "", nil }
func (b hungBackend) Set(string, string, string) error   { <-b.release; return nil }
func (b hungBackend) Delete(string, string) error        { <-b.release; return nil }

// untouchedBackend fails the test when called.
type untouchedBackend struct{ t *testing.T }

func (b untouchedBackend) Get(string, string) (string, error) {
	b.t.Error("backend called")
	return "", nil
}
func (b untouchedBackend) Set(string, string, string) error { b.t.Error("backend called"); return nil }
func (b untouchedBackend) Delete(string, string) error      { b.t.Error("backend called"); return nil }

func TestAccounts(t *testing.T) {
	if got := SecretAccount("prod"); got != "prod" {
		t.Errorf("SecretAccount = %q", got)
	}
	if got := TokenAccount("prod"); got != "prod:token" {
		t.Errorf("TokenAccount = %q", got)
	}
}

func TestKeyringStoresSecretAndTokenSeparately(t *testing.T) {
	k := mockKeyring(t)
	mustSet(t, k, SecretAccount("prod"), "kws_secret")
	mustSet(t, k, TokenAccount("prod"), "eyJ.token")
	mustGet(t, k, SecretAccount("prod"), "kws_secret")
	mustGet(t, k, TokenAccount("prod"), "eyJ.token")

	mustSet(t, k, TokenAccount("prod"), "eyJ.refreshed")
	mustGet(t, k, TokenAccount("prod"), "eyJ.refreshed")

	if err := k.Delete(TokenAccount("prod")); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	mustGet(t, k, SecretAccount("prod"), "kws_secret")
	_, err := k.Get(TokenAccount("prod"))
	assertNotFound(t, err)
	assertNotFound(t, k.Delete(TokenAccount("prod")))
}

func TestKeyringTimesOutOnHungBackend(t *testing.T) {
	hung := func() *Keyring {
		return &Keyring{Timeout: 20 * time.Millisecond, backend: newHungBackend(t), checkBus: busFound}
	}
	_, getErr := hung().Get("prod")
	calls := map[string]error{
		"Get":    getErr,
		"Set":    hung().Set("prod", "kws_secret"),
		"Delete": hung().Delete("prod"),
	}
	for name, err := range calls {
		if !errors.Is(err, ErrTimeout) {
			t.Errorf("%s: err = %v, want ErrTimeout", name, err)
			continue
		}
		want := "OS keyring did not answer within 20ms (is it locked or missing?); " + Alternatives
		if err.Error() != want {
			t.Errorf("%s: message\n got %q\nwant %q", name, err, want)
		}
		if strings.Contains(err.Error(), "kws_secret") {
			t.Errorf("%s: message contains the secret", name)
		}
	}
}

// slowFirstBackend blocks its first call until release is closed and answers
// every other call at once; calls counts the calls that reached it.
type slowFirstBackend struct {
	release chan struct{}
	mu      sync.Mutex
	calls   int
}

func (b *slowFirstBackend) Get(string, string) (string, error) {
	b.mu.Lock()
	b.calls++
	first := b.calls == 1
	b.mu.Unlock()
	if first {
		<-b.release
	}
	return "kws_secret", nil
}
func (b *slowFirstBackend) Set(string, string, string) error { return nil }
func (b *slowFirstBackend) Delete(string, string) error      { return nil }

func (b *slowFirstBackend) callCount() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.calls
}

func TestKeyringStuckCostsOneTimeout(t *testing.T) {
	b := &slowFirstBackend{release: make(chan struct{})}
	k := &Keyring{Timeout: 20 * time.Millisecond, backend: b, checkBus: busFound}
	if _, err := k.Get("prod"); !errors.Is(err, ErrTimeout) {
		t.Fatalf("first Get = %v, want ErrTimeout", err)
	}
	if _, err := k.Get("prod"); !errors.Is(err, ErrTimeout) {
		t.Fatalf("Get while the first call hangs = %v, want ErrTimeout", err)
	}
	if n := b.callCount(); n != 1 {
		t.Fatalf("backend called %d times while stuck, want 1", n)
	}

	close(b.release) // the keyring answers at last: it is asked again
	var err error
	for range 500 {
		if _, err = k.Get("prod"); err == nil {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("Get after the stuck call returned: %v", err)
}

func TestTimeoutMessageNamesTheAlternatives(t *testing.T) {
	want := "OS keyring did not answer within 3s (is it locked or missing?); use KEYWARD_TOKEN, KEYWARD_ACCESS_KEY_ID+KEYWARD_SECRET, or --insecure-storage"
	if got := timeoutError(DefaultTimeout).Error(); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if (&Keyring{}).timeout() != DefaultTimeout {
		t.Error("zero Keyring does not use DefaultTimeout")
	}
}

func TestKeyringWithoutSessionBusFailsBeforeCallingGoKeyring(t *testing.T) {
	k := &Keyring{
		backend:  untouchedBackend{t},
		checkBus: func() error { return errors.New("no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set") },
	}
	_, err := k.Get("prod")
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	want := "no OS keyring available (no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set); " + Alternatives
	if err.Error() != want {
		t.Errorf("message\n got %q\nwant %q", err, want)
	}
}

func TestKeyringClassifiesBackendErrors(t *testing.T) {
	dialErr := &net.OpError{Op: "dial", Net: "unix", Addr: &net.UnixAddr{Name: "/nonexistent", Net: "unix"}, Err: os.ErrNotExist}
	tests := []struct {
		name    string
		backend error
		want    error
		code    domain.Code
		message string
	}{
		{"missing entry", keyring.ErrNotFound, ErrNotFound, domain.CodeNotFound,
			`no credential for account "prod" in the OS keyring`},
		{"unreachable bus", dialErr, ErrUnavailable, domain.CodeInternal,
			"no OS keyring available (dial unix /nonexistent: file does not exist); " + Alternatives},
		{"no secret service", errors.New("The name org.freedesktop.secrets was not provided by any .service files"), ErrUnavailable, domain.CodeInternal,
			"no OS keyring available (The name org.freedesktop.secrets was not provided by any .service files); " + Alternatives},
		{"locked", errors.New("failed to unlock correct collection '/org/freedesktop/secrets/collection/login'"), ErrUnavailable, domain.CodeInternal,
			"OS keyring is locked and could not be unlocked; " + Alternatives},
		{"too big", keyring.ErrSetDataTooBig, domain.ErrInvalid, domain.CodeInvalid,
			"credential: too large for the OS keyring"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keyring.MockInitWithError(tt.backend)
			k := &Keyring{checkBus: busFound}
			_, err := k.Get("prod")
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if got := domain.CodeOf(err); got != tt.code {
				t.Errorf("code = %s, want %s", got, tt.code)
			}
			if err.Error() != tt.message {
				t.Errorf("message\n got %q\nwant %q", err, tt.message)
			}
		})
	}
}

func mustSet(t *testing.T, s Store, account, value string) {
	t.Helper()
	if err := s.Set(account, value); err != nil {
		t.Fatalf("Set(%q): %v", account, err)
	}
}

func mustGet(t *testing.T, s Store, account, want string) {
	t.Helper()
	got, err := s.Get(account)
	if err != nil {
		t.Fatalf("Get(%q): %v", account, err)
	}
	if got != want {
		t.Fatalf("Get(%q) = %q, want %q", account, got, want)
	}
}

func assertNotFound(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, ErrNotFound) || !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("err = %v, want credstore.ErrNotFound and domain.ErrNotFound", err)
	}
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.CodeNotFound {
		t.Fatalf("err = %#v, want a *domain.Error with code not_found", err)
	}
}
