package credstore

import (
	"errors"
	"fmt"
	"os"

	"github.com/keyward/keyward/internal/domain"
)

// Environment variables that override the stored credentials of any profile.
const (
	// EnvToken holds a ready bearer token.
	EnvToken = "KEYWARD_TOKEN"
	// EnvAccessKeyID holds an access key id; it counts only with EnvSecret.
	EnvAccessKeyID = "KEYWARD_ACCESS_KEY_ID"
	// EnvSecret holds that access key's secret.
	EnvSecret = "KEYWARD_SECRET"
)

// SourceKind says which store a credential came from.
type SourceKind string

// The places a credential can live, in the order the Resolver tries them.
const (
	// SourceEnv: KEYWARD_TOKEN, or KEYWARD_ACCESS_KEY_ID and KEYWARD_SECRET.
	SourceEnv SourceKind = "env"
	// SourceKeyring: the OS keyring.
	SourceKeyring SourceKind = "keyring"
	// SourceInsecureFile: the --insecure-storage file.
	SourceInsecureFile SourceKind = "insecure file"
	// SourceNone: no credential anywhere.
	SourceNone SourceKind = "none"
)

// Source is where a profile's credential lives; Path is set for
// SourceInsecureFile only.
type Source struct {
	Kind SourceKind
	Path string
}

// String is what `profile show` prints: "env", "keyring",
// "insecure file <path>" or "none".
func (s Source) String() string {
	if s.Kind == SourceInsecureFile {
		return string(s.Kind) + " " + s.Path
	}
	if s.Kind == "" {
		return string(SourceNone)
	}
	return string(s.Kind)
}

// Credentials are what the Resolver found for a profile. Token and Secret
// are secrets: print Source, never them.
type Credentials struct {
	// Source says where they came from; SourceNone means nothing was found.
	Source Source
	// Token is a bearer token: KEYWARD_TOKEN, or the cached `<profile>:token`.
	Token string
	// AccessKeyID is set only from KEYWARD_ACCESS_KEY_ID; otherwise the
	// caller uses the profile's access-key-id from the config file.
	AccessKeyID string
	// Secret is KEYWARD_SECRET, or the stored `<profile>` secret.
	Secret string
}

// Found reports whether any credential was found.
func (c Credentials) Found() bool { return c.Source.Kind != SourceNone && c.Source.Kind != "" }

// Resolver applies keyward's credential precedence: the environment, then
// the OS keyring, then the insecure file when --insecure-storage enabled it.
//
// The zero value consults only the environment.
type Resolver struct {
	// Keyring is the OS keyring; nil skips it.
	Keyring Store
	// File is the insecure file store; nil unless --insecure-storage is given.
	File *File
	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(string) string
}

// Resolve finds the credentials of profile. The environment wins:
// KEYWARD_TOKEN, or KEYWARD_ACCESS_KEY_ID with KEYWARD_SECRET (one without
// the other is an invalid-input error naming the missing variable). Then the
// keyring, then the insecure file; a store counts when it holds the profile's
// secret or its cached token.
//
// Nothing found is not an error: Credentials.Source is SourceNone. A keyring
// that cannot be asked ([ErrUnavailable], [ErrTimeout]) is an error only
// when there is no insecure file to fall back to.
func (r *Resolver) Resolve(profile string) (Credentials, error) {
	if creds, ok, err := r.fromEnv(); ok || err != nil {
		return creds, err
	}
	if r.Keyring != nil {
		creds, ok, err := lookup(r.Keyring, profile)
		switch {
		case ok:
			creds.Source = Source{Kind: SourceKeyring}
			return creds, nil
		case err != nil && !(isKeyringFailure(err) && r.File != nil):
			return Credentials{Source: Source{Kind: SourceNone}}, err
		}
	}
	if r.File != nil {
		creds, ok, err := lookup(r.File, profile)
		switch {
		case ok:
			creds.Source = Source{Kind: SourceInsecureFile, Path: r.File.Path()}
			return creds, nil
		case err != nil:
			return Credentials{Source: Source{Kind: SourceNone}}, err
		}
	}
	return Credentials{Source: Source{Kind: SourceNone}}, nil
}

// Set stores value for account in the keyring, or in the insecure file when
// the keyring cannot be asked and a file is enabled, and says where it went.
// The caller prints File.Warning when the answer is SourceInsecureFile.
func (r *Resolver) Set(account, value string) (Source, error) {
	err := errors.New("no credential store configured; " + Alternatives)
	if r.Keyring != nil {
		if err = r.Keyring.Set(account, value); err == nil {
			return Source{Kind: SourceKeyring}, nil
		}
	}
	if r.File != nil && (r.Keyring == nil || isKeyringFailure(err)) {
		if err := r.File.Set(account, value); err != nil {
			return Source{}, err
		}
		return Source{Kind: SourceInsecureFile, Path: r.File.Path()}, nil
	}
	return Source{}, err
}

// Delete removes account from the keyring and from the insecure file. It
// returns an error matching [ErrNotFound] when no store held it, and a
// keyring failure only when there is no insecure file to clean instead.
func (r *Resolver) Delete(account string) error {
	var errs []error
	deleted := false
	for _, store := range r.stores() {
		err := store.Delete(account)
		switch {
		case err == nil:
			deleted = true
		case errors.Is(err, ErrNotFound):
		case isKeyringFailure(err) && r.File != nil:
			// The insecure file is the fallback; its answer decides.
		default:
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	if !deleted {
		return newError(ErrNotFound, domain.CodeNotFound, fmt.Sprintf("no stored credential for account %q", account))
	}
	return nil
}

// Forget deletes account like Delete, but nothing stored is no error: an
// account no store holds, or no OS keyring (and no insecure file) to hold
// one. It reports whether a value was deleted.
func (r *Resolver) Forget(account string) (bool, error) {
	err := r.Delete(account)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, ErrNotFound), errors.Is(err, ErrUnavailable):
		return false, nil
	}
	return false, err
}

func (r *Resolver) stores() []Store {
	var stores []Store
	if r.Keyring != nil {
		stores = append(stores, r.Keyring)
	}
	if r.File != nil {
		stores = append(stores, r.File)
	}
	return stores
}

func (r *Resolver) fromEnv() (Credentials, bool, error) {
	getenv := r.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	token, keyID, secret := getenv(EnvToken), getenv(EnvAccessKeyID), getenv(EnvSecret)
	switch {
	case keyID != "" && secret == "":
		return Credentials{}, false, domain.Invalid(EnvSecret, "not set, but %s is; set both or neither", EnvAccessKeyID)
	case keyID == "" && secret != "":
		return Credentials{}, false, domain.Invalid(EnvAccessKeyID, "not set, but %s is; set both or neither", EnvSecret)
	case token == "" && keyID == "":
		return Credentials{}, false, nil
	}
	return Credentials{Source: Source{Kind: SourceEnv}, Token: token, AccessKeyID: keyID, Secret: secret}, true, nil
}

// lookup reads profile's secret and cached token from store. ok is true when
// either is there. A keyring that cannot be asked fails the first read, so a
// dead keyring costs one timeout, not two.
func lookup(store Store, profile string) (creds Credentials, ok bool, err error) {
	secret, err := store.Get(SecretAccount(profile))
	switch {
	case err == nil:
		creds.Secret, ok = secret, true
	case !errors.Is(err, ErrNotFound):
		return Credentials{}, false, err
	}
	token, err := store.Get(TokenAccount(profile))
	switch {
	case err == nil:
		creds.Token, ok = token, true
	case !errors.Is(err, ErrNotFound):
		return Credentials{}, false, err
	}
	return creds, ok, nil
}
