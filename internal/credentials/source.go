package credentials

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/keyward/keyward/internal/credstore"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/token"
	"golang.org/x/oauth2"
)

// Config configures a [Source].
type Config struct {
	Target
	// Store finds the profile's credentials (environment, OS keyring,
	// insecure file) and keeps its cached token. Nil consults only the
	// environment.
	Store *credstore.Resolver
	// HTTPClient sends the token requests; nil means NewHTTPClient(CAFile).
	HTTPClient *http.Client
	// Now is the clock expiry is judged by; nil means time.Now.
	Now func() time.Time
	// Warn receives one-line warnings, such as a new token that could not be
	// cached; nil discards them.
	Warn func(string)
}

// Source is the [oauth2.TokenSource] of one Target (see the package doc for
// the order it tries). It reads the stores on first use, not in New, so a
// command that needs no token never touches the keyring. It is safe for
// concurrent use; Token calls are serialized, so one process exchanges at
// most once per expiry.
type Source struct {
	ctx    context.Context
	target Target
	store  *credstore.Resolver
	now    func() time.Time
	warn   func(string)

	mu       sync.Mutex
	resolved bool
	creds    credstore.Credentials
	keyID    string
	// current is the token in use; it replaces creds.Token once a new one has
	// been exchanged or the cached one dropped.
	current string
}

var _ oauth2.TokenSource = (*Source)(nil)

// New returns the Source of cfg. Token requests use ctx (for cancellation)
// and cfg's HTTP client. It fails only for a bad server URL or CA file.
func New(ctx context.Context, cfg Config) (*Source, error) {
	if err := CheckServerURL("server", cfg.Server); err != nil {
		return nil, err
	}
	client := cfg.HTTPClient
	if client == nil {
		var err error
		if client, err = NewHTTPClient(cfg.CAFile); err != nil {
			return nil, err
		}
	}
	s := &Source{
		ctx:    WithHTTPClient(ctx, client),
		target: cfg.Target,
		store:  cfg.Store,
		now:    cfg.Now,
		warn:   cfg.Warn,
	}
	if s.store == nil {
		s.store = &credstore.Resolver{}
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.warn == nil {
		s.warn = func(string) {}
	}
	return s, nil
}

// Target returns the target the Source authenticates to.
func (s *Source) Target() Target { return s.target }

// Token returns a token to send: KEYWARD_TOKEN, the token in use or cached
// while it is fresh, else a new one exchanged with the access key (and
// cached beside the secret). It implements oauth2.TokenSource.
func (s *Source) Token() (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.resolve(); err != nil {
		return nil, err
	}
	now := s.now()
	if s.fromEnvToken() {
		return envToken(s.creds.Token, now)
	}
	if s.current != "" && reusable(s.current, s.keyID, now) {
		return bearer(s.current), nil
	}
	tok, _, cacheErr, err := s.exchange()
	if err != nil {
		return nil, err
	}
	if cacheErr != nil {
		s.warn("warning: could not cache the new token: " + cacheErr.Error())
	}
	return tok, nil
}

// Issued is the result of [Source.Issue].
type Issued struct {
	// Token is the new token.
	Token *oauth2.Token
	// CachedIn is where it was cached: the keyring or the insecure file; Kind
	// SourceEnv when the credentials came from the environment, which is
	// never written to.
	CachedIn credstore.Source
}

// Issue exchanges the access key for a new token whatever is cached, and
// caches it. A token that cannot be cached is an error here: caching it is
// what `token issue` is for. With KEYWARD_TOKEN set there is no key to
// exchange, which is an invalid-input error.
func (s *Source) Issue() (Issued, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.resolve(); err != nil {
		return Issued{}, err
	}
	if s.fromEnvToken() {
		return Issued{}, domain.Invalid(credstore.EnvToken,
			"is set, so keyward sends that token and has no access key to exchange; unset it to issue a token")
	}
	tok, where, cacheErr, err := s.exchange()
	if err != nil {
		return Issued{}, err
	}
	if cacheErr != nil {
		return Issued{}, fmt.Errorf("got a new token but could not cache it: %w", cacheErr)
	}
	return Issued{Token: tok, CachedIn: where}, nil
}

// Current returns the token Token would send first, without exchanging:
// KEYWARD_TOKEN, or the token in use or cached, fresh or not, and where it
// came from. No token is a CodeNotFound error.
func (s *Source) Current() (string, credstore.Source, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.resolve(); err != nil {
		return "", credstore.Source{}, err
	}
	if s.current == "" {
		return "", credstore.Source{}, domain.NotFound("no token cached for %s", s.describe()).
			WithHint("get one with `keyward token issue`")
	}
	return s.current, s.creds.Source, nil
}

// Origin says where the credentials live: env, keyring, insecure file or
// none. It reads the stores once, like Token.
func (s *Source) Origin() (credstore.Source, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.resolve(); err != nil {
		return credstore.Source{}, err
	}
	return s.creds.Source, nil
}

// Invalidate drops the token in use, so the next Token call exchanges the
// key again. A client calls it when the server refuses a token that looked
// fresh (revoked, or signed by a server that has since lost its keys). It
// changes nothing with KEYWARD_TOKEN.
func (s *Source) Invalidate() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.fromEnvToken() {
		s.current = ""
	}
}

// Clear deletes the profile's cached token from the keyring and the
// insecure file. It reports whether there was one; no profile, no token, or
// no OS keyring to hold one (a headless run on environment credentials) is
// not an error.
func (s *Source) Clear() (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.fromEnvToken() {
		s.current = ""
	}
	if s.target.Profile == "" {
		return false, nil
	}
	return s.store.Forget(credstore.TokenAccount(s.target.Profile))
}

// resolve reads the credentials once. Without a profile only the
// environment counts.
func (s *Source) resolve() error {
	if s.resolved {
		return nil
	}
	store := s.store
	if s.target.Profile == "" {
		store = &credstore.Resolver{Getenv: s.store.Getenv}
	}
	creds, err := store.Resolve(s.target.Profile)
	if err != nil {
		return err
	}
	s.creds, s.resolved = creds, true
	s.current = creds.Token
	s.keyID = creds.AccessKeyID
	if s.keyID == "" {
		s.keyID = s.target.AccessKeyID
	}
	return nil
}

func (s *Source) fromEnvToken() bool {
	return s.creds.Source.Kind == credstore.SourceEnv && s.creds.Token != ""
}

// exchange gets a new token with the access key and caches it where the
// secret lives. cacheErr reports a failed cache write; err a failed exchange.
func (s *Source) exchange() (tok *oauth2.Token, where credstore.Source, cacheErr, err error) {
	if err := s.canExchange(); err != nil {
		return nil, credstore.Source{}, nil, err
	}
	raw, err := Exchange(s.ctx, s.target, s.keyID, s.creds.Secret)
	if err != nil {
		var de *domain.Error
		if errors.As(err, &de) && de.Code == domain.CodeUnauthenticated {
			return nil, credstore.Source{}, nil, de.WithHint("%s", s.reloginHint())
		}
		return nil, credstore.Source{}, nil, err
	}
	s.current = raw.AccessToken
	tok = bearer(raw.AccessToken)
	if tok.Expiry.IsZero() {
		tok.Expiry = raw.Expiry
	}
	where, cacheErr = s.cache(raw.AccessToken)
	return tok, where, cacheErr, nil
}

// canExchange says why the access key cannot be exchanged, if it cannot.
func (s *Source) canExchange() error {
	switch {
	case !s.creds.Found():
		return s.noCredentials()
	case s.creds.Secret == "":
		return domain.Unauthenticated("the cached token of profile %s has expired and no secret is stored for it", quote(s.target.Profile)).
			WithHint("run `keyward profile login %s`", s.target.Profile)
	case s.keyID == "":
		return domain.Invalid("access-key-id", "profile %s has no access key id", quote(s.target.Profile)).
			WithHint("add it with `keyward profile add %s --server URL --access-key-id KEY`", s.target.Profile)
	}
	return nil
}

func (s *Source) noCredentials() error {
	if s.target.Profile == "" {
		return domain.Unauthenticated("no credentials for server %s", s.target.Server).
			WithHint("set %s, or %s and %s, or use a remote profile", credstore.EnvToken, credstore.EnvAccessKeyID, credstore.EnvSecret)
	}
	return domain.Unauthenticated("no credentials for remote profile %s", quote(s.target.Profile)).
		WithHint("run `keyward profile login %s`, or set %s, or %s and %s",
			s.target.Profile, credstore.EnvToken, credstore.EnvAccessKeyID, credstore.EnvSecret)
}

func (s *Source) reloginHint() string {
	if s.creds.Source.Kind == credstore.SourceEnv {
		return fmt.Sprintf("check %s and %s", credstore.EnvAccessKeyID, credstore.EnvSecret)
	}
	return fmt.Sprintf("if the key was rotated, run `keyward profile login %s` with its new secret", s.target.Profile)
}

// cache stores raw as the profile's token in the store its secret came
// from. Credentials from the environment are never written anywhere.
func (s *Source) cache(raw string) (credstore.Source, error) {
	where := s.creds.Source
	account := credstore.TokenAccount(s.target.Profile)
	switch where.Kind {
	case credstore.SourceKeyring:
		if s.store.Keyring == nil {
			return where, errors.New("no OS keyring configured")
		}
		return where, s.store.Keyring.Set(account, raw)
	case credstore.SourceInsecureFile:
		if s.store.File == nil {
			return where, errors.New("no insecure credential file configured")
		}
		return where, s.store.File.Set(account, raw)
	}
	return where, nil
}

// envToken returns KEYWARD_TOKEN, refusing it once it has expired: the
// server would refuse it too, with a less helpful message.
func envToken(raw string, now time.Time) (*oauth2.Token, error) {
	if d, err := token.Decode(raw); err == nil && d.ExpiresAt != nil && !now.Before(*d.ExpiresAt) {
		return nil, domain.Unauthenticated("%s %s", credstore.EnvToken, d.ExpiresIn(now)).
			WithHint("get a new token, or unset it to use the profile's access key")
	}
	return bearer(raw), nil
}

// quote prints a profile name as the rest of the CLI does: "prod".
func quote(name string) string { return fmt.Sprintf("%q", name) }
