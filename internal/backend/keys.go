package backend

import (
	"context"
	"strings"

	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/secret"
)

// AccessKeys manages access keys: the secrets with which service users
// authenticate. A key is named in these methods by a KeyRef: its id
// (kwk_…), or "<user>/<name>" for a live key of that user. A key of
// another tenant, or one past its revokeAt (a rotated key whose grace
// period is over), is CodeNotFound.
//
// Secrets are returned only by GenerateKey, RotateKey and CreateServiceUser,
// once; no other method, error or audit event contains one.
type AccessKeys interface {
	// GenerateKey makes a key for user under the tenant's rules: expiry
	// (keyTtlDefault when none is given, at most keyTtlMax, never "never"
	// when requireKeyExpiry or keyTtlMax), name (required with
	// requireKeyName, unique among the user's live keys, default key-N)
	// and at most maxActiveKeysPerUser active keys (beyond it CodeConflict,
	// listing the user's keys and how to free a slot).
	GenerateKey(ctx context.Context, tenant, user string, in GenerateKeyInput) (domain.NewAccessKey, error)
	// ListKeys returns the live keys of tenant (or of one user), by user
	// then key id, masked, filtered.
	ListKeys(ctx context.Context, tenant string, filter ListKeysFilter) ([]domain.AccessKey, error)
	// GetKey returns one key, masked.
	GetKey(ctx context.Context, tenant, ref string) (domain.AccessKey, error)
	// UpdateKey changes the name, description or expiry given, under the
	// same rules as GenerateKey. Extending an expired key's expiry makes it
	// active again, so the limit applies.
	UpdateKey(ctx context.Context, tenant, ref string, in UpdateKeyInput) (domain.AccessKey, error)
	// RotateKey replaces a key by a successor with the same name, type,
	// description, CIDR allow list, status and lifetime (counted from now,
	// capped by keyTtlMax; never stays never when the tenant allows it).
	// The old key is deleted now, or with Grace it keeps authenticating
	// until revokeAt = now + Grace, leaving the name to its successor and
	// counting against no limit. Rotation works when the user is at the key
	// limit. A key already rotated is CodeConflict.
	RotateKey(ctx context.Context, tenant, ref string, in RotateKeyInput) (domain.NewAccessKey, error)
	// RevokeKey deletes a key; it stops authenticating at once. It returns
	// the key as it was.
	RevokeKey(ctx context.Context, tenant, ref string) (domain.AccessKey, error)
	// RevokeUserKeys deletes every key of user and returns them.
	RevokeUserKeys(ctx context.Context, tenant, user string) ([]domain.AccessKey, error)
	// SetKeyStatus activates or deactivates a key. Activation respects the
	// limit (CodeConflict). Setting the current status again changes and
	// audits nothing.
	SetKeyStatus(ctx context.Context, tenant, ref string, status domain.KeyStatus) (domain.AccessKey, error)
	// RestrictKey changes a key's CIDR allow list: exactly one of Set, Add
	// or Remove. Entries are parsed strictly (host bits set is CodeInvalid
	// with the masked prefix suggested); an empty list allows any address.
	RestrictKey(ctx context.Context, tenant, ref string, in RestrictKeyInput) (domain.AccessKey, error)
	// VerifyKey says whether a secret authenticates now, and why not. It
	// needs no tenant: the secret names its key, and the result names the
	// key's tenant. A string that is not a keyward secret (bad checksum) is
	// CodeUnauthenticated before any lookup; a well-formed secret of no key
	// is CodeUnauthenticated too (never CodeNotFound). A secret of a key
	// that fails a check (inactive, expired, user disabled, IP not allowed)
	// is a result with Authenticated false and the Reason, and no error.
	VerifyKey(ctx context.Context, in VerifyKeyInput) (domain.KeyVerification, error)
	// PurgeKeys deletes the tenant's keys matching any of the criteria
	// (at least one is required) and returns them; with DryRun it deletes
	// nothing and returns what it would delete.
	PurgeKeys(ctx context.Context, tenant string, in PurgeKeysInput) ([]domain.AccessKey, error)
}

// GenerateKeyInput describes a new key. Zero values take the tenant's
// defaults.
type GenerateKeyInput struct {
	// Name is unique among the user's live keys; default key-N.
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
	// Expires is a lifetime from now ("90d", "12h"), a date ("2027-01-31",
	// 00:00 UTC) or RFC 3339 time, or "never"; empty means keyTtlDefault.
	Expires string `json:"expires,omitempty"`
	// CIDRAllowList restricts the source addresses; empty allows any.
	CIDRAllowList []string `json:"cidrAllowList,omitempty"`
	// Type is a key type of the tenant's catalog; empty for none.
	Type string `json:"type,omitempty"`
}

// ListKeysFilter narrows ListKeys; zero values match all.
type ListKeysFilter struct {
	// ServiceUser limits the list to one user's keys (CodeNotFound if the
	// user does not exist).
	ServiceUser string `json:"serviceUser,omitempty"`
	// Status is "", "active", "inactive" or "expired" (as shown: derived).
	Status domain.KeyStatus `json:"status,omitempty"`
	// Expiring ("14d") keeps keys that stop authenticating by themselves
	// (expiry or end of grace) within that time from now and have not yet.
	Expiring string `json:"expiring,omitempty"`
}

// UpdateKeyInput changes a key; nil fields stay as they are.
type UpdateKeyInput struct {
	Name        *string `json:"name,omitempty"`
	Description *string `json:"description,omitempty"`
	// Expires takes the forms of GenerateKeyInput.Expires, counted from now;
	// "" means the tenant's keyTtlDefault from now.
	Expires *string `json:"expires,omitempty"`
}

// RotateKeyInput modifies RotateKey.
type RotateKeyInput struct {
	// Grace ("24h") keeps the old key valid that long; empty revokes it now.
	Grace string `json:"grace,omitempty"`
}

// RestrictKeyInput changes a key's CIDR allow list: exactly one field is set.
type RestrictKeyInput struct {
	// Set replaces the list; an empty list clears it (any address).
	Set *[]string `json:"set,omitempty"`
	// Add adds entries; present ones are ignored.
	Add []string `json:"add,omitempty"`
	// Remove removes entries, each of which must be in the list.
	Remove []string `json:"remove,omitempty"`
}

// VerifyKeyInput is a secret to check and, optionally, the source address
// to check against the effective CIDR allow list.
type VerifyKeyInput struct {
	Secret string `json:"secret"`
	// IP is an IPv4 or IPv6 address; empty skips the address check.
	IP string `json:"ip,omitempty"`
}

// PurgeKeysInput selects keys to purge; the criteria are OR'ed.
type PurgeKeysInput struct {
	// Expired selects keys past their expiry.
	Expired bool `json:"expired,omitempty"`
	// Inactive selects deactivated keys.
	Inactive bool `json:"inactive,omitempty"`
	// UnusedFor ("90d") selects keys not used for that long; a key never
	// used counts from its creation.
	UnusedFor string `json:"unusedFor,omitempty"`
	// ServiceUser limits the purge to one user's keys.
	ServiceUser string `json:"serviceUser,omitempty"`
	// KeyIDs, when set, limits the purge to these keys (those a dry run
	// listed and the operator confirmed); they must still match.
	KeyIDs []string `json:"keyIds,omitempty"`
	// DryRun deletes nothing.
	DryRun bool `json:"dryRun,omitempty"`
}

// RefuseSecretAsKeyRef returns the invalid-input error for a secret given
// where a key reference (a key id or USER/NAME) belongs, and nil for
// anything else. Both backends check it first: the local service before
// looking the key up, the remote client before the reference goes into a
// URL, where proxies and access logs would keep it. (No key reference can
// start with the secret prefix: user ids have no underscore.)
func RefuseSecretAsKeyRef(ref string) error {
	if !strings.HasPrefix(ref, secret.SecretPrefix) {
		return nil
	}
	return domain.Invalid("key", "this is a secret, not a key reference; never pass a secret as an argument").
		WithHint("name the key by its id (%s…) or USER/NAME", secret.KeyIDPrefix)
}
