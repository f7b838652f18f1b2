package service

import (
	"sync"

	"github.com/keyward/keyward/internal/secret"
	"github.com/keyward/keyward/internal/store/boltstore"
)

// authCache keeps the authentication state of the keys (by secret hash) and
// users recently authenticated, so that the token endpoint checks a secret
// without a database transaction.
//
// It is correct because this process is the only writer of its database
// while it holds it open (bbolt's file lock), every write goes through
// Service.update, and update drops what a transaction touched
// (boltstore.Changes) after it commits. A fill that read the database
// before such a drop could store stale state after it, so fills carry the
// generation they started in and are discarded when a drop happened since.
// Expiry and revokeAt are compared with the clock on every check, never
// cached as a verdict.
type authCache struct {
	mu    sync.RWMutex
	gen   uint64
	keys  map[[secret.HashSize]byte]*keyAuthState
	ids   map[string][secret.HashSize]byte // key id → secret hash, for drops
	users map[string]*userAuthState        // by boltstore.UserRef
}

func newAuthCache() *authCache {
	return &authCache{
		keys:  map[[secret.HashSize]byte]*keyAuthState{},
		ids:   map[string][secret.HashSize]byte{},
		users: map[string]*userAuthState{},
	}
}

// lookup returns the cached states for hash (either may be nil) and the
// generation to pass to fill.
func (c *authCache) lookup(hash [secret.HashSize]byte) (*keyAuthState, *userAuthState, uint64) {
	c.mu.RLock()
	k := c.keys[hash]
	var u *userAuthState
	if k != nil {
		u = c.users[k.userRef]
	}
	gen := c.gen
	c.mu.RUnlock()
	return k, u, gen
}

// fill stores states read from the database in generation gen, unless
// something was dropped since.
func (c *authCache) fill(gen uint64, hash [secret.HashSize]byte, k *keyAuthState, u *userAuthState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	c.keys[hash] = k
	c.ids[k.keyID] = hash
	c.users[k.userRef] = u
}

// drop forgets what a committed (or rolled back) transaction touched.
func (c *authCache) drop(ch *boltstore.Changes) {
	if ch.Empty() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if ch.All {
		clear(c.keys)
		clear(c.ids)
		clear(c.users)
		return
	}
	for id := range ch.Keys {
		if hash, ok := c.ids[id]; ok {
			delete(c.keys, hash)
			delete(c.ids, id)
		}
	}
	for ref := range ch.Users {
		delete(c.users, ref)
	}
}
