package cidr

import (
	"fmt"
	"net/netip"
	"testing"
)

// fullList is a MaxEntries list of IPv4 /24s and IPv6 /48s, the worst case
// Contains scans.
func fullList(b *testing.B) []netip.Prefix {
	entries := make([]string, 0, MaxEntries)
	for i := range MaxEntries / 2 {
		entries = append(entries, fmt.Sprintf("10.%d.%d.0/24", i/256, i%256), fmt.Sprintf("2001:db8:%x::/48", i))
	}
	return mustParse(b, entries...)
}

func BenchmarkContains(b *testing.B) {
	list := fullList(b)
	for _, bc := range []struct{ name, ip string }{
		{"IPv4 first", "10.0.0.1"},
		{"IPv4 miss", "192.0.2.1"},
		{"mapped IPv4 miss", "::ffff:192.0.2.1"},
		{"IPv6 last", "2001:db8:31::1"},
		{"IPv6 miss", "2001:db9::1"},
	} {
		ip := netip.MustParseAddr(bc.ip)
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Contains(list, ip)
			}
		})
	}
}

func BenchmarkAllowedByAll(b *testing.B) {
	user := fullList(b)
	key := mustParse(b, "10.0.0.0/16", "2001:db8::/32")
	ip := netip.MustParseAddr("10.0.49.7")
	b.ReportAllocs()
	for b.Loop() {
		if !AllowedByAll(ip, key, user) {
			b.Fatal("refused")
		}
	}
}

func BenchmarkParseList(b *testing.B) {
	entries := Format(fullList(b))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseList(field, entries); err != nil {
			b.Fatal(err)
		}
	}
}
