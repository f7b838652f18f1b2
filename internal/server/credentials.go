package server

import (
	"context"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/secret"
	"github.com/keyward/keyward/internal/service"
)

// credential is the in-memory form of one access key with everything a
// request is checked against. It is immutable once built, except for the
// token it hands out again (tokenReuse); a write to the database makes the
// cache build a new one.
type credential struct {
	generation uint64
	keyID      string
	tenant     string
	user       string
	actor      string // "serviceuser:<tenant>/<id>"
	secretHash [secret.HashSize]byte
	check      service.KeyCredential

	// What the token endpoint needs: the limits of a token's life.
	keyActive   bool
	userEnabled bool
	expiresAt   *time.Time
	revokeAt    *time.Time
	principal   *authz.Principal
	tokenTTL    time.Duration
	tokenReuse  bool

	// reusable is the last token issued for this key (tokenReuse).
	reusable atomic.Pointer[issuedToken]
}

// usable returns nil when the key authenticates at now from ip, else the
// unauthenticated error naming why (the rule of `key verify`). The reasons
// are shown only to a caller that proved it holds the key (a valid secret
// or token).
func (c *credential) usable(now time.Time, ip netip.Addr) error {
	if !ip.IsValid() {
		ip = netip.IPv6Unspecified() // an unparsable peer matches no allow list
	}
	return c.check.Check(now, ip)
}

// state returns nil when the key and its user are valid at now, whatever
// the caller's address.
func (c *credential) state(now time.Time) error { return c.check.Check(now, netip.Addr{}) }

// credentialCache keeps the credentials of the keys in use, each read from
// the service once per service generation. Unknown key ids are not
// remembered: they cost a read each (the token endpoint's limits bound them).
type credentialCache struct {
	svc   *service.Service
	byKey sync.Map // key id → *credential
}

// get returns the current credential of keyID, or nil when no such key
// exists.
func (cc *credentialCache) get(ctx context.Context, keyID string) (*credential, error) {
	gen := cc.svc.Generation()
	if v, ok := cc.byKey.Load(keyID); ok {
		if c := v.(*credential); c.generation == gen {
			return c, nil
		}
	}
	// Read the generation before the state: a write committed meanwhile
	// leaves this entry stale, so the next request reads again.
	kc, found, err := cc.svc.LookupKeyCredential(ctx, keyID)
	if err != nil {
		return nil, err
	}
	if !found {
		cc.byKey.Delete(keyID)
		return nil, nil
	}
	c := newCredential(gen, kc)
	if v, ok := cc.byKey.Load(keyID); ok {
		// A write elsewhere (a last-used flush, another user) need not cost
		// the key its reusable token.
		if old := v.(*credential); old.sameGrant(c) {
			c.reusable.Store(old.reusable.Load())
		}
	}
	cc.byKey.Store(keyID, c)
	return c, nil
}

// sameGrant reports whether a token issued under c would be issued the same
// under d: same key, secret, state, expiry and token settings.
func (c *credential) sameGrant(d *credential) bool {
	return c.keyID == d.keyID && c.tenant == d.tenant && c.user == d.user && c.secretHash == d.secretHash &&
		c.keyActive == d.keyActive && c.userEnabled == d.userEnabled &&
		equalTime(c.expiresAt, d.expiresAt) && equalTime(c.revokeAt, d.revokeAt) &&
		c.tokenTTL == d.tokenTTL && c.tokenReuse == d.tokenReuse
}

func equalTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// newCredential builds the credential of kc read at service generation gen.
func newCredential(gen uint64, kc service.KeyCredential) *credential {
	c := &credential{
		generation:  gen,
		keyID:       kc.Key.ID,
		tenant:      kc.Key.Tenant,
		user:        kc.Key.ServiceUser,
		actor:       service.ServiceUserActor(kc.Key.Tenant, kc.Key.ServiceUser),
		check:       kc,
		keyActive:   kc.Key.Status == domain.KeyActive,
		userEnabled: kc.User.Status == domain.UserActive,
		expiresAt:   kc.Key.ExpiresAt,
		revokeAt:    kc.Key.RevokeAt,
		principal:   kc.Principal,
		tokenTTL:    kc.Settings.TokenTTL.D,
		tokenReuse:  kc.Settings.TokenReuse,
	}
	copy(c.secretHash[:], kc.SecretHash)
	return c
}
