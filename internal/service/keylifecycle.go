package service

import (
	"context"
	"fmt"
	"net/netip"
	"time"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/cidr"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/store/boltstore"
)

// refuseRotated refuses to change a rotated key waiting for revocation:
// its successor is the key to manage now.
func refuseRotated(k boltstore.KeyRecord, what string) error {
	if k.RevokeAt == nil {
		return nil
	}
	return domain.Conflict("cannot %s access key %s: it was rotated to %s and is revoked at %s",
		what, k.ID, derefOr(k.RotatedTo, "its successor"), k.RevokeAt.Format(time.RFC3339)).
		WithHint("manage the successor, or revoke %s now with `keyward key revoke %s`", k.ID, k.ID)
}

func derefOr(s *string, or string) string {
	if s == nil {
		return or
	}
	return *s
}

// UpdateKey implements backend.AccessKeys.
func (s *Service) UpdateKey(ctx context.Context, tenant, ref string, in backend.UpdateKeyInput) (domain.AccessKey, error) {
	var v domain.Validation
	if in.Name != nil {
		v.AddError("name", checkKeyName("name", *in.Name))
	}
	if in.Description != nil {
		v.AddError("description", domain.CheckText("description", *in.Description, maxKeyDescriptionLen))
	}
	var exp expiry
	if in.Expires != nil {
		var err error
		if exp, err = parseExpiry("expires", *in.Expires); err == nil && !exp.given {
			err = domain.Invalid("expires", "must not be empty; give a lifetime (90d), a date (2027-01-31) or never")
		}
		v.AddError("expires", err)
	}
	if err := v.Err(); err != nil {
		return domain.AccessKey{}, err
	}
	var out domain.AccessKey
	err := s.update(func(tx *boltstore.Tx) error {
		now := s.clock()
		k, err := requireKey(tx, tenant, ref, now)
		if err != nil {
			return err
		}
		if err := refuseRotated(k, "update"); err != nil {
			return err
		}
		t, err := requireTenant(tx, tenant)
		if err != nil {
			return err
		}
		if k, err = s.updateKeyTx(ctx, tx, t, k, in, exp); err != nil {
			return err
		}
		out = maskedKey(k, now)
		return nil
	})
	return out, err
}

// updateKeyTx changes the name, description and expiry (exp, parsed from
// in.Expires) that in gives of key k of tenant t, under the tenant's rules,
// audited as key:update.
func (s *Service) updateKeyTx(ctx context.Context, tx *boltstore.Tx, t domain.Tenant, k boltstore.KeyRecord, in backend.UpdateKeyInput, exp expiry) (boltstore.KeyRecord, error) {
	now := s.clock()
	keys, err := liveKeys(tx, t.ID, k.ServiceUser, now)
	if err != nil {
		return k, err
	}
	wasCounted := countsAgainstLimit(k, now)
	if in.Name != nil {
		if err := checkNameFree("name", k.ServiceUser, *in.Name, keys, k.ID); err != nil {
			return k, err
		}
		k.Name = *in.Name
	}
	if in.Description != nil {
		k.Description = *in.Description
	}
	if in.Expires != nil {
		if k.ExpiresAt, err = resolveExpiry("expires", exp, t, now); err != nil {
			return k, err
		}
	}
	if !wasCounted && countsAgainstLimit(k, now) {
		// A new expiry revives an expired key: it needs a free slot.
		if err := checkKeySlot(t, k.ServiceUser, keys, k.Type, k.ID, now); err != nil {
			return k, err
		}
	}
	if err := tx.PutKey(k); err != nil {
		return k, err
	}
	return k, s.audit(ctx, tx, t.ID, "key:update", keyResource(t.ID, k.ServiceUser, k.ID))
}

// RotateKey implements backend.AccessKeys.
func (s *Service) RotateKey(ctx context.Context, tenant, ref string, in backend.RotateKeyInput) (domain.NewAccessKey, error) {
	grace, err := parseGrace(in.Grace)
	if err != nil {
		return domain.NewAccessKey{}, err
	}
	material, err := newKeyMaterial()
	if err != nil {
		return domain.NewAccessKey{}, err
	}
	var out domain.NewAccessKey
	err = s.update(func(tx *boltstore.Tx) error {
		now := s.clock()
		old, err := requireKey(tx, tenant, ref, now)
		if err != nil {
			return err
		}
		if err := refuseRotated(old, "rotate"); err != nil {
			return err
		}
		t, err := requireTenant(tx, tenant)
		if err != nil {
			return err
		}
		u, err := requireUser(tx, tenant, old.ServiceUser)
		if err != nil {
			return err
		}
		if old.Type != nil {
			if err := s.keyTypeAllowed(tx, u, *old.Type); err != nil {
				return err
			}
		}
		keys, err := liveKeys(tx, tenant, u.ID, now)
		if err != nil {
			return err
		}
		next := boltstore.KeyRecord{AccessKey: domain.AccessKey{
			Tenant: tenant, ServiceUser: u.ID, Name: old.Name, Description: old.Description, Type: old.Type,
			Status: old.Status, ExpiresAt: successorExpiry(old, t, now),
			CIDRAllowList: append([]string{}, old.CIDRAllowList...),
			CreatedAt:     now, CreatedBy: s.actorOf(ctx), RotatedFrom: &old.ID,
		}}
		// The old key leaves the count: at the limit, its successor takes its slot.
		if countsAgainstLimit(next, now) {
			if err := checkKeySlot(t, u.ID, keys, next.Type, old.ID, now); err != nil {
				return err
			}
		}
		if err := s.storeNewKey(tx, &next, material); err != nil {
			return err
		}
		old.RotatedTo = &next.ID
		detail := fmt.Sprintf("successor %s; %s revoked now", next.ID, old.ID)
		if grace > 0 {
			revokeAt := now.Add(grace)
			old.RevokeAt = &revokeAt
			detail = fmt.Sprintf("successor %s; %s revoked at %s", next.ID, old.ID, revokeAt.Format(time.RFC3339))
			err = tx.PutKey(old)
		} else {
			err = tx.DeleteKey(old)
		}
		if err != nil {
			return err
		}
		out = domain.NewAccessKey{AccessKey: maskedKey(next, now), Secret: material.secret}
		return s.auditDetail(ctx, tx, tenant, "key:rotate", keyResource(tenant, u.ID, old.ID), detail)
	})
	return out, err
}

// RevokeKey implements backend.AccessKeys.
func (s *Service) RevokeKey(ctx context.Context, tenant, ref string) (domain.AccessKey, error) {
	var out domain.AccessKey
	err := s.update(func(tx *boltstore.Tx) error {
		now := s.clock()
		k, err := requireKey(tx, tenant, ref, now)
		if err != nil {
			return err
		}
		out = maskedKey(k, now)
		return s.revokeKeyTx(ctx, tx, k)
	})
	return out, err
}

// revokeKeyTx deletes key k, audited as key:revoke.
func (s *Service) revokeKeyTx(ctx context.Context, tx *boltstore.Tx, k boltstore.KeyRecord) error {
	if err := tx.DeleteKey(k); err != nil {
		return err
	}
	return s.audit(ctx, tx, k.Tenant, "key:revoke", keyResource(k.Tenant, k.ServiceUser, k.ID))
}

// RevokeUserKeys implements backend.AccessKeys.
func (s *Service) RevokeUserKeys(ctx context.Context, tenant, user string) ([]domain.AccessKey, error) {
	out := []domain.AccessKey{}
	err := s.update(func(tx *boltstore.Tx) error {
		if _, err := requireUser(tx, tenant, user); err != nil {
			return err
		}
		now := s.clock()
		keys, err := liveKeys(tx, tenant, user, now)
		if err != nil {
			return err
		}
		for _, k := range keys {
			if err := tx.DeleteKey(k); err != nil {
				return err
			}
			if err := s.audit(ctx, tx, tenant, "key:revoke", keyResource(tenant, user, k.ID)); err != nil {
				return err
			}
			out = append(out, maskedKey(k, now))
		}
		return nil
	})
	return out, err
}

// SetKeyStatus implements backend.AccessKeys.
func (s *Service) SetKeyStatus(ctx context.Context, tenant, ref string, status domain.KeyStatus) (domain.AccessKey, error) {
	action := map[domain.KeyStatus]string{domain.KeyActive: "key:activate", domain.KeyInactive: "key:deactivate"}[status]
	if action == "" {
		return domain.AccessKey{}, domain.Invalid("status", "must be active or inactive (got %q)", status)
	}
	var out domain.AccessKey
	err := s.update(func(tx *boltstore.Tx) error {
		now := s.clock()
		k, err := requireKey(tx, tenant, ref, now)
		if err != nil {
			return err
		}
		k, err = s.setKeyStatusTx(ctx, tx, k, status)
		out = maskedKey(k, now)
		return err
	})
	return out, err
}

// setKeyStatusTx sets the status (active or inactive) of key k, audited as
// key:activate or key:deactivate; activation respects the tenant's limits.
// The current status again changes nothing.
func (s *Service) setKeyStatusTx(ctx context.Context, tx *boltstore.Tx, k boltstore.KeyRecord, status domain.KeyStatus) (boltstore.KeyRecord, error) {
	if k.Status == status {
		return k, nil
	}
	now := s.clock()
	action := map[domain.KeyStatus]string{domain.KeyActive: "key:activate", domain.KeyInactive: "key:deactivate"}[status]
	k.Status = status
	if countsAgainstLimit(k, now) {
		t, err := requireTenant(tx, k.Tenant)
		if err != nil {
			return k, err
		}
		keys, err := liveKeys(tx, k.Tenant, k.ServiceUser, now)
		if err != nil {
			return k, err
		}
		if err := checkKeySlot(t, k.ServiceUser, keys, k.Type, k.ID, now); err != nil {
			return k, err
		}
	}
	if err := tx.PutKey(k); err != nil {
		return k, err
	}
	return k, s.audit(ctx, tx, k.Tenant, action, keyResource(k.Tenant, k.ServiceUser, k.ID))
}

// RestrictKey implements backend.AccessKeys.
func (s *Service) RestrictKey(ctx context.Context, tenant, ref string, in backend.RestrictKeyInput) (domain.AccessKey, error) {
	const field = "cidrAllowList"
	given := 0
	for _, set := range []bool{in.Set != nil, len(in.Add) > 0, len(in.Remove) > 0} {
		if set {
			given++
		}
	}
	if given != 1 {
		return domain.AccessKey{}, domain.Invalid(field, "give exactly one of: a new list, entries to add, entries to remove")
	}
	var entries []string
	switch {
	case in.Set != nil:
		entries = *in.Set
	case len(in.Add) > 0:
		entries = in.Add
	default:
		entries = in.Remove
	}
	parsed, err := cidr.ParseList(field, entries)
	if err != nil {
		return domain.AccessKey{}, err
	}
	var out domain.AccessKey
	err = s.update(func(tx *boltstore.Tx) error {
		now := s.clock()
		k, err := requireKey(tx, tenant, ref, now)
		if err != nil {
			return err
		}
		current, err := cidr.ParseList(field, k.CIDRAllowList)
		if err != nil {
			return err
		}
		next := parsed
		switch {
		case len(in.Add) > 0:
			next, err = cidr.Add(field, current, parsed)
		case len(in.Remove) > 0:
			next, err = cidr.Remove(field, current, parsed)
		}
		if err != nil {
			return err
		}
		k, err = s.restrictKeyTx(ctx, tx, k, next)
		out = maskedKey(k, now)
		return err
	})
	return out, err
}

// restrictKeyTx sets the CIDR allow list of key k, audited as key:restrict.
func (s *Service) restrictKeyTx(ctx context.Context, tx *boltstore.Tx, k boltstore.KeyRecord, list []netip.Prefix) (boltstore.KeyRecord, error) {
	k.CIDRAllowList = cidr.Format(list)
	if err := tx.PutKey(k); err != nil {
		return k, err
	}
	return k, s.audit(ctx, tx, k.Tenant, "key:restrict", keyResource(k.Tenant, k.ServiceUser, k.ID))
}

// PurgeKeys implements backend.AccessKeys.
func (s *Service) PurgeKeys(ctx context.Context, tenant string, in backend.PurgeKeysInput) ([]domain.AccessKey, error) {
	if !in.Expired && !in.Inactive && in.UnusedFor == "" {
		return nil, domain.Invalid("criteria", "give at least one of expired, inactive or unusedFor")
	}
	var unusedFor time.Duration
	if in.UnusedFor != "" {
		d, err := domain.ParseDuration(in.UnusedFor)
		if err == nil && d.Never {
			err = errNever
		}
		if err != nil {
			return nil, domain.Invalid("unusedFor", "%v", err)
		}
		unusedFor = d.D
	}
	only := map[string]bool{}
	for _, id := range in.KeyIDs {
		only[id] = true
	}
	out := []domain.AccessKey{}
	purge := func(tx *boltstore.Tx) error {
		if !tx.Initialized() {
			return nil
		}
		if _, err := requireTenant(tx, tenant); err != nil {
			return err
		}
		if in.ServiceUser != "" {
			if _, err := requireUser(tx, tenant, in.ServiceUser); err != nil {
				return err
			}
		}
		now := s.clock()
		var doomed []boltstore.KeyRecord
		err := tx.ForEachKey(tenant, func(k boltstore.KeyRecord) error {
			if keyGone(k, now) || (in.ServiceUser != "" && k.ServiceUser != in.ServiceUser) || (len(only) > 0 && !only[k.ID]) {
				return nil
			}
			lastUsed := k.CreatedAt
			if k.LastUsedAt != nil {
				lastUsed = *k.LastUsedAt
			}
			if (in.Expired && keyExpired(k, now)) || (in.Inactive && k.Status == domain.KeyInactive) ||
				(unusedFor > 0 && !now.Before(lastUsed.Add(unusedFor))) {
				doomed = append(doomed, k)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range doomed {
			out = append(out, maskedKey(k, now))
			if in.DryRun {
				continue
			}
			if err := tx.DeleteKey(k); err != nil {
				return err
			}
			if err := s.audit(ctx, tx, tenant, "key:purge", keyResource(tenant, k.ServiceUser, k.ID)); err != nil {
				return err
			}
		}
		return nil
	}
	run := s.update
	if in.DryRun {
		run = s.view
	}
	if err := run(purge); err != nil {
		return nil, err
	}
	return out, nil
}
