package credstore

import (
	"errors"

	"github.com/keyward/keyward/internal/domain"
)

// Service is the keyring service name every keyward credential is stored under.
const Service = "keyward"

// tokenSuffix turns a profile name into the account of its cached token.
const tokenSuffix = ":token"

// SecretAccount is the account holding the access key secret of profile.
func SecretAccount(profile string) string { return profile }

// TokenAccount is the account holding the bearer token cached for profile.
func TokenAccount(profile string) string { return profile + tokenSuffix }

// Store keeps one string value per account under [Service].
//
// Get returns an error matching [ErrNotFound] when the account holds nothing;
// Delete does the same when there was nothing to delete. Set replaces any
// previous value. Implementations are safe for use by several goroutines.
type Store interface {
	Get(account string) (string, error)
	Set(account, value string) error
	Delete(account string) error
}

// Alternatives tells the user how to run without an OS keyring. It ends every
// error that says the keyring cannot be used.
const Alternatives = "use KEYWARD_TOKEN, KEYWARD_ACCESS_KEY_ID+KEYWARD_SECRET, or --insecure-storage"

// Sentinels for errors.Is. Every error a Store or the Resolver returns for
// these conditions matches one of them and also wraps a *domain.Error.
var (
	// ErrNotFound: the account holds no value.
	ErrNotFound = errors.New("credential not found")
	// ErrUnavailable: there is no usable OS keyring (no D-Bus session, no
	// Secret Service, a keyring that stays locked, an unsupported platform).
	ErrUnavailable = errors.New("no OS keyring available")
	// ErrTimeout: the OS keyring did not answer within the Keyring's timeout.
	ErrTimeout = errors.New("OS keyring did not answer in time")
)

// storeError pairs a sentinel (what happened, for errors.Is) with the
// *domain.Error the user reads and the CLI maps to an exit code.
type storeError struct {
	kind error
	err  *domain.Error
}

func (e *storeError) Error() string   { return e.err.Error() }
func (e *storeError) Unwrap() []error { return []error{e.kind, e.err} }

func newError(kind error, code domain.Code, message string) error {
	return &storeError{kind: kind, err: &domain.Error{Code: code, Message: message}}
}

// isKeyringFailure reports whether err means the keyring could not be asked at
// all, as opposed to answering "not found".
func isKeyringFailure(err error) bool {
	return errors.Is(err, ErrUnavailable) || errors.Is(err, ErrTimeout)
}
