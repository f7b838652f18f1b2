package cidr

import (
	"net/netip"
	"testing"
)

func TestContains(t *testing.T) {
	mixed := []string{"10.0.0.0/8", "192.0.2.7", "2001:db8::/32"}
	tests := []struct {
		name string
		list []string
		ip   string // "" = the zero Addr
		want bool
	}{
		{"empty list allows any IPv4", nil, "203.0.113.9", true},
		{"empty list allows any IPv6", nil, "2001:db8::1", true},
		{"empty list allows the zero Addr", nil, "", true},
		{"IPv4 inside", mixed, "10.200.3.4", true},
		{"IPv4 first address", mixed, "10.0.0.0", true},
		{"IPv4 last address", mixed, "10.255.255.255", true},
		{"IPv4 just outside", mixed, "11.0.0.0", false},
		{"single address", mixed, "192.0.2.7", true},
		{"single address neighbour", mixed, "192.0.2.8", false},
		{"mapped client matches IPv4 prefix", mixed, "::ffff:10.1.2.3", true},
		{"mapped client outside", mixed, "::ffff:11.1.2.3", false},
		{"IPv6 inside", mixed, "2001:db8:ffff::1", true},
		{"IPv6 outside", mixed, "2001:db9::1", false},
		{"IPv6 zone ignored", mixed, "2001:db8::1%eth0", true},
		{"zero Addr against a list", mixed, "", false},
		{"::/0 does not allow IPv4", []string{"::/0"}, "192.0.2.7", false},
		{"::/0 does not allow mapped IPv4", []string{"::/0"}, "::ffff:192.0.2.7", false},
		{"0.0.0.0/0 allows mapped IPv4", []string{"0.0.0.0/0"}, "::ffff:192.0.2.7", true},
		{"0.0.0.0/0 does not allow IPv6", []string{"0.0.0.0/0"}, "::1", false},
		{"list from a mapped entry allows IPv4", []string{"::ffff:10.0.0.0/104"}, "10.9.9.9", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list := mustParse(t, tt.list...)
			var ip netip.Addr
			if tt.ip != "" {
				ip = netip.MustParseAddr(tt.ip)
			}
			if got := Contains(list, ip); got != tt.want {
				t.Errorf("Contains(%v, %v) = %v, want %v", list, ip, got, tt.want)
			}
		})
	}
}

func TestAllowedByAll(t *testing.T) {
	user := []string{"10.0.0.0/8", "2001:db8::/32"}
	key := []string{"10.1.0.0/16", "192.0.2.0/24"}
	tests := []struct {
		name      string
		user, key []string
		ip        string
		want      bool
	}{
		{"no restriction at all", nil, nil, "203.0.113.9", true},
		{"user only: inside", user, nil, "10.9.9.9", true},
		{"user only: outside", user, nil, "192.0.2.1", false},
		{"key only: inside", nil, key, "192.0.2.1", true},
		{"key only: outside", nil, key, "10.9.9.9", false},
		{"both: in the intersection", user, key, "10.1.2.3", true},
		{"both: in user's only", user, key, "10.9.9.9", false},
		{"both: in key's only", user, key, "192.0.2.1", false},
		{"both: in neither", user, key, "203.0.113.9", false},
		{"both: IPv6 in user's, key has no IPv6", user, key, "2001:db8::1", false},
		{"both: mapped client in the intersection", user, key, "::ffff:10.1.2.3", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ip := netip.MustParseAddr(tt.ip)
			u, k := mustParse(t, tt.user...), mustParse(t, tt.key...)
			if got := AllowedByAll(ip, k, u); got != tt.want {
				t.Errorf("AllowedByAll(%v, key %v, user %v) = %v, want %v", ip, k, u, got, tt.want)
			}
			// Intersection does not depend on the order of the lists.
			if got := AllowedByAll(ip, u, k); got != tt.want {
				t.Errorf("AllowedByAll(%v, user %v, key %v) = %v, want %v", ip, u, k, got, tt.want)
			}
		})
	}
	if !AllowedByAll(netip.MustParseAddr("192.0.2.1")) {
		t.Error("AllowedByAll with no lists refused an address")
	}
}
