package cidr

import "net/netip"

// Contains reports whether list allows ip. An empty list allows any address,
// including the zero netip.Addr; a non-empty list never allows the zero
// Addr. ip is unmapped first, so ::ffff:10.1.2.3 matches 10.0.0.0/8, and its
// IPv6 zone is ignored. IPv6 prefixes never match IPv4 addresses: ::/0
// allows every IPv6 client but no IPv4 one. list must be canonical (see the
// package doc).
func Contains(list []netip.Prefix, ip netip.Addr) bool {
	if len(list) == 0 {
		return true
	}
	ip = ip.Unmap().WithZone("")
	for _, p := range list {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// AllowedByAll reports whether every non-empty list among lists allows ip, as
// [Contains] decides. This is how an access key's effective allow list works:
// the intersection of the key's own list and its service user's, where an
// empty list restricts nothing. With no non-empty list, any ip is allowed.
func AllowedByAll(ip netip.Addr, lists ...[]netip.Prefix) bool {
	for _, list := range lists {
		if !Contains(list, ip) {
			return false
		}
	}
	return true
}
