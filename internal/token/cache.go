package token

import (
	"crypto/sha256"
	"sync"
	"time"
	"unsafe"
)

// cacheShards spreads the verified-token cache over independent locks so
// concurrent requests rarely contend.
const cacheShards = 32

// verifiedCache remembers tokens that passed the full check: SHA-256 of the
// raw token → its claims and signing kid. It is bounded: a full shard first
// drops its expired entries (at most once a second), then an arbitrary entry.
// Only verified tokens enter it, so a flood of forged tokens cannot evict
// anything; a flood of valid tokens only costs their senders the cold path.
type verifiedCache struct {
	perShard int
	shards   [cacheShards]cacheShard
}

type cacheShard struct {
	mu        sync.RWMutex
	entries   map[[sha256.Size]byte]*cacheEntry
	nextSweep time.Time
}

type cacheEntry struct {
	claims Claims
	kid    string
}

func newVerifiedCache(size int) *verifiedCache {
	c := &verifiedCache{perShard: max(1, (size+cacheShards-1)/cacheShards)}
	for i := range c.shards {
		c.shards[i].entries = make(map[[sha256.Size]byte]*cacheEntry)
	}
	return c
}

// tokenDigest is the cache key of a raw token. It hashes the string's bytes
// in place: []byte(raw) would copy the token on every request, the only
// allocation of a cache hit. Sum256 only reads its argument.
func tokenDigest(raw string) [sha256.Size]byte {
	return sha256.Sum256(unsafe.Slice(unsafe.StringData(raw), len(raw)))
}

func (c *verifiedCache) shard(digest [sha256.Size]byte) *cacheShard {
	return &c.shards[int(digest[0])%cacheShards]
}

// get returns the remembered claims and kid for digest. The caller checks
// expiry and the kid.
func (c *verifiedCache) get(digest [sha256.Size]byte) (Claims, string, bool) {
	s := c.shard(digest)
	s.mu.RLock()
	e, ok := s.entries[digest]
	s.mu.RUnlock()
	if !ok {
		return Claims{}, "", false
	}
	return e.claims, e.kid, true
}

// put remembers claims for digest until claims.ExpiresAt.
func (c *verifiedCache) put(digest [sha256.Size]byte, claims Claims, kid string, now time.Time) {
	s := c.shard(digest)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.entries[digest]; !ok && len(s.entries) >= c.perShard {
		if !now.Before(s.nextSweep) {
			for d, e := range s.entries {
				if !now.Before(e.claims.ExpiresAt) {
					delete(s.entries, d)
				}
			}
			s.nextSweep = now.Add(time.Second)
		}
		for d := range s.entries {
			if len(s.entries) < c.perShard {
				break
			}
			delete(s.entries, d) // map order is random: an arbitrary victim
		}
	}
	s.entries[digest] = &cacheEntry{claims: claims, kid: kid}
}

// remove forgets digest.
func (c *verifiedCache) remove(digest [sha256.Size]byte) {
	s := c.shard(digest)
	s.mu.Lock()
	delete(s.entries, digest)
	s.mu.Unlock()
}

// len returns the number of remembered tokens.
func (c *verifiedCache) len() int {
	n := 0
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.RLock()
		n += len(s.entries)
		s.mu.RUnlock()
	}
	return n
}
