package server

import (
	"net/netip"
	"testing"
	"time"
)

// Idle limiters are forgotten once they have refilled, so memory follows
// the clients active in the last seconds, not every address ever seen.
func TestLimiterSetEvictsIdle(t *testing.T) {
	ls := newLimiterSet(10)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 100 {
		ls.allow(netip.AddrFrom4([4]byte{10, 0, 0, byte(i)}).String(), now)
	}
	if n := ls.size(); n != 100 {
		t.Fatalf("size = %d", n)
	}
	ls.sweep(now.Add(500 * time.Millisecond))
	if n := ls.size(); n != 100 {
		t.Fatalf("swept busy limiters: size = %d", n)
	}
	ls.sweep(now.Add(2 * time.Second))
	if n := ls.size(); n != 0 {
		t.Fatalf("after idling: size = %d", n)
	}
	if newLimiterSet(0) != nil {
		t.Fatal("0 must disable the limit")
	}
	var disabled *limiterSet
	if ok, _ := disabled.allow("x", now); !ok {
		t.Fatal("a disabled limit refused")
	}
}

// IPv6 clients are limited per /64.
func TestSourceKey(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.1":            "192.0.2.1",
		"2001:db8:1:2:3:4:5:6": "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::1": "2001:db8:1:2::/64",
		"::1":                  "::/64",
	} {
		if got := sourceKey(netip.MustParseAddr(in)); got != want {
			t.Errorf("sourceKey(%s) = %s, want %s", in, got, want)
		}
	}
}

// The lockout table forgets pairs whose failures left the window.
func TestLockoutsSweep(t *testing.T) {
	var l lockouts
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ip := netip.MustParseAddr("192.0.2.1")
	l.fail("k1", ip, now)
	later := now.Add(time.Minute)
	for range lockoutFailures {
		l.fail("k2", ip, later)
	}
	l.sweep(now.Add(lockoutWindow))
	if _, ok := l.entries[lockoutKey{"k1", ip}]; ok {
		t.Fatal("an expired pair was kept")
	}
	if l.locked("k2", ip, now.Add(lockoutWindow)) == 0 {
		t.Fatal("the locked pair was forgotten")
	}
	l.sweep(later.Add(lockoutDuration))
	if n := l.count.Load(); n != 0 || len(l.entries) != 0 {
		t.Fatalf("after the lock: %d entries", n)
	}
}

// size returns the number of limiters held.
func (ls *limiterSet) size() int {
	if ls == nil {
		return 0
	}
	ls.mu.Lock()
	defer ls.mu.Unlock()
	return len(ls.entries)
}
