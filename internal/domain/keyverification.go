package domain

import "time"

// KeyVerification is the answer of `key verify`: which key a secret belongs
// to and whether it authenticates now, with every check that decided it.
// It never holds the secret.
type KeyVerification struct {
	// Authenticated is true when every check passed.
	Authenticated bool `json:"authenticated"`
	// Reason says why not; empty when Authenticated.
	Reason string `json:"reason"`
	// Tenant and ServiceUser own the key; the key is valid only there.
	Tenant      string `json:"tenant"`
	ServiceUser string `json:"serviceUser"`
	// UserStatus is the owner's status: a disabled user's keys never authenticate.
	UserStatus UserStatus `json:"userStatus"`
	// Key is the key, masked.
	Key AccessKey `json:"key"`
	// ValidUntil is when the key stops authenticating by itself: the
	// earlier of its expiry and, for a rotated key, the end of its grace
	// period; null for never.
	ValidUntil *time.Time `json:"validUntil"`
	// InGrace is true for a rotated key that still authenticates until revokeAt.
	InGrace bool `json:"inGrace"`
	// IP is the source address checked, null when none was given.
	IP *string `json:"ip"`
	// UserCIDRAllowList is the owner's allow list; the key's own is
	// Key.CIDRAllowList. The effective list is their intersection (an
	// empty list restricts nothing).
	UserCIDRAllowList []string `json:"userCidrAllowList"`
	// IPAllowed says whether IP is in the effective list; null when no IP
	// was given.
	IPAllowed *bool `json:"ipAllowed"`
}

// Normalize makes every list non-nil so JSON prints [] rather than null.
func (v *KeyVerification) Normalize() {
	v.Key.Normalize()
	if v.UserCIDRAllowList == nil {
		v.UserCIDRAllowList = []string{}
	}
}
