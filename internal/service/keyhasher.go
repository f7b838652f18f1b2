package service

import (
	"bytes"
	"sync"
	"sync/atomic"

	"github.com/keyward/keyward/internal/secret"
	"github.com/keyward/keyward/internal/store/boltstore"
)

// hasherCache keeps the Hasher of the database's pepper. The pepper never
// changes once committed, but the transaction that creates it may still roll
// back, so only a pepper read in a read-only transaction (hence committed)
// is kept.
type hasherCache struct {
	mu     sync.Mutex
	pepper []byte
	hasher atomic.Pointer[secret.Hasher]
}

// get returns the hasher of tx's pepper, or nil before the first write.
func (c *hasherCache) get(tx *boltstore.Tx) (*secret.Hasher, error) {
	pepper := tx.Pepper()
	if pepper == nil {
		return nil, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if h := c.hasher.Load(); h != nil && bytes.Equal(c.pepper, pepper) {
		return h, nil
	}
	h, err := secret.NewHasher(pepper)
	if err != nil {
		return nil, err
	}
	if !tx.Writable() {
		c.pepper = pepper
		c.hasher.Store(h)
	}
	return h, nil
}

// cached returns the kept hasher without a transaction; nil when none yet.
func (c *hasherCache) cached() *secret.Hasher { return c.hasher.Load() }
