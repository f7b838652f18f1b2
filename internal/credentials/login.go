package credentials

import (
	"context"
	"errors"

	"github.com/keyward/keyward/internal/credstore"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/secret"
	"golang.org/x/oauth2"
)

// LoginResult says what Login stored and where.
type LoginResult struct {
	// Token is the token the check obtained; it is cached with the secret.
	Token *oauth2.Token
	// StoredIn is the OS keyring, or the insecure file.
	StoredIn credstore.Source
	// Warnings are one-line notes for stderr: the insecure-file warning, a
	// token that could not be cached, stale entries left in the other store.
	Warnings []string
}

// Login checks secret by exchanging it, with the target's access key id, for
// a token at the server, then stores the secret (account "<profile>") and
// caches the token ("<profile>:token"): in the OS keyring, or with insecure
// in the 0600 file, whose warning is among the result's Warnings. Entries
// the profile had in the other store are deleted, so they cannot shadow the
// new secret. Nothing is stored when the check fails.
//
// The keyring being unusable without insecure is an error naming the
// alternatives (KEYWARD_TOKEN, KEYWARD_ACCESS_KEY_ID+KEYWARD_SECRET,
// --insecure-storage). The environment plays no part in Login.
func Login(ctx context.Context, cfg Config, sec string, insecure bool) (LoginResult, error) {
	if cfg.Profile == "" {
		return LoginResult{}, domain.Invalid("profile", "a remote profile is required to log in")
	}
	if cfg.AccessKeyID == "" {
		return LoginResult{}, domain.Invalid("access-key-id", "profile %s has no access key id", quote(cfg.Profile))
	}
	if err := secret.Parse(sec); err != nil {
		var de *domain.Error
		if errors.As(err, &de) {
			invalid := domain.Invalid("secret", "%s", de.Message)
			invalid.Hint = de.Hint
			return LoginResult{}, invalid
		}
		return LoginResult{}, err
	}
	store := cfg.Store
	if store == nil {
		store = &credstore.Resolver{}
	}
	var target, other credstore.Store
	var where credstore.Source
	if insecure {
		if store.File == nil {
			return LoginResult{}, errors.New("no insecure credential file configured")
		}
		target, where = store.File, credstore.Source{Kind: credstore.SourceInsecureFile, Path: store.File.Path()}
		if store.Keyring != nil {
			other = store.Keyring
		}
	} else {
		if store.Keyring == nil {
			return LoginResult{}, errors.New("no OS keyring configured; " + credstore.Alternatives)
		}
		target, where = store.Keyring, credstore.Source{Kind: credstore.SourceKeyring}
		if store.File != nil {
			other = store.File
		}
	}

	client := cfg.HTTPClient
	if client == nil {
		var err error
		if client, err = NewHTTPClient(cfg.CAFile); err != nil {
			return LoginResult{}, err
		}
	}
	if err := CheckServerURL("server", cfg.Server); err != nil {
		return LoginResult{}, err
	}
	tok, err := Exchange(WithHTTPClient(ctx, client), cfg.Target, cfg.AccessKeyID, sec)
	if err != nil {
		var de *domain.Error
		if errors.As(err, &de) && de.Code == domain.CodeUnauthenticated {
			return LoginResult{}, de.WithHint("check that the secret belongs to access key %s; nothing was stored", cfg.AccessKeyID)
		}
		return LoginResult{}, err
	}

	res := LoginResult{Token: bearer(tok.AccessToken), StoredIn: where}
	if res.Token.Expiry.IsZero() {
		res.Token.Expiry = tok.Expiry
	}
	if err := target.Set(credstore.SecretAccount(cfg.Profile), sec); err != nil {
		return LoginResult{}, err
	}
	if insecure {
		res.Warnings = append(res.Warnings, store.File.Warning())
	}
	if err := target.Set(credstore.TokenAccount(cfg.Profile), tok.AccessToken); err != nil {
		res.Warnings = append(res.Warnings, "warning: could not cache the token: "+err.Error())
	}
	if other != nil {
		for _, account := range []string{credstore.SecretAccount(cfg.Profile), credstore.TokenAccount(cfg.Profile)} {
			err := other.Delete(account)
			switch {
			case err == nil, errors.Is(err, credstore.ErrNotFound):
			case insecure && (errors.Is(err, credstore.ErrUnavailable) || errors.Is(err, credstore.ErrTimeout)):
				// No keyring here, so nothing in it can shadow the file.
			default:
				res.Warnings = append(res.Warnings, "warning: could not delete the profile's old entry "+quote(account)+": "+err.Error())
			}
		}
	}
	return res, nil
}
