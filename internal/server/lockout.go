package server

import (
	"math"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// The lockout rule (SPEC "Tokens"): lockoutFailures wrong secrets for one
// (access key, source address) within lockoutWindow lock that pair for
// lockoutDuration. Only the pair is locked, so a stranger who knows a key
// id (it is not a secret) locks out their own address, not the service.
const (
	lockoutFailures = 5
	lockoutWindow   = 15 * time.Minute
	lockoutDuration = 15 * time.Minute
)

// maxLockoutEntries bounds the (key, address) pairs remembered. Past it,
// pairs that are neither locked nor within their window are forgotten
// first, then arbitrary unlocked ones.
const maxLockoutEntries = 100_000

// lockoutKey is one (access key id, source address) pair.
type lockoutKey struct {
	keyID string
	ip    netip.Addr
}

// lockoutEntry is the recent failures of one pair, oldest first, or the
// end of its lock.
type lockoutEntry struct {
	failures    []time.Time
	lockedUntil time.Time
}

// lockouts tracks failed client authentications. Checking it while it is
// empty — the usual case — is one atomic load.
type lockouts struct {
	count   atomic.Int64
	mu      sync.Mutex
	entries map[lockoutKey]*lockoutEntry
}

// locked returns, when the pair is locked at now, the whole seconds until
// the lock ends (at least 1); 0 when it is not locked.
func (l *lockouts) locked(keyID string, ip netip.Addr, now time.Time) int {
	if l.count.Load() == 0 {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.entries[lockoutKey{keyID, ip}]
	if !ok || !now.Before(e.lockedUntil) {
		return 0
	}
	return max(1, int(math.Ceil(e.lockedUntil.Sub(now).Seconds())))
}

// fail records a wrong secret for the pair at now and reports whether it
// locked the pair.
func (l *lockouts) fail(keyID string, ip netip.Addr, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	k := lockoutKey{keyID, ip}
	e, ok := l.entries[k]
	if !ok {
		if l.entries == nil {
			l.entries = make(map[lockoutKey]*lockoutEntry)
		}
		if len(l.entries) >= maxLockoutEntries {
			l.evictLocked(now)
		}
		e = &lockoutEntry{}
		l.entries[k] = e
		l.count.Add(1)
	}
	if now.Before(e.lockedUntil) {
		return false // already locked: the lock is not extended
	}
	e.failures = recentFailures(e.failures, now)
	e.failures = append(e.failures, now)
	if len(e.failures) < lockoutFailures {
		return false
	}
	e.failures = e.failures[:0]
	e.lockedUntil = now.Add(lockoutDuration)
	return true
}

// succeed forgets the pair's failures: the client proved it holds the
// secret.
func (l *lockouts) succeed(keyID string, ip netip.Addr) {
	if l.count.Load() == 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	k := lockoutKey{keyID, ip}
	if _, ok := l.entries[k]; ok {
		delete(l.entries, k)
		l.count.Add(-1)
	}
}

// recentFailures drops the failures older than the window.
func recentFailures(failures []time.Time, now time.Time) []time.Time {
	i := 0
	for i < len(failures) && now.Sub(failures[i]) >= lockoutWindow {
		i++
	}
	return append(failures[:0], failures[i:]...)
}

// sweep forgets pairs that are not locked and have no failure within the
// window.
func (l *lockouts) sweep(now time.Time) {
	if l.count.Load() == 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweepLocked(now)
}

func (l *lockouts) sweepLocked(now time.Time) {
	for k, e := range l.entries {
		if l.expired(e, now) {
			delete(l.entries, k)
			l.count.Add(-1)
		}
	}
}

func (l *lockouts) expired(e *lockoutEntry, now time.Time) bool {
	if now.Before(e.lockedUntil) {
		return false
	}
	return len(e.failures) == 0 || now.Sub(e.failures[len(e.failures)-1]) >= lockoutWindow
}

// evictLocked makes room for one more pair: expired pairs go, then
// arbitrary unlocked ones. Locked pairs stay: evicting them would lift a
// lock early.
func (l *lockouts) evictLocked(now time.Time) {
	l.sweepLocked(now)
	for k, e := range l.entries {
		if len(l.entries) < maxLockoutEntries {
			return
		}
		if !now.Before(e.lockedUntil) {
			delete(l.entries, k)
			l.count.Add(-1)
		}
	}
}
