package service

import (
	"context"
	"errors"
	"net/netip"
	"time"

	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/secret"
	"github.com/keyward/keyward/internal/store/boltstore"
)

// KeyCredential is everything a server checks about one access key when it
// authenticates a request: the key as stored, the hash of its secret, its
// service user, its tenant's settings and what the user may do. The server
// keeps it in memory and reads it again once Generation has moved.
type KeyCredential struct {
	// Key is the stored key; Status is active or inactive, never the derived
	// expired (Check decides that from the clock).
	Key domain.AccessKey
	// SecretHash is the HMAC of the key's secret under the pepper (see
	// SecretHasher).
	SecretHash []byte
	User       domain.ServiceUser
	Settings   domain.TenantSettings
	// Principal is what the user may do: its own and its groups' policies,
	// limited by the key type's scope for a key of a type.
	Principal *authz.Principal

	key  *keyAuthState
	user *userAuthState
}

// Check applies the one authentication rule (that of Authenticate and `key
// verify`) at now: the key active, unexpired and not past its grace period,
// the user enabled and, when ip is valid, ip inside the key's and the
// user's CIDR allow lists. It returns nil or a CodeUnauthenticated error
// naming why, never a secret.
func (c *KeyCredential) Check(now time.Time, ip netip.Addr) error {
	switch d := c.key.decide(c.user, ip, ip.IsValid(), now); d {
	case allowed:
		return nil
	case deniedGone:
		return domain.Unauthenticated("access key %s was rotated and its grace period has ended", c.Key.ID)
	default:
		return domain.Unauthenticated("%s", d.reason(c.key, ip))
	}
}

// ValidUntil is when the key stops authenticating by itself: the earlier of
// its expiry and the end of its grace period; zero for never.
func (c *KeyCredential) ValidUntil() time.Time { return c.key.validUntil() }

// LookupKeyCredential returns the credential of access key keyID; found is
// false when no such key exists (including on a database never written).
func (s *Service) LookupKeyCredential(ctx context.Context, keyID string) (c KeyCredential, found bool, err error) {
	err = s.view(func(tx *boltstore.Tx) error {
		rec, ok, err := tx.Key(keyID)
		if err != nil || !ok {
			return err
		}
		u, ok, err := tx.User(rec.Tenant, rec.ServiceUser)
		if err != nil || !ok {
			return err
		}
		t, ok, err := tx.Tenant(rec.Tenant)
		if err != nil || !ok {
			return err
		}
		u.Normalize()
		c = KeyCredential{Key: rec.AccessKey, SecretHash: rec.SecretHash, User: u, Settings: t.Settings}
		if c.key, err = newKeyAuthState(rec); err != nil {
			return err
		}
		if c.user, err = newUserAuthState(u); err != nil {
			return err
		}
		if c.Principal, err = s.principalOf(tx, u); err != nil {
			return err
		}
		if rec.Type != nil {
			// A key of a type may do only what its type's scope allows too.
			if c.Principal, err = s.withKeyType(tx, c.Principal, rec.Tenant, *rec.Type); err != nil {
				return err
			}
		}
		found = true
		return nil
	})
	return c, found, err
}

// SecretHasher returns the hasher of access key secrets under this
// database's pepper. It fails before the first write (there is no pepper,
// and so no key, yet).
func (s *Service) SecretHasher() (*secret.Hasher, error) {
	var pepper []byte
	if err := s.view(func(tx *boltstore.Tx) error {
		pepper = tx.Pepper()
		return nil
	}); err != nil {
		return nil, err
	}
	if pepper == nil {
		return nil, errors.New("the database has not been initialised: it has no hashing pepper")
	}
	return secret.NewHasher(pepper)
}
