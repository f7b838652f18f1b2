package server

import (
	"math"
	"net/netip"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Default token-endpoint rate limits (requests per second; each allows a
// burst of one second's worth). serve's --rate-limit-ip and --rate-limit-key
// default to them.
const (
	DefaultRateLimitIP  = 100
	DefaultRateLimitKey = 20
)

// maxLimiters bounds the limiters one limiterSet keeps. A limiter idle long
// enough to have refilled is forgotten first; past the bound an arbitrary
// one is, which at worst gives its client a fresh burst.
const maxLimiters = 100_000

// limiterSet is one token bucket (golang.org/x/time/rate) per client key: a
// source address or an access key id. Memory is bounded: idle limiters are
// evicted by sweep and the set never holds more than maxLimiters.
type limiterSet struct {
	limit rate.Limit
	burst int
	// idle is how long an unused limiter takes to refill completely; after
	// it, the limiter is indistinguishable from a new one and can go.
	idle time.Duration

	mu      sync.Mutex
	entries map[string]*limiterEntry
}

type limiterEntry struct {
	lim      *rate.Limiter
	lastSeen time.Time
}

// newLimiterSet returns a set allowing perSecond requests per second per
// key with bursts of perSecond; nil when perSecond is 0 (no limit).
func newLimiterSet(perSecond int) *limiterSet {
	if perSecond <= 0 {
		return nil
	}
	return &limiterSet{
		limit:   rate.Limit(perSecond),
		burst:   perSecond,
		idle:    time.Second + time.Second/time.Duration(perSecond),
		entries: make(map[string]*limiterEntry),
	}
}

// allow takes one request for key at now. When the bucket is empty it
// returns false and how many whole seconds to wait (at least 1), for
// Retry-After. A nil set allows everything.
func (ls *limiterSet) allow(key string, now time.Time) (bool, int) {
	if ls == nil {
		return true, 0
	}
	ls.mu.Lock()
	e, ok := ls.entries[key]
	if !ok {
		if len(ls.entries) >= maxLimiters {
			ls.evictLocked(now)
		}
		e = &limiterEntry{lim: rate.NewLimiter(ls.limit, ls.burst)}
		ls.entries[key] = e
	}
	e.lastSeen = now
	ls.mu.Unlock()

	r := e.lim.ReserveN(now, 1)
	delay := r.DelayFrom(now)
	if delay == 0 {
		return true, 0
	}
	r.CancelAt(now) // a refused request does not use up future capacity
	return false, max(1, int(math.Ceil(delay.Seconds())))
}

// sweep forgets limiters idle long enough to have refilled.
func (ls *limiterSet) sweep(now time.Time) {
	if ls == nil {
		return
	}
	ls.mu.Lock()
	defer ls.mu.Unlock()
	ls.sweepLocked(now)
}

func (ls *limiterSet) sweepLocked(now time.Time) {
	for k, e := range ls.entries {
		if now.Sub(e.lastSeen) >= ls.idle {
			delete(ls.entries, k)
		}
	}
}

// evictLocked makes room for one more limiter: the idle ones go, and if
// none is idle, an arbitrary one (map order is random).
func (ls *limiterSet) evictLocked(now time.Time) {
	ls.sweepLocked(now)
	for k := range ls.entries {
		if len(ls.entries) < maxLimiters {
			return
		}
		delete(ls.entries, k)
	}
}

// sourceKey is the rate-limit key of a client address: the address itself
// for IPv4, its /64 for IPv6, since one host commonly holds a whole /64 and
// could otherwise take a fresh limiter per request.
func sourceKey(ip netip.Addr) string {
	if ip.Is6() && !ip.Is4In6() {
		p, err := ip.Prefix(64)
		if err == nil {
			return p.String()
		}
	}
	return ip.String()
}
