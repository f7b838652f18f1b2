package service

import (
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/cidr"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/store/boltstore"
)

// Limits of access key fields.
const (
	maxKeyDescriptionLen = domain.MaxKeyDescriptionLen
	maxKeyTypeLen        = 64
	// maxRotationGrace bounds `key rotate --grace`: an overlap for moving
	// callers to the successor, not a second lifetime.
	maxRotationGrace = 30 * domain.Day
)

// keySpec is a GenerateKeyInput whose syntax has been checked; the tenant's
// rules are applied inside the transaction (generateKeyTx).
type keySpec struct {
	// fieldPrefix prefixes field names in errors: "" for key generate,
	// "key." for the first key of serviceuser create.
	fieldPrefix string
	name        string
	description string
	expires     expiry
	cidrs       []netip.Prefix
	keyType     string
	// inactive generates the key deactivated (apply, status: inactive):
	// it takes no slot.
	inactive bool
}

func (k keySpec) field(name string) string { return k.fieldPrefix + name }

// parseKeySpec checks the syntax of in, naming fields with prefix.
func parseKeySpec(prefix string, in backend.GenerateKeyInput) (keySpec, error) {
	spec := keySpec{fieldPrefix: prefix, name: in.Name, description: in.Description, keyType: in.Type}
	var v domain.Validation
	if in.Name != "" {
		v.AddError(spec.field("name"), checkKeyName(spec.field("name"), in.Name))
	}
	v.AddError(spec.field("description"), domain.CheckText(spec.field("description"), in.Description, maxKeyDescriptionLen))
	if in.Type != "" {
		v.AddError(spec.field("type"), domain.CheckText(spec.field("type"), in.Type, maxKeyTypeLen))
	}
	var err error
	spec.expires, err = parseExpiry(spec.field("expires"), in.Expires)
	v.AddError(spec.field("expires"), err)
	spec.cidrs, err = cidr.ParseList(spec.field("cidrAllowList"), in.CIDRAllowList)
	v.AddError(spec.field("cidrAllowList"), err)
	return spec, v.Err()
}

// checkKeyName validates a key name (domain.CheckKeyName).
func checkKeyName(field, name string) error { return domain.CheckKeyName(field, name) }

// expiry is a parsed --expires value.
type expiry struct {
	given    bool          // false: the tenant's keyTtlDefault
	never    bool          // "never"
	lifetime time.Duration // "90d": from now
	at       time.Time     // "2027-01-31" or RFC 3339
}

func parseExpiry(field, s string) (expiry, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return expiry{}, nil
	}
	if s == "never" {
		return expiry{given: true, never: true}, nil
	}
	if d, err := domain.ParseDuration(s); err == nil {
		return expiry{given: true, lifetime: d.D}, nil
	}
	if t, err := domain.ParseTime(s); err == nil {
		return expiry{given: true, at: t}, nil
	}
	return expiry{}, domain.Invalid(field, "%q is not a lifetime (90d, 12h), a date (2027-01-31, RFC 3339) or never", s)
}

// resolveExpiry applies the tenant's key lifetime rules to e at now and
// returns the expiry to store (nil: never).
func resolveExpiry(field string, e expiry, t domain.Tenant, now time.Time) (*time.Time, error) {
	set := t.Settings
	if !e.given {
		if set.KeyTTLDefault.Never {
			e = expiry{never: true}
		} else {
			e = expiry{lifetime: set.KeyTTLDefault.D}
		}
	}
	if e.never {
		switch {
		case set.KeyTTLMax != nil:
			return nil, domain.Invalid(field, "cannot be never: tenant %q limits keys to %s (setting keyTtlMax)", t.ID, *set.KeyTTLMax)
		case set.RequireKeyExpiry:
			return nil, domain.Invalid(field, "cannot be never: tenant %q requires an expiry (setting requireKeyExpiry)", t.ID)
		}
		return nil, nil
	}
	at := e.at
	if e.lifetime > 0 {
		at = now.Add(e.lifetime)
	}
	at = at.UTC().Truncate(time.Second)
	if !at.After(now) {
		return nil, domain.Invalid(field, "%s is not in the future", at.Format(time.RFC3339))
	}
	if set.KeyTTLMax != nil && at.Sub(now) > set.KeyTTLMax.D {
		return nil, domain.Invalid(field, "%s is further than the maximum key lifetime %s of tenant %q (setting keyTtlMax); the latest allowed now is %s",
			at.Format(time.RFC3339), *set.KeyTTLMax, t.ID, now.Add(set.KeyTTLMax.D).Format(time.RFC3339))
	}
	return &at, nil
}

// successorExpiry is the expiry of a rotated key's successor: the old
// key's lifetime counted from now, capped by keyTtlMax; never stays never
// unless the tenant now forbids it.
func successorExpiry(old boltstore.KeyRecord, t domain.Tenant, now time.Time) *time.Time {
	set := t.Settings
	var lifetime time.Duration
	if old.ExpiresAt == nil {
		switch {
		case set.KeyTTLMax != nil:
			lifetime = set.KeyTTLMax.D
		case set.RequireKeyExpiry:
			lifetime = set.KeyTTLDefault.D
		default:
			return nil
		}
	} else {
		lifetime = old.ExpiresAt.Sub(old.CreatedAt)
		if lifetime <= 0 {
			lifetime = set.KeyTTLDefault.D
		}
	}
	if set.KeyTTLMax != nil && lifetime > set.KeyTTLMax.D {
		lifetime = set.KeyTTLMax.D
	}
	at := now.Add(lifetime).Truncate(time.Second)
	return &at
}

// parseGrace checks a rotation grace period; "" is none.
func parseGrace(s string) (time.Duration, error) {
	if strings.TrimSpace(s) == "" {
		return 0, nil
	}
	d, err := domain.ParseDuration(s)
	if err == nil && d.Never {
		err = errNever
	}
	if err != nil {
		return 0, domain.Invalid("grace", "%v", err)
	}
	if d.D > maxRotationGrace {
		return 0, domain.Invalid("grace", "%s is longer than the maximum %s", d, domain.Duration{D: maxRotationGrace})
	}
	return d.D, nil
}

// keyGone reports whether k is a rotated key past its revokeAt: it no longer
// exists for any purpose, and the next write deletes it.
func keyGone(k boltstore.KeyRecord, now time.Time) bool {
	return k.RevokeAt != nil && !now.Before(*k.RevokeAt)
}

// keyExpired reports whether k is past its expiry.
func keyExpired(k boltstore.KeyRecord, now time.Time) bool {
	return k.ExpiresAt != nil && !now.Before(*k.ExpiresAt)
}

// countsAgainstLimit reports whether k takes one of its user's active-key
// slots: active, unexpired and not rotated away.
func countsAgainstLimit(k boltstore.KeyRecord, now time.Time) bool {
	return k.Status == domain.KeyActive && k.RevokeAt == nil && !keyExpired(k, now)
}

// liveKeys returns the keys of a user that still exist at now.
func liveKeys(tx *boltstore.Tx, tenant, user string, now time.Time) ([]boltstore.KeyRecord, error) {
	var out []boltstore.KeyRecord
	err := tx.ForEachKeyOfUser(tenant, user, func(k boltstore.KeyRecord) error {
		if !keyGone(k, now) {
			out = append(out, k)
		}
		return nil
	})
	return out, err
}

// checkKeySlot refuses one more active key for user when the tenant's
// limits are reached: maxActiveKeysPerUser, and with oneKeyPerType one
// active key per type. keys are the user's live keys; except is a key id
// not to count (the key being activated or rotated).
func checkKeySlot(t domain.Tenant, user string, keys []boltstore.KeyRecord, keyType *string, except string, now time.Time) error {
	active := 0
	for _, k := range keys {
		if k.ID == except || !countsAgainstLimit(k, now) {
			continue
		}
		active++
		if t.Settings.OneKeyPerType && keyType != nil && k.Type != nil && *k.Type == *keyType {
			return domain.Conflict("service user %q already has an active access key of type %q (%s %q) and tenant %q allows one per type (setting oneKeyPerType)",
				user, *keyType, k.ID, k.Name, t.ID).
				WithHint("free it with `keyward key deactivate %s` or replace it with `keyward key rotate %s`", k.ID, k.ID)
		}
	}
	if active < t.Settings.MaxActiveKeysPerUser {
		return nil
	}
	listed := make([]string, 0, len(keys))
	for _, k := range keys {
		if k.ID != except {
			listed = append(listed, fmt.Sprintf("%s %q %s", k.ID, k.Name, maskedKey(k, now).Status))
		}
	}
	return domain.Conflict("service user %q already has %d active access keys, the most tenant %q allows (setting maxActiveKeysPerUser); its keys: %s",
		user, active, t.ID, strings.Join(listed, ", ")).
		WithHint("free a slot with `keyward key deactivate KEY` then `keyward key revoke KEY`, or replace a key with `keyward key rotate KEY`")
}

// checkNameFree refuses name when another live, unrotated key of the user
// has it (a rotated key waiting for revocation has left the name to its
// successor).
func checkNameFree(field, user, name string, keys []boltstore.KeyRecord, except string) error {
	for _, k := range keys {
		if k.ID != except && k.RevokeAt == nil && k.Name == name {
			return domain.Conflict("%s: service user %q already has an access key named %q (%s)", field, user, name, k.ID)
		}
	}
	return nil
}

// defaultKeyName is the first free "key-N", N counting from the number of
// the user's keys plus one.
func defaultKeyName(keys []boltstore.KeyRecord) string {
	taken := map[string]bool{}
	for _, k := range keys {
		if k.RevokeAt == nil {
			taken[k.Name] = true
		}
	}
	for n := len(taken) + 1; ; n++ {
		if name := fmt.Sprintf("key-%d", n); !taken[name] {
			return name
		}
	}
}

var errNever = fmt.Errorf("cannot be never")
