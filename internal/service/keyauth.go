package service

import (
	"context"
	"net/netip"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/cidr"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/secret"
	"github.com/keyward/keyward/internal/store/boltstore"
)

// KeyAuth identifies the access key a secret authenticated as, for the
// token endpoint.
type KeyAuth struct {
	KeyID       string
	Tenant      string
	ServiceUser string
	// KeyType is the key's type, nil for none: tokens of a typed key are
	// limited to the type's scope.
	KeyType *string
	// ValidUntil is when the key stops authenticating by itself: the
	// earlier of its expiry and the end of its rotation grace period; zero
	// for never. A token must not outlive it.
	ValidUntil time.Time
}

// Authenticate checks an access key id and secret presented from source
// address ip (the token endpoint's client credentials). It applies the same
// rule as `key verify` (active, unexpired, not past revokeAt, user enabled,
// ip in the key's and the user's CIDR allow lists) from an in-memory cache,
// without a database transaction once a key has been seen.
//
// Every refusal is a *domain.Error of CodeUnauthenticated whose message is
// safe to log (it never contains the secret): "not a keyward secret: …" for
// a malformed secret, checked before any lookup; "invalid access key id or
// secret" when the secret is unknown or belongs to another key id (clients
// must not learn which); or the reason the key may not authenticate. When
// the key was identified the KeyAuth is filled in even on refusal, so the
// caller can audit the denial in the key's tenant. Any other error is the
// database's (CodeInternal): answer it as a server error, not a refusal.
//
// ip is the client's address; the zero Addr passes only empty allow lists.
// Authenticate records nothing: report successful uses with RecordKeyUse.
func (s *Service) Authenticate(ctx context.Context, keyID, secretText string, ip netip.Addr) (KeyAuth, error) {
	auth, err := s.authenticate(secretText, ip)
	if err == errUnknownSecret || auth.KeyID != "" && auth.KeyID != keyID {
		return KeyAuth{}, errBadClientCredentials
	}
	return auth, err
}

// VerifySecret is Authenticate without a key id: it checks a secret alone
// (a well-formed secret of no key is "unknown secret: …").
func (s *Service) VerifySecret(ctx context.Context, secretText string, ip netip.Addr) (KeyAuth, error) {
	return s.authenticate(secretText, ip)
}

var (
	errUnknownSecret        = domain.Unauthenticated(unknownSecretMessage)
	errBadClientCredentials = domain.Unauthenticated("invalid access key id or secret")
)

func (s *Service) authenticate(secretText string, ip netip.Addr) (KeyAuth, error) {
	if err := secret.Parse(secretText); err != nil {
		return KeyAuth{}, err
	}
	hasher := s.hashers.cached()
	if hasher == nil {
		if err := s.view(func(tx *boltstore.Tx) (err error) { hasher, err = s.hashers.get(tx); return err }); err != nil {
			return KeyAuth{}, err
		}
		if hasher == nil {
			return KeyAuth{}, errUnknownSecret // nothing written yet
		}
	}
	hash := hasher.Hash(secretText)
	k, u, gen := s.auth.lookup(hash)
	if k == nil || u == nil {
		var err error
		if k, u, err = s.loadAuthState(hash); err != nil {
			return KeyAuth{}, err
		}
		if k == nil {
			return KeyAuth{}, errUnknownSecret
		}
		s.auth.fill(gen, hash, k, u)
	}
	now := s.clock()
	d := k.decide(u, ip, true, now)
	if d == deniedGone {
		return KeyAuth{}, errUnknownSecret
	}
	auth := KeyAuth{KeyID: k.keyID, Tenant: k.tenant, ServiceUser: k.user, KeyType: k.keyType, ValidUntil: k.validUntil()}
	if d != allowed {
		return auth, domain.Unauthenticated("%s", d.reason(k, ip))
	}
	return auth, nil
}

// loadAuthState reads the key with secret hash and its user; nil when there
// is no such key.
func (s *Service) loadAuthState(hash [secret.HashSize]byte) (k *keyAuthState, u *userAuthState, err error) {
	err = s.view(func(tx *boltstore.Tx) error {
		rec, user, ok, err := keyAndUserBySecretHash(tx, hash)
		if err != nil || !ok {
			return err
		}
		if k, err = newKeyAuthState(rec); err != nil {
			return err
		}
		u, err = newUserAuthState(user)
		return err
	})
	if err != nil || u == nil {
		return nil, nil, err
	}
	return k, u, nil
}

func keyAndUserBySecretHash(tx *boltstore.Tx, hash [secret.HashSize]byte) (boltstore.KeyRecord, domain.ServiceUser, bool, error) {
	rec, ok, err := tx.KeyBySecretHash(hash[:])
	if err != nil || !ok {
		return rec, domain.ServiceUser{}, false, err
	}
	user, ok, err := tx.User(rec.Tenant, rec.ServiceUser)
	return rec, user, ok, err
}

// VerifyKey implements backend.AccessKeys. It reads the database (not the
// cache) to report every check, by the same rule as Authenticate.
func (s *Service) VerifyKey(ctx context.Context, in backend.VerifyKeyInput) (domain.KeyVerification, error) {
	if err := secret.Parse(in.Secret); err != nil {
		return domain.KeyVerification{}, err
	}
	var ip netip.Addr
	checkIP := strings.TrimSpace(in.IP) != ""
	if checkIP {
		var err error
		if ip, err = netip.ParseAddr(strings.TrimSpace(in.IP)); err != nil || ip.Zone() != "" {
			return domain.KeyVerification{}, domain.Invalid("ip", "%q is not an IPv4 or IPv6 address", in.IP)
		}
	}
	var out domain.KeyVerification
	err := s.view(func(tx *boltstore.Tx) error {
		hasher, err := s.hashers.get(tx)
		if err != nil {
			return err
		}
		if hasher == nil {
			return errUnknownSecret
		}
		now := s.clock()
		rec, user, ok, err := keyAndUserBySecretHash(tx, hasher.Hash(in.Secret))
		if err != nil {
			return err
		}
		if !ok || keyGone(rec, now) {
			return errUnknownSecret
		}
		k, err := newKeyAuthState(rec)
		if err != nil {
			return err
		}
		u, err := newUserAuthState(user)
		if err != nil {
			return err
		}
		d := k.decide(u, ip, checkIP, now)
		out = domain.KeyVerification{
			Authenticated: d == allowed, Reason: d.reason(k, ip),
			Tenant: rec.Tenant, ServiceUser: rec.ServiceUser, UserStatus: user.Status,
			Key: maskedKey(rec, now), InGrace: rec.RevokeAt != nil, UserCIDRAllowList: user.CIDRAllowList,
		}
		if end := k.validUntil(); !end.IsZero() {
			out.ValidUntil = &end
		}
		if checkIP {
			text := ip.Unmap().String()
			inList := cidr.AllowedByAll(ip, k.cidrs, u.cidrs)
			out.IP, out.IPAllowed = &text, &inList
		}
		out.Normalize()
		return nil
	})
	return out, err
}

// KeyUse is one authentication by an access key, for RecordKeyUse.
type KeyUse struct {
	KeyID string
	At    time.Time
	IP    netip.Addr
}

// RecordKeyUse stores the last use (time and source address) of keys, in
// one write transaction for the whole batch: the token endpoint collects
// uses and records them periodically rather than writing on every request.
// For each key the latest use in uses wins, and an older use never replaces
// a newer one stored. Keys deleted meanwhile are skipped. It writes no
// audit event and does not disturb the authentication cache.
func (s *Service) RecordKeyUse(ctx context.Context, uses []KeyUse) error {
	if len(uses) == 0 {
		return nil
	}
	latest := make(map[string]KeyUse, len(uses))
	for _, u := range uses {
		if prev, ok := latest[u.KeyID]; !ok || u.At.After(prev.At) {
			latest[u.KeyID] = u
		}
	}
	return s.update(func(tx *boltstore.Tx) error {
		for id, u := range latest {
			ip := ""
			if u.IP.IsValid() {
				ip = u.IP.Unmap().WithZone("").String()
			}
			if _, err := tx.SetKeyLastUsed(id, u.At.UTC().Truncate(time.Second), ip); err != nil {
				return err
			}
		}
		return nil
	})
}
