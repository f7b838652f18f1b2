package server

import (
	"sync"
	"sync/atomic"
	"time"
)

// revokedTokens holds the ids (jti) of individually revoked tokens until
// they expire: the in-memory copy of the database's revoked tokens, loaded
// when the server starts and added to after each revocation is stored, so
// a request checks it without reading the database. Checking it is one
// atomic load while it is empty, the usual case; revoking a key or
// disabling a user needs no entry here (the key's state is checked on
// every request).
type revokedTokens struct {
	count atomic.Int64
	ids   sync.Map // jti → expiry time.Time
}

// add revokes jti until exp.
func (rt *revokedTokens) add(jti string, exp time.Time) {
	if _, loaded := rt.ids.LoadOrStore(jti, exp); !loaded {
		rt.count.Add(1)
	}
}

// has reports whether jti is revoked.
func (rt *revokedTokens) has(jti string) bool {
	if rt.count.Load() == 0 {
		return false
	}
	_, ok := rt.ids.Load(jti)
	return ok
}

// prune forgets tokens that have expired by now: they fail verification
// anyway. Concurrent prunes count each deletion once, so count never drops
// to zero while an id is held.
func (rt *revokedTokens) prune(now time.Time) {
	rt.ids.Range(func(k, v any) bool {
		if !now.Before(v.(time.Time)) && rt.ids.CompareAndDelete(k, v) {
			rt.count.Add(-1)
		}
		return true
	})
}
