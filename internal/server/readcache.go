package server

import (
	"sync"
	"time"
)

// maxCachedReads bounds the read cache; past it an arbitrary entry goes.
const maxCachedReads = 10000

// readCache keeps the JSON of read responses that the service would compute
// again from the same database state: an entry is valid while the service's
// Generation has not moved (no write since) and, for responses with
// time-derived fields (a key shown "expired" from its expiry on), until
// validUntil. Only authorized requests reach it.
type readCache struct {
	mu      sync.RWMutex
	entries map[string]cachedRead
}

type cachedRead struct {
	generation uint64
	validUntil time.Time // zero: no time limit
	body       []byte
}

func (rc *readCache) get(key string, generation uint64, now time.Time) ([]byte, bool) {
	rc.mu.RLock()
	e, ok := rc.entries[key]
	rc.mu.RUnlock()
	if !ok || e.generation != generation || (!e.validUntil.IsZero() && !now.Before(e.validUntil)) {
		return nil, false
	}
	return e.body, true
}

func (rc *readCache) put(key string, e cachedRead) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.entries == nil {
		rc.entries = make(map[string]cachedRead)
	}
	if _, ok := rc.entries[key]; !ok && len(rc.entries) >= maxCachedReads {
		for k := range rc.entries {
			delete(rc.entries, k) // map order is random: an arbitrary victim
			break
		}
	}
	rc.entries[key] = e
}

// earliestAfter returns the earliest of times after now (zero when none):
// when a response derived from them changes.
func earliestAfter(now time.Time, times ...*time.Time) time.Time {
	var out time.Time
	for _, t := range times {
		if t != nil && t.After(now) && (out.IsZero() || t.Before(out)) {
			out = *t
		}
	}
	return out
}
