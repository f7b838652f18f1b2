package service

import (
	"context"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/cidr"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/secret"
	"github.com/keyward/keyward/internal/store/boltstore"
)

func keyResource(tenant, user, keyID string) string {
	return userResource(tenant, user) + "/key/" + keyID
}

// requireKey resolves a key reference — a key id, or USER/NAME for a live,
// unrotated key — in tenant. Keys of other tenants and keys past their
// revokeAt are not found.
func requireKey(tx *boltstore.Tx, tenant, ref string, now time.Time) (boltstore.KeyRecord, error) {
	if user, name, ok := strings.Cut(ref, "/"); ok {
		if _, err := requireUser(tx, tenant, user); err != nil {
			return boltstore.KeyRecord{}, err
		}
		keys, err := liveKeys(tx, tenant, user, now)
		if err != nil {
			return boltstore.KeyRecord{}, err
		}
		for _, k := range keys {
			if k.Name == name && k.RevokeAt == nil {
				return k, nil
			}
		}
		return boltstore.KeyRecord{}, domain.NotFound("service user %q has no access key named %q in tenant %q", user, name, tenant).
			WithHint("see `keyward key list %s -t %s`", user, tenant)
	}
	if !strings.HasPrefix(ref, secret.KeyIDPrefix) {
		if err := backend.RefuseSecretAsKeyRef(ref); err != nil {
			return boltstore.KeyRecord{}, err
		}
		return boltstore.KeyRecord{}, domain.Invalid("key", "%q is neither an access key id (%s…) nor USER/NAME", ref, secret.KeyIDPrefix)
	}
	k, ok, err := tx.Key(ref)
	if err != nil {
		return k, err
	}
	if !ok || k.Tenant != tenant || keyGone(k, now) {
		if _, err := requireTenant(tx, tenant); err != nil {
			return k, err
		}
		return boltstore.KeyRecord{}, domain.NotFound("access key %q not found in tenant %q", ref, tenant).
			WithHint("see `keyward key list -t %s`", tenant)
	}
	return k, nil
}

// keyMaterial is a fresh key id and secret, made outside the transaction.
type keyMaterial struct {
	id, secret string
}

func newKeyMaterial() (keyMaterial, error) {
	id, err := secret.NewKeyID()
	if err != nil {
		return keyMaterial{}, err
	}
	sec, err := secret.NewSecret()
	return keyMaterial{id: id, secret: sec}, err
}

// GenerateKey implements backend.AccessKeys.
func (s *Service) GenerateKey(ctx context.Context, tenant, user string, in backend.GenerateKeyInput) (domain.NewAccessKey, error) {
	spec, err := parseKeySpec("", in)
	if err != nil {
		return domain.NewAccessKey{}, err
	}
	material, err := newKeyMaterial()
	if err != nil {
		return domain.NewAccessKey{}, err
	}
	var out domain.NewAccessKey
	err = s.update(func(tx *boltstore.Tx) error {
		u, err := requireUser(tx, tenant, user)
		if err != nil {
			return err
		}
		t, err := requireTenant(tx, tenant)
		if err != nil {
			return err
		}
		out, err = s.generateKeyTx(ctx, tx, t, u, spec, material)
		return err
	})
	return out, err
}

// generateKeyTx applies the tenant's rules to spec and stores a new key for
// u with material, audited as key:generate (and key:deactivate when spec
// makes it inactive).
func (s *Service) generateKeyTx(ctx context.Context, tx *boltstore.Tx, t domain.Tenant, u domain.ServiceUser, spec keySpec, material keyMaterial) (domain.NewAccessKey, error) {
	now := s.clock()
	keys, err := liveKeys(tx, t.ID, u.ID, now)
	if err != nil {
		return domain.NewAccessKey{}, err
	}
	name := spec.name
	if name == "" {
		if t.Settings.RequireKeyName {
			return domain.NewAccessKey{}, domain.Invalid(spec.field("name"), "is required in tenant %q (setting requireKeyName)", t.ID)
		}
		name = defaultKeyName(keys)
	}
	expiresAt, err := resolveExpiry(spec.field("expires"), spec.expires, t, now)
	if err != nil {
		return domain.NewAccessKey{}, err
	}
	if err := checkNameFree(spec.field("name"), u.ID, name, keys, ""); err != nil {
		return domain.NewAccessKey{}, err
	}
	var keyType *string
	if spec.keyType != "" {
		if err := s.keyTypeAllowed(tx, u, spec.keyType); err != nil {
			return domain.NewAccessKey{}, err
		}
		keyType = &spec.keyType
	}
	status := domain.KeyActive
	if spec.inactive {
		status = domain.KeyInactive
	} else if err := checkKeySlot(t, u.ID, keys, keyType, "", now); err != nil {
		return domain.NewAccessKey{}, err
	}
	k := boltstore.KeyRecord{AccessKey: domain.AccessKey{
		Tenant: t.ID, ServiceUser: u.ID, Name: name, Description: spec.description, Type: keyType,
		Status: status, ExpiresAt: expiresAt, CIDRAllowList: cidr.Format(spec.cidrs),
		CreatedAt: now, CreatedBy: s.actorOf(ctx),
	}}
	if err := s.storeNewKey(tx, &k, material); err != nil {
		return domain.NewAccessKey{}, err
	}
	if err := s.audit(ctx, tx, t.ID, "key:generate", keyResource(t.ID, u.ID, k.ID)); err != nil {
		return domain.NewAccessKey{}, err
	}
	if spec.inactive {
		if err := s.audit(ctx, tx, t.ID, "key:deactivate", keyResource(t.ID, u.ID, k.ID)); err != nil {
			return domain.NewAccessKey{}, err
		}
	}
	return domain.NewAccessKey{AccessKey: maskedKey(k, now), Secret: material.secret}, nil
}

// storeNewKey gives k its id, hint and secret hash from material (a fresh
// id if that one is taken) and stores it.
func (s *Service) storeNewKey(tx *boltstore.Tx, k *boltstore.KeyRecord, material keyMaterial) error {
	for {
		_, taken, err := tx.Key(material.id)
		if err != nil {
			return err
		}
		if !taken {
			break
		}
		if material.id, err = secret.NewKeyID(); err != nil {
			return err
		}
	}
	hasher, err := s.hashers.get(tx)
	if err != nil {
		return err
	}
	hash := hasher.Hash(material.secret)
	k.ID = material.id
	k.Hint = secret.Hint(material.secret)
	k.SecretHash = hash[:]
	return tx.PutKey(*k)
}

// ListKeys implements backend.AccessKeys.
func (s *Service) ListKeys(ctx context.Context, tenant string, f backend.ListKeysFilter) ([]domain.AccessKey, error) {
	switch f.Status {
	case "", domain.KeyActive, domain.KeyInactive, domain.KeyExpired:
	default:
		return nil, domain.Invalid("status", "must be active, inactive or expired (got %q)", f.Status)
	}
	var within time.Duration
	if f.Expiring != "" {
		d, err := domain.ParseDuration(f.Expiring)
		if err == nil && d.Never {
			err = errNever
		}
		if err != nil {
			return nil, domain.Invalid("expiring", "%v", err)
		}
		within = d.D
	}
	out := []domain.AccessKey{}
	err := s.view(func(tx *boltstore.Tx) error {
		if !tx.Initialized() {
			return nil
		}
		if _, err := requireTenant(tx, tenant); err != nil {
			return err
		}
		now := s.clock()
		keep := func(k boltstore.KeyRecord) error {
			if keyGone(k, now) {
				return nil
			}
			m := maskedKey(k, now)
			if f.Status != "" && m.Status != f.Status {
				return nil
			}
			if f.Expiring != "" {
				end := keyEnd(k)
				if end == nil || !end.After(now) || end.Sub(now) > within {
					return nil
				}
			}
			out = append(out, m)
			return nil
		}
		if f.ServiceUser != "" {
			if _, err := requireUser(tx, tenant, f.ServiceUser); err != nil {
				return err
			}
			return tx.ForEachKeyOfUser(tenant, f.ServiceUser, keep)
		}
		return tx.ForEachKey(tenant, keep)
	})
	return out, err
}

// keyEnd is when k stops authenticating by itself: the earlier of its
// expiry and its revokeAt; nil for never.
func keyEnd(k boltstore.KeyRecord) *time.Time {
	switch {
	case k.RevokeAt == nil:
		return k.ExpiresAt
	case k.ExpiresAt == nil || k.RevokeAt.Before(*k.ExpiresAt):
		return k.RevokeAt
	}
	return k.ExpiresAt
}

// GetKey implements backend.AccessKeys.
func (s *Service) GetKey(ctx context.Context, tenant, ref string) (domain.AccessKey, error) {
	var out domain.AccessKey
	err := s.view(func(tx *boltstore.Tx) error {
		now := s.clock()
		k, err := requireKey(tx, tenant, ref, now)
		out = maskedKey(k, now)
		return err
	})
	return out, err
}
