package service

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/keyward/keyward/internal/cidr"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/store/boltstore"
)

// keyAuthState is what decides whether an access key authenticates, parsed
// once from its record. It is immutable, so the authentication cache can
// hand it to concurrent callers.
type keyAuthState struct {
	keyID, tenant, user string
	userRef             string // boltstore.UserRef(tenant, user)
	keyType             *string
	active              bool
	expiresAt           time.Time // zero: never
	revokeAt            time.Time // zero: not rotated
	cidrs               []netip.Prefix
}

// userAuthState is what of a service user decides whether its keys
// authenticate.
type userAuthState struct {
	enabled bool
	cidrs   []netip.Prefix
}

func newKeyAuthState(k boltstore.KeyRecord) (*keyAuthState, error) {
	cidrs, err := cidr.ParseList("cidrAllowList", k.CIDRAllowList)
	if err != nil {
		return nil, fmt.Errorf("access key %s: stored %w", k.ID, err)
	}
	s := &keyAuthState{
		keyID: k.ID, tenant: k.Tenant, user: k.ServiceUser, userRef: boltstore.UserRef(k.Tenant, k.ServiceUser),
		keyType: k.Type, active: k.Status == domain.KeyActive, cidrs: cidrs,
	}
	if k.ExpiresAt != nil {
		s.expiresAt = *k.ExpiresAt
	}
	if k.RevokeAt != nil {
		s.revokeAt = *k.RevokeAt
	}
	return s, nil
}

func newUserAuthState(u domain.ServiceUser) (*userAuthState, error) {
	cidrs, err := cidr.ParseList("cidrAllowList", u.CIDRAllowList)
	if err != nil {
		return nil, fmt.Errorf("service user %s: stored %w", u.ID, err)
	}
	return &userAuthState{enabled: u.Status == domain.UserActive, cidrs: cidrs}, nil
}

// denial is why a key does not authenticate; allowed when it does.
type denial uint8

const (
	allowed denial = iota
	// deniedGone: a rotated key past its revokeAt, treated as unknown.
	deniedGone
	deniedInactive
	deniedExpired
	deniedUserDisabled
	deniedKeyCIDR
	deniedUserCIDR
)

// decide is the one rule of authentication, for the token endpoint and for
// `key verify` alike: the key exists, is active and unexpired, its user is
// enabled, and (when checkIP) ip is in both the key's and the user's CIDR
// allow lists.
func (k *keyAuthState) decide(u *userAuthState, ip netip.Addr, checkIP bool, now time.Time) denial {
	switch {
	case !k.revokeAt.IsZero() && !now.Before(k.revokeAt):
		return deniedGone
	case !k.active:
		return deniedInactive
	case !k.expiresAt.IsZero() && !now.Before(k.expiresAt):
		return deniedExpired
	case !u.enabled:
		return deniedUserDisabled
	case checkIP && !cidr.Contains(k.cidrs, ip):
		return deniedKeyCIDR
	case checkIP && !cidr.Contains(u.cidrs, ip):
		return deniedUserCIDR
	}
	return allowed
}

// validUntil is when the key stops authenticating by itself: the earlier of
// its expiry and its revokeAt; zero for never.
func (k *keyAuthState) validUntil() time.Time {
	switch {
	case k.revokeAt.IsZero():
		return k.expiresAt
	case k.expiresAt.IsZero() || k.revokeAt.Before(k.expiresAt):
		return k.revokeAt
	}
	return k.expiresAt
}

// reason is the sentence for d; it names the key, user and address, never
// a secret.
func (d denial) reason(k *keyAuthState, ip netip.Addr) string {
	switch d {
	case deniedGone:
		return unknownSecretMessage
	case deniedInactive:
		return fmt.Sprintf("access key %s is inactive", k.keyID)
	case deniedExpired:
		return fmt.Sprintf("access key %s expired at %s", k.keyID, k.expiresAt.UTC().Format(time.RFC3339))
	case deniedUserDisabled:
		return fmt.Sprintf("service user %q is disabled", k.user)
	case deniedKeyCIDR:
		return fmt.Sprintf("source address %s is not in the CIDR allow list of access key %s", ip.Unmap(), k.keyID)
	case deniedUserCIDR:
		return fmt.Sprintf("source address %s is not in the CIDR allow list of service user %q", ip.Unmap(), k.user)
	}
	return ""
}

// unknownSecretMessage answers a well-formed secret that belongs to no key.
const unknownSecretMessage = "unknown secret: it belongs to no access key (revoked, deleted or never issued)"
