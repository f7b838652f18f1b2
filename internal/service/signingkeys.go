package service

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

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
	record, err := json.Marshal(k)
	if err != nil {
		return err
	}
	return tx.PutSigningKey(k.KID, record)
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
