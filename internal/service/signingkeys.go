package service

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/store/boltstore"
	"github.com/keyward/keyward/internal/token"
)

// The first write to a database creates the token signing key, so a server
// started on any initialised database can issue tokens at once.
func init() { bootstrapHooks = append(bootstrapHooks, (*Service).putNewSigningKey) }

// putNewSigningKey generates an active signing key and stores it in tx.
func (s *Service) putNewSigningKey(tx *boltstore.Tx) error {
	k, err := token.NewSigningKey(s.clock())
	if err != nil {
		return err
	}
	return putSigningKey(tx, k)
}

// SigningKeys returns the token signing keys (active first), for the server
// to load into a token.KeySet. A database without any — fresh, or written
// before keys were created at bootstrap — gets its first key now, so this is
// a write; it is not audited (no object a user manages changed).
//
// The keys hold private key material: never print or log them (their
// String and LogValue show the kid only).
func (s *Service) SigningKeys(ctx context.Context) ([]token.SigningKey, error) {
	var keys []token.SigningKey
	load := func(tx *boltstore.Tx) error {
		var err error
		keys, err = readSigningKeys(tx)
		return err
	}
	if err := s.view(load); err != nil {
		return nil, err
	}
	if len(keys) > 0 {
		return keys, nil
	}
	err := s.update(func(tx *boltstore.Tx) error {
		if err := load(tx); err != nil || len(keys) > 0 {
			return err
		}
		if err := s.putNewSigningKey(tx); err != nil {
			return err
		}
		return load(tx)
	})
	return keys, err
}

// readSigningKeys decodes every stored signing key, the active one first,
// then retired keys, most recently retired first.
func readSigningKeys(tx *boltstore.Tx) ([]token.SigningKey, error) {
	records, err := tx.SigningKeys()
	if err != nil {
		return nil, err
	}
	keys := make([]token.SigningKey, 0, len(records))
	for kid, raw := range records {
		var k token.SigningKey
		if err := json.Unmarshal(raw, &k); err != nil {
			return nil, fmt.Errorf("signing key %s: %w", kid, err)
		}
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		switch {
		case a.RetiredAt == nil || b.RetiredAt == nil:
			return a.RetiredAt == nil && b.RetiredAt != nil
		default:
			return a.RetiredAt.After(*b.RetiredAt)
		}
	})
	return keys, nil
}

// RotateSigningKey implements backend.Database: in one transaction the
// active key is retired, a new key becomes active, retired keys whose
// tokens have all expired ([token.MaxTokenTTL] after their retirement) are
// deleted, and the rotation is audited.
func (s *Service) RotateSigningKey(ctx context.Context) (backend.SigningKeyRotation, error) {
	var out backend.SigningKeyRotation
	err := s.update(func(tx *boltstore.Tx) error {
		keys, err := readSigningKeys(tx)
		if err != nil {
			return err
		}
		now := s.clock()
		out = backend.SigningKeyRotation{Retired: []string{}, Removed: []string{}, RetiredUntil: now.Add(token.MaxTokenTTL)}
		for _, k := range keys {
			switch {
			case k.RetiredAt == nil:
				k.RetiredAt = &now
				if err := putSigningKey(tx, k); err != nil {
					return err
				}
				out.Retired = append(out.Retired, k.KID)
			case signingKeyDue(k, now):
				if err := tx.DeleteSigningKey(k.KID); err != nil {
					return err
				}
				out.Removed = append(out.Removed, k.KID)
			}
		}
		next, err := token.NewSigningKey(now)
		if err != nil {
			return err
		}
		if err := putSigningKey(tx, next); err != nil {
			return err
		}
		out.KID = next.KID
		detail := "new kid " + next.KID
		if len(out.Retired) > 0 {
			detail += ", retired " + strings.Join(out.Retired, ", ")
		}
		return s.auditDetail(ctx, tx, domain.SystemTenant, "signingkey:rotate", authz.DatabaseResource(), detail)
	})
	if err != nil {
		return backend.SigningKeyRotation{}, err
	}
	return out, nil
}

// DeleteRetiredSigningKeys deletes the retired signing keys among kids
// whose tokens have all expired by the service's clock, and returns those
// it deleted. The server calls it after pruning its key set. It is
// housekeeping, not audited; an active key is never deleted.
func (s *Service) DeleteRetiredSigningKeys(ctx context.Context, kids []string) ([]string, error) {
	var deleted []string
	err := s.update(func(tx *boltstore.Tx) error {
		deleted = nil
		keys, err := readSigningKeys(tx)
		if err != nil {
			return err
		}
		now := s.clock()
		for _, k := range keys {
			if slices.Contains(kids, k.KID) && signingKeyDue(k, now) {
				if err := tx.DeleteSigningKey(k.KID); err != nil {
					return err
				}
				deleted = append(deleted, k.KID)
			}
		}
		return nil
	})
	return deleted, err
}

// signingKeyDue reports whether k is retired and every token it signed has
// expired at now.
func signingKeyDue(k token.SigningKey, now time.Time) bool {
	return k.RetiredAt != nil && !now.Before(k.RetiredAt.Add(token.MaxTokenTTL))
}

// putSigningKey stores k's record.
func putSigningKey(tx *boltstore.Tx, k token.SigningKey) error {
	record, err := json.Marshal(k)
	if err != nil {
		return err
	}
	return tx.PutSigningKey(k.KID, record)
}
