package credstore

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/keyward/keyward/internal/domain"
	"github.com/zalando/go-keyring"
)

// DefaultTimeout bounds every OS keyring call when Keyring.Timeout is zero.
const DefaultTimeout = 3 * time.Second

// Keyring is the [Store] over the OS keyring (github.com/zalando/go-keyring).
//
// Every call runs in its own goroutine and is abandoned after Timeout: a
// keyring that waits for an unlock prompt nobody will answer returns an error
// matching [ErrTimeout] instead of hanging. The abandoned call may still
// finish later (a Set may land after its timeout); a short-lived CLI process
// simply exits. A missing D-Bus session, a missing Secret Service or a keyring
// that cannot be unlocked returns an error matching [ErrUnavailable]. Both
// messages name the alternatives ([Alternatives]). On Linux and the BSDs,
// when no session bus can be found (no DBUS_SESSION_BUS_ADDRESS, no
// /run/user/<uid>/bus) Keyring fails at once instead of letting godbus run
// dbus-launch, which would leave a bus daemon running after keyward exits.
//
// Once a call has timed out, later calls fail at once with the same error
// until that call returns: a keyring that is stuck costs a command one
// timeout, not one per call.
//
// The zero value is ready to use. Keyring is safe for concurrent use and must
// not be copied after first use.
type Keyring struct {
	// Timeout bounds each call; zero means DefaultTimeout.
	Timeout time.Duration

	mu sync.Mutex
	// stuck counts abandoned calls that have not returned yet.
	stuck int

	// backend performs the calls; nil means go-keyring's package functions.
	// Tests swap it for a backend that never answers.
	backend backend
	// checkBus refuses early when no D-Bus session bus can be found, before
	// go-keyring would run dbus-launch and leave a stray bus daemon behind;
	// nil means sessionBusCheck. Tests using keyring.MockInit disable it.
	checkBus func() error
}

// NewKeyring returns a Keyring with DefaultTimeout.
func NewKeyring() *Keyring { return &Keyring{} }

// backend is the part of go-keyring's API that Keyring uses.
type backend interface {
	Get(service, user string) (string, error)
	Set(service, user, password string) error
	Delete(service, user string) error
}

// goKeyring calls go-keyring's package functions, which use the platform's
// provider or the one keyring.MockInit installed.
type goKeyring struct{}

func (goKeyring) Get(service, user string) (string, error) { return keyring.Get(service, user) }
func (goKeyring) Set(service, user, password string) error {
	return keyring.Set(service, user, password)
}
func (goKeyring) Delete(service, user string) error { return keyring.Delete(service, user) }

// Get returns the value stored for account.
func (k *Keyring) Get(account string) (string, error) {
	return k.call(account, func(b backend) (string, error) { return b.Get(Service, account) })
}

// Set stores value for account, replacing any previous value.
func (k *Keyring) Set(account, value string) error {
	_, err := k.call(account, func(b backend) (string, error) { return "", b.Set(Service, account, value) })
	return err
}

// Delete removes account's value.
func (k *Keyring) Delete(account string) error {
	_, err := k.call(account, func(b backend) (string, error) { return "", b.Delete(Service, account) })
	return err
}

func (k *Keyring) timeout() time.Duration {
	if k.Timeout > 0 {
		return k.Timeout
	}
	return DefaultTimeout
}

// call runs op against the backend with the timeout and classifies its error.
func (k *Keyring) call(account string, op func(backend) (string, error)) (string, error) {
	check := k.checkBus
	if check == nil {
		check = sessionBusCheck
	}
	if err := check(); err != nil {
		return "", unavailableError(err.Error())
	}
	b := k.backend
	if b == nil {
		b = goKeyring{}
	}

	k.mu.Lock()
	stuck := k.stuck > 0
	k.mu.Unlock()
	if stuck {
		return "", timeoutError(k.timeout())
	}

	type result struct {
		value string
		err   error
	}
	// Buffered: an abandoned call can still deliver its result and end.
	answer := make(chan result, 1)
	var done, abandoned bool // guarded by k.mu
	go func() {
		value, err := op(b)
		k.mu.Lock()
		done = true
		if abandoned {
			k.stuck--
		}
		k.mu.Unlock()
		answer <- result{value, err}
	}()

	timer := time.NewTimer(k.timeout())
	defer timer.Stop()
	var r result
	select {
	case r = <-answer:
	case <-timer.C:
		k.mu.Lock()
		if !done {
			abandoned = true
			k.stuck++
			k.mu.Unlock()
			return "", timeoutError(k.timeout())
		}
		k.mu.Unlock()
		r = <-answer // it answered just in time
	}
	return r.value, classifyKeyringError(account, r.err)
}

// classifyKeyringError turns go-keyring's errors into keyward's. go-keyring
// reports a locked collection only as an untyped error, so its text is matched.
func classifyKeyringError(account string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, keyring.ErrNotFound):
		return newError(ErrNotFound, domain.CodeNotFound,
			fmt.Sprintf("no credential for account %q in the OS keyring", account))
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return domain.Invalid("credential", "too large for the OS keyring")
	case strings.HasPrefix(err.Error(), "failed to unlock"):
		return newError(ErrUnavailable, domain.CodeInternal,
			"OS keyring is locked and could not be unlocked; "+Alternatives)
	default:
		// A D-Bus dial error, no Secret Service on the bus, an unsupported
		// platform: none of them carries a secret, so the cause is shown.
		return unavailableError(err.Error())
	}
}

func unavailableError(cause string) error {
	return newError(ErrUnavailable, domain.CodeInternal,
		"no OS keyring available ("+cause+"); "+Alternatives)
}

func timeoutError(d time.Duration) error {
	return newError(ErrTimeout, domain.CodeInternal,
		fmt.Sprintf("OS keyring did not answer within %s (is it locked or missing?); %s", d, Alternatives))
}
